"""Numba kernels of one LPPLS calibration: the curve, the closed-form linear solve and the
bounded variable-projection Levenberg-Marquardt local search; also the mean relative error
of given fits (:func:`window_rel_error`, the indicator's filter).

For fixed ``(tc, m, w)`` the linear parameters ``(A, B, C1, C2)`` solve the 4x4 normal
equations of Filimonov & Sornette (2013), Physica A 392, 3698-3707. Time ``t`` is in years
relative to the window end and ``|tc - t|`` is floored at :data:`EPS` years. The global search
(grids, starts, nested windows) is in :mod:`kreislauf.bubble.lppls_kernels`.
"""

from __future__ import annotations

import numpy as np
from numba import njit

EPS = 1e-9  # floor of |tc - t| in years (about 0.03 s); numerical guard only
# Reassociation and contraction only: no 'nnan'/'ninf' (the search relies on inf/NaN tests).
FASTMATH = {"nsz", "arcp", "contract", "reassoc"}


@njit(cache=True)
def lppls_curve(
    t: np.ndarray, tc: float, m: float, w: float, a: float, b: float, c1: float, c2: float
) -> np.ndarray:
    """The LPPLS log-price ``A + f (B + C1 cos(w ln|tc-t|) + C2 sin(w ln|tc-t|))``."""
    out = np.empty(t.shape[0])
    for i in range(t.shape[0]):
        tau = abs(tc - t[i])
        if tau < EPS:
            tau = EPS
        lg = np.log(tau)
        f = np.exp(m * lg)
        out[i] = a + f * (b + c1 * np.cos(w * lg) + c2 * np.sin(w * lg))
    return out


@njit(cache=True)
def _solve_inplace(a: np.ndarray, b: np.ndarray, n: int) -> bool:
    """Gaussian elimination with partial pivoting on ``a[:n, :n] x = b[:n]``; x into b."""
    for k in range(n):
        piv = k
        big = abs(a[k, k])
        for r in range(k + 1, n):
            if abs(a[r, k]) > big:
                big = abs(a[r, k])
                piv = r
        if big == 0.0 or not np.isfinite(big):
            return False
        if piv != k:
            for c in range(n):
                tmp = a[k, c]
                a[k, c] = a[piv, c]
                a[piv, c] = tmp
            tmp = b[k]
            b[k] = b[piv]
            b[piv] = tmp
        for r in range(k + 1, n):
            fac = a[r, k] / a[k, k]
            for c in range(k, n):
                a[r, c] -= fac * a[k, c]
            b[r] -= fac * b[k]
    for k in range(n - 1, -1, -1):
        s = b[k]
        for c in range(k + 1, n):
            s -= a[k, c] * b[c]
        b[k] = s / a[k, k]
    return True


@njit(cache=True)
def linear_params(
    t: np.ndarray, y: np.ndarray, tc: float, m: float, w: float, out: np.ndarray
) -> float:
    """Closed-form ``(A, B, C1, C2)`` for given ``(tc, m, w)``; returns the SSE.

    Builds the 4x4 normal equations of Filimonov & Sornette (2013, eq. 10) and solves them
    by Gaussian elimination with partial pivoting; the SSE is computed from the residuals
    (not from the normal equations) so that it is exact. Returns ``inf`` (and NaNs in
    ``out``) when the system is singular.
    """
    n = t.shape[0]
    mat = np.zeros((4, 4))
    rhs = np.zeros(4)
    basis = np.empty((n, 3))
    for i in range(n):
        tau = abs(tc - t[i])
        if tau < EPS:
            tau = EPS
        lg = np.log(tau)
        f = np.exp(m * lg)
        g = f * np.cos(w * lg)
        h = f * np.sin(w * lg)
        basis[i, 0] = f
        basis[i, 1] = g
        basis[i, 2] = h
        v0, v1, v2, v3 = 1.0, f, g, h
        mat[0, 0] += 1.0
        mat[0, 1] += v1
        mat[0, 2] += v2
        mat[0, 3] += v3
        mat[1, 1] += v1 * v1
        mat[1, 2] += v1 * v2
        mat[1, 3] += v1 * v3
        mat[2, 2] += v2 * v2
        mat[2, 3] += v2 * v3
        mat[3, 3] += v3 * v3
        rhs[0] += y[i] * v0
        rhs[1] += y[i] * v1
        rhs[2] += y[i] * v2
        rhs[3] += y[i] * v3
    for r in range(4):
        for c in range(r):
            mat[r, c] = mat[c, r]
    if not _solve_inplace(mat, rhs, 4):
        out[:] = np.nan
        return np.inf
    out[:] = rhs
    sse = 0.0
    for i in range(n):
        e = y[i] - (rhs[0] + rhs[1] * basis[i, 0] + rhs[2] * basis[i, 1] + rhs[3] * basis[i, 2])
        sse += e * e
    return sse


