"""PSY: SADF, GSADF, the BSADF sequence and date-stamping of explosive episodes.

Phillips, Shi & Yu (2015), "Testing for multiple bubbles: historical episodes of exuberance
and collapse in the S&P 500", International Economic Review 56(4), 1043-1078.

For a series ``y_0..y_{T-1}`` and a minimum window of ``w`` observations:

* ``ADF(i, j)`` -- the right-tailed ADF t-ratio on the window ``y[i..j]`` (see
  :mod:`kreislauf.bubble.adf`);
* ``BSADF_j = max_{0 ≤ i ≤ j-w+1} ADF(i, j)`` for ``j ≥ w-1`` (PSY eq. 8);
* ``SADF = max_{j ≥ w-1} ADF(0, j)`` (PWY 2011), ``GSADF = max_j BSADF_j`` (PSY eq. 4);
* an episode starts at the first ``j`` with ``BSADF_j > cv_j`` and ends at the last
  observation before ``BSADF`` falls back below ``cv_j``; it is kept when it lasts at least
  ``L`` observations. PSY's minimum duration is ``δ·log(T)`` observations (``log(T)/T`` as a
  fraction of the sample, scaled by a frequency-dependent ``δ``): ``min_duration="log"`` with
  ``duration_delta=δ`` (default 1) gives ``round(δ·log T)``; an integer gives observations.

Defaults and why: ``r0 = 0.01 + 1.8/√T`` (PSY's rule, ``w = ⌊T·r0⌋``); lag 0 (PSY's
S&P 500 application and exuber's default); Monte Carlo critical values under PSY's null with
drift ``T^(-1)``; the ``"psy"`` rule for the date-stamping sequence (the quantile of the
very statistic it is compared with; see :mod:`kreislauf.bubble.psy_critical`).

>>> import numpy as np, pandas as pd
>>> y = pd.Series(np.cumsum(np.random.default_rng(1).normal(size=120)))
>>> r = psy(y, reps=100)
>>> bool(r.gsadf >= r.sadf)
True
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd

from kreislauf.bubble.psy_critical import (
    LEVELS,
    METHODS,
    PSY_DRIFT_D,
    PSY_DRIFT_ETA,
    RULES,
    CriticalValues,
    critical_values,
    data_sequences,
)
from kreislauf.bubble.psy_result import Episode, PSYResult, stamp_episodes
from kreislauf.errors import InputError, Problem

DEFAULT_RULE = "psy"

__all__ = [
    "DEFAULT_RULE",
    "MIN_OBS",
    "CriticalValues",
    "Episode",
    "PSYResult",
    "bsadf",
    "check_inputs",
    "check_sample",
    "critical_values",
    "default_min_window",
    "gsadf",
    "min_duration_obs",
    "psy",
    "sadf",
]


MIN_OBS = 40
"""Fewest observations :func:`psy` accepts. Assumption: at 40, PSY's minimum window
(``r0 = 0.01 + 1.8/sqrt(T)`` = 0.295, 11 observations) leaves 29 window ends to date-stamp;
on fewer the minimum window takes a third or more of the sample (0.625 of an 8-row file)
and the test has little left to say. PSY's own simulations start at T = 100 (Phillips, Shi
and Yu 2015, International Economic Review 56(4), section 6)."""


def check_sample(
    n: int, min_window: int | None = None, lags: int | str = 0, max_lags: int = 6
) -> int:
    """Validate a PSY run's sample size and window before any work; return the window.

    Raises
    ------
    InputError
        Fewer than :data:`MIN_OBS` observations, or a window or lag order that does not fit.
    """
    if n < MIN_OBS:
        raise InputError.single(
            f"series has {n} observations; a PSY test needs at least {MIN_OBS} (its minimum "
            f"window would take {default_min_window(max(n, 1)) / max(n, 1):.0%} of the sample)",
            field="series",
        )
    k, _ = _lag_spec(lags, max_lags)
    return _check_window(n, min_window, k)


def check_inputs(
    series: pd.Series,
    *,
    min_window: int | None = None,
    lags: int | str = 0,
    max_lags: int = 6,
    log: bool = False,
) -> tuple[np.ndarray, int]:
    """Everything :func:`psy` checks about its data, without running it: dates, values,
    sample size and window. Returns the cleaned values and the minimum window.

    Raises
    ------
    InputError
    """
    if not isinstance(series, pd.Series):
        series = pd.Series(series)
    _lag_spec(lags, max_lags)
    _check_index(series.index)
    y = _clean_array(series.to_numpy(), log, series.index)
    return y, check_sample(len(y), min_window, lags, max_lags)


def default_min_window(n: int) -> int:
    """PSY's minimum window ``⌊n·(0.01 + 1.8/√n)⌋`` observations."""
    return math.floor(n * (0.01 + 1.8 / math.sqrt(n)))


