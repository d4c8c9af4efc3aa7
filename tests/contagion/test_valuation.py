"""Eisenberg-Noe and Rogers-Veraart: published examples, hand-worked cases, conventions."""

from __future__ import annotations

import numpy as np
import pytest

from kreislauf.contagion import Network, Seniority, clear_batch, eisenberg_noe, rogers_veraart
from kreislauf.errors import InputError


def systemicrisk_example() -> Network:
    """The example of ``default_clearing`` in the R package systemicrisk (Gandy & Veraart).

    Source: systemicrisk 0.4.2 documentation, ``?default_clearing``, example and its output,
    https://rdrr.io/cran/systemicrisk/man/default_clearing.html ::

        ea <- c(1/2,5/8,3/4); el <- c(3/2,1/2,1/2); x <- 0.5
        L <- matrix(c(0,x,1-x,1-x,0,x,x,1-x,0),nrow=3)

    R fills matrices column by column; with x = 0.5 every off-diagonal entry is 0.5.
    """
    x = 0.5
    L = np.array([[0, x, 1 - x], [1 - x, 0, x], [x, 1 - x, 0]]).T
    return Network.from_arrays(L, [1 / 2, 5 / 8, 3 / 4], [3 / 2, 1 / 2, 1 / 2])


@pytest.mark.parametrize("method", ["exact", "auto"])
def test_systemicrisk_eisenberg_noe(method):
    # Published output: $defaultind 1 1 0; $clearingvec 1.473214 1.419643 1.500000
    r = eisenberg_noe(systemicrisk_example(), Seniority.PARI_PASSU, method=method)
    np.testing.assert_allclose(r.payments, [1.473214, 1.419643, 1.5], atol=5e-7)
    assert r.defaulted.tolist() == [True, True, False]
    assert r.stats.exact


@pytest.mark.parametrize("method", ["exact", "auto"])
def test_systemicrisk_rogers_veraart(method):
    # Published output with alpha = 0.5, beta = 0.7: $defaultind 1 1 1;
    # $clearingvec 0.5020200 0.5147049 0.5653806
    r = rogers_veraart(systemicrisk_example(), "pari_passu", 0.5, 0.7, method=method)
    np.testing.assert_allclose(r.payments, [0.5020200, 0.5147049, 0.5653806], atol=5e-8)
    assert r.defaulted.all()
    assert r.default_costs.sum() > 0


def test_hand_worked_chain_and_rounds():
    # A owes B 10, B owes C 10; A has 4 of external assets, B has 3, C has 0 and owes nothing.
    # A defaults first (4 < 10) and pays 4; B then has 3 + 4 = 7 < 10 and pays 7.
    L = np.array([[0, 10, 0], [0, 0, 10], [0, 0, 0.0]])
    net = Network.from_arrays(L, [4, 3, 0], node_ids=["A", "B", "C"])
    r = eisenberg_noe(net, "senior")
    np.testing.assert_allclose(r.payments, [4, 7, 0])
    assert r.default_round.tolist() == [1, 2, -1]
    f = r.to_frame().set_index("node")
    assert f.loc["C", "credit_loss"] == pytest.approx(3.0)
    assert f.loc["B", "equity_loss"] == pytest.approx(3.0)  # book equity 3 + 10 - 10 = 3


def test_senior_and_pari_passu_differ_as_theory_says():
    # One debtor D with external assets 6, owing the network creditor C 8 and outsiders 4.
    # Senior external debt: outsiders get min(4, 6) = 4, C gets 6 - 4 = 2.
    # Pari passu: both get 6 in proportion 8:4, so C gets 4 and outsiders 2.
    L = np.array([[0, 8.0], [0, 0]])
    net = Network.from_arrays(L, [6, 1], [4, 0], node_ids=["D", "C"])
    senior = eisenberg_noe(net, Seniority.SENIOR)
    equal = eisenberg_noe(net, Seniority.PARI_PASSU)
    assert senior.payments[0] == pytest.approx(2.0)  # to network creditors
    assert senior.external_paid[0] == pytest.approx(4.0)
    assert equal.payments[0] == pytest.approx(6.0)  # to all creditors
    assert equal.inflows[1] == pytest.approx(4.0)
    assert equal.external_paid[0] == pytest.approx(2.0)
    assert senior.credit_loss[1] - equal.credit_loss[1] == pytest.approx(2.0)


def test_senior_zero_clamp_ring():
    # Ring of 4 nodes each owing the next 1, external assets 0.2 and senior external debt 0.5:
    # every node's value minus its external debt is negative in total, so the only clearing
    # vector pays nothing inside the network.
    n = 4
    L = np.zeros((n, n))
    for i in range(n):
        L[i, (i + 1) % n] = 1.0
    net = Network.from_arrays(L, [0.2] * n, [0.5] * n)
    r = eisenberg_noe(net, "senior", method="exact")
    np.testing.assert_allclose(r.payments, 0.0, atol=1e-12)
    np.testing.assert_allclose(r.external_paid, 0.2)


