"""Monte Carlo: distribution files, seeded draws, the batched run, quantile bands."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from kreislauf.errors import InputError
from kreislauf.sfc import load_model, simulate
from kreislauf.sfc.ai_params import Recalibrate, load_calibration
from kreislauf.sfc.montecarlo import (
    Distribution,
    draw,
    parse_distributions,
    read_distributions,
    run_monte_carlo,
)


@pytest.fixture(scope="module")
def model():
    return load_model("ai_circuit")


@pytest.fixture(scope="module")
def prep():
    return Recalibrate(list(load_calibration().entries))


@pytest.fixture(scope="module")
def mc(model, prep):
    return run_monte_carlo(model, read_distributions(), 120, 11, 24, prepare=prep)


def test_seed_reproduces_the_run(model, prep, mc) -> None:
    again = run_monte_carlo(model, read_distributions(), 120, 11, 24, prepare=prep)
    assert np.array_equal(again.values, mc.values)
    other = run_monte_carlo(model, read_distributions(), 120, 12, 24, prepare=prep)
    assert not np.array_equal(other.values, mc.values)


def test_draws_are_prefix_stable_and_within_bounds() -> None:
    d = read_distributions()
    a, b = draw(d, 50, 3), draw(d, 200, 3)
    for dist in d:
        assert np.array_equal(a[dist.name], b[dist.name][:50])
        if dist.low is not None:
            assert b[dist.name].min() >= dist.low
        if dist.high is not None:
            assert b[dist.name].max() <= dist.high


def test_batched_run_equals_draws_run_one_at_a_time(model, prep, mc) -> None:
    for i in (0, 57, 119):
        one = {k: v[i : i + 1] for k, v in mc.draws.items()}
        params, initial = prep(one)
        res = simulate(model, 24, params=params, initial=initial)
        assert np.array_equal(res.cube.values[0], mc.values[i])


def test_quantile_bands_are_ordered(mc) -> None:
    q = mc.quantiles(["VL", "WAI", "ML"])
    cols = ["q05", "q25", "q50", "q75", "q95"]
    assert (np.diff(q[cols].to_numpy(), axis=1) >= 0).all()
    assert len(q) == 3 * 24


def test_summary_and_outcomes(mc) -> None:
    s = mc.summary()
    assert s["draws"] == 120 and s["all_converged"]
    assert 0.0 <= s["lab_default_probability"] <= 1.0
    o = mc.outcomes()
    assert len(o) == 120 and (o["wealth_lost_total_usd_bn"] >= 0).all()
    assert mc.to_xarray().dims == ("scenario", "period", "variable")


def test_truncated_normal_matches_scipy() -> None:
    d = Distribution("x", "normal", {"mean": 0.06, "sd": 0.01}, 0.05, 0.1, "test")
    x = d.ppf(np.random.default_rng(0).random(20000))
    ref = stats.truncnorm((0.05 - 0.06) / 0.01, (0.1 - 0.06) / 0.01, loc=0.06, scale=0.01)
    # Monte Carlo error of the mean: sd / sqrt(n); allow 4 standard errors
    assert abs(x.mean() - ref.mean()) < 4 * ref.std() / np.sqrt(x.size)
    assert x.min() >= 0.05 and x.max() <= 0.1


def test_triangular_mean() -> None:
    d = Distribution("x", "triangular", {"mode": 5.5}, 3.0, 6.5, "test")
    x = d.ppf(np.random.default_rng(1).random(20000))
    mean = (3.0 + 5.5 + 6.5) / 3  # mean of a triangular distribution
    sd = np.sqrt((3.0**2 + 5.5**2 + 6.5**2 - 3.0 * 5.5 - 3.0 * 6.5 - 5.5 * 6.5) / 18)
    assert abs(x.mean() - mean) < 4 * sd / np.sqrt(x.size)


@settings(max_examples=40, deadline=None)
@given(
    median=st.floats(0.1, 100.0),
    sigma=st.floats(0.05, 2.0),
    lo=st.floats(0.0, 0.9),
    width=st.floats(0.2, 5.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_lognormal_draws_stay_in_bounds(median, sigma, lo, width, seed) -> None:
    low, high = lo * median, (lo + width) * median
    d = Distribution("x", "lognormal", {"median": median, "sigma": sigma}, low, high, "t")
    x = draw([d], 64, seed)["x"]
    assert np.isfinite(x).all() and x.min() >= low and x.max() <= high


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"dist": "cauchy", "low": 0, "high": 1, "source": "s"}, "dist must be one of"),
        ({"dist": "uniform", "low": 0, "source": "s"}, "needs 'high'"),
        ({"dist": "uniform", "low": 1, "high": 0, "source": "s"}, "low must be below high"),
        ({"dist": "normal", "mean": 0, "sd": -1, "source": "s"}, "must be positive"),
        ({"dist": "triangular", "low": 0, "mode": 2, "high": 1, "source": "s"}, "mode"),
        ({"dist": "uniform", "low": 0, "high": 1}, "source"),
        ({"dist": "normal", "mean": 0, "sd": 1, "low": 50, "high": 60, "source": "s"}, "no prob"),
    ],
)
def test_bad_distributions_are_input_errors(spec, message) -> None:
    with pytest.raises(InputError, match=message) as err:
        parse_distributions({"parameters": {"g0": spec}}, "d.yaml", {"parameters.g0": 4})
    p = err.value.problems[0]
    assert p.file == "d.yaml" and p.row == 4 and p.field == "g0"


def test_bad_distribution_file_reports_its_line(tmp_path: Path) -> None:
    p = tmp_path / "u.yaml"
    p.write_text("parameters:\n  g0: {dist: uniform, low: 0.1, high: 0.2, source: s}\n"
                 "  rho: {dist: uniform, low: 0.9, high: 0.8, source: s}\n")  # fmt: skip
    with pytest.raises(InputError) as err:
        read_distributions(p)
    assert err.value.problems[0].row == 3 and err.value.problems[0].field == "rho"


def test_drawing_an_unknown_parameter_fails(model, prep, tmp_path: Path) -> None:
    p = tmp_path / "u.yaml"
    p.write_text("parameters:\n  nope: {dist: uniform, low: 0.1, high: 0.2, source: s}\n")
    with pytest.raises(InputError, match="cannot draw"):
        run_monte_carlo(model, read_distributions(p), 4, 0, 4, prepare=prep)


def test_keep_returns_the_same_columns(model, prep, mc) -> None:
    from kreislauf.sfc.burst import OUTCOME_VARS

    small = run_monte_carlo(
        model, read_distributions(), 120, 11, 24, prepare=prep, keep=OUTCOME_VARS
    )
    assert small.names == list(OUTCOME_VARS)
    full = mc.to_xarray().sel(variable=list(OUTCOME_VARS)).values
    assert np.array_equal(small.values, full)
    assert small.summary()["lab_default_probability"] == mc.summary()["lab_default_probability"]


def test_bounds_at_zero_are_kept() -> None:
    d = Distribution("x", "normal", {"mean": -1.0, "sd": 1.0}, -2.0, 0.0, "test")
    x = d.ppf(np.random.default_rng(2).random(5000))
    assert x.max() <= 0.0 and x.min() >= -2.0


def test_a_scenario_file_survives_recalibration(model, prep) -> None:
    """The energy ceiling's GW_ceiling0 = 25 and GWstep = 0.5 hold in every draw.

    Regression: the preparer returns every calibrated value, and the engine lets ``params``
    win over a scenario, so the baseline's "no ceiling" (1e6 GW) used to undo the scenario
    in a Monte Carlo run while a single run honoured it.
    """
    from kreislauf.sfc import load_scenario
    from kreislauf.sfc.burst import shipped_scenarios

    energy = load_scenario(shipped_scenarios()["energy_ceiling"])
    run = run_monte_carlo(model, read_distributions(), 6, 3, 12, scenario=energy, prepare=prep)
    gw = run.to_xarray().sel(variable="GWcap").values  # (draw, period)
    # the ceiling is GW_ceiling0 + GWstep * tq with tq the quarter count: 25 GW plus 0.5 a
    # quarter, the same in every draw, far below the baseline's 1e6
    assert np.allclose(gw, gw[0]) and gw.max() < 40 and gw.min() >= 25
    single = simulate(model, 12, scenario=energy)
    assert np.allclose(gw[0], np.asarray(single["GWcap"]).reshape(-1)[-gw.shape[1] :])