@njit(cache=True)
def _chol4(
    nn: float,
    s1: float,
    s2: float,
    s3: float,
    s11: float,
    s12: float,
    s13: float,
    s22: float,
    s23: float,
    s33: float,
    ridge: float,
) -> tuple:
    """Cholesky factor of the 4x4 normal matrix of ``(1, f, f cos, f sin)`` (scalars).

    ``ridge`` adds ``ridge * diag`` first. Returns ``(ok, l00, l10, l20, l30, l11, l21,
    l31, l22, l32, l33)``; ``ok`` is False when a pivot is not clearly positive.
    """
    one = 1.0
    d0 = nn * (1.0 + ridge)
    if not d0 > 0.0:
        return False, one, one, one, one, one, one, one, one, one, one
    l00 = np.sqrt(d0)
    l10 = s1 / l00
    l20 = s2 / l00
    l30 = s3 / l00
    d1 = s11 * (1.0 + ridge) - l10 * l10
    if not d1 > 1e-13 * s11:
        return False, one, one, one, one, one, one, one, one, one, one
    l11 = np.sqrt(d1)
    l21 = (s12 - l20 * l10) / l11
    l31 = (s13 - l30 * l10) / l11
    d2 = s22 * (1.0 + ridge) - l20 * l20 - l21 * l21
    if not d2 > 1e-13 * s22:
        return False, one, one, one, one, one, one, one, one, one, one
    l22 = np.sqrt(d2)
    l32 = (s23 - l30 * l20 - l31 * l21) / l22
    d3 = s33 * (1.0 + ridge) - l30 * l30 - l31 * l31 - l32 * l32
    if not d3 > 1e-13 * s33:
        return False, one, one, one, one, one, one, one, one, one, one
    return True, l00, l10, l20, l30, l11, l21, l31, l22, l32, np.sqrt(d3)