def test_pay_fraction_is_exogenous_default():
    L = np.array([[0, 10, 0], [0, 0, 10], [0, 0, 0.0]])
    net = Network.from_arrays(L, [20, 3, 0], node_ids=["A", "B", "C"])
    r = eisenberg_noe(net, "senior", pay_fraction={"A": 0.25})
    np.testing.assert_allclose(r.payments, [2.5, 5.5, 0])
    assert r.default_round.tolist() == [0, 1, -1]
    with pytest.raises(InputError):
        eisenberg_noe(net, "senior", pay_fraction={"A": 1.5})
    with pytest.raises(InputError):
        eisenberg_noe(net, "senior", pay_fraction={"Z": 0.5})


@pytest.mark.parametrize("step", [1, -1])
def test_near_closed_ring_is_solved_exactly(step, monkeypatch):
    # Ring of 2,000 nodes, each owing its neighbour 1, external debt d = 1e-4 (pari passu),
    # external assets eps = 5e-5: all default, and the exact clearing vector is the constant
    # p = eps (1 + d) / d. Jacobi iteration would contract by only 1/(1+d) per step. With
    # step -1 (node i owes node i-1) each Gauss-Seidel sweep moves information one node
    # against the sweep order, so the iteration stalls and the solver falls back to the exact
    # sparse LU solve on the defaulting set; with step +1 a sweep goes round the ring.
    n, d, eps = 2000, 1e-4, 5e-5
    idx = np.arange(n)
    import scipy.sparse as sp

    L = sp.csr_matrix((np.ones(n), (idx, (idx + step) % n)), shape=(n, n))
    net = Network.from_arrays(L, np.full(n, eps), np.full(n, d))
    # a ring has one link per node inside the default set: sparse LU at any size (no fill-in)
    from kreislauf.contagion import clearing

    monkeypatch.setattr(clearing, "LU_MAX_NODES", 100)
    r = eisenberg_noe(net, "pari_passu")
    assert r.stats.exact and r.stats.lu_solves >= 1 and r.stats.krylov_solves == 0
    assert r.stats.stalled == (step == -1)
    np.testing.assert_allclose(r.payments, eps * (1 + d) / d, rtol=1e-9)
    assert r.defaulted.all()


def test_batch_equals_single_runs():
    rng = np.random.default_rng(3)
    n = 30
    L = rng.uniform(0, 1, (n, n)) * (rng.uniform(size=(n, n)) < 0.2)
    np.fill_diagonal(L, 0)
    net = Network.from_arrays(L, rng.uniform(0, 2, n), rng.uniform(0, 1, n))
    shocks = rng.uniform(0, 1, (5, n)) * net.external_assets
    batch = clear_batch(net, shocks, "pari_passu")
    for k in range(5):
        single = eisenberg_noe(net, "pari_passu", shock=shocks[k], method="exact")
        np.testing.assert_allclose(batch.payments[k], single.payments, atol=1e-10)
    assert len(batch.to_frame()) == 5
    assert batch.summary()["scenarios"] == 5


def test_result_interface():
    r = eisenberg_noe(systemicrisk_example(), "pari_passu")
    f = r.to_frame()
    assert {"payments", "defaulted", "default_round", "equity_loss"} <= set(f.columns)
    s = r.summary()
    assert s["defaults"] == 2 and s["seniority"] == "pari_passu"
    # nodes 1 and 2 default owing 2.5 and 1.5 in all; they pay 1.473214 and 1.419643
    assert s["exposure_to_defaulted_total"] == pytest.approx(4.0)
    assert s["shortfall_total"] == pytest.approx(4.0 - 1.473214 - 1.419643, abs=1e-6)
    assert s["unresolved"] == []
    assert r.to_dict()["summary"]["model"] == "eisenberg_noe"
    assert len(r.plot().data) == 2
    lbh = r.loss_by_holder()
    assert "external creditors" in set(lbh["holder"])


def test_bad_arrays_rejected():
    with pytest.raises(InputError, match="negative"):
        Network.from_arrays(np.array([[0, -1.0], [0, 0]]), [1, 1])
    with pytest.raises(InputError, match="self-loop"):
        Network.from_arrays(np.array([[1.0, 0], [0, 0]]), [1, 1])
    with pytest.raises(InputError, match="NaN"):
        Network.from_arrays(np.array([[0, np.nan], [0, 0]]), [1, 1])
    with pytest.raises(InputError, match="external_assets"):
        Network.from_arrays(np.array([[0, 1.0], [0, 0]]), [1, -1])
    net = Network.from_arrays(np.array([[0, 1.0], [0, 0]]), [1, 1])
    with pytest.raises(InputError, match="seniority"):
        eisenberg_noe(net, "junior")
    with pytest.raises(InputError):
        rogers_veraart(net, "senior", 1.5, 0.5)