def min_duration_obs(n: int, min_duration: int | str | None, delta: float = 1.0) -> int:
    """Minimum episode duration in observations (``"log"``: ``round(δ·log n)``; None: 1)."""
    if min_duration is None:
        return 1
    if isinstance(min_duration, str):
        if min_duration != "log":
            raise InputError.single(
                f"min_duration must be 'log', an integer or None, got {min_duration!r}",
                field="min_duration",
            )
        if delta <= 0:
            raise InputError.single("duration_delta must be positive", field="duration_delta")
        return max(1, round(delta * math.log(n)))
    if isinstance(min_duration, bool) or int(min_duration) != min_duration or min_duration < 1:
        raise InputError.single(
            f"min_duration must be a positive integer, got {min_duration!r}", field="min_duration"
        )
    return int(min_duration)


def _lag_spec(lags: int | str, max_lags: int) -> tuple[int, str]:
    if isinstance(lags, str):
        ic = lags.lower()
        if ic not in ("aic", "bic"):
            raise InputError.single(
                f"lags must be an integer or 'aic'/'bic', got {lags!r}", field="lags"
            )
        if int(max_lags) != max_lags or max_lags < 0:
            raise InputError.single("max_lags must be a non-negative integer", field="max_lags")
        return int(max_lags), ic
    if isinstance(lags, bool) or int(lags) != lags or lags < 0:
        raise InputError.single(f"lags must be a non-negative integer, got {lags!r}", field="lags")
    return int(lags), "fixed"


def _check_window(n: int, w: int | None, k: int) -> int:
    w = default_min_window(n) if w is None else w
    if isinstance(w, bool) or int(w) != w:
        raise InputError.single(f"min_window must be an integer, got {w!r}", field="min_window")
    w = int(w)
    need = k + 5  # rows > regressors (k + 2) with at least 2 degrees of freedom
    if w < need:
        raise InputError.single(
            f"min_window {w} is too small for {k} lags: a window needs at least {need} "
            "observations",
            field="min_window",
        )
    if n < w + 1:
        raise InputError.single(
            f"series has {n} observations; the minimum window is {w}, so at least {w + 1} are "
            "needed",
            field="series",
        )
    return w


def _clean_array(values: np.ndarray, log: bool, labels: pd.Index | None = None) -> np.ndarray:
    try:
        y = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as err:
        raise InputError.single(f"series is not numeric: {err}", field="series") from err
    if y.ndim != 1:
        raise InputError.single(f"expected a 1-D series, got shape {y.shape}", field="series")
    problems = []
    bad = np.flatnonzero(~np.isfinite(y))
    for pos in bad[:20]:
        where = f" (index {labels[pos]})" if labels is not None else ""
        problems.append(
            Problem(
                f"value is {y[pos]}{where}; expected a finite number", None, int(pos) + 1, "series"
            )
        )
    if len(bad):
        raise InputError(problems)
    if log:
        nonpos = np.flatnonzero(y <= 0)
        if len(nonpos):
            pos = int(nonpos[0])
            raise InputError.single(
                f"log=True needs positive values; {len(nonpos)} are <= 0 (first: {y[pos]})",
                row=pos + 1,
                field="series",
            )
        y = np.log(y)
    if len(y) and np.ptp(y) == 0.0:
        raise InputError.single(
            "series is constant; the ADF regression is undefined", field="series"
        )
    return y