@njit(cache=True, fastmath=FASTMATH)
def _vp_eval(
    t: np.ndarray,
    y: np.ndarray,
    tc: float,
    m: float,
    w: float,
    work: np.ndarray,
    beta: np.ndarray,
    jtj: np.ndarray,
    jtr: np.ndarray,
    want_jac: bool,
) -> float:
    """Concentrated SSE at ``(tc, m, w)``; optionally the variable-projection GN system.

    ``beta`` receives the closed-form ``(A, B, C1, C2)``. With ``want_jac`` the Kaufman
    (1975) approximation of the projected Jacobian is formed: with ``V = (dPhi/dtheta) beta``
    (the derivatives of the fitted curve at fixed linear parameters) and the basis
    ``Phi = (1, f, f cos, f sin)``, ``J'J = V'V - (Phi'V)' (Phi'Phi)^-1 (Phi'V)`` and
    ``J'r = V'r`` (``r`` is orthogonal to ``Phi``). ``work`` is a (5, n) scratch array.
    """
    n = t.shape[0]
    s1 = 0.0
    s2 = 0.0
    s3 = 0.0
    s11 = 0.0
    s12 = 0.0
    s13 = 0.0
    s22 = 0.0
    s23 = 0.0
    s33 = 0.0
    r0 = 0.0
    r1 = 0.0
    r2 = 0.0
    r3 = 0.0
    for i in range(n):
        tau = tc - t[i]
        at = abs(tau)
        if at < EPS:
            at = EPS
        lg = np.log(at)
        f = np.exp(m * lg)
        fc = f * np.cos(w * lg)
        fs = f * np.sin(w * lg)
        work[0, i] = tau
        work[1, i] = lg
        work[2, i] = f
        work[3, i] = fc
        work[4, i] = fs
        yi = y[i]
        s1 += f
        s2 += fc
        s3 += fs
        s11 += f * f
        s12 += f * fc
        s13 += f * fs
        s22 += fc * fc
        s23 += fc * fs
        s33 += fs * fs
        r0 += yi
        r1 += yi * f
        r2 += yi * fc
        r3 += yi * fs
    # Cholesky of Phi'Phi (scalars); an ill-conditioned system gets its linear parameters
    # from the pivoting solver and only the Jacobian term from a ridge-regularised factor
    nn = float(n)
    ok, l00, l10, l20, l30, l11, l21, l31, l22, l32, l33 = _chol4(
        nn, s1, s2, s3, s11, s12, s13, s22, s23, s33, 0.0
    )
    if ok:
        z0 = r0 / l00
        z1 = (r1 - l10 * z0) / l11
        z2 = (r2 - l20 * z0 - l21 * z1) / l22
        z3 = (r3 - l30 * z0 - l31 * z1 - l32 * z2) / l33
        x3 = z3 / l33
        x2 = (z2 - l32 * x3) / l22
        x1 = (z1 - l21 * x2 - l31 * x3) / l11
        x0 = (z0 - l10 * x1 - l20 * x2 - l30 * x3) / l00
        beta[0] = x0
        beta[1] = x1
        beta[2] = x2
        beta[3] = x3
    else:
        g = np.empty((4, 4))
        g[0, 0] = nn
        g[0, 1] = g[1, 0] = s1
        g[0, 2] = g[2, 0] = s2
        g[0, 3] = g[3, 0] = s3
        g[1, 1] = s11
        g[1, 2] = g[2, 1] = s12
        g[1, 3] = g[3, 1] = s13
        g[2, 2] = s22
        g[2, 3] = g[3, 2] = s23
        g[3, 3] = s33
        beta[0] = r0
        beta[1] = r1
        beta[2] = r2
        beta[3] = r3
        if not _solve_inplace(g, beta, 4):
            return np.inf
        if want_jac:
            ok, l00, l10, l20, l30, l11, l21, l31, l22, l32, l33 = _chol4(
                nn, s1, s2, s3, s11, s12, s13, s22, s23, s33, 1e-10
            )
            if not ok:
                return np.inf
    a, b, c1, c2 = beta[0], beta[1], beta[2], beta[3]
    sse = 0.0
    if not want_jac:
        for i in range(n):
            e = y[i] - (a + b * work[2, i] + c1 * work[3, i] + c2 * work[4, i])
            sse += e * e
        return sse
    e0 = 0.0
    e1 = 0.0
    e2 = 0.0
    v00 = 0.0
    v01 = 0.0
    v02 = 0.0
    v11 = 0.0
    v12 = 0.0
    v22 = 0.0
    p00 = 0.0
    p01 = 0.0
    p02 = 0.0
    p10 = 0.0
    p11 = 0.0
    p12 = 0.0
    p20 = 0.0
    p21 = 0.0
    p22 = 0.0
    p30 = 0.0
    p31 = 0.0
    p32 = 0.0
    for i in range(n):
        tau = work[0, i]
        lg = work[1, i]
        f = work[2, i]
        fc = work[3, i]
        fs = work[4, i]
        osc = b * f + c1 * fc + c2 * fs  # f * (B + C1 cos + C2 sin)
        dph = c2 * fc - c1 * fs  # f * (C2 cos - C1 sin)
        e = y[i] - (a + osc)
        sse += e * e
        v0 = 0.0 if abs(tau) < EPS else (m * osc + w * dph) / tau
        v1 = lg * osc
        v2 = lg * dph
        e0 += v0 * e
        e1 += v1 * e
        e2 += v2 * e
        v00 += v0 * v0
        v01 += v0 * v1
        v02 += v0 * v2
        v11 += v1 * v1
        v12 += v1 * v2
        v22 += v2 * v2
        p00 += v0
        p01 += v1
        p02 += v2
        p10 += f * v0
        p11 += f * v1
        p12 += f * v2
        p20 += fc * v0
        p21 += fc * v1
        p22 += fc * v2
        p30 += fs * v0
        p31 += fs * v1
        p32 += fs * v2
    jtr[0] = e0
    jtr[1] = e1
    jtr[2] = e2
    vv = np.empty((3, 3))
    vv[0, 0], vv[0, 1], vv[0, 2] = v00, v01, v02
    vv[1, 1], vv[1, 2], vv[2, 2] = v11, v12, v22
    # (Phi'V)' (Phi'Phi)^-1 (Phi'V) = Z'Z with L Z = Phi'V (forward substitution)
    zz = np.empty((4, 3))
    for k in range(3):
        if k == 0:
            q0, q1, q2, q3 = p00, p10, p20, p30
        elif k == 1:
            q0, q1, q2, q3 = p01, p11, p21, p31
        else:
            q0, q1, q2, q3 = p02, p12, p22, p32
        w0 = q0 / l00
        w1 = (q1 - l10 * w0) / l11
        w2 = (q2 - l20 * w0 - l21 * w1) / l22
        w3 = (q3 - l30 * w0 - l31 * w1 - l32 * w2) / l33
        zz[0, k] = w0
        zz[1, k] = w1
        zz[2, k] = w2
        zz[3, k] = w3
    for u in range(3):
        for v in range(u, 3):
            acc = vv[u, v]
            for r in range(4):
                acc -= zz[r, u] * zz[r, v]
            jtj[u, v] = acc
            jtj[v, u] = acc
    return sse


