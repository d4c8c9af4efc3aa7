"""Dependency graph, strongly connected components and compiled closures."""

from __future__ import annotations

import numpy as np
import pytest

from kreislauf.sfc import load_model
from kreislauf.sfc.compile import compile_model, strongly_connected
from kreislauf.sfc.engine import prepare_frame


def _brute_sccs(n, deps):
    """Reference: mutual reachability by transitive closure (Floyd-Warshall on booleans)."""
    R = np.eye(n, dtype=bool)
    for i, d in enumerate(deps):
        R[i, list(d)] = True
    for k in range(n):
        R |= R[:, [k]] & R[[k], :]
    comps = {tuple(np.flatnonzero(R[i] & R[:, i])) for i in range(n)}
    return {c for c in comps}, R


@pytest.mark.parametrize("seed", range(20))
def test_tarjan_matches_transitive_closure(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 25))
    deps = [list(np.flatnonzero(rng.random(n) < 0.12)) for _ in range(n)]
    comps = strongly_connected(n, deps)
    want, _ = _brute_sccs(n, deps)
    assert {tuple(c) for c in comps} == want
    # dependencies first: a component never depends on a later one
    pos = {v: i for i, c in enumerate(comps) for v in c}
    for v in range(n):
        for w in deps[v]:
            assert pos[w] <= pos[v]


def test_deep_chain_does_not_hit_the_recursion_limit():
    n = 5000
    deps = [[i - 1] if i else [] for i in range(n)]
    deps[0] = [n - 1]  # one big cycle
    comps = strongly_connected(n, deps)
    assert len(comps) == 1 and len(comps[0]) == n


def test_sim_block_structure():
    m = load_model("sim")
    cm = compile_model(m)
    simul = [b for b in cm.blocks if b.simultaneous]
    assert len(simul) == 1
    names = {m.equations[e].var for e in simul[0].eqs}
    # the income-expenditure loop of SIM: Y -> Nd -> Ns -> Td -> Ts -> YD -> Cd -> Cs -> Y
    assert names == {"Y", "Cs", "Cd", "YD", "Ts", "Td", "Ns", "Nd"}
    single = {m.equations[b.eqs[0]].var for b in cm.blocks if not b.simultaneous}
    assert single == {"Gs", "Hs", "Hh"}
    order = [m.equations[b.eqs[0]].var for b in cm.blocks]
    assert order.index("Gs") < order.index("Y") or "Gs" not in names  # Gs feeds the block
    # Gauss-Seidel sweep order: each equation after those it reads, except the feedback edge
    sweep = [m.equations[e].var for e in simul[0].eqs]
    back = 0
    for i, e in enumerate(simul[0].eqs):
        reads = m.equations[e].expr.names & names
        back += sum(sweep.index(r) >= i for r in reads)
    assert back == 1


def test_compiled_closures_are_vectorised():
    m = load_model("sim")
    cm = compile_model(m)
    S = 7
    alpha1 = np.linspace(0.5, 0.7, S)
    fr = prepare_frame(cm, periods=3, S=S, overrides={"alpha1": alpha1}, shocks=())
    fr.t = 1
    i = [e.var for e in m.equations].index("Cd")
    fr.V[1, cm.vindex["YD"]] = 10.0
    got = cm.eq_fns[i](fr)
    assert got.shape == (S,)
    np.testing.assert_allclose(got, alpha1 * 10.0 + 0.4 * 0.0)


def test_time_varying_parameter_moves_to_the_period_arrays():
    m = load_model("sim")
    cm = compile_model(m, time_varying={"theta"})
    assert "theta" in cm.vnames and "theta" not in cm.pnames
    assert "alpha1" in cm.pnames
