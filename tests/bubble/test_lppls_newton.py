"""The LPPLS Newton polish: its exact-gradient premise, convergence and bounds."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.bubble.test_lppls_kernels import concentrated_sse, numpy_curve

from kreislauf.bubble import lppls_kernels as K
from kreislauf.bubble.lppls_local import _vp_eval
from kreislauf.bubble.lppls_newton import newton_polish


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(11)
    t = np.sort(rng.uniform(-0.6, 0.0, 120))
    t[-1] = 0.0
    y = numpy_curve(t, 0.05, 0.6, 9.0, 0.2, -0.5, 0.04, 0.03) + rng.normal(0, 0.02, t.size)
    return t, y


@pytest.mark.parametrize("theta", [(0.05, 0.6, 9.0), (0.12, 0.3, 6.5), (-0.03, 0.8, 12.0)])
def test_gradient_is_the_exact_derivative_of_the_concentrated_cost(data, theta) -> None:
    """-2 J'r (Kaufman's J'r) equals central differences of the lstsq cost (variable projection)."""
    t, y = data
    work = np.empty((5, t.size))
    beta = np.empty(4)
    jtj = np.empty((3, 3))
    jtr = np.empty(3)
    _vp_eval(t, y, *theta, work, beta, jtj, jtr, True)
    for k, h in enumerate((1e-7, 1e-6, 1e-5)):
        up = list(theta)
        dn = list(theta)
        up[k] += h
        dn[k] -= h
        fd = (concentrated_sse(t, y, *up) - concentrated_sse(t, y, *dn)) / (2 * h)
        assert -2.0 * jtr[k] == pytest.approx(fd, rel=1e-5, abs=1e-9)


def test_newton_reaches_the_tight_lm_optimum(data) -> None:
    t, y = data
    lo = np.array([0.005, 0.1, 6.0])
    hi = np.array([0.12, 0.9, 13.0])
    out = np.empty(7)
    start = np.array([0.06, 0.55, 9.3])
    sse_lm = K.lm_refine(t, y, start, lo, hi, 400, out, 1e-15, 6, True, 1e-8)
    x_lm = out[:3].copy()
    pre = K.lm_refine(t, y, start, lo, hi, 50, out, 1e-5, 6, True, 1e-8)
    sse_nt = newton_polish(t, y, out[:3].copy(), lo, hi, 8, out, 1e-13)
    assert sse_nt <= pre
    assert sse_nt <= sse_lm * (1 + 1e-12)
    np.testing.assert_allclose(out[:3], x_lm, rtol=1e-5)
    # the reported SSE is that of the returned parameters
    assert sse_nt == pytest.approx(float(np.sum((y - numpy_curve(t, *out)) ** 2)), rel=1e-10)
    # at the optimum the gradient vanishes (relative to its size at the start)
    work = np.empty((5, t.size))
    g0 = np.empty(3)
    g1 = np.empty(3)
    _vp_eval(t, y, *start, work, np.empty(4), np.empty((3, 3)), g0, True)
    _vp_eval(t, y, *out[:3], work, np.empty(4), np.empty((3, 3)), g1, True)
    assert np.all(np.abs(g1) <= 1e-5 * np.abs(g0).max())


def test_newton_on_log_tc_side_of_t2(data) -> None:
    """Bounds on one side of t2: the search runs in ln|tc| and stays on that side."""
    t, y = data
    lo = np.array([-0.1, 0.1, 6.0])
    hi = np.array([-1e-6, 0.9, 13.0])
    out = np.empty(7)
    pre = K.lm_refine(t, y, np.array([-0.02, 0.5, 8.0]), lo, hi, 50, out, 1e-5, 6, True, 1e-8)
    sse = newton_polish(t, y, out[:3].copy(), lo, hi, 8, out, 1e-13)
    assert sse <= pre and lo[0] <= out[0] <= hi[0]


@settings(max_examples=40, deadline=None)
@given(
    tc=st.floats(-0.1, 0.1),
    m=st.floats(0.1, 0.9),
    w=st.floats(6.0, 13.0),
    half=st.floats(0.005, 0.05),
)
def test_newton_never_leaves_bounds_or_worsens(data, tc, m, w, half) -> None:
    t, y = data
    lo = np.array([tc - half, max(0.1, m - 0.2), max(6.0, w - 2.0)])
    hi = np.array([tc + half, min(0.9, m + 0.2), min(13.0, w + 2.0)])
    x0 = np.array([tc, m, w])
    out = np.empty(7)
    work = np.empty((5, t.size))
    s0 = _vp_eval(t, y, *x0, work, np.empty(4), np.empty((3, 3)), np.empty(3), False)
    sse = newton_polish(t, y, x0, lo, hi, 8, out, 1e-13)
    if np.isfinite(s0):
        assert sse <= s0 * (1 + 1e-12)  # the two cost paths differ in the last bits
        assert np.all(out[:3] >= lo) and np.all(out[:3] <= hi)