@njit(cache=True)
def search_coords(
    x0: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    p: np.ndarray,
    q: np.ndarray,
    qlo: np.ndarray,
    qhi: np.ndarray,
) -> tuple:
    """Start ``p`` (``x0`` clipped to the box) and its search coordinates ``q`` in ``[qlo, qhi]``.

    On one side of ``t2`` (``lo[0]``, ``hi[0]`` of one sign) a local search runs in
    ``u = ln|tc - t2|`` (``tc = sgn exp(u)``): the cost is close to periodic in
    ``ln|tc - t2|`` near ``t2``, so steps in ``u`` cross its basins evenly. Returns
    ``(logtc, sgn)``.
    """
    for k in range(3):
        p[k] = min(max(x0[k], lo[k]), hi[k])
        qlo[k] = lo[k]
        qhi[k] = hi[k]
        q[k] = p[k]
    logtc = (lo[0] > 0.0 and hi[0] > 0.0) or (lo[0] < 0.0 and hi[0] < 0.0)
    sgn = 1.0 if lo[0] > 0.0 else -1.0
    if logtc:
        qlo[0] = np.log(min(abs(lo[0]), abs(hi[0])))
        qhi[0] = np.log(max(abs(lo[0]), abs(hi[0])))
        q[0] = np.log(abs(p[0]))
    return logtc, sgn


