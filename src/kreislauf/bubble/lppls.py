"""LPPLS fit: the log-periodic power law singularity model of a bubble.

The model (Johansen, Ledoit & Sornette 2000; in the linearised form of Filimonov &
Sornette 2013, "A stable and robust calibration scheme of the log-periodic power law model",
Physica A 392(17), 3698-3707) is

    ln p(t) = A + B (tc - t)^m + C1 (tc - t)^m cos(w ln(tc - t)) + C2 (tc - t)^m sin(w ln(tc - t)).

``(A, B, C1, C2)`` are solved in closed form for given ``(tc, m, w)``; the three nonlinear
parameters are searched inside bounds (see :class:`LPPLSBounds`) by a stratified random
grid followed by bounded variable-projection Levenberg-Marquardt from several starts
(:mod:`kreislauf.bubble.lppls_kernels`). ``B < 0`` is a positive (upward, super-exponential)
bubble, ``B > 0`` a negative one.

Time unit: calendar time in years (days / 365.25) measured from the first observation, so
weekends and holidays are simply unobserved times; ``tc`` is reported as a date and as
years after the last observation ``t2``. The fit is invariant to an affine change of the
time unit (the linear parameters absorb it), so SSE and ``tc`` agree with a fit on, e.g.,
ordinal days.

>>> import numpy as np, pandas as pd
>>> from kreislauf.bubble.lppls import fit
>>> from kreislauf.bubble.lppls_kernels import lppls_curve
>>> dates = pd.bdate_range("2020-01-01", periods=300)
>>> t = (dates - dates[0]).days.to_numpy() / 365.25
>>> y = lppls_curve(t, t[-1] + 0.1, 0.5, 8.0, 5.0, -1.0, 0.05, 0.03)
>>> r = fit(pd.Series(np.exp(y), index=dates), seed=1)
>>> round(r.m, 2), round(r.w, 1)
(0.5, 8.0)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kreislauf.bubble import lppls_kernels as K
from kreislauf.bubble.lppls_result import LPPLSFit
from kreislauf.errors import InputError

DAYS_PER_YEAR = 365.25  # Julian year: the time unit of the fit
MIN_POINTS = 20  # assumption: fewer points cannot pin down 7 parameters and 2+ oscillations
MAX_GAP_RATIO = 10.0  # assumption: a gap > 10x the median spacing is missing data, not a holiday

# Search grid of one fit (tc strata, m strata, w strata) and local-search settings.
FIT_GRID = (24, 8, 14)
CONF_GRID = (10, 6, 4, 8)  # tc strata over the largest / smallest window, m, w
MAX_ITER = 50
TOL = 1e-8  # relative gain at which an exploratory local search stops


@dataclass(frozen=True)
class LPPLSBounds:
    """Search bounds of the nonlinear parameters, enforced during the fit.

    ``tc`` lies in ``[t2 - before, t2 + after]`` where ``before = min(tc_before * dt,
    tc_before_days)`` and ``after = min(tc_after * dt, tc_after_days)``, ``dt = t2 - t1``
    the window length.

    Defaults and sources: ``m`` in [0.1, 0.9] and ``w`` in [6, 13] are the bounds of
    Filimonov & Sornette (2013) (also the initialisation ranges of the ``lppls`` package);
    ``tc`` in ``[t2 - 0.2 dt, t2 + 0.2 dt]`` is the search space of Sornette, Demos, Zhang,
    Cauwels, Filimonov & Zhang (2015), "Real-time prediction and post-mortem analysis of the
    Shanghai 2015 stock market bubble and crash", J. Investment Strategies 4(4), Table 1
    (also the ``lppls`` package's ``tc`` initialisation range).
    """

    tc_before: float = 0.2
    tc_after: float = 0.2
    m: tuple[float, float] = (0.1, 0.9)
    w: tuple[float, float] = (6.0, 13.0)
    tc_before_days: float | None = None
    tc_after_days: float | None = None

    def __post_init__(self) -> None:
        m_lo, m_hi = self.m
        w_lo, w_hi = self.w
        if not 0.0 < m_lo < m_hi:
            raise InputError.single(f"expected 0 < m_min < m_max, got {self.m}", field="m")
        if not 0.0 < w_lo < w_hi:
            raise InputError.single(f"expected 0 < w_min < w_max, got {self.w}", field="w")
        if not (self.tc_before >= 0.0 and self.tc_after > 0.0):
            raise InputError.single(
                "expected tc_before >= 0 and tc_after > 0 (fractions of the window length)",
                field="tc_before/tc_after",
            )
        for name in ("tc_before_days", "tc_after_days"):
            v = getattr(self, name)
            if v is not None and not v > 0.0:
                raise InputError.single(f"expected a positive number of days, got {v}", field=name)

    def caps_years(self) -> tuple[float, float]:
        """The absolute ``tc`` caps in years (``inf`` where not set)."""
        b = np.inf if self.tc_before_days is None else self.tc_before_days / DAYS_PER_YEAR
        a = np.inf if self.tc_after_days is None else self.tc_after_days / DAYS_PER_YEAR
        return float(b), float(a)

    def tc_range(self, dt: float) -> tuple[float, float]:
        """``(lo, hi)`` of ``tc - t2`` in years for a window of length ``dt`` years."""
        cb, ca = self.caps_years()
        return -min(self.tc_before * dt, cb), min(self.tc_after * dt, ca)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able settings."""
        return asdict(self)


@dataclass(frozen=True)
class LPPLSFilters:
    """Conditions a fit must meet to count towards the confidence indicator.

    Defaults: filtering condition 1 of Sornette et al. (2015, Table 1) as coded in
    Fantazzini's R package ``bubble`` (``lppl.confidence.A``): ``m`` in (0.01, 1.2), ``w`` in
    (2, 25), ``tc`` in ``[t2 - 0.05 dt, t2 + 0.11 dt]`` (the code's ``0.95 dt < tc - t1 <
    1.11 dt``), number of oscillations ``w / (2 pi) ln|(tc - t1) / (tc - t2)| >= 2.5``,
    damping ``m |B| / (w |C|) >= 0.8`` and relative error ``<= 0.05``. The relative error
    is not defined in detail there; here it is the mean of ``|p - p_hat| / p_hat`` over the
    window (assumption). Thresholds are inclusive. :meth:`lppls_package` gives the defaults
    of the ``lppls`` package (0.6.24, ``_resolve_filter_conditions_config``).

    ``denominator`` sets what the confidence is a fraction of: ``"windows"`` (all nested
    windows of the end date: the FCO definition, default), ``"fits"`` (windows with a
    finite fit) or ``"sign"`` (fits with the same sign of ``B``: the ``lppls`` package's
    ``compute_indicators``).
    """

    m: tuple[float, float] = (0.01, 1.2)
    w: tuple[float, float] = (2.0, 25.0)
    tc_before: float = 0.05
    tc_after: float = 0.11
    tc_before_days: float | None = None
    tc_after_days: float | None = None
    min_oscillations: float = 2.5
    min_damping: float = 0.8
    max_rel_error: float | None = 0.05
    denominator: str = "windows"

    def __post_init__(self) -> None:
        if self.denominator not in ("windows", "fits", "sign"):
            raise InputError.single(
                f"expected denominator 'windows', 'fits' or 'sign', got {self.denominator!r}",
                field="denominator",
            )
        if self.m[0] >= self.m[1] or self.w[0] >= self.w[1]:
            raise InputError.single("expected min < max for m and w", field="m/w")

    @classmethod
    def lppls_package(cls) -> LPPLSFilters:
        """The ``lppls`` package's default filter (tc within max(t2-60d, t2-dt/2) ..
        min(t2+252d, t2+dt/2), m in (0, 1), w in (2, 15), O > 2.5, D > 0.5, per sign)."""
        return cls(
            m=(0.0, 1.0),
            w=(2.0, 15.0),
            tc_before=0.5,
            tc_after=0.5,
            tc_before_days=60.0,
            tc_after_days=252.0,
            min_oscillations=2.5,
            min_damping=0.5,
            max_rel_error=None,
            denominator="sign",
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-able settings."""
        return asdict(self)


def diagnostics(
    tc: np.ndarray, m: np.ndarray, w: np.ndarray, b: np.ndarray, c: np.ndarray, dt: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Number of oscillations and damping of fits (``tc`` relative to ``t2``, years).

    ``O = w / (2 pi) ln|(tc - t1) / (tc - t2)|`` with ``t1 = t2 - dt`` (Sornette et al. 2015;
    the absolute value as in the R package ``bubble``) and ``D = m |B| / (w |C|)``.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        osc = w / (2.0 * np.pi) * np.log(np.abs((tc + dt) / tc))
        damp = m * np.abs(b) / (w * np.abs(c))
    return osc, damp


def verdicts(
    filters: LPPLSFilters,
    tc: np.ndarray,
    m: np.ndarray,
    w: np.ndarray,
    b: np.ndarray,
    c: np.ndarray,
    dt: np.ndarray,
    rel_error: np.ndarray,
) -> dict[str, np.ndarray]:
    """Each filter condition's pass/fail for arrays of fits, and ``qualified`` (all pass)."""
    osc, damp = diagnostics(tc, m, w, b, c, dt)
    cb = np.inf if filters.tc_before_days is None else filters.tc_before_days / DAYS_PER_YEAR
    ca = np.inf if filters.tc_after_days is None else filters.tc_after_days / DAYS_PER_YEAR
    lo = -np.minimum(filters.tc_before * dt, cb)
    hi = np.minimum(filters.tc_after * dt, ca)
    out = {
        "m": (m >= filters.m[0]) & (m <= filters.m[1]),
        "w": (w >= filters.w[0]) & (w <= filters.w[1]),
        "tc": (tc >= lo) & (tc <= hi),
        "oscillations": np.nan_to_num(osc, nan=-np.inf) >= filters.min_oscillations,
        "damping": np.nan_to_num(damp, nan=-np.inf) >= filters.min_damping,
    }
    if filters.max_rel_error is not None:
        out["rel_error"] = np.nan_to_num(rel_error, nan=np.inf) <= filters.max_rel_error
    qualified = np.ones(np.shape(tc), dtype=bool)
    for v in out.values():
        qualified &= v
    out["qualified"] = qualified
    return out


@dataclass(frozen=True)
class PreparedSeries:
    """A validated price series: dates, prices, log prices and times in years."""

    dates: pd.DatetimeIndex
    price: np.ndarray
    log_price: np.ndarray
    t: np.ndarray
    name: str = field(default="price")


def prepare_series(
    series: pd.Series, *, min_points: int = MIN_POINTS, max_gap_ratio: float = MAX_GAP_RATIO
) -> PreparedSeries:
    """Validate a price series for LPPLS; raise :class:`InputError` on anything doubtful.

    Requirements: a :class:`pandas.DatetimeIndex`, strictly increasing with no duplicated
    dates; finite, strictly positive prices (the fit is on logs); at least ``min_points``
    observations; no gap longer than ``max_gap_ratio`` times the median spacing (a longer
    gap is treated as missing data, not as a market holiday).
    """
    name = str(series.name) if series.name is not None else "price"
    if not isinstance(series, pd.Series):
        raise InputError.single("expected a pandas Series of prices", field=name)
    if not isinstance(series.index, pd.DatetimeIndex):
        raise InputError.single("expected a DatetimeIndex (dates of the prices)", field=name)
    idx = series.index
    if idx.tz is not None:
        idx = idx.tz_convert("UTC").tz_localize(None)
    if idx.hasnans:
        pos = int(np.flatnonzero(idx.isna())[0])
        raise InputError.single("missing date", row=pos + 1, field="date")
    dup = idx.duplicated()
    if dup.any():
        pos = int(np.flatnonzero(dup)[0])
        raise InputError.single(
            f"duplicated date {idx[pos].date()} (each date once expected)",
            row=pos + 1,
            field="date",
        )
    if not idx.is_monotonic_increasing:
        pos = int(np.flatnonzero(np.diff(idx.to_numpy()) < np.timedelta64(0))[0]) + 1
        raise InputError.single(
            f"dates not increasing at {idx[pos].date()} (sort the series first)",
            row=pos + 1,
            field="date",
        )
    try:
        price = np.asarray(series.to_numpy(), dtype=float)
    except (TypeError, ValueError) as err:
        raise InputError.single(f"prices are not numeric: {err}", field=name) from err
    bad = ~np.isfinite(price)
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise InputError.single(
            f"missing or non-finite price on {idx[pos].date()} ({int(bad.sum())} such rows); "
            "drop or fill them explicitly before fitting",
            row=pos + 1,
            field=name,
        )
    nonpos = price <= 0.0
    if nonpos.any():
        pos = int(np.flatnonzero(nonpos)[0])
        raise InputError.single(
            f"price {price[pos]:g} on {idx[pos].date()} is not positive (LPPLS fits log prices)",
            row=pos + 1,
            field=name,
        )
    if price.size < min_points:
        raise InputError.single(
            f"{price.size} observations; at least {min_points} expected", field=name
        )
    days = np.asarray((idx - idx[0]) / pd.Timedelta(days=1), dtype=float)  # any resolution
    gaps = np.diff(days)
    med = float(np.median(gaps))
    big = gaps > max_gap_ratio * med
    if big.any():
        pos = int(np.flatnonzero(big)[0]) + 1
        raise InputError.single(
            f"gap of {gaps[pos - 1]:.0f} days before {idx[pos].date()} (median spacing "
            f"{med:.2g} days; more than {max_gap_ratio:g}x is treated as missing data)",
            row=pos + 1,
            field="date",
        )
    return PreparedSeries(pd.DatetimeIndex(idx), price, np.log(price), days / DAYS_PER_YEAR, name)


def tc_to_date(t2: pd.Timestamp, tc_years: float) -> pd.Timestamp:
    """The calendar date ``tc_years`` years after ``t2`` (NaT for a non-finite value)."""
    if not np.isfinite(tc_years):
        return pd.NaT
    return t2 + pd.to_timedelta(tc_years * DAYS_PER_YEAR, unit="D")


def fit(
    series: pd.Series,
    *,
    starts: int = 10,
    seed: int = 0,
    bounds: LPPLSBounds | None = None,
    filters: LPPLSFilters | None = None,
) -> LPPLSFit:
    """Fit the LPPLS model to a whole price series.

    Parameters
    ----------
    series : pandas.Series
        Prices (not logs) on a :class:`~pandas.DatetimeIndex`; see :func:`prepare_series`.
    starts : int
        Local searches from the best distinct cells of the random grid (all are run; the
        best fit is kept).
    seed : int
        Seed of the :class:`numpy.random.Generator` that places the grid points; the fit is
        deterministic given it.
    bounds : LPPLSBounds, optional
        Search bounds (default :class:`LPPLSBounds`); no returned parameter lies outside.
    filters : LPPLSFilters, optional
        Conditions reported in :attr:`LPPLSFit.verdicts` (default :class:`LPPLSFilters`).

    Returns
    -------
    LPPLSFit
    """
    if not isinstance(starts, int | np.integer) or starts < 1:
        raise InputError.single(f"expected starts >= 1, got {starts!r}", field="starts")
    bounds = bounds or LPPLSBounds()
    filters = filters or LPPLSFilters()
    ps = prepare_series(series)
    rng = np.random.default_rng(seed)
    t2 = ps.t[-1]
    tw = ps.t - t2
    yw = ps.log_price - ps.log_price[-1]
    dt = -tw[0]
    lo, hi = bounds.tc_range(dt)
    nt, nm, nw = FIT_GRID
    spacing = dt / (len(tw) - 1)
    near = np.minimum(K.NEAR * spacing, hi)
    tc_grid = np.sort(np.concatenate([K.stratified(lo, hi, rng.random(nt)), near]))
    m_grid = K.stratified(bounds.m[0], bounds.m[1], rng.random(nm))
    w_grid = K.stratified(bounds.w[0], bounds.w[1], rng.random(nw))
    out = np.empty((1, K.N_OUT))
    n_local = np.empty(1, dtype=np.int64)
    K.search_windows(
        tw, yw, np.zeros(1, dtype=np.int64), tc_grid, m_grid, w_grid,
        np.array([lo]), np.array([hi]), bounds.m[0], bounds.m[1], bounds.w[0], bounds.w[1],
        int(starts), int(starts), MAX_ITER, TOL, np.full((1, 3), np.nan),
        np.array([near[-1] * 1.000001]), out, n_local,
    )  # fmt: skip
    tc, m, w, a, b, c1, c2, sse = out[0]
    if not np.isfinite(sse):
        raise InputError.single(
            "no finite LPPLS fit inside the bounds (is the series constant?)", field=ps.name
        )
    a = a + ps.log_price[-1]
    yhat = K.lppls_curve(tw, tc, m, w, a, b, c1, c2)
    resid = ps.log_price - yhat
    sst = float(np.sum((ps.log_price - ps.log_price.mean()) ** 2))
    rel_error = float(np.mean(np.abs(ps.price / np.exp(yhat) - 1.0)))
    c = float(np.hypot(c1, c2))
    osc, damp = diagnostics(np.array(tc), np.array(m), np.array(w), np.array(b), np.array(c),
                            np.array(dt))  # fmt: skip
    ver = verdicts(filters, np.array([tc]), np.array([m]), np.array([w]), np.array([b]),
                   np.array([c]), np.array([dt]), np.array([rel_error]))  # fmt: skip
    return LPPLSFit(
        dates=ps.dates,
        price=ps.price,
        fitted_log_price=yhat,
        name=ps.name,
        tc_years=float(tc),
        tc_date=tc_to_date(ps.dates[-1], float(tc)),
        m=float(m),
        w=float(w),
        a=float(a),
        b=float(b),
        c1=float(c1),
        c2=float(c2),
        sse=float(np.sum(resid**2)),
        r2=float(1.0 - np.sum(resid**2) / sst) if sst > 0 else float("nan"),
        oscillations=float(osc),
        damping=float(damp),
        rel_error=rel_error,
        verdicts={k: bool(v[0]) for k, v in ver.items()},
        bounds=bounds,
        filters=filters,
        seed=int(seed),
        starts=int(starts),
        n_local=int(n_local[0]),
    )
