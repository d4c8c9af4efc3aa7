"""The numba ADF window kernels against a plain NumPy OLS, and their invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kreislauf.bubble.adf import adf_window, window_sequences, window_sequences_batch


def ols_adf(seg: np.ndarray, k: int) -> float:
    """ADF t-ratio of b in Δy_t = a + b y_{t-1} + Σ φ Δy_{t-l}, lags inside the window (lstsq)."""
    dy = np.diff(seg)
    rows = np.arange(k, len(dy))
    x = np.column_stack(
        [np.ones(len(rows)), seg[rows]] + [dy[rows - lag] for lag in range(1, k + 1)]
    )
    t = dy[rows]
    beta, *_ = np.linalg.lstsq(x, t, rcond=None)
    e = t - x @ beta
    s2 = e @ e / (len(t) - x.shape[1])
    cov = s2 * np.linalg.inv(x.T @ x)
    return float(beta[1] / np.sqrt(cov[1, 1]))


def ols_ic_adf(seg: np.ndarray, kmax: int, ic: str) -> float:
    """IC-chosen ADF: orders compared on the common sample of kmax, Gaussian log(RSS/n)."""
    dy = np.diff(seg)
    rows = np.arange(kmax, len(dy))
    best, k_best = np.inf, 0
    for k in range(kmax + 1):
        x = np.column_stack(
            [np.ones(len(rows)), seg[rows]] + [dy[rows - lag] for lag in range(1, k + 1)]
        )
        t = dy[rows]
        beta, *_ = np.linalg.lstsq(x, t, rcond=None)
        rss = float(np.sum((t - x @ beta) ** 2))
        n = len(t)
        pen = 2 * (k + 2) if ic == "aic" else (k + 2) * np.log(n)
        val = np.log(rss / n) + pen / n
        if val < best:
            best, k_best = val, k
    return ols_adf(seg, k_best)


def reference_sequences(y, w, k, ic="fixed"):
    f = ols_adf if ic == "fixed" else (lambda s, kk: ols_ic_adf(s, kk, ic))
    ends = range(w - 1, len(y))
    fwd = np.array([f(y[: j + 1], k) for j in ends])
    bs = np.array([max(f(y[i : j + 1], k) for i in range(0, j - w + 2)) for j in ends])
    return bs, fwd


@pytest.mark.parametrize("k", [0, 1, 3])
def test_kernel_matches_lstsq(k: int) -> None:
    rng = np.random.default_rng(k)
    y = np.cumsum(rng.normal(size=70)) + 40.0
    bs, fwd = window_sequences(y, 16, k)
    rbs, rfwd = reference_sequences(y, 16, k)
    np.testing.assert_allclose(fwd, rfwd, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(bs, rbs, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("ic", ["aic", "bic"])
def test_ic_kernel_matches_lstsq(ic: str) -> None:
    rng = np.random.default_rng(11)
    # an AR(1) in differences, so that the criteria choose different orders across windows
    e = rng.normal(size=80)
    d = np.zeros(80)
    for t in range(1, 80):
        d[t] = 0.6 * d[t - 1] + e[t]
    y = np.cumsum(d)
    bs, fwd = window_sequences(y, 25, 3, ic)
    rbs, rfwd = reference_sequences(y, 25, 3, ic)
    np.testing.assert_allclose(fwd, rfwd, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(bs, rbs, rtol=1e-9, atol=1e-9)


def test_random_windows_match_lstsq() -> None:
    rng = np.random.default_rng(5)
    y = np.cumsum(rng.normal(size=400)) * 3.0 + 100.0
    for _ in range(25):
        i = int(rng.integers(0, 300))
        j = int(rng.integers(i + 20, 400))
        k = int(rng.integers(0, 4))
        assert adf_window(y, i, j, k) == pytest.approx(ols_adf(y[i : j + 1], k), rel=1e-9)


def test_batch_kernel_matches_single_series_kernel() -> None:
    rng = np.random.default_rng(2)
    paths = np.cumsum(rng.normal(size=(6, 300)), axis=1)
    bs, fwd = window_sequences_batch(paths, 30)
    for r in range(6):
        b1, f1 = window_sequences(paths[r], 30)
        np.testing.assert_allclose(bs[r], b1, rtol=1e-9, atol=1e-10)
        np.testing.assert_allclose(fwd[r], f1, rtol=1e-9, atol=1e-10)
    bs2, fwd2 = window_sequences_batch(paths, 30, 2)
    b1, f1 = window_sequences(paths[3], 30, 2)
    np.testing.assert_allclose(bs2[3], b1, rtol=1e-12)
    np.testing.assert_allclose(fwd2[3], f1, rtol=1e-12)


def test_flat_window_is_nan_not_a_number_made_up() -> None:
    y = np.concatenate([np.full(20, 5.0), np.cumsum(np.random.default_rng(0).normal(size=40))])
    bs, fwd = window_sequences(y, 10)
    assert np.isnan(fwd[:10]).all()  # windows inside the flat stretch: no regression
    assert np.isfinite(bs[-1])


series = st.lists(
    st.floats(-3, 3, allow_nan=False, allow_infinity=False), min_size=40, max_size=90
).map(lambda v: np.cumsum(np.asarray(v) + np.linspace(0, 1e-3, len(v))))


@settings(max_examples=40, deadline=None)
@given(series, st.floats(-1e3, 1e3), st.floats(0.01, 100.0), st.integers(0, 2))
def test_invariant_to_shift_and_scale(y, shift, scale, k) -> None:
    if np.ptp(np.diff(y)) < 1e-6:
        return
    b0, f0 = window_sequences(y, 12, k)
    b1, f1 = window_sequences(y * scale + shift, 12, k)
    ok = np.isfinite(b0) & (np.abs(b0) < 1e6)
    np.testing.assert_allclose(b1[ok], b0[ok], rtol=1e-6, atol=1e-6)
    okf = np.isfinite(f0) & (np.abs(f0) < 1e6)
    np.testing.assert_allclose(f1[okf], f0[okf], rtol=1e-6, atol=1e-6)


@settings(max_examples=40, deadline=None)
@given(series, st.integers(8, 30))
def test_sup_relations(y, w) -> None:
    if np.ptp(np.diff(y)) < 1e-6 or len(y) <= w:
        return
    bs, fwd = window_sequences(y, w)
    ok = np.isfinite(bs) & np.isfinite(fwd)
    # BSADF_j includes the window [0, j] and the window [j-w+1, j]
    assert np.all(bs[ok] >= fwd[ok] - 1e-12)
    last = adf_window(y, len(y) - w, len(y) - 1)
    if np.isfinite(last):
        assert bs[-1] >= last - 1e-12
    assert np.nanmax(bs) >= np.nanmax(fwd) - 1e-12  # GSADF >= SADF