@njit(cache=True)
def lm_refine(
    t: np.ndarray,
    y: np.ndarray,
    x0: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    max_iter: int,
    out: np.ndarray,
    tol: float = 1e-10,
    max_tries: int = 8,
    allow_reset: bool = True,
    lam0: float = 1e-3,
) -> float:
    """Bounded variable-projection Levenberg-Marquardt from ``x0 = (tc, m, w)``.

    Iterates on the three nonlinear parameters only; the linear ones are the closed-form
    solution at every iterate (Golub & Pereyra 1973, with Kaufman's 1975 Jacobian). Steps
    are projected onto ``[lo, hi]``, and a parameter on its bound whose gradient points
    outwards is held (active set), so no iterate leaves the bounds. ``out`` receives
    ``(tc, m, w, A, B, C1, C2)``; returns the SSE (``inf`` if no finite fit was found).
    The search stops when an accepted step gains less than ``tol`` (relative) or after
    ``max_tries`` rejected trials (with one damping reset when ``allow_reset``).
    """
    n = t.shape[0]
    work = np.empty((5, n))
    beta = np.empty(4)
    beta_t = np.empty(4)
    jtj = np.zeros((3, 3))
    jtr = np.zeros(3)
    jtj_t = np.zeros((3, 3))
    jtr_t = np.zeros(3)
    a = np.empty((3, 3))
    d = np.empty(3)
    p = np.empty(3)
    trial = np.empty(3)
    qlo = np.empty(3)
    qhi = np.empty(3)
    q = np.empty(3)
    qt = np.empty(3)
    logtc, sgn = search_coords(x0, lo, hi, p, q, qlo, qhi)
    sse = _vp_eval(t, y, p[0], p[1], p[2], work, beta, jtj, jtr, True)
    if not np.isfinite(sse):
        out[:] = np.nan
        return np.inf
    lam = lam0
    reset = False
    for _ in range(max_iter):
        accepted = False
        new_sse = sse
        sc = p[0] if logtc else 1.0  # d tc / d u
        for _try in range(max_tries):
            for u in range(3):
                su = sc if u == 0 else 1.0
                for v in range(3):
                    sv = sc if v == 0 else 1.0
                    a[u, v] = jtj[u, v] * su * sv
                dg = a[u, u]
                a[u, u] = dg + lam * (dg if dg > 1e-300 else 1.0)
                d[u] = jtr[u] * su
            for k in range(3):  # active set: a parameter on its bound pushed outwards stays
                gk = d[k]
                if (q[k] <= qlo[k] and gk < 0.0) or (q[k] >= qhi[k] and gk > 0.0):
                    for v in range(3):
                        a[k, v] = 0.0
                        a[v, k] = 0.0
                    a[k, k] = 1.0
                    d[k] = 0.0
            g0 = d[0]
            g1 = d[1]
            g2 = d[2]
            if not _solve_inplace(a, d, 3):
                lam *= 10.0
                continue
            # predicted decrease 2 d'g (g = J'r in the search coordinates) below the
            # tolerance on the first try: converged, no trial spent on it
            if _try == 0 and 2.0 * (d[0] * g0 + d[1] * g1 + d[2] * g2) <= tol * sse:
                break
            moved = False
            for k in range(3):
                qt[k] = min(max(q[k] + d[k], qlo[k]), qhi[k])
                moved = moved or qt[k] != q[k]
            if not moved:
                break
            trial[0] = sgn * np.exp(qt[0]) if logtc else qt[0]
            trial[0] = min(max(trial[0], lo[0]), hi[0])
            trial[1] = qt[1]
            trial[2] = qt[2]
            new_sse = _vp_eval(t, y, trial[0], trial[1], trial[2], work, beta_t, jtj_t, jtr_t, True)
            if new_sse < sse:
                accepted = True
                break
            lam *= 6.0
        if not accepted:
            if reset or not allow_reset:
                break
            reset = True  # once per search: a damping grown on a rough stretch may hide a step
            lam = 1e-3
            continue
        gain = sse - new_sse
        p[:] = trial
        q[:] = qt
        beta[:] = beta_t
        jtj[:, :] = jtj_t
        jtr[:] = jtr_t
        sse = new_sse
        lam = max(lam / 4.0, 1e-12)
        if gain <= tol * sse + 1e-300:
            break
    out[0] = p[0]
    out[1] = p[1]
    out[2] = p[2]
    out[3:7] = beta
    return sse


@njit(cache=True)
def window_rel_error(
    t: np.ndarray, y: np.ndarray, start_pos: np.ndarray, end_pos: np.ndarray, fits: np.ndarray
) -> np.ndarray:
    """Mean ``|p / p_hat - 1|`` of every window's fit (NaN where the fit failed).

    ``fits[e, j]`` holds absolute ``(tc, m, w, A, B, C1, C2, sse)`` of the window
    ``[start_pos[e, j], end_pos[e]]`` (positions in ``t`` and the log prices ``y``).
    """
    n_end, nj = start_pos.shape
    out = np.full((n_end, nj), np.nan)
    for e in range(n_end):
        for j in range(nj):
            tc, m, w, a, b, c1, c2, sse = fits[e, j]
            if not np.isfinite(sse):
                continue
            acc = 0.0
            cnt = 0
            for i in range(start_pos[e, j], end_pos[e] + 1):
                tau = abs(tc - t[i])
                if tau < EPS:
                    tau = EPS
                lg = np.log(tau)
                f = np.exp(m * lg)
                yhat = a + f * (b + c1 * np.cos(w * lg) + c2 * np.sin(w * lg))
                acc += abs(np.exp(y[i] - yhat) - 1.0)
                cnt += 1
            out[e, j] = acc / cnt
    return out
