"""Critical values: Monte Carlo against exuber's, the two rules, the wild bootstrap, FWER."""

from __future__ import annotations

import numpy as np
import pytest

from kreislauf.bubble.psy_critical import (
    _wild_paths,
    critical_values,
    fit_null,
    mc_paths,
    quantile_se,
    simulate_null,
)
from kreislauf.errors import InputError

LEVELS = (0.90, 0.95, 0.99)


def test_seeded_and_reproducible() -> None:
    a = critical_values(120, min_window=20, reps=60, seed=3)
    b = critical_values(120, min_window=20, reps=60, seed=3)
    c = critical_values(120, min_window=20, reps=60, seed=4)
    np.testing.assert_array_equal(a.sequence, b.sequence)
    np.testing.assert_array_equal(a.gsadf, b.gsadf)
    assert not np.array_equal(a.gsadf, c.gsadf)


def test_mc_drift_is_d_times_n_to_minus_eta() -> None:
    n = 50
    p0 = mc_paths(n, 3, np.random.default_rng(1), d=0.0)
    p1 = mc_paths(n, 3, np.random.default_rng(1), d=2.0, eta=0.5)
    np.testing.assert_allclose(p1 - p0, np.tile(np.arange(n) * 2.0 * n**-0.5, (3, 1)), atol=1e-12)
    assert np.all(p0[:, 0] == 0.0)


def test_rule_identities() -> None:
    """psy and exuber rules share draws; identities that must hold between them."""
    psy_cv = critical_values(150, min_window=25, reps=200, seed=9, rule="psy")
    ex_cv = critical_values(150, min_window=25, reps=200, seed=9, rule="exuber")
    # first window end: one window [0, w-1]; BSADF = ADF = SADF of [0, w-1]
    np.testing.assert_allclose(psy_cv.sequence[0], ex_cv.sequence[0])
    # exuber's sequence is the quantile of the running SADF: ends at the SADF cv, nondecreasing
    np.testing.assert_allclose(ex_cv.sequence[-1], ex_cv.sadf)
    assert np.all(np.diff(ex_cv.sequence, axis=0) >= -1e-12)
    # quantile of the max >= max of the quantiles (GSADF = max BSADF)
    assert np.all(psy_cv.gsadf >= psy_cv.sequence.max(axis=0) - 1e-12)
    # and the two rules do differ where many backward windows exist
    assert np.max(np.abs(psy_cv.sequence[-40:] - ex_cv.sequence[-40:])) > 0.1


def test_fwer_window_raises_the_sequence() -> None:
    base = critical_values(150, min_window=25, reps=150, seed=2)
    fw = critical_values(150, min_window=25, reps=150, seed=2, fwer_window=12)
    assert np.all(fw.sequence >= base.sequence - 1e-12)
    full = critical_values(150, min_window=25, reps=150, seed=2, fwer_window=10_000)
    np.testing.assert_allclose(full.sequence[-1], full.gsadf)


def test_mc_matches_exuber_within_monte_carlo_error() -> None:
    """Our Monte Carlo (exuber's settings) against exuber's radf_mc_cv/radf_mc_distr.

    exuber simulates y = cumsum(N(0,1)) (no drift) and its minw counts regression rows, so its
    windows hold minw + 1 observations; we set drift_d=0, min_window=minw+1, rule="exuber".
    Different random streams: agreement within 4 combined Monte Carlo standard errors.
    """
    exuber = pytest.importorskip("exuber")
    n, reps = 250, 800
    ours = simulate_null(n, min_window=exuber.psy_minw(n) + 1, reps=reps, seed=1, drift_d=0.0)
    ex_cv = exuber.radf_mc_cv(n, nrep=reps, seed=7)
    ex_d = exuber.radf_mc_distr(n, nrep=reps, seed=7)
    for p_i, p in enumerate(LEVELS):
        for mine, theirs, label in (
            (ours.sadf, ex_d.sadf_distr, "sadf"),
            (ours.gsadf, ex_d.gsadf_distr, "gsadf"),
        ):
            se = np.hypot(quantile_se(mine, p), quantile_se(theirs, p))
            assert abs(np.quantile(mine, p) - np.quantile(theirs, p)) < 4 * se, (label, p)
        # exuber rule sequence at a few window ends
        for q in (0, 60, 150, len(ex_cv.bsadf_cv) - 1):
            col = ours.sadf_path[:, q]
            se = np.sqrt(2.0) * quantile_se(col, p)
            assert abs(np.quantile(col, p) - ex_cv.bsadf_cv[q, p_i]) < 4 * se, (q, p)


