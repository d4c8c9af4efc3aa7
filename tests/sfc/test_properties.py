"""Property tests: the books balance for random parameters and shocks; zero shocks, batching
and repeated runs reproduce results bit for bit. (The engine draws no random numbers: a run is
a deterministic function of its inputs, so "seeds reproduce runs" reduces to determinism.)"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kreislauf.sfc import Shock, load_model, simulate

SIM = load_model("sim")
PC = load_model("pc")
FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

sim_params = st.fixed_dictionaries(
    {
        "alpha1": st.floats(0.05, 0.95),
        "alpha2": st.floats(0.02, 0.95),
        "theta": st.floats(0.02, 0.6),
        "Gd": st.floats(0.0, 1e4),
    }
)
shock = st.tuples(
    st.sampled_from(["Gd", "theta", "alpha1"]),
    st.integers(1, 25),
    st.sampled_from(["add", "scale"]),
    st.floats(-0.5, 0.5),
)


def _shock(var, start, op, v):
    if op == "scale":
        return Shock(var, start, "scale", 1.0 + v)
    return Shock(var, start, "add", v * (100.0 if var == "Gd" else 0.1))


@FAST
@given(sim_params, st.lists(shock, max_size=3))
def test_sim_books_balance_every_period(params, shocks):
    res = simulate(
        SIM, periods=25, params=params, shocks=[_shock(*s) for s in shocks], strict="raise"
    )  # a breach would raise
    assert res.converged.all()
    assert res.residual.max() <= SIM.tolerance
    for t in (1, 25):
        fm = res.flow_matrix(t)
        scale = max(1.0, float(np.abs(fm.iloc[:-1, :-1]).to_numpy().sum()))
        assert np.abs(fm["sum"]).max() <= 1e-9 * scale
        assert np.abs(fm.loc["sum"]).max() <= 1e-9 * scale


@FAST
@given(st.floats(0.005, 0.08), st.floats(0.5, 0.75), st.integers(2, 20), st.floats(-0.02, 0.02))
def test_pc_books_balance_under_rate_shocks(r0, alpha1, start, dr):
    res = simulate(
        PC,
        periods=30,
        params={"rbar": r0, "alpha1": alpha1},
        shocks=[Shock("rbar", start, "add", dr)],
    )
    assert res.residual.max() <= PC.tolerance
    np.testing.assert_allclose(res["Hh"], res["Hs"], rtol=1e-9, atol=1e-9)


@FAST
@given(
    sim_params,
    st.sampled_from(["Gd", "theta", "alpha1", "alpha2"]),
    st.integers(1, 20),
    st.sampled_from(["add", "scale"]),
)
def test_zero_shock_reproduces_the_baseline_bitwise(params, var, start, op):
    base = simulate(SIM, periods=20, params=params)
    zero = Shock(var, start, op, 0.0 if op == "add" else 1.0)
    shocked = simulate(SIM, periods=20, params=params, shocks=[zero])
    for name in SIM.endogenous:
        np.testing.assert_array_equal(shocked[name], base[name])


@FAST
@given(
    st.lists(
        st.tuples(
            st.floats(0.05, 0.95),
            st.floats(0.02, 0.95),
            st.floats(0.05, 0.5),
            st.floats(1.0, 100.0),
        ),
        min_size=2,
        max_size=6,
    )
)
def test_batched_equals_one_at_a_time_bitwise(rows):
    a1, a2, th, g = (np.array(c) for c in zip(*rows, strict=True))
    batch = simulate(SIM, periods=15, params={"alpha1": a1, "alpha2": a2, "theta": th, "Gd": g})
    for s in range(len(rows)):
        one = simulate(
            SIM, periods=15, params={"alpha1": a1[s], "alpha2": a2[s], "theta": th[s], "Gd": g[s]}
        )
        np.testing.assert_array_equal(batch.cube.values[s], one.cube.values[0])
        np.testing.assert_array_equal(batch.iterations[s], one.iterations[0])


@FAST
@given(st.lists(st.tuples(st.floats(0.005, 0.06), st.floats(0.55, 0.7)), min_size=2, max_size=5))
def test_pc_batched_equals_one_at_a_time_bitwise(rows):
    r, a1 = (np.array(c) for c in zip(*rows, strict=True))
    sh = [Shock("rbar", 4, "add", 0.01)]
    batch = simulate(PC, periods=12, params={"rbar": r, "alpha1": a1}, shocks=sh)
    for s in range(len(rows)):
        one = simulate(PC, periods=12, params={"rbar": r[s], "alpha1": a1[s]}, shocks=sh)
        np.testing.assert_array_equal(batch.cube.values[s], one.cube.values[0])


def test_repeated_runs_are_identical():
    p = {"alpha1": np.linspace(0.5, 0.7, 9)}
    a = simulate(PC, periods=20, params=p, shocks=[Shock("rbar", 5, "set", 0.035)])
    b = simulate(PC, periods=20, params=p, shocks=[Shock("rbar", 5, "set", 0.035)])
    np.testing.assert_array_equal(a.cube.values, b.cube.values)
