"""Numba kernels of the LPPLS search: grids, starts, nested windows, the indicator's fits.

The single-calibration kernels (curve, linear solve, local search) are in
:mod:`kreislauf.bubble.lppls_local`, the grid screening in :mod:`kreislauf.bubble.lppls_grid`
(both re-exported here) and the final Newton polish in :mod:`kreislauf.bubble.lppls_newton`.

The model is

    ln p(t) = A + B f + C1 f cos(w ln|tc - t|) + C2 f sin(w ln|tc - t|),  f = |tc - t|^m.

For fixed nonlinear parameters ``(tc, m, w)`` the four linear parameters ``(A, B, C1, C2)``
solve a 4x4 normal-equation system in closed form (Filimonov, V. & Sornette, D. (2013),
"A stable and robust calibration scheme of the log-periodic power law model", Physica A
392(17), 3698-3707, eqs. 9-10); the cost is then a function of three parameters only.

The search has two stages, both inside the bounds:

1. a stratified random grid over ``(tc, m, w)`` screened with the concentrated
   (profile) cost. Nested windows that share their end date ``t2`` share the grid: the
   normal-equation sums of window ``[t1_j, t2]`` are suffix sums of the same terms, so one
   pass over the largest window prices every nested window at once;
2. bounded variable-projection Levenberg-Marquardt on ``(tc, m, w)`` (the linear
   parameters are the closed-form solution at every iterate) from the best distinct grid
   cells, steps projected onto the box so that no iterate leaves the bounds; the winner
   is polished by LM to a relative gain of ``PRE_POLISH_TOL`` and then by bounded Newton
   steps (finite-difference Hessian of the exact gradient) to ``POLISH_TOL``.

Time ``t`` is in years relative to the window end (``t2 = 0``) and ``y`` is the log price
minus the log price at ``t2``; the caller converts back. ``|tc - t|`` (as in the ``lppls``
package and the FCO practice of searching ``tc`` on both sides of ``t2``) is floored at
``EPS`` years so that a data point at exactly ``tc`` stays finite.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from kreislauf.bubble.lppls_grid import nested_grid
from kreislauf.bubble.lppls_local import (  # noqa: F401  (re-exported kernels)
    EPS,
    FASTMATH,
    _chol4,
    _solve_inplace,
    _vp_eval,
    linear_params,
    lm_refine,
    lppls_curve,
    window_rel_error,
)
from kreislauf.bubble.lppls_newton import newton_polish

N_OUT = 8  # tc, m, w, A, B, C1, C2, sse
# tc candidates just after t2, as multiples of the mean sampling interval of the window:
# fits whose singularity sits within about one observation interval after t2 form basins
# of their own (the last point's phase w ln(tc - t2) turns fast there)
NEAR = np.geomspace(0.02, 2.0, 12)
SKIP_RATIO = 1.2  # a start whose grid cost exceeds 1.2x the best SSE so far is skipped
EXPLORE_TRIES = 8  # rejected trials before an exploratory local search gives up
POLISH_TOL = 1e-13  # relative gain at which the best start's final polish stops
PRE_POLISH_TOL = 1e-5  # LM brings the winner this close before Newton takes over
NEWTON_ITER = 8  # cap on Newton iterations of the final polish
NEAR_NEWTON = 1  # Newton starts from the best grid cells just after t2, for a winner near t2
NEAR_NEWTON_ITER = 12  # its iteration cap and stopping gain (the winner is polished after)
NEAR_NEWTON_TOL = 1e-8
SIDE_GAP = 2e-9  # years (0.06 s): a local search keeps tc this far from t2 on its side


@njit(cache=True)
def _side(tc0: float, tc_lo: float, tc_hi: float, lo: np.ndarray, hi: np.ndarray) -> None:
    """Keep a local search on the side of ``t2`` where it starts.

    ``|tc - t|`` has a kink at ``tc = t2`` (the last observation), which separates the
    fits with ``tc`` after the sample from the mirrored ones with ``tc`` inside it; a
    local search that crosses it lands in an unrelated basin.
    """
    if tc0 > 0.0:
        lo[0] = max(tc_lo, SIDE_GAP)
        hi[0] = tc_hi
    else:
        lo[0] = tc_lo
        hi[0] = min(tc_hi, -SIDE_GAP)


@njit(cache=True)
def search_windows(
    t: np.ndarray,
    y: np.ndarray,
    starts: np.ndarray,
    tc_grid: np.ndarray,
    m_grid: np.ndarray,
    w_grid: np.ndarray,
    tc_lo: np.ndarray,
    tc_hi: np.ndarray,
    m_lo: float,
    m_hi: float,
    w_lo: float,
    w_hi: float,
    max_searches: int,
    patience: int,
    max_iter: int,
    tol: float,
    warm: np.ndarray,
    near_hi: np.ndarray,
    out: np.ndarray,
    n_local: np.ndarray,
) -> None:
    """Best bounded fit of every nested window; ``out[j] = (tc, m, w, A, B, C1, C2, sse)``.

    Local searches start from the best grid cells in order, skipping a cell adjacent (in
    every grid coordinate) to one already used; at most ``max_searches`` of them, stopping
    early after ``patience`` consecutive searches that do not lower the best SSE by more
    than one part in 1e9 (the two near-``t2`` starts, see :data:`NEAR`, go first and do not
    count towards ``patience``; ``near_hi[j]`` bounds that region). ``warm[j]`` (``tc, m,
    w``; NaN for none) is an extra first start, e.g. the previous end date's optimum; for
    ``j > 0`` the optimum of window ``j - 1`` (same ``t2``, a few observations longer) is
    the next one.
    ``n_local[j]`` is the number of local searches run.
    """
    nj = starts.shape[0]
    nt = tc_grid.shape[0]
    nw = w_grid.shape[0]
    best_sse = np.empty((nj, nt))
    best_mw = np.empty((nj, nt), dtype=np.int64)
    nested_grid(t, y, starts, tc_grid, m_grid, w_grid, tc_lo, tc_hi, best_sse, best_mw)
    x0 = np.empty(3)
    lo = np.empty(3)
    hi = np.empty(3)
    cand = np.empty(7)
    used = np.empty((nt + 4, 3), dtype=np.int64)
    order = np.empty(nt + 4, dtype=np.int64)
    n = t.shape[0]
    for j in range(nj):
        tw = t[starts[j] : n]
        yw = y[starts[j] : n]
        lo[0] = tc_lo[j]
        hi[0] = tc_hi[j]
        lo[1] = m_lo
        hi[1] = m_hi
        lo[2] = w_lo
        hi[2] = w_hi
        best = np.inf
        out[j, :] = np.nan
        out[j, 7] = np.inf
        # start order: the best tc value just after t2 in each of two bands (within 15 % of
        # the near region, and the rest of it; basins the others cannot reach, see NEAR),
        # then every tc value by its best grid cost
        near_a = -1
        near_b = -1
        for it in range(nt):
            tcv = tc_grid[it]
            if not (0.0 < tcv <= near_hi[j] and np.isfinite(best_sse[j, it])):
                continue
            if tcv <= 0.15 * near_hi[j]:
                if near_a < 0 or best_sse[j, it] < best_sse[j, near_a]:
                    near_a = it
            elif near_b < 0 or best_sse[j, it] < best_sse[j, near_b]:
                near_b = it
        # and the best tc value before t2 and after the near region (each side of the
        # kink at t2 gets a start)
        side_b = -1
        side_a = -1
        for it in range(nt):
            tcv = tc_grid[it]
            if not np.isfinite(best_sse[j, it]):
                continue
            if tcv < 0.0:
                if side_b < 0 or best_sse[j, it] < best_sse[j, side_b]:
                    side_b = it
            elif tcv > near_hi[j]:
                if side_a < 0 or best_sse[j, it] < best_sse[j, side_a]:
                    side_a = it
        rank = np.argsort(best_sse[j])
        n_order = 0
        for it in (near_a, near_b, side_b, side_a):
            if it >= 0:
                order[n_order] = it
                n_order += 1
        n_near = n_order
        for k in range(nt):
            r = rank[k]
            if r != near_a and r != near_b and r != side_b and r != side_a:
                order[n_order] = r
                n_order += 1
        n_used = 0
        stale = 0
        runs = 0
        # the previous end date's optimum, then the next larger window's (same t2)
        for src in range(2):
            ok = np.isfinite(warm[j, 0]) if src == 0 else j > 0 and np.isfinite(out[j - 1, 7])
            if not ok or runs >= max_searches:
                continue
            x0[:] = warm[j, :] if src == 0 else out[j - 1, :3]
            _side(x0[0], tc_lo[j], tc_hi[j], lo, hi)
            sse = lm_refine(tw, yw, x0, lo, hi, max_iter, cand, tol, EXPLORE_TRIES, False)
            runs += 1
            if sse < best:
                best = sse
                out[j, :7] = cand
                out[j, 7] = sse
        for k in range(n_order):
            if runs >= max_searches or (stale >= patience and k >= n_near):
                break
            it = order[k]
            if best_mw[j, it] < 0 or not np.isfinite(best_sse[j, it]):
                continue
            if best_sse[j, it] > SKIP_RATIO * best:  # coarse cost far above the best fit
                continue
            iw = best_mw[j, it] % nw
            im = best_mw[j, it] // nw
            near = False
            for u in range(n_used):
                if (
                    abs(used[u, 0] - it) <= 1
                    and abs(used[u, 1] - im) <= 1
                    and abs(used[u, 2] - iw) <= 1
                ):
                    near = True
                    break
            if near:
                continue
            used[n_used, 0] = it
            used[n_used, 1] = im
            used[n_used, 2] = iw
            n_used += 1
            x0[0] = tc_grid[it]
            x0[1] = m_grid[im]
            x0[2] = w_grid[iw]
            _side(x0[0], tc_lo[j], tc_hi[j], lo, hi)
            sse = lm_refine(tw, yw, x0, lo, hi, max_iter, cand, tol, EXPLORE_TRIES, False)
            runs += 1
            if sse < best * (1.0 - 1e-9):
                best = sse
                out[j, :7] = cand
                out[j, 7] = sse
                stale = 0
            else:
                stale += 1
        # a winner near t2: Newton (not LM) from the best grid cell(s) just after t2. There
        # Gauss-Newton steps jump between the narrow basins of the last point's phase;
        # Newton with a line search stays in the basin it starts in.
        if np.isfinite(best) and abs(out[j, 0]) <= near_hi[j]:
            n_nt = 0
            for k in range(nt):
                if n_nt >= NEAR_NEWTON:
                    break
                it = rank[k]
                tcv = tc_grid[it]
                if not (0.0 < tcv <= 0.15 * near_hi[j]) or best_mw[j, it] < 0:
                    continue
                if not np.isfinite(best_sse[j, it]):
                    break
                n_nt += 1
                x0[0] = tcv
                x0[1] = m_grid[best_mw[j, it] // nw]
                x0[2] = w_grid[best_mw[j, it] % nw]
                _side(x0[0], tc_lo[j], tc_hi[j], lo, hi)
                sse = newton_polish(tw, yw, x0, lo, hi, NEAR_NEWTON_ITER, cand, NEAR_NEWTON_TOL)
                runs += 1
                if sse < best:
                    best = sse
                    out[j, :7] = cand
                    out[j, 7] = sse
        if np.isfinite(best):  # polish the winner: LM into the basin, then Newton
            x0[:] = out[j, :3]
            _side(x0[0], tc_lo[j], tc_hi[j], lo, hi)
            sse = lm_refine(tw, yw, x0, lo, hi, max_iter, cand, PRE_POLISH_TOL, 6, True, 1e-8)
            if sse < best:
                best = sse
                out[j, :7] = cand
                out[j, 7] = sse
            x0[:] = out[j, :3]
            sse = newton_polish(tw, yw, x0, lo, hi, NEWTON_ITER, cand, POLISH_TOL)
            if sse < best:
                out[j, :7] = cand
                out[j, 7] = sse
        n_local[j] = runs


@njit(cache=True)
def stratified(lo: float, hi: float, u: np.ndarray) -> np.ndarray:
    """One point drawn in each of ``len(u)`` equal strata of ``[lo, hi]`` (``u`` in [0, 1))."""
    k = u.shape[0]
    out = np.empty(k)
    for i in range(k):
        out[i] = lo + (i + u[i]) * (hi - lo) / k
    return out


@njit(cache=True)
def tc_grid_nested(
    before_max: float,
    after_max: float,
    before_min: float,
    after_min: float,
    spacing: float,
    u_big: np.ndarray,
    u_small: np.ndarray,
) -> np.ndarray:
    """Union of a stratified ``tc`` grid over the largest and one over the smallest window.

    The ``tc`` range of the largest window is ``[-before_max, after_max]`` (years from
    ``t2``), that of the smallest ``[-before_min, after_min]``; ``NEAR * spacing`` (capped
    at ``after_min``) adds candidates just after ``t2``.
    """
    big = stratified(-before_max, after_max, u_big)
    small = stratified(-before_min, after_min, u_small)
    nb = big.shape[0]
    ns = small.shape[0]
    out = np.empty(nb + ns + NEAR.shape[0])
    out[:nb] = big
    out[nb : nb + ns] = small
    for k in range(NEAR.shape[0]):
        out[nb + ns + k] = min(NEAR[k] * spacing, after_min)
    return np.sort(out)


@njit(cache=True)
def confidence_fits(
    t: np.ndarray,
    y: np.ndarray,
    window_size: int,
    offsets: np.ndarray,
    outer_increment: int,
    before: float,
    after: float,
    before_cap: float,
    after_cap: float,
    m_lo: float,
    m_hi: float,
    w_lo: float,
    w_hi: float,
    u_tc_big: np.ndarray,
    u_tc_small: np.ndarray,
    u_m: np.ndarray,
    u_w: np.ndarray,
    max_searches: int,
    patience: int,
    max_iter: int,
    tol: float,
    use_warm: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """All nested-window fits for every end date; ``(fits[e, j, 8], n_local[e, j])``.

    End date ``e`` closes the window ``[i, i + window_size)`` with ``i = e * outer_increment``;
    its nested windows start at ``i + offsets[j]``. With ``use_warm`` each window's
    optimum seeds the same window one end date later (an extra first start). The ``w``
    grid is evenly spaced with one random shift ``u_w[e, 0]`` per end date (its cos/sin by
    angle addition in :func:`nested_grid`); ``tc`` and ``m`` are stratified. Parameters
    come back in absolute units (``tc`` in the same years as ``t``, ``A`` on the log-price
    scale of ``y``).
    """
    n_end = (t.shape[0] - window_size) // outer_increment + 1
    nj = offsets.shape[0]
    fits = np.empty((n_end, nj, N_OUT))
    n_local = np.zeros((n_end, nj), dtype=np.int64)
    tc_lo = np.empty(nj)
    tc_hi = np.empty(nj)
    tw = np.empty(window_size)
    yw = np.empty(window_size)
    out = np.empty((nj, N_OUT))
    nl = np.empty(nj, dtype=np.int64)
    warm = np.full((nj, 3), np.nan)
    near_hi = np.empty(nj)
    nw_grid = u_w.shape[1]  # w grid: evenly spaced, one random shift per end date
    for e in range(n_end):
        i0 = e * outer_increment
        t2 = t[i0 + window_size - 1]
        y2 = y[i0 + window_size - 1]
        for i in range(window_size):
            tw[i] = t[i0 + i] - t2
            yw[i] = y[i0 + i] - y2
        for j in range(nj):
            dt = -tw[offsets[j]]
            tc_lo[j] = -min(before * dt, before_cap)
            tc_hi[j] = min(after * dt, after_cap)
        spacing = -tw[0] / (window_size - 1)
        near_hi[:] = min(NEAR[-1] * spacing, tc_hi[nj - 1]) * 1.000001
        tcg = tc_grid_nested(
            -tc_lo[0], tc_hi[0], -tc_lo[nj - 1], tc_hi[nj - 1], spacing, u_tc_big[e],
            u_tc_small[e],
        )  # fmt: skip
        mg = stratified(m_lo, m_hi, u_m[e])
        wg = w_lo + (np.arange(nw_grid) + u_w[e, 0]) * ((w_hi - w_lo) / nw_grid)
        search_windows(
            tw,
            yw,
            offsets,
            tcg,
            mg,
            wg,
            tc_lo,
            tc_hi,
            m_lo,
            m_hi,
            w_lo,
            w_hi,
            max_searches,
            patience,
            max_iter,
            tol,
            warm,
            near_hi,
            out,
            nl,
        )
        if use_warm and e + 1 < n_end:
            t2_next = t[i0 + outer_increment + window_size - 1]
            for j in range(nj):
                warm[j, 0] = out[j, 0] + t2 - t2_next
                warm[j, 1] = out[j, 1]
                warm[j, 2] = out[j, 2]
        for j in range(nj):
            for k in range(N_OUT):
                fits[e, j, k] = out[j, k]
            fits[e, j, 0] += t2
            fits[e, j, 3] += y2
            n_local[e, j] = nl[j]
    return fits, n_local
