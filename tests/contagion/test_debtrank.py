"""DebtRank: hand-worked cases, the linear steady state, the cycle effect, invariants."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from kreislauf.contagion import Network
from kreislauf.contagion.debtrank import debtrank, debtrank_per_node, network_debtrank
from kreislauf.errors import InputError


def test_chain_by_hand_both_methods():
    # A lent 5 to B, B lent 4 to C; equity A 10, B 8, C 1; C defaults (h_C = 1).
    # W[B, C] = 4/8 = 0.5, W[A, B] = 5/10 = 0.5 -> h_B = 0.5, h_A = 0.25 (both methods on a
    # chain); equal weights: R = (0.25 + 0.5) / 3 = 0.25.
    A = np.array([[0, 5, 0], [0, 0, 4], [0, 0, 0.0]])
    for method in ("original", "linear"):
        r = debtrank(A, [10, 8, 1], [0, 0, 1.0], method=method, node_ids=["A", "B", "C"])
        np.testing.assert_allclose(r.h_final[:, 0], [0.25, 0.5, 1.0])
        assert r.debtrank[0] == pytest.approx(0.25)


def test_cycle_original_propagates_once_linear_reaches_steady_state():
    # Two nodes that lent 5 to each other, equity 10 each; A starts with h = 0.5.
    # Original DebtRank (Battiston et al. 2012): B gets 0.5 * 0.5 = 0.25, then A (already
    # inactive) gets 0.5 * 0.25 = 0.125 more -> (0.625, 0.25), and A does not propagate again.
    # Linear DebtRank (Bardoscia et al. 2015): steady state (I - Lambda)^-1 h(1)
    # = (0.5, 0.25) / 0.75 = (2/3, 1/3): the original underestimates losses on cycles.
    A = np.array([[0, 5.0], [5.0, 0]])
    orig = debtrank(A, [10, 10], [0.5, 0], method="original")
    lin = debtrank(A, [10, 10], [0.5, 0], method="linear")
    np.testing.assert_allclose(orig.h_final[:, 0], [0.625, 0.25])
    np.testing.assert_allclose(lin.h_final[:, 0], [2 / 3, 1 / 3], atol=1e-10)


def test_linear_matches_closed_form_when_stable():
    rng = np.random.default_rng(7)
    n = 12
    A = rng.uniform(0, 1, (n, n)) * (rng.uniform(size=(n, n)) < 0.3)
    np.fill_diagonal(A, 0)
    E = A.sum(axis=1) * 4 + 1  # interbank leverage <= 0.25: spectral radius < 1
    h1 = rng.uniform(0, 0.05, n)
    lin = debtrank(A, E, h1, method="linear")
    Lam = A / E[:, None]
    steady = np.linalg.solve(np.eye(n) - Lam, h1)
    assert steady.max() < 1
    np.testing.assert_allclose(lin.h_final[:, 0], steady, atol=1e-10)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(2, 8),
    seed=st.integers(0, 10_000),
    method=st.sampled_from(["original", "linear"]),
)
def test_debtrank_in_unit_interval_and_monotone(n, seed, method):
    rng = np.random.default_rng(seed)
    A = rng.uniform(0, 5, (n, n)) * (rng.uniform(size=(n, n)) < 0.5)
    np.fill_diagonal(A, 0)
    E = rng.uniform(0.1, 10, n)
    per_node = debtrank_per_node(A, E, rng.uniform(0.1, 1, n), method=method)
    assert np.all(per_node.debtrank >= -1e-12) and np.all(per_node.debtrank <= 1 + 1e-12)
    assert np.all((per_node.h_final >= 0) & (per_node.h_final <= 1))
    h1 = rng.uniform(0, 0.5, n)
    small = debtrank(A, E, h1, method=method)
    big = debtrank(A, E, np.minimum(1, 2 * h1), method=method)
    assert np.all(big.h_final >= small.h_final - 1e-12)
    zero = debtrank(A, E, np.zeros(n), method=method)
    assert zero.h_final.sum() == 0


def test_network_debtrank_and_result():
    L = np.array([[0, 4.0, 0], [0, 0, 5.0], [0, 0, 0]])  # 0 owes 1, 1 owes 2
    net = Network.from_arrays(L, [1, 10, 20], node_ids=["a", "b", "c"])
    r = network_debtrank(net, method="original")
    assert r.scenarios == ["a", "b", "c"]
    ps = r.per_scenario()
    assert ps.iloc[0]["scenario"] == "a"  # a's default hits b, which then hits c
    assert set(r.to_frame().columns) >= {"scenario", "node", "h_final"}
    assert r.summary()["max_debtrank_scenario"] == "a"
    assert len(r.plot().data) == 1
    one = network_debtrank(net, {"a": 1.0}, method="linear")
    assert one.scenarios == ["shock"]


def test_bad_input():
    with pytest.raises(InputError):
        debtrank(np.zeros((2, 2)), [1, 1], [2.0, 0])
    with pytest.raises(InputError):
        debtrank(np.zeros((2, 2)), [1, 1], [0.5, 0], method="nonlinear")
    with pytest.raises(InputError):
        debtrank(-np.ones((2, 2)), [1, 1], [0.5, 0])


def networkriskmeasures_example() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The six-bank test network of the R package NetworkRiskMeasures (Cinelli & Silva).

    Source: NetworkRiskMeasures, ``tests/testthat/test_1_risk_com.R`` (and the older
    ``tests/testthat/tests.R``), https://github.com/carloscinelli/NetworkRiskMeasures ::

        liabilities <- structure(c(0,0,0,0,0,0, 5,0,0,0,0,2, 0,3,0,0,2,2, 0,0,4,0,5,0,
                                   10,2,0,0,5,0, 2,0,0,0,0,0), .Dim = c(6L, 6L),
                                 .Dimnames = list(c("A","B","C","E","F","D"), ...))
        capital_buffer <- c(A = 10, B = 2, C = 2, E = 1, F = 10, D = 4)

    R fills column by column; ``liabilities[i, j]`` is what ``i`` owes ``j``. The package's
    expected impact matrix (``res``, capped at 1: the impact of ``i``'s default on ``j``) is
    returned too. The network has a self-exposure of F (5): the test keeps it.
    """
    # one tuple per R column (creditors A, B, C, E, F, D), entries by debtor in the same order
    L = np.column_stack(
        [
            (0, 0, 0, 0, 0, 0),
            (5, 0, 0, 0, 0, 2),
            (0, 3, 0, 0, 2, 2),
            (0, 0, 4, 0, 5, 0),
            (10, 2, 0, 0, 5, 0),
            (2, 0, 0, 0, 0, 0),
        ]
    ).astype(float)
    buffer = np.array([10, 2, 2, 1, 10, 4], dtype=float)
    impact = np.column_stack(
        [
            (0, 0, 0, 0, 0, 0),
            (1, 0, 0, 0, 0, 1),
            (0, 1, 0, 0, 1, 1),
            (0, 0, 1, 0, 1, 0),
            (1, 0.2, 0, 0, 0.5, 0),
            (0.5, 0, 0, 0, 0, 0),
        ]
    )
    return L, buffer, impact