def _check_index(index: pd.Index) -> None:
    """Dates must be unique, increasing and without gaps in their own frequency."""
    if not isinstance(index, pd.DatetimeIndex):
        return
    if index.hasnans:
        pos = int(np.flatnonzero(index.isna())[0])
        raise InputError.single("missing date", row=pos + 1, field="date")
    dup = np.flatnonzero(index.duplicated())
    if len(dup):
        pos = int(dup[0])
        raise InputError.single(f"duplicated date {index[pos].date()}", row=pos + 1, field="date")
    diffs = np.diff(index.values.astype("datetime64[ns]").astype(np.int64))
    if np.any(diffs <= 0):
        pos = int(np.flatnonzero(diffs <= 0)[0]) + 1
        raise InputError.single(
            f"dates are not increasing at {index[pos].date()}", row=pos + 1, field="date"
        )
    if len(diffs) < 2:
        return
    day = 86_400 * 10**9
    med = float(np.median(diffs))
    # daily/business data: weekends and holidays allowed (<= 5 days); otherwise 1.5 periods
    limit = 5 * day if med <= 1.5 * day else 1.5 * med
    gaps = np.flatnonzero(diffs > limit)
    if len(gaps):
        pos = int(gaps[0]) + 1
        raise InputError.single(
            f"gap in the dates: {index[pos - 1].date()} -> {index[pos].date()} "
            f"({len(gaps)} gaps); PSY needs an unbroken series (fill or cut it first)",
            row=pos + 1,
            field="date",
        )


def sadf(
    y: np.ndarray, min_window: int | None = None, lags: int | str = 0, max_lags: int = 6
) -> float:
    """SADF statistic (PWY 2011): ``max_j ADF(0, j)`` over ``j ≥ min_window - 1``."""
    k, ic = _lag_spec(lags, max_lags)
    arr = _clean_array(y, False)
    w = _check_window(len(arr), min_window, k)
    _, fwd = data_sequences(arr, w, k, ic)
    return float(np.nanmax(fwd))


def bsadf(
    y: np.ndarray, min_window: int | None = None, lags: int | str = 0, max_lags: int = 6
) -> np.ndarray:
    """BSADF sequence, one value per window end ``j = min_window-1 .. T-1``."""
    k, ic = _lag_spec(lags, max_lags)
    arr = _clean_array(y, False)
    w = _check_window(len(arr), min_window, k)
    b, _ = data_sequences(arr, w, k, ic)
    return b


def gsadf(
    y: np.ndarray, min_window: int | None = None, lags: int | str = 0, max_lags: int = 6
) -> float:
    """GSADF statistic: the maximum of the BSADF sequence."""
    return float(np.nanmax(bsadf(y, min_window, lags, max_lags)))


