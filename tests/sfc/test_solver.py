"""The batched block solver: Gauss-Seidel, the Newton fallback, status per scenario."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kreislauf.errors import InputError
from kreislauf.sfc import load_model, simulate

BASE = """
name: T
source: test
sectors: [a, b]
equations:
{eqs}
parameters:
{params}
"""


def _model(tmp_path: Path, eqs: list[str], params: dict[str, float]):
    text = BASE.format(
        eqs="\n".join(f'  - "{e}"' for e in eqs),
        params="\n".join(f"  {k}: {{value: {v}, source: test}}" for k, v in params.items()),
    )
    p = tmp_path / "t.yaml"
    p.write_text(text, encoding="utf-8")
    return load_model(p)


def test_linear_block_matches_numpy_solve(tmp_path):
    # x = a y + 1, y = b x + 2  ->  [[1, -a], [-b, 1]] [x, y] = [1, 2]
    m = _model(tmp_path, ["x = a * y + 1", "y = b * x + 2"], {"a": 0.5, "b": 0.3})
    a = np.array([0.5, 0.9, -0.7, 0.2])
    b = np.array([0.3, 0.8, 0.6, -0.95])
    res = simulate(m, periods=2, params={"a": a, "b": b})
    for s in range(4):
        want = np.linalg.solve([[1, -a[s]], [-b[s], 1]], [1, 2])
        np.testing.assert_allclose([res["x"][s, 0], res["y"][s, 0]], want, rtol=1e-12)
    assert res.converged.all()


def test_newton_fallback_solves_what_gauss_seidel_cannot(tmp_path):
    # spectral radius of the Gauss-Seidel map is |a b| = 4: the sweeps diverge
    m = _model(tmp_path, ["x = a * y + 1", "y = b * x + 2"], {"a": 0.5, "b": 0.3})
    res = simulate(m, periods=1, params={"a": np.array([0.5, 2.0]), "b": np.array([0.3, 2.0])})
    want = np.linalg.solve([[1, -2.0], [-2.0, 1]], [1, 2])
    np.testing.assert_allclose([res["x"][1, 0], res["y"][1, 0]], want, rtol=1e-10)
    assert res.converged.all()
    # the divergent scenario needed more work than the contracting one
    assert res.iterations[1, 0] > res.iterations[0, 0]


def test_nonlinear_block(tmp_path):
    # x = sqrt(y), y = c - x  ->  x^2 + x - c = 0
    m = _model(tmp_path, ["x = sqrt(max(y, 0))", "y = c - x"], {"c": 2.0})
    c = np.array([2.0, 6.0, 12.0])
    res = simulate(m, periods=1, params={"c": c})
    np.testing.assert_allclose(res["x"][:, 0], (-1 + np.sqrt(1 + 4 * c)) / 2, rtol=1e-10)


def test_status_per_scenario_when_one_has_no_solution(tmp_path):
    # x = a x + 1 has no solution for a = 1; the other scenarios are unaffected
    # (excluded, never served as a result; without exclude=True the run is an error)
    from kreislauf.sfc.divergence import DivergenceError

    m = _model(tmp_path, ["x = a * x + 1"], {"a": 0.5})
    res = simulate(m, periods=2, params={"a": np.array([0.5, 1.0, -0.5])}, exclude=True)
    assert res.converged[[0, 2]].all() and not res.converged[1, 0]
    assert res.failed.tolist() == [False, True, False]
    np.testing.assert_allclose(res["x"][[0, 2], 0], [2.0, 1 / 1.5], rtol=1e-12)
    with pytest.raises(DivergenceError, match=r"scenario 1.*a = 1"):
        simulate(m, periods=2, params={"a": np.array([0.5, 1.0, -0.5])})


def test_damping_option(tmp_path):
    p = tmp_path / "d.yaml"
    p.write_text(
        BASE.format(
            eqs='  - "x = a * y + 1"\n  - "y = b * x + 2"',
            params="  a: {value: 0.5, source: t}\n  b: {value: 0.3, source: t}",
        )
        + "solver: {damping: 0.5, max_iter: 500}\n",
        encoding="utf-8",
    )
    res = simulate(load_model(p), periods=1)
    np.testing.assert_allclose(
        [res["x"][0, 0], res["y"][0, 0]],
        np.linalg.solve([[1, -0.5], [-0.3, 1]], [1, 2]),
        rtol=1e-11,
    )


def test_bad_solver_options_rejected(tmp_path):
    p = tmp_path / "d.yaml"
    p.write_text(
        BASE.format(eqs='  - "x = a"', params="  a: {value: 1, source: t}")
        + "solver: {damping: 1.5}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="damping"):
        load_model(p)


def test_iterations_are_recorded(tmp_path):
    res = simulate(load_model("sim"), periods=3)
    assert res.iterations.shape == (1, 3)
    assert (res.iterations > 1).all() and (res.iterations < 200).all()


def test_non_finite_values_are_not_converged(tmp_path):
    # a non-finite value is never a result: excluded (Monte Carlo) or an error naming it
    from kreislauf.sfc.divergence import DivergenceError

    m = _model(tmp_path, ["x = log(a)", "y = x + 1"], {"a": 2.0})
    res = simulate(m, periods=1, params={"a": np.array([2.0, -1.0])}, exclude=True)
    assert res.converged[:, 0].tolist() == [True, False]
    assert res.failed.tolist() == [False, True]
    assert res["y"][0, 0] == pytest.approx(np.log(2.0) + 1)
    assert np.isnan(res["y"][1, 0])
    with pytest.raises(DivergenceError, match="period 1 \\(scenario 1\\): x is not finite"):
        simulate(m, periods=1, params={"a": np.array([2.0, -1.0])}, strict="warn")


def test_random_linear_blocks_batched_match_numpy(tmp_path):
    # x_i = sum_j a_ij x_j + b_i (j != i) for 64 random 3 x 3 systems at once; many have a
    # Gauss-Seidel map that diverges, so this exercises the Newton fallback per scenario
    rng = np.random.default_rng(7)
    S, n = 64, 3
    A = rng.uniform(-1.5, 1.5, (S, n, n))
    A[:, np.arange(n), np.arange(n)] = 0.0
    b = rng.uniform(-5, 5, (S, n))
    M = np.eye(n) - A
    keep = np.linalg.cond(M) < 1e4
    eqs = [
        f"x{i} = " + " + ".join([f"a{i}{j} * x{j}" for j in range(n) if j != i] + [f"b{i}"])
        for i in range(n)
    ]
    params = {f"a{i}{j}": 0.0 for i in range(n) for j in range(n) if i != j}
    params |= {f"b{i}": 0.0 for i in range(n)}
    m = _model(tmp_path, eqs, params)
    over = {f"a{i}{j}": A[keep, i, j] for i in range(n) for j in range(n) if i != j}
    over |= {f"b{i}": b[keep, i] for i in range(n)}
    res = simulate(m, periods=1, params=over)
    want = np.linalg.solve(M[keep], b[keep][..., None])[..., 0]
    got = np.stack([res[f"x{i}"][:, 0] for i in range(n)], axis=1)
    assert res.converged.all()
    np.testing.assert_allclose(got, want, rtol=1e-8, atol=1e-8)
