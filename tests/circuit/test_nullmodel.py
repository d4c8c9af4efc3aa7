"""Null-model p-values on networks where the answer is known; reproducibility."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kreislauf.circuit.nullmodel import balance, null_model


def frame(pairs: list[tuple[str, str]], w: float | list[float] = 1.0) -> pd.DataFrame:
    ws = [w] * len(pairs) if isinstance(w, float) else w
    return pd.DataFrame(
        {"src": [p[0] for p in pairs], "dst": [p[1] for p in pairs], "amount": ws, "known": True}
    )


def ring(n: int) -> pd.DataFrame:
    return frame([(f"n{i}", f"n{(i + 1) % n}") for i in range(n)], 5.0)


@pytest.mark.parametrize("mode", ["classes", "exact"])
def test_ring_every_rewiring_keeps_a_cycle(mode: str) -> None:
    # With in- and out-degree 1 everywhere, any degree-preserving rewiring is a union of
    # cycles: the null never has fewer cycles than the ring itself, so p = 1 exactly.
    r = null_model(ring(6), draws=99, seed=3, max_length=6, mode=mode)
    assert r.observed["cycles"] == 1
    assert (r.null["cycles"] >= 1).all()
    assert r.p_values["cycles"] == 1.0
    assert r.failed_draws == 0  # equal weights: strengths are always feasible
    assert r.strength_error == 0.0


def test_seed_reproduces_and_changes_the_draws() -> None:
    rng = np.random.default_rng(0)
    pairs = [(f"n{a}", f"n{b}") for a, b in rng.integers(0, 9, size=(30, 2)) if a != b]
    e = frame(list(dict.fromkeys(pairs)), list(rng.uniform(1, 10, len(dict.fromkeys(pairs)))))
    a = null_model(e, draws=60, seed=11, max_length=4)
    b = null_model(e, draws=60, seed=11, max_length=4)
    c = null_model(e, draws=60, seed=12, max_length=4)
    pd.testing.assert_frame_equal(a.null, b.null)
    assert a.p_values == b.p_values
    assert not a.null.equals(c.null)


def test_reciprocal_pairs_are_significant() -> None:
    # Ten reciprocal pairs hidden among a chain: 2-cycles that degree-preserving
    # rewiring destroys, so the observed cycle count is far in the tail.
    pairs = []
    for i in range(10):
        pairs += [(f"x{i}", f"y{i}"), (f"y{i}", f"x{i}"), (f"y{i}", f"x{(i + 1) % 10}")]
    r = null_model(frame(pairs), draws=199, seed=5, max_length=2)
    assert r.observed["cycles"] == 10
    assert r.p_values["cycles"] < 0.05


def test_random_graphs_are_not_significant_too_often() -> None:
    # An Erdos-Renyi graph is a typical member of its own null: at the 5 % level the test
    # may reject now and then, but not for most graphs.
    rejections = 0
    for s in range(12):
        rng = np.random.default_rng(100 + s)
        n = 10
        adj = rng.random((n, n)) < 0.2
        np.fill_diagonal(adj, False)
        pairs = [(f"n{i}", f"n{j}") for i, j in zip(*np.nonzero(adj), strict=True)]
        r = null_model(frame(pairs), draws=99, seed=s, max_length=4)
        rejections += r.p_values["cycles"] < 0.05
    assert rejections <= 4


def test_balance_matches_strengths_or_reports_failure() -> None:
    src, dst = np.array([0, 0, 1]), np.array([1, 2, 2])
    w = balance(src, dst, np.ones(3), np.array([3.0, 2.0, 0.0]), np.array([0.0, 1.0, 4.0]))
    assert w is not None
    np.testing.assert_allclose(np.bincount(src, w, 3), [3, 2, 0])
    np.testing.assert_allclose(np.bincount(dst, w, 3), [0, 1, 4])
    # Infeasible: node 1 must receive 5 but its only in-edge comes from node 0, paying 1.
    assert (
        balance(np.array([0]), np.array([1]), np.ones(1), np.array([1.0, 0]), np.array([0, 5.0]))
        is None
    )


def test_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError):
        null_model(ring(4), draws=0)
    with pytest.raises(ValueError):
        null_model(ring(4), mode="free")  # type: ignore[arg-type]