def psy(
    series: pd.Series,
    *,
    min_window: int | None = None,
    lags: int | str = 0,
    max_lags: int = 6,
    critical: str = "mc",
    reps: int = 2000,
    seed: int = 0,
    rule: str = DEFAULT_RULE,
    min_duration: int | str | None = "log",
    significance: float = 0.95,
    log: bool = False,
    duration_delta: float = 1.0,
    drift_d: float = PSY_DRIFT_D,
    drift_eta: float = PSY_DRIFT_ETA,
    multiplier: str = "normal",
    fwer_window: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> PSYResult:
    """Run the PSY test on one series and date-stamp its explosive episodes.

    Parameters
    ----------
    series : pandas.Series
        Values with a DatetimeIndex (unique, increasing, no gaps) or any plain index.
    min_window : int, optional
        Smallest window in observations; default ``⌊T·(0.01 + 1.8/√T)⌋`` (PSY).
    lags : int or {"aic", "bic"}
        Fixed ADF lag order, or the criterion to choose it per window up to ``max_lags``.
    max_lags : int
        Largest lag order tried when ``lags`` is a criterion.
    critical : {"mc", "wild"}
        Monte Carlo under PSY's null, or the wild bootstrap of the fitted null model.
    reps, seed : int
        Replications and seed of the critical values (reproducible).
    rule : {"psy", "exuber"}
        Date-stamping critical-value rule (:mod:`kreislauf.bubble.psy_critical`).
    min_duration : "log", int or None
        Minimum episode length: ``round(duration_delta·log T)`` observations, a number of
        observations, or None (every exceedance counts).
    significance : float
        Level of the tests and of the date-stamping (0.90, 0.95 or 0.99).
    log : bool
        Test ``log(series)`` (values must be positive). PSY test the P/D ratio in levels.
    duration_delta : float
        PSY's frequency-dependent ``δ`` of the minimum duration.
    drift_d, drift_eta : float
        Monte Carlo null drift ``d·T^(-eta)``.
    multiplier : {"normal", "rademacher"}
        Wild-bootstrap multiplier.
    fwer_window : int, optional
        Family-wise size control over this many observations (off by default).
    progress : callable, optional
        ``progress(done, reps)`` as the critical-value replications are computed.

    Returns
    -------
    PSYResult
    """
    if not isinstance(series, pd.Series):
        series = pd.Series(series)
    if critical not in METHODS:
        raise InputError.single(
            f"critical must be one of {METHODS}, got {critical!r}", field="critical"
        )
    if rule not in RULES:
        raise InputError.single(f"rule must be one of {RULES}, got {rule!r}", field="rule")
    if not any(abs(significance - lv) < 1e-12 for lv in LEVELS):
        raise InputError.single(
            f"significance must be one of {LEVELS}, got {significance}", field="significance"
        )
    k, ic = _lag_spec(lags, max_lags)
    index = series.index
    y, w = check_inputs(series, min_window=min_window, lags=lags, max_lags=max_lags, log=log)
    n = len(y)
    L = min_duration_obs(n, min_duration, duration_delta)
    b_seq, fwd = data_sequences(y, w, k, ic)
    if not np.isfinite(b_seq).any():
        raise InputError.single(
            "no window gives a defined ADF regression (the series is flat or exactly linear "
            "within every window)",
            field="series",
        )
    cv = critical_values(
        n,
        min_window=w,
        lags=k,
        ic=ic,
        max_lags=max_lags,
        method=critical,
        reps=reps,
        seed=seed,
        rule=rule,
        y=y if critical == "wild" else None,
        drift_d=drift_d,
        drift_eta=drift_eta,
        multiplier=multiplier,
        fwer_window=fwer_window,
        progress=progress,
    )
    full = np.full(n, np.nan)
    full[w - 1 :] = b_seq
    kcol = cv.level_index(significance)
    exceed = np.zeros(n, dtype=bool)
    seq = cv.sequence[:, kcol]
    exceed[w - 1 :] = np.nan_to_num(b_seq, nan=-np.inf) > seq
    episodes = stamp_episodes(index, y, exceed, L)
    options = {
        "lags": lags if ic != "fixed" else k,
        "max_lags": max_lags if ic != "fixed" else None,
        "ic": ic,
        "min_window": w,
        "r0": w / n,
        "critical": critical,
        "rule": rule,
        "reps": reps,
        "seed": seed,
        "min_duration": L,
        "min_duration_rule": (
            f"round({duration_delta}*log(T))" if min_duration == "log" else str(min_duration)
        ),
        "log": log,
        **cv.options,
    }
    return PSYResult(
        name=str(series.name) if series.name is not None else "series",
        index=index,
        values=y,
        bsadf=full,
        adf=float(fwd[-1]),
        sadf=float(np.nanmax(fwd)),
        gsadf=float(np.nanmax(b_seq)),
        cv=cv,
        significance=significance,
        min_window=w,
        min_duration=L,
        episodes=episodes,
        options=options,
    )
