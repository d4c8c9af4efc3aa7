"""ADF regression statistics over every window of a series: the engine under SADF/GSADF/BSADF.

The right-tailed ADF regression of PSY (Phillips, Shi & Yu 2015, IER 56(4), eq. 1) on the
window of levels ``y[i..j]`` (inclusive) is

    Δy_t = a + b·y_{t-1} + Σ_{l=1..k} φ_l·Δy_{t-l} + e_t,     t = i+k+1 .. j,

and the statistic is the OLS t-ratio of ``b``. Lags are taken *inside* the window, as in
PSY's own programs (and psymonitor's ``ADF``); a window of ``L`` levels therefore has
``L-1-k`` regression rows.

Kernels (all ``@njit(cache=True)``):

* :func:`_windows_lag0` -- lag 0, one series, accurate: for each start ``i`` the window grows
  row by row with running sums of ``y - y[i]`` (shifting by the window's first value keeps the
  sums small, so nothing cancels), O(1) per window, O(T²) in all.
* :func:`_windows_lag0_batch` -- lag 0, many simulated series at once (Monte Carlo and
  bootstrap): prefix sums over the whole path, so the sums of any window are two
  subtractions and the loop over window starts vectorises; the t-ratio is compared through
  its signed square ``B·|B|·(n-2)/(A·C-B²)`` (no square root per window). Used for null
  paths, where magnitudes are O(√T) and the cancellation of prefix sums costs at most ~4 of
  16 digits; cross-checked against :func:`numpy.linalg.lstsq` in the tests.
* :func:`_windows_lags` -- ``k`` lags, fixed or chosen per window by AIC/BIC up to
  ``max_lags``: each start keeps ``Z'Z`` of ``Z = [1, Δy_{t-1..t-k}, y_{t-1}-y[i], Δy_t]``
  per lag order and reads the t-ratio off a Cholesky factor (``t = R[p-1,p]·√(n-p)/R[p,p]``
  with the level as the last regressor). The information criterion compares all orders on the
  common sample of the largest one (rows ``t ≥ i+max_lags+1``), with the Gaussian
  log-likelihood ``log(RSS/n)``; the statistic is then the t-ratio of the chosen order on its
  own full window.

Each kernel returns, for every window end ``j = w-1 .. T-1`` (``w`` = minimum window in levels),
``bsadf[j-w+1] = max_{i ≤ j-w+1} ADF(i, j)`` (PSY's backward sup ADF) and
``fwd[j-w+1] = ADF(0, j)`` (the forward-expanding ADF; its running maximum is the SADF of the
sample ``[0, j]``). Degenerate windows (a flat window, a perfect fit) give NaN and are skipped
by the maxima.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

IC_FIXED = 0
IC_AIC = 1
IC_BIC = 2
IC_CODES = {"fixed": IC_FIXED, "aic": IC_AIC, "bic": IC_BIC}


@njit(cache=True)
def _tstat_from_sums(n, sx, sy, sxx, sxy, syy):
    """t-ratio of b in Δy = a + b·x from raw sums of n rows (NaN if degenerate)."""
    a = n * sxx - sx * sx
    b = n * sxy - sx * sy
    c = n * syy - sy * sy
    den = a * c - b * b
    if a <= 0.0 or den <= 0.0 or n < 3:
        return np.nan
    return b * math.sqrt((n - 2.0) / den)


@njit(cache=True)
def _windows_lag0(y, w):
    """BSADF and forward ADF sequences, lag 0, accurate running sums (see module doc)."""
    t_len = y.shape[0]
    m = t_len - w + 1
    bsadf = np.full(m, np.nan)
    fwd = np.full(m, np.nan)
    for i in range(0, t_len - w + 1):
        c = y[i]
        n = 0.0
        sx = 0.0
        sy = 0.0
        sxx = 0.0
        sxy = 0.0
        syy = 0.0
        for j in range(i + 1, t_len):
            x = y[j - 1] - c
            d = y[j] - y[j - 1]
            n += 1.0
            sx += x
            sy += d
            sxx += x * x
            sxy += x * d
            syy += d * d
            if j - i + 1 >= w:
                t = _tstat_from_sums(n, sx, sy, sxx, sxy, syy)
                q = j - w + 1
                if i == 0:
                    fwd[q] = t
                if t == t and not (bsadf[q] >= t):
                    bsadf[q] = t
    return bsadf, fwd


@njit(cache=True, fastmath=True, error_model="numpy")
def _max_signed_sq(px, py, pxx, pxy, pyy, nf, j, cnt, buf):
    """max over starts i < cnt of the signed squared t-ratio of the window (i, j).

    Two loops on purpose: the first (no reduction, no branches) vectorises; the second is a
    four-way unrolled running maximum (LLVM does not vectorise a float max-reduction).
    """
    pxj = px[j]
    pyj = py[j]
    pxxj = pxx[j]
    pxyj = pxy[j]
    pyyj = pyy[j]
    jf = float(j)
    for i in range(cnt):
        n = jf - nf[i]
        sx = pxj - px[i]
        sy = pyj - py[i]
        a = n * (pxxj - pxx[i]) - sx * sx
        b = n * (pxyj - pxy[i]) - sx * sy
        cc = n * (pyyj - pyy[i]) - sy * sy
        buf[i] = b * abs(b) * (n - 2.0) / (a * cc - b * b)
    b0 = -np.inf
    b1 = -np.inf
    b2 = -np.inf
    b3 = -np.inf
    i = 0
    while i + 4 <= cnt:
        v0 = buf[i]
        v1 = buf[i + 1]
        v2 = buf[i + 2]
        v3 = buf[i + 3]
        b0 = v0 if v0 > b0 else b0
        b1 = v1 if v1 > b1 else b1
        b2 = v2 if v2 > b2 else b2
        b3 = v3 if v3 > b3 else b3
        i += 4
    while i < cnt:
        v0 = buf[i]
        b0 = v0 if v0 > b0 else b0
        i += 1
    b0 = b1 if b1 > b0 else b0
    b2 = b3 if b3 > b2 else b2
    return b2 if b2 > b0 else b0


@njit(cache=True, parallel=True, error_model="numpy")
def _windows_lag0_batch(paths, w):
    """Lag-0 BSADF and forward ADF sequences of many paths (rows), prefix-sum kernel."""
    reps, t_len = paths.shape
    m = t_len - w + 1
    bsadf = np.empty((reps, m))
    fwd = np.empty((reps, m))
    for r in prange(reps):
        y = paths[r]
        c = y[0]
        px = np.zeros(t_len)
        py = np.zeros(t_len)
        pxx = np.zeros(t_len)
        pxy = np.zeros(t_len)
        pyy = np.zeros(t_len)
        buf = np.empty(t_len)
        nf = np.arange(t_len).astype(np.float64)
        for k in range(1, t_len):
            x = y[k - 1] - c
            d = y[k] - y[k - 1]
            px[k] = px[k - 1] + x
            py[k] = py[k - 1] + d
            pxx[k] = pxx[k - 1] + x * x
            pxy[k] = pxy[k - 1] + x * d
            pyy[k] = pyy[k - 1] + d * d
        for j in range(w - 1, t_len):
            best = _max_signed_sq(px, py, pxx, pxy, pyy, nf, j, j - w + 2, buf)
            q_idx = j - w + 1
            bsadf[r, q_idx] = math.copysign(math.sqrt(abs(best)), best)
            fwd[r, q_idx] = _tstat_from_sums(float(j), px[j], py[j], pxx[j], pxy[j], pyy[j])
    return bsadf, fwd


@njit(cache=True)
def _chol_inplace(g, m):
    """Upper Cholesky factor R (R'R = g[:m,:m]) written into g's upper triangle.

    Returns False when the matrix is not positive definite (collinear window).
    """
    for col in range(m):
        s = g[col, col]
        for k in range(col):
            s -= g[k, col] * g[k, col]
        if s <= 1e-300:
            return False
        d = math.sqrt(s)
        g[col, col] = d
        for jj in range(col + 1, m):
            s2 = g[col, jj]
            for k in range(col):
                s2 -= g[k, col] * g[k, jj]
            g[col, jj] = s2 / d
    return True


@njit(cache=True)
def _tstat_from_gram(gram, m, n, work):
    """t-ratio of the last regressor (column m-2) of Z'Z (m = regressors + 1)."""
    for a in range(m):
        for b in range(m):
            work[a, b] = gram[a, b]
    if not _chol_inplace(work, m):
        return np.nan
    p = m - 1
    dof = n - p
    if dof <= 0:
        return np.nan
    return work[p - 1, p] * math.sqrt(dof) / work[p, p]


@njit(cache=True)
def _windows_lags(y, w, k_max, ic):
    """BSADF and forward ADF sequences with lags (fixed ``k_max`` or IC-chosen ≤ ``k_max``)."""
    t_len = y.shape[0]
    m_seq = t_len - w + 1
    bsadf = np.full(m_seq, np.nan)
    fwd = np.full(m_seq, np.nan)
    k_lo = k_max if ic == IC_FIXED else 0
    mm = k_max + 3
    grams = np.zeros((k_max + 1, mm, mm))
    nrows = np.zeros(k_max + 1)
    work = np.empty((mm, mm))
    perm = np.empty(mm, dtype=np.int64)
    z = np.empty(mm)
    rss = np.empty(k_max + 1)
    for i in range(0, t_len - w + 1):
        c = y[i]
        grams[:] = 0.0
        nrows[:] = 0.0
        for j in range(i + 1, t_len):
            dyt = y[j] - y[j - 1]
            for k in range(k_lo, k_max + 1):
                if j < i + k + 1:
                    continue
                # Z for order k: [1, Δy_{t-1..t-k}, y_{t-1}-c, Δy_t]
                z[0] = 1.0
                for lag in range(1, k + 1):
                    z[lag] = y[j - lag] - y[j - lag - 1]
                z[k + 1] = y[j - 1] - c
                z[k + 2] = dyt
                g = grams[k]
                for a in range(k + 3):
                    za = z[a]
                    for b in range(a, k + 3):
                        g[a, b] += za * z[b]
                nrows[k] += 1.0
            if j - i + 1 < w:
                continue
            if ic == IC_FIXED:
                k_sel = k_max
            else:
                # common sample = rows of order k_max; regressor order [1, level, lags, dep]
                g = grams[k_max]
                p_all = k_max + 3
                perm[0] = 0
                perm[1] = k_max + 1
                for lag in range(1, k_max + 1):
                    perm[lag + 1] = lag
                perm[p_all - 1] = k_max + 2
                for a in range(p_all):
                    for b in range(p_all):
                        pa = perm[a]
                        pb = perm[b]
                        work[a, b] = g[pa, pb] if pa <= pb else g[pb, pa]
                nc = nrows[k_max]
                ok = _chol_inplace(work, p_all)
                k_sel = 0
                if ok and nc > p_all:
                    dep = p_all - 1
                    acc = work[dep, dep] * work[dep, dep]
                    for k in range(k_max, -1, -1):
                        # regressors of order k are the first k+2 columns
                        if k < k_max:
                            acc += work[k + 2, dep] * work[k + 2, dep]
                        rss[k] = acc
                    best = np.inf
                    for k in range(0, k_max + 1):
                        if rss[k] <= 0.0:
                            continue
                        npar = k + 2.0
                        pen = 2.0 * npar if ic == IC_AIC else npar * math.log(nc)
                        val = math.log(rss[k] / nc) + pen / nc
                        if val < best:
                            best = val
                            k_sel = k
            # symmetric fill of the chosen gram into a full matrix for the t-ratio
            g = grams[k_sel]
            msel = k_sel + 3
            for a in range(msel):
                for b in range(a, msel):
                    work[a, b] = g[a, b]
                    work[b, a] = g[a, b]
            t = _tstat_from_gram(work, msel, nrows[k_sel], work)
            q = j - w + 1
            if i == 0:
                fwd[q] = t
            if t == t and not (bsadf[q] >= t):
                bsadf[q] = t
    return bsadf, fwd


@njit(cache=True, parallel=True)
def _windows_lags_batch(paths, w, k_max, ic):
    reps, t_len = paths.shape
    m = t_len - w + 1
    bsadf = np.empty((reps, m))
    fwd = np.empty((reps, m))
    for r in prange(reps):
        b, f = _windows_lags(paths[r], w, k_max, ic)
        bsadf[r] = b
        fwd[r] = f
    return bsadf, fwd


def window_sequences(
    y: np.ndarray, min_window: int, lags: int = 0, ic: str = "fixed"
) -> tuple[np.ndarray, np.ndarray]:
    """BSADF and forward-ADF sequences of one series.

    Parameters
    ----------
    y : ndarray
        The series (levels), finite, length T.
    min_window : int
        Smallest window, in observations (levels); PSY's ``⌊T·r0⌋``.
    lags : int
        Lag order (``ic="fixed"``) or the maximum lag order (``ic="aic"``/``"bic"``).
    ic : {"fixed", "aic", "bic"}
        Lag selection per window.

    Returns
    -------
    bsadf, fwd : ndarray
        Length ``T - min_window + 1``; entry ``q`` belongs to the window end
        ``j = min_window - 1 + q``.
    """
    y = np.ascontiguousarray(y, dtype=np.float64)
    code = IC_CODES[ic]
    if lags == 0 and code == IC_FIXED:
        return _windows_lag0(y, int(min_window))
    return _windows_lags(y, int(min_window), int(lags), code)


def window_sequences_batch(
    paths: np.ndarray, min_window: int, lags: int = 0, ic: str = "fixed"
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`window_sequences` for many paths (rows of ``paths``), threads over rows."""
    paths = np.ascontiguousarray(paths, dtype=np.float64)
    code = IC_CODES[ic]
    if lags == 0 and code == IC_FIXED:
        return _windows_lag0_batch(paths, int(min_window))
    return _windows_lags_batch(paths, int(min_window), int(lags), code)


def adf_window(y: np.ndarray, start: int, end: int, lags: int = 0, ic: str = "fixed") -> float:
    """ADF t-ratio on the window ``y[start..end]`` (inclusive), via the kernels."""
    seg = np.ascontiguousarray(y[start : end + 1], dtype=np.float64)
    b, _ = window_sequences(seg, len(seg), lags, ic)
    return float(b[0])
