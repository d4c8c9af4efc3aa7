"""LPPLS numba kernels against plain NumPy formulas."""

from __future__ import annotations

import numpy as np
import pytest

from kreislauf.bubble import lppls_kernels as K


def numpy_curve(t, tc, m, w, a, b, c1, c2):
    """The LPPLS log price written out in NumPy (Filimonov & Sornette 2013, eq. 7)."""
    tau = np.abs(tc - t)
    f = tau**m
    return a + b * f + c1 * f * np.cos(w * np.log(tau)) + c2 * f * np.sin(w * np.log(tau))


def concentrated_sse(t, y, tc, m, w) -> float:
    """SSE of the best linear parameters at ``(tc, m, w)``, by numpy.linalg.lstsq."""
    beta, *_ = np.linalg.lstsq(design(t, tc, m, w), y, rcond=None)
    r = y - design(t, tc, m, w) @ beta
    return float(r @ r)


def design(t, tc, m, w):
    tau = np.abs(tc - t)
    f = tau**m
    return np.column_stack([np.ones_like(t), f, f * np.cos(w * np.log(tau)),
                            f * np.sin(w * np.log(tau))])  # fmt: skip


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(3)
    t = np.sort(rng.uniform(-0.8, 0.0, 150))
    t[-1] = 0.0
    y = numpy_curve(t, 0.07, 0.45, 8.5, 0.1, -0.6, 0.03, -0.02) + rng.normal(0, 0.01, t.size)
    return t, y


def test_curve_matches_numpy(data) -> None:
    t, _ = data
    got = K.lppls_curve(t, 0.07, 0.45, 8.5, 0.1, -0.6, 0.03, -0.02)
    np.testing.assert_allclose(got, numpy_curve(t, 0.07, 0.45, 8.5, 0.1, -0.6, 0.03, -0.02),
                               rtol=1e-13, atol=1e-13)  # fmt: skip


@pytest.mark.parametrize("tc,m,w", [(0.07, 0.45, 8.5), (0.3, 0.2, 6.1), (-0.05, 0.8, 12.9)])
def test_linear_solve_matches_lstsq(data, tc, m, w) -> None:
    """The closed-form 4x4 normal-equation solve equals numpy.linalg.lstsq."""
    t, y = data
    out = np.empty(4)
    sse = K.linear_params(t, y, tc, m, w, out)
    x = design(t, tc, m, w)
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    np.testing.assert_allclose(out, beta, rtol=1e-7, atol=1e-9)
    assert sse == pytest.approx(float(np.sum((y - x @ beta) ** 2)), rel=1e-9)


@pytest.mark.parametrize("w_list", [[7.0, 10.0, 12.0], [6.4, 8.15, 9.9, 11.65]])
def test_nested_grid_costs_match_lstsq(data, w_list) -> None:
    """The shared-grid concentrated cost of every nested window equals the lstsq SSE.

    The second ``w`` grid is evenly spaced: its cos/sin come from angle addition.
    """
    t, y = data
    starts = np.array([0, 20, 55, 90], dtype=np.int64)
    tc_grid = np.array([0.01, 0.05, 0.2])
    m_grid = np.array([0.3, 0.6])
    w_grid = np.array(w_list)
    lo = np.full(4, -1.0)
    hi = np.full(4, 1.0)
    best = np.empty((4, 3))
    cell = np.empty((4, 3), dtype=np.int64)
    K.nested_grid(t, y, starts, tc_grid, m_grid, w_grid, lo, hi, best, cell)
    for j, s0 in enumerate(starts):
        for it, tc in enumerate(tc_grid):
            costs = []
            for m in m_grid:
                for w in w_grid:
                    x = design(t[s0:], tc, m, w)
                    beta, *_ = np.linalg.lstsq(x, y[s0:], rcond=None)
                    costs.append(float(np.sum((y[s0:] - x @ beta) ** 2)))
            assert best[j, it] == pytest.approx(min(costs), rel=1e-6, abs=1e-12)
            assert cell[j, it] == int(np.argmin(costs))


def test_grid_skips_infeasible_tc(data) -> None:
    t, y = data
    starts = np.array([0, 100], dtype=np.int64)
    best = np.empty((2, 2))
    cell = np.empty((2, 2), dtype=np.int64)
    K.nested_grid(t, y, starts, np.array([0.05, 0.5]), np.array([0.5]), np.array([8.0]),
                  np.array([-1.0, -0.1]), np.array([1.0, 0.1]), best, cell)  # fmt: skip
    assert np.isfinite(best[0]).all()
    assert np.isfinite(best[1, 0]) and np.isinf(best[1, 1]) and cell[1, 1] == -1


def test_local_search_stays_in_bounds_and_improves(data) -> None:
    t, y = data
    lo = np.array([0.01, 0.1, 6.0])
    hi = np.array([0.16, 0.9, 13.0])
    out = np.empty(7)
    start = np.array([0.15, 0.85, 12.5])
    lin = np.empty(4)
    sse0 = K.linear_params(t, y, *start, lin)
    sse = K.lm_refine(t, y, start, lo, hi, 50, out, 1e-12)
    assert sse < sse0
    assert np.all(out[:3] >= lo) and np.all(out[:3] <= hi)
    # the reported SSE is that of the returned parameters
    assert sse == pytest.approx(float(np.sum((y - numpy_curve(t, *out)) ** 2)), rel=1e-9)
    # with noise the optimum is at least as good as the true parameters
    sse_t = K.lm_refine(t, y, np.array([0.06, 0.5, 8.0]), lo, hi, 50, out, 1e-12)
    assert sse_t <= K.linear_params(t, y, 0.07, 0.45, 8.5, lin) * (1 + 1e-12)


def test_local_search_recovers_noise_free_truth() -> None:
    t = np.linspace(-0.8, 0.0, 150)
    y = numpy_curve(t, 0.07, 0.45, 8.5, 0.1, -0.6, 0.03, -0.02)
    out = np.empty(7)
    lo = np.array([0.01, 0.1, 6.0])
    hi = np.array([0.16, 0.9, 13.0])
    sse = K.lm_refine(t, y, np.array([0.06, 0.5, 8.0]), lo, hi, 100, out, 1e-14)
    np.testing.assert_allclose(out[:3], [0.07, 0.45, 8.5], rtol=1e-4)
    np.testing.assert_allclose(out[3:], [0.1, -0.6, 0.03, -0.02], rtol=1e-3, atol=1e-5)
    assert sse < 1e-12


def test_window_rel_error_matches_numpy(data) -> None:
    t, y = data
    fits = np.array([[[0.07, 0.45, 8.5, 0.1, -0.6, 0.03, -0.02, 1.0],
                      [0.07, 0.45, 8.5, 0.1, -0.6, 0.03, -0.02, np.inf]]])  # fmt: skip
    starts = np.array([[10, 40]])
    ends = np.array([149])
    got = K.window_rel_error(t, y, starts, ends, fits)
    yhat = numpy_curve(t[10:], 0.07, 0.45, 8.5, 0.1, -0.6, 0.03, -0.02)
    assert got[0, 0] == pytest.approx(np.mean(np.abs(np.exp(y[10:] - yhat) - 1.0)), rel=1e-12)
    assert np.isnan(got[0, 1])


def test_stratified_one_point_per_stratum() -> None:
    u = np.array([0.0, 0.5, 0.999])
    pts = K.stratified(2.0, 5.0, u)
    np.testing.assert_allclose(pts, [2.0, 3.5, 4.999])