def test_wild_bootstrap_keeps_each_residual_at_its_date() -> None:
    """Rademacher multipliers: |Δy*_t| = |ê_t| date by date (lag 0, no intercept)."""
    rng = np.random.default_rng(0)
    y = np.cumsum(rng.normal(size=80) * np.linspace(0.5, 3.0, 80))
    phi, resid = fit_null(y, 0, "fixed", 0)
    assert phi.shape == (0,)
    np.testing.assert_allclose(resid, np.diff(y) - np.diff(y).mean())
    mult = rng.integers(0, 2, size=(5, len(resid))) * 2.0 - 1.0
    paths = _wild_paths(float(y[0]), np.zeros(0), phi, resid, mult)
    np.testing.assert_allclose(np.abs(np.diff(paths, axis=1)), np.tile(np.abs(resid), (5, 1)))
    assert np.all(paths[:, 0] == y[0])


def test_wild_bootstrap_ar_recursion() -> None:
    rng = np.random.default_rng(4)
    y = np.cumsum(rng.normal(size=60))
    phi, resid = fit_null(y, 2, "fixed", 0)
    mult = rng.normal(size=(1, len(resid)))
    path = _wild_paths(float(y[0]), np.diff(y)[:2].copy(), phi, resid, mult)[0]
    d = np.diff(path)
    np.testing.assert_allclose(d[:2], np.diff(y)[:2])
    for t in range(2, len(d)):
        expect = phi[0] * d[t - 1] + phi[1] * d[t - 2] + mult[0, t - 2] * resid[t - 2]
        assert d[t] == pytest.approx(expect, abs=1e-12)


def test_wild_matches_mc_on_a_homoskedastic_random_walk() -> None:
    """Both are valid nulls for an iid-innovation random walk: GSADF cvs agree within MC error."""
    rng = np.random.default_rng(12)
    y = np.cumsum(rng.normal(size=160))
    w = 25
    mc = simulate_null(160, min_window=w, reps=600, seed=1, drift_d=0.0)
    wb = simulate_null(160, min_window=w, reps=600, seed=2, method="wild", y=y)
    for p in (0.90, 0.95):
        se = np.hypot(quantile_se(mc.gsadf, p), quantile_se(wb.gsadf, p))
        assert abs(np.quantile(mc.gsadf, p) - np.quantile(wb.gsadf, p)) < 4 * se


def test_ic_selected_null_runs_and_bad_options_raise() -> None:
    y = np.cumsum(np.random.default_rng(1).normal(size=90))
    cv = critical_values(90, min_window=30, lags=2, ic="bic", reps=20, seed=0, method="wild", y=y)
    assert cv.sequence.shape == (61, 3) and cv.ic == "bic"
    with pytest.raises(InputError):
        critical_values(90, min_window=30, reps=20, rule="nope")
    with pytest.raises(InputError):
        critical_values(90, min_window=30, reps=20, method="wild")  # needs the data
    with pytest.raises(InputError):
        critical_values(90, min_window=30, reps=5)
    with pytest.raises(InputError):
        critical_values(90, min_window=30, reps=20, method="wild", y=y, multiplier="x")


def _ols_adf(seg: np.ndarray) -> float:
    dy = np.diff(seg)
    x = np.column_stack([np.ones(len(dy)), seg[:-1]])
    beta, *_ = np.linalg.lstsq(x, dy, rcond=None)
    e = dy - x @ beta
    s2 = e @ e / (len(dy) - 2)
    return float(beta[1] / np.sqrt(s2 * np.linalg.inv(x.T @ x)[1, 1]))


def test_psy_rule_matches_multiplebubbles_construction() -> None:
    """The "psy" sequence against PSY's own construction, written out in NumPy.

    MultipleBubbles (R; authors incl. P. C. B. Phillips and S.-P. Shi), ``bsadf()``: for each
    r2, fresh samples of length r2 from a random walk with drift r2^(-1), and the quantiles of
    max_{r1} ADF(r1, r2). Ours: one path of length T with drift T^(-1), BSADF per r2.
    """
    n, w, m = 60, 14, 500
    cv = critical_values(n, min_window=w, reps=2000, seed=5, rule="psy")
    rng = np.random.default_rng(8)
    for r2 in (20, 40, 60):
        y = np.cumsum(rng.normal(size=(m, r2)) + 1.0 / r2, axis=1)
        stat = np.array([max(_ols_adf(p[i:]) for i in range(0, r2 - w + 1)) for p in y])
        for k, p in enumerate(LEVELS[:2]):
            se = np.hypot(quantile_se(stat, p), quantile_se(stat, p) * np.sqrt(m / 2000))
            assert abs(np.quantile(stat, p) - cv.sequence[r2 - w, k]) < 4 * se, (r2, p)
