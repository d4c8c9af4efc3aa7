"""Critical values for SADF, GSADF and the BSADF date-stamping sequence.

Two null generators
-------------------
``"mc"``  -- Monte Carlo under PSY's null (Phillips, Shi & Yu 2015, IER 56(4), eq. 5): a random
    walk with an asymptotically negligible drift, ``y_t = d·T^(-eta) + y_{t-1} + e_t``,
    ``e_t ~ iid N(0, 1)``, ``y_0 = 0``. PSY simulate with ``d = eta = 1``; those are the
    defaults here. ``d = 0`` is the driftless walk exuber's ``radf_mc_cv`` simulates.
``"wild"`` -- a wild bootstrap in the manner of Phillips & Shi (2020, "Real time monitoring of
    asset markets: bubbles and crises", Handbook of Statistics 42): the null model
    ``Δy_t = μ + Σ φ_l Δy_{t-l} + e_t`` is fitted to the data by OLS (lag order fixed or chosen
    by AIC/BIC on the full sample); each replication draws a fresh multiplier ``w_t`` (standard
    normal or Rademacher) for *every* observation and rebuilds
    ``Δy*_t = Σ φ_l Δy*_{t-l} + w_t·ê_t`` (no intercept: the null has no drift, as in P&S's
    code), ``Δy*_t = Δy_t`` for the first ``k`` differences, ``y*_0 = y_0``. Each residual stays
    at its own date, so the pattern of (non-stationary) volatility is kept. This differs on
    purpose from psymonitor's ``cvPSYwmboot`` and exuber's ``radf_wb_ps_cv``, which also resample
    the residuals' dates with replacement (that destroys the volatility pattern the wild
    bootstrap is meant to preserve).

Two rules for the date-stamping sequence ``cv_j`` (``j`` = end of the sample ``[0, j]``)
----------------------------------------------------------------------------------------
``"psy"`` (default) -- ``cv_j`` is the quantile of the null distribution of the statistic that
    is compared with it, ``BSADF_j`` itself (the sup of the ADF statistics of the windows
    ``[i, j]``). This is PSY's rule (eq. 9-10: ``scv_{r2}``, "the critical value of the sup ADF
    statistic based on ⌊T·r2⌋ observations", with BSADF the sup ADF of those observations) and
    what exuber's wild bootstraps (``radf_wb_cv``, ``radf_wb_ps_cv``) compute per observation.
``"exuber"`` -- ``cv_j`` is the quantile of ``max_{j' ≤ j} ADF(0, j')``, the forward SADF of
    the sample ``[0, j]``. This is exuber's Monte Carlo rule (``radf_mc_cv``:
    ``apply(badf, 2, cummax)`` then quantiles per observation), a different statistic (windows
    anchored at the first observation), so its size for BSADF is not controlled exactly.

Family-wise control (``fwer_window = L``): instead of the point-wise quantile, ``cv_j`` is the
quantile of the maximum of the null sequence over the ``L`` observations ending at ``j``, so that
the probability of at least one false alarm within any stretch of ``L`` observations is the
nominal size. Phillips & Shi (2020) control the same family-wise rate with one constant
critical value from bootstrap samples of length ``w + L - 1``; the rolling version here is
our generalisation for the genuine (date-keeping) wild bootstrap. It is off by default.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numba import njit

from kreislauf.bubble.adf import window_sequences, window_sequences_batch
from kreislauf.errors import InputError

LEVELS: tuple[float, ...] = (0.90, 0.95, 0.99)
METHODS = ("mc", "wild")
RULES = ("psy", "exuber")
# PSY (2015, IER 56(4), Section 4 simulations) use d = eta = 1 in y_t = d T^-eta + y_{t-1} + e_t.
PSY_DRIFT_D = 1.0
PSY_DRIFT_ETA = 1.0
_CHUNK = 250  # replications simulated per batch (bounds memory; part of the seeded stream)


@dataclass(frozen=True)
class NullDraws:
    """Statistics of every null replication.

    ``bsadf`` and ``sadf_path`` have one row per replication and one column per window end
    ``j = w-1 .. n-1``; ``sadf_path`` is the running maximum of the forward ADF.
    """

    bsadf: np.ndarray
    sadf_path: np.ndarray
    adf: np.ndarray

    @property
    def sadf(self) -> np.ndarray:
        return self.sadf_path[:, -1]

    @property
    def gsadf(self) -> np.ndarray:
        return np.nanmax(self.bsadf, axis=1)


@dataclass(frozen=True)
class CriticalValues:
    """Critical values at ``levels`` for ADF, SADF, GSADF and the BSADF sequence.

    Attributes
    ----------
    levels : tuple of float
    adf, sadf, gsadf : ndarray, shape (len(levels),)
    sequence : ndarray, shape (n - min_window + 1, len(levels))
        The date-stamping critical value per window end under ``rule``.
    sadf_se, gsadf_se : ndarray
        Monte Carlo standard errors of the SADF/GSADF quantiles (order-statistic estimate).
    method, rule : str
    reps, seed, n, min_window, lags : int
    ic : str
    options : dict
        The generator's settings (drift d and eta, multiplier, fwer_window).
    """

    levels: tuple[float, ...]
    adf: np.ndarray
    sadf: np.ndarray
    gsadf: np.ndarray
    sequence: np.ndarray
    sadf_se: np.ndarray
    gsadf_se: np.ndarray
    method: str
    rule: str
    reps: int
    seed: int
    n: int
    min_window: int
    lags: int
    ic: str
    options: dict = field(default_factory=dict)

    def level_index(self, significance: float) -> int:
        """Column of ``significance`` in the arrays (InputError if not simulated)."""
        for k, lev in enumerate(self.levels):
            if abs(lev - significance) < 1e-12:
                return k
        raise InputError.single(
            f"significance {significance} not among the simulated levels {self.levels}",
            field="significance",
        )


def quantile_se(draws: np.ndarray, p: float) -> float:
    """Monte Carlo standard error of the ``p``-quantile of ``draws``.

    Order-statistic (binomial) estimate: the quantiles at ``p ± sqrt(p(1-p)/R)`` bracket the
    sample quantile by one standard error each way; half their distance is the error.
    """
    x = np.sort(draws[np.isfinite(draws)])
    r = len(x)
    if r < 10:
        return float("nan")
    s = np.sqrt(p * (1 - p) / r)
    lo = np.quantile(x, max(p - s, 0.0))
    hi = np.quantile(x, min(p + s, 1.0))
    return float((hi - lo) / 2.0)


def mc_paths(
    n: int, reps: int, rng: np.random.Generator, d: float = PSY_DRIFT_D, eta: float = PSY_DRIFT_ETA
) -> np.ndarray:
    """``reps`` random walks of length ``n`` with drift ``d·n^(-eta)`` (PSY's null)."""
    e = rng.standard_normal((reps, n))
    e[:, 0] = 0.0  # y_0 = 0
    if d != 0.0:
        e[:, 1:] += d * float(n) ** (-eta)
    return np.cumsum(e, axis=1)


def fit_null(y: np.ndarray, lags: int, ic: str, max_lags: int) -> tuple[np.ndarray, np.ndarray]:
    """OLS of ``Δy_t = μ + Σ φ_l Δy_{t-l} + e_t``; returns ``(phi, residuals)``.

    With ``ic`` ``"aic"``/``"bic"`` the order is chosen up to ``max_lags`` on the common sample.
    Residuals belong to the dates ``t = k+1 .. n-1`` (of the levels).
    """
    dy = np.diff(y)
    k_hi = lags if ic == "fixed" else max_lags

    def design(k: int, start: int) -> tuple[np.ndarray, np.ndarray]:
        rows = np.arange(start, len(dy))
        x = np.ones((len(rows), k + 1))
        for lag in range(1, k + 1):
            x[:, lag] = dy[rows - lag]
        return x, dy[rows]

    if ic == "fixed":
        k_sel = lags
    else:
        best = np.inf
        k_sel = 0
        for k in range(0, k_hi + 1):
            x, t = design(k, k_hi)
            beta, *_ = np.linalg.lstsq(x, t, rcond=None)
            rss = float(np.sum((t - x @ beta) ** 2))
            nc = len(t)
            pen = 2.0 * (k + 1) if ic == "aic" else (k + 1) * np.log(nc)
            val = np.log(rss / nc) + pen / nc
            if val < best:
                best, k_sel = val, k
    x, t = design(k_sel, k_sel)
    beta, *_ = np.linalg.lstsq(x, t, rcond=None)
    return beta[1:], t - x @ beta


@njit(cache=True)
def _wild_paths(y0, dy_init, phi, resid, mult):
    """Rebuild bootstrap levels: Δy*_t = Σ φ_l Δy*_{t-l} + w_t ê_t (see module doc)."""
    reps, nres = mult.shape
    k = phi.shape[0]
    n = nres + k + 1
    out = np.empty((reps, n))
    dyb = np.empty(n - 1)
    for r in range(reps):
        for t in range(k):
            dyb[t] = dy_init[t]
        for t in range(k, n - 1):
            v = mult[r, t - k] * resid[t - k]
            for lag in range(1, k + 1):
                v += phi[lag - 1] * dyb[t - lag]
            dyb[t] = v
        acc = y0
        out[r, 0] = acc
        for t in range(n - 1):
            acc += dyb[t]
            out[r, t + 1] = acc
    return out


@njit(cache=True)
def _rolling_max(a, width):
    reps, m = a.shape
    out = np.empty((reps, m))
    for r in range(reps):
        for q in range(m):
            lo = q - width + 1
            if lo < 0:
                lo = 0
            best = -np.inf
            for s in range(lo, q + 1):
                v = a[r, s]
                if v > best:
                    best = v
            out[r, q] = best
    return out


def simulate_null(
    n: int,
    *,
    min_window: int,
    reps: int,
    seed: int,
    method: str = "mc",
    lags: int = 0,
    ic: str = "fixed",
    max_lags: int = 6,
    y: np.ndarray | None = None,
    drift_d: float = PSY_DRIFT_D,
    drift_eta: float = PSY_DRIFT_ETA,
    multiplier: str = "normal",
    progress: Callable[[int, int], None] | None = None,
) -> NullDraws:
    """Simulate ``reps`` null replications and their ADF/BSADF/SADF statistics (seeded).

    ``progress(done, reps)``, if given, is called after each batch of replications.

    The same statistic (window, lags, lag selection) as on the data is computed on each
    replication; replications are generated in batches of 250 from one
    ``numpy.random.default_rng(seed)`` stream and evaluated by the threaded numba kernels.
    """
    if method not in METHODS:
        raise InputError.single(f"unknown method {method!r}; expected {METHODS}", field="critical")
    if reps < 10:
        raise InputError.single(f"reps must be at least 10, got {reps}", field="reps")
    rng = np.random.default_rng(seed)
    ic_lags = lags if ic == "fixed" else max_lags
    if method == "wild":
        if y is None:
            raise InputError.single("the wild bootstrap needs the data series", field="critical")
        if multiplier not in ("normal", "rademacher"):
            raise InputError.single(
                f"unknown multiplier {multiplier!r}; expected 'normal' or 'rademacher'",
                field="multiplier",
            )
        y = np.asarray(y, dtype=float)
        phi, resid = fit_null(y, lags, ic, max_lags)
        dy_init = np.diff(y)[: len(phi)].copy()
    bs_parts, sp_parts, adf_parts = [], [], []
    done = 0
    while done < reps:
        size = min(_CHUNK, reps - done)
        if method == "mc":
            paths = mc_paths(n, size, rng, drift_d, drift_eta)
        else:
            if multiplier == "normal":
                mult = rng.standard_normal((size, len(resid)))
            else:
                mult = rng.integers(0, 2, size=(size, len(resid))) * 2.0 - 1.0
            paths = _wild_paths(float(y[0]), dy_init, phi, resid, mult)
        bsadf, fwd = window_sequences_batch(paths, min_window, ic_lags, ic)
        bs_parts.append(bsadf)
        sp_parts.append(np.fmax.accumulate(fwd, axis=1))
        adf_parts.append(fwd[:, -1])
        done += size
        if progress is not None:
            progress(done, reps)
    return NullDraws(np.vstack(bs_parts), np.vstack(sp_parts), np.concatenate(adf_parts))


def critical_values(
    n: int,
    *,
    min_window: int,
    lags: int = 0,
    ic: str = "fixed",
    max_lags: int = 6,
    method: str = "mc",
    reps: int = 2000,
    seed: int = 0,
    rule: str = "psy",
    y: np.ndarray | None = None,
    levels: tuple[float, ...] = LEVELS,
    drift_d: float = PSY_DRIFT_D,
    drift_eta: float = PSY_DRIFT_ETA,
    multiplier: str = "normal",
    fwer_window: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CriticalValues:
    """Critical values of ADF, SADF, GSADF and the date-stamping sequence.

    Parameters
    ----------
    n : int
        Sample size (levels).
    min_window : int
        Minimum window in observations, as used on the data.
    lags, ic, max_lags
        The ADF specification used on the data (lag order or maximum; ``"fixed"``, ``"aic"``,
        ``"bic"``).
    method : {"mc", "wild"}
        Null generator (module doc).
    reps, seed : int
        Replications and seed (reproducible).
    rule : {"psy", "exuber"}
        Which null statistic gives the sequence (module doc).
    y : ndarray, optional
        The data; required by the wild bootstrap.
    levels : tuple of float
        Quantile levels.
    drift_d, drift_eta : float
        Monte Carlo drift ``d·n^(-eta)`` (PSY: 1, 1).
    multiplier : {"normal", "rademacher"}
        Wild-bootstrap multiplier distribution.
    fwer_window : int, optional
        Family-wise control over this many observations (module doc).
    progress : callable, optional
        ``progress(done, reps)`` after each batch of replications.

    Returns
    -------
    CriticalValues
    """
    if rule not in RULES:
        raise InputError.single(f"unknown rule {rule!r}; expected {RULES}", field="rule")
    if fwer_window is not None and fwer_window < 1:
        raise InputError.single("fwer_window must be a positive integer", field="fwer_window")
    draws = simulate_null(
        n,
        min_window=min_window,
        reps=reps,
        seed=seed,
        method=method,
        lags=lags,
        ic=ic,
        max_lags=max_lags,
        y=y,
        drift_d=drift_d,
        drift_eta=drift_eta,
        multiplier=multiplier,
        progress=progress,
    )
    seq_draws = draws.bsadf if rule == "psy" else draws.sadf_path
    if fwer_window is not None and fwer_window > 1:
        seq_draws = _rolling_max(np.ascontiguousarray(seq_draws), int(fwer_window))
    lv = np.asarray(levels)
    sequence = np.nanquantile(seq_draws, lv, axis=0).T
    options: dict = {"fwer_window": fwer_window}
    if method == "mc":
        options.update({"drift_d": drift_d, "drift_eta": drift_eta, "innovations": "N(0,1)"})
    else:
        options.update({"multiplier": multiplier, "null_intercept": False})
    return CriticalValues(
        levels=tuple(float(v) for v in levels),
        adf=np.nanquantile(draws.adf, lv),
        sadf=np.nanquantile(draws.sadf, lv),
        gsadf=np.nanquantile(draws.gsadf, lv),
        sequence=sequence,
        sadf_se=np.array([quantile_se(draws.sadf, p) for p in lv]),
        gsadf_se=np.array([quantile_se(draws.gsadf, p) for p in lv]),
        method=method,
        rule=rule,
        reps=int(reps),
        seed=int(seed),
        n=int(n),
        min_window=int(min_window),
        lags=int(lags if ic == "fixed" else max_lags),
        ic=ic,
        options=options,
    )


def data_sequences(
    y: np.ndarray, min_window: int, lags: int, ic: str
) -> tuple[np.ndarray, np.ndarray]:
    """BSADF and forward ADF of the data (the accurate single-series kernels)."""
    return window_sequences(y, min_window, lags, ic)