def test_impact_matrix_of_networkriskmeasures():
    # Published expected values: the impact matrix ``res`` of the package's test suite.
    # Our W[i, j] (i's vulnerability to j, Battiston et al. 2012: min(1, A_ij / E_i)) is the
    # transpose of the package's impact matrix.
    from kreislauf.contagion.debtrank import _impact

    L, buffer, impact = networkriskmeasures_example()
    W = _impact(sp.csr_matrix(L.T), buffer, "original").toarray()
    np.testing.assert_allclose(W, impact.T)


def test_debtrank_on_the_networkriskmeasures_network_by_hand():
    # Order A, B, C, E, F, D; equal weights. Worked by hand from the impact matrix above.
    # A defaults: A hits B (1), F (1), D (0.5); then B, F, D hit C (1 + 1 + 0.5 -> 1) and
    # F hits E (1). Both methods end at h = (1, 1, 1, 1, 1, 0.5): R = (5.5 - 1) / 6 = 0.75.
    # D defaults: D hits B (1), C (1); B hits F (0.2), C hits E (1); F then hits itself
    # (self-exposure 0.5): the original lets F propagate once, F = 0.2 + 0.5 * 0.2 = 0.3,
    # R = (4.3 - 1) / 6 = 0.55; the linear version sums the geometric series,
    # F = 0.2 / (1 - 0.5) = 0.4, R = (4.4 - 1) / 6 = 3.4 / 6.
    L, buffer, _ = networkriskmeasures_example()
    A = L.T
    for method, f_final, r_d in (("original", 0.3, 0.55), ("linear", 0.4, 3.4 / 6)):
        res = debtrank_per_node(A, buffer, method=method, node_ids=list("ABCEFD"))
        h_a = res.h_final[:, 0]
        np.testing.assert_allclose(h_a, [1, 1, 1, 1, 1, 0.5], atol=1e-9)
        assert res.debtrank[0] == pytest.approx(0.75)
        h_d = res.h_final[:, 5]
        np.testing.assert_allclose(h_d, [0, 1, 1, 1, f_final, 1], atol=1e-9)
        assert res.debtrank[5] == pytest.approx(r_d, abs=1e-9)
