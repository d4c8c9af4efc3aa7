"""The multi-window LPPLS confidence indicator (ETH Financial Crisis Observatory style).

For every end date ``t2`` the LPPLS model is fitted on nested windows ``[t1, t2]`` of
several lengths; the positive (negative) bubble confidence is the share of those windows
whose best fit passes the filter conditions with ``B < 0`` (``B > 0``). See Sornette,
Demos, Zhang, Cauwels, Filimonov & Zhang (2015), "Real-time prediction and post-mortem
analysis of the Shanghai 2015 stock market bubble and crash", J. Investment Strategies
4(4); Demos & Sornette (2017), arXiv:1707.07162.

Windows follow the ``lppls`` package (0.6.24, ``mp_compute_nested_fits``) so that results
are comparable window by window: the end date ``t2`` steps by ``outer_increment``
observations; for each, the windows start ``j = 0, inner_increment, ...`` observations
after the start of the ``window_size`` window, for ``j < window_size -
smallest_window_size`` (with the README's 120/30/5 that is 18 windows of 120 .. 35
observations).

>>> import numpy as np, pandas as pd
>>> from kreislauf.bubble.lppls_confidence import confidence
>>> idx = pd.bdate_range("2020-01-01", periods=70)
>>> p = pd.Series(np.exp(np.linspace(0, 0.3, 70)), index=idx)
>>> r = confidence(p, window_size=60, smallest_window_size=40, inner_increment=10)
>>> r.to_frame()[["n_windows"]].iloc[0].item(), len(r.to_frame())
(2, 11)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kreislauf.bubble import lppls_kernels as K
from kreislauf.bubble.lppls import (
    CONF_GRID,
    DAYS_PER_YEAR,
    MAX_ITER,
    LPPLSBounds,
    LPPLSFilters,
    diagnostics,
    prepare_series,
    verdicts,
)
from kreislauf.bubble.lppls_result import LPPLSConfidence
from kreislauf.errors import InputError

PATIENCE = 2  # stop a window's local searches after 2 starts that do not improve it
# relative gain at which the indicator's exploratory local searches stop (looser than the
# single fit's TOL: they only rank starts; the winner is polished to POLISH_TOL = 1e-13);
# chosen by the benchmark: 1e-8 -> 1e-4 cut the indicator's time by about a third with
# the same comparable-window SSEs (docs/benchmarks.md, issue 4)
EXPLORE_TOL = 1e-4
MIN_WINDOW = 10  # assumption: below 10 observations a 7-parameter fit is meaningless


def _check_int(value: object, name: str, lo: int) -> int:
    if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < lo:
        raise InputError.single(f"expected an integer >= {lo}, got {value!r}", field=name)
    return int(value)


def confidence(
    series: pd.Series,
    *,
    window_size: int = 120,
    smallest_window_size: int = 30,
    outer_increment: int = 1,
    inner_increment: int = 5,
    max_searches: int = 25,
    filters: LPPLSFilters | None = None,
    seed: int = 0,
    bounds: LPPLSBounds | None = None,
) -> LPPLSConfidence:
    """Positive and negative LPPLS bubble confidence for every end date.

    Parameters
    ----------
    series : pandas.Series
        Prices on a :class:`~pandas.DatetimeIndex` (validated by
        :func:`~kreislauf.bubble.lppls.prepare_series`).
    window_size, smallest_window_size, outer_increment, inner_increment : int
        Window settings in observations (defaults: the ``lppls`` package README's
        120 / 30 / 1 / 5); see the module docstring for the exact windows.
    max_searches : int
        Cap on local searches per window (the ``lppls`` name; its README uses 25). Starts
        are the previous end date's optimum of the same window, then the best distinct
        cells of a stratified random grid; a window stops after ``PATIENCE`` starts that
        do not improve it.
    filters : LPPLSFilters, optional
        Qualification conditions and the denominator (default :class:`LPPLSFilters`).
    seed : int
        Seed of the :class:`numpy.random.Generator` placing the grids; deterministic.
    bounds : LPPLSBounds, optional
        Search bounds (default :class:`LPPLSBounds`).

    Returns
    -------
    LPPLSConfidence
    """
    window_size = _check_int(window_size, "window_size", MIN_WINDOW + 1)
    smallest_window_size = _check_int(smallest_window_size, "smallest_window_size", MIN_WINDOW)
    outer_increment = _check_int(outer_increment, "outer_increment", 1)
    inner_increment = _check_int(inner_increment, "inner_increment", 1)
    max_searches = _check_int(max_searches, "max_searches", 1)
    if smallest_window_size >= window_size:
        raise InputError.single(
            f"smallest_window_size ({smallest_window_size}) must be below window_size "
            f"({window_size})",
            field="smallest_window_size",
        )
    filters = filters or LPPLSFilters()
    bounds = bounds or LPPLSBounds()
    ps = prepare_series(series, min_points=window_size)
    offsets = np.arange(0, window_size - smallest_window_size, inner_increment, dtype=np.int64)
    n_end = (len(ps.t) - window_size) // outer_increment + 1
    nt_big, nt_small, nm, nw = CONF_GRID
    rng = np.random.default_rng(seed)
    u = [rng.random((n_end, k)) for k in (nt_big, nt_small, nm, nw)]
    cb, ca = bounds.caps_years()
    fits, _ = K.confidence_fits(
        ps.t, ps.log_price, window_size, offsets, outer_increment,
        bounds.tc_before, bounds.tc_after, cb, ca, bounds.m[0], bounds.m[1],
        bounds.w[0], bounds.w[1], u[0], u[1], u[2], u[3], max_searches, PATIENCE,
        MAX_ITER, EXPLORE_TOL, True,
    )  # fmt: skip
    nj = offsets.size
    end_pos = np.arange(n_end) * outer_increment + window_size - 1
    start_pos = (end_pos[:, None] - window_size + 1) + offsets[None, :]
    t2 = ps.t[end_pos][:, None]
    tc = fits[:, :, 0] - t2
    m, w, b, c1, c2, sse = (fits[:, :, k] for k in (1, 2, 4, 5, 6, 7))
    c = np.hypot(c1, c2)
    dt = t2 - ps.t[start_pos]
    ok = np.isfinite(sse)
    rel = K.window_rel_error(ps.t, ps.log_price, start_pos, end_pos, fits)
    ver = verdicts(filters, tc, m, w, b, c, dt, rel)
    qual = ver["qualified"] & ok
    pos = qual & (b < 0)
    neg = qual & (b > 0)
    n_fits = ok.sum(axis=1)
    if filters.denominator == "windows":
        den_pos = den_neg = np.full(n_end, nj, dtype=float)
    elif filters.denominator == "fits":
        den_pos = den_neg = n_fits.astype(float)
    else:
        den_pos = (ok & (b < 0)).sum(axis=1).astype(float)
        den_neg = (ok & (b > 0)).sum(axis=1).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        pos_conf = np.where(den_pos > 0, pos.sum(axis=1) / den_pos, 0.0)
        neg_conf = np.where(den_neg > 0, neg.sum(axis=1) / den_neg, 0.0)
    frame = pd.DataFrame(
        {
            "date": ps.dates[end_pos],
            "price": ps.price[end_pos],
            "pos_conf": pos_conf,
            "neg_conf": neg_conf,
            "n_windows": np.full(n_end, nj, dtype=np.int64),
            "n_fits": n_fits.astype(np.int64),
            "n_pos": pos.sum(axis=1).astype(np.int64),
            "n_neg": neg.sum(axis=1).astype(np.int64),
        }
    )
    osc, damp = diagnostics(tc, m, w, b, c, dt)
    tc_days = tc * DAYS_PER_YEAR
    t2_dates = np.repeat(ps.dates[end_pos].to_numpy(), nj)
    with np.errstate(invalid="ignore"):
        tc_dates = (
            t2_dates
            + pd.to_timedelta(
                np.where(np.isfinite(tc_days), tc_days, np.nan).ravel(), unit="D"
            ).to_numpy()
        )
    windows = pd.DataFrame(
        {
            "t2": t2_dates,
            "t1": ps.dates[start_pos.ravel()],
            "n_obs": (end_pos[:, None] - start_pos + 1).ravel(),
            "tc_date": tc_dates,
            "tc_years": tc.ravel(),
            "m": m.ravel(),
            "w": w.ravel(),
            "A": fits[:, :, 3].ravel(),
            "B": b.ravel(),
            "C1": c1.ravel(),
            "C2": c2.ravel(),
            "sse": sse.ravel(),
            "oscillations": osc.ravel(),
            "damping": damp.ravel(),
            "rel_error": rel.ravel(),
            "qualified": qual.ravel(),
        }
    )
    settings = {
        "series": ps.name,
        "window_size": window_size,
        "smallest_window_size": smallest_window_size,
        "outer_increment": outer_increment,
        "inner_increment": inner_increment,
        "max_searches": max_searches,
        "windows_per_end_date": int(nj),
        "seed": int(seed),
        "bounds": bounds.to_dict(),
        "filters": filters.to_dict(),
    }
    return LPPLSConfidence(frame=frame, windows=windows, settings=settings)
