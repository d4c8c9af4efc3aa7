"""Published worked examples for DebtRank and Rogers-Veraart, reproduced by the engines.

Each test builds the published network, runs kreislauf's engine and asserts the numbers as
published. Where kreislauf offers another definition than the one the source used, the test
says so and checks the source's definition (and, separately, what the other definition gives).
The systemicrisk (``default_clearing``) and NetworkRiskMeasures impact-matrix examples live in
``test_valuation.py`` and ``test_debtrank.py``.
"""

from __future__ import annotations

import numpy as np
import pytest

from kreislauf.contagion import Network, rogers_veraart
from kreislauf.contagion.debtrank import debtrank, debtrank_per_node

# --------------------------------------------------------------------------------- DebtRank


def networkriskmeasures_readme_example() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The three-bank example of the R package NetworkRiskMeasures (Cinelli & Silva).

    Source: carloscinelli/NetworkRiskMeasures, ``README.md`` at commit
    a0b35b882eaf1215c90a9e3881b92f2d80058508 (the pre-CRAN README, "Example usage"; the same
    output is on https://libraries.io/cran/NetworkRiskMeasures) ::

        assets_matrix <- matrix(c(0, 10, 3, 1, 0, 2, 0, 3, 0), ncol = 3)   # rows/cols a, b, c
        buffer <- c(a = 2, b = 5, c = 2)
        weights <- c(a = 10, b = 100, c = 30)

    R fills column by column, so the assets matrix (``A[i, j]``: what ``i`` has lent to ``j``,
    the package's default ``exposure_type = "assets"``) is
    ``a: (0, 1, 0)``, ``b: (10, 0, 3)``, ``c: (3, 2, 0)``.
    """
    A = np.array(
        [
            [0.0, 1.0, 0.0],
            [10.0, 0.0, 3.0],
            [3.0, 2.0, 0.0],
        ]
    )
    buffer = np.array([2.0, 5.0, 2.0])
    weights = np.array([10.0, 100.0, 30.0])
    return A, buffer, weights


def _additional_defaults(result) -> np.ndarray:
    # the package's count: nodes at stress 1 at the end minus nodes at stress 1 at the start
    return (result.h_final >= 1.0).sum(axis=0) - (result.h_initial >= 1.0).sum(axis=0)


def test_debtrank_of_each_bank_as_published_by_networkriskmeasures():
    """``debt_rank(assets_matrix, buffer, weights)``: the default of each bank in turn.

    Published output (README.md @ a0b35b8, "DebtRank (decreasing order)")::

        Stressed Vertex  Vertex Weight  Additional Stress  Number of Additional Defaults
        a                0.07142857     0.9285714          2
        c                0.21428571     0.6642857          0
        b                0.71428571     0.2500000          1

    The package's ``debt_rank`` of that version is the original DebtRank of Battiston et al.
    (2012): a distressed bank propagates once and then turns inactive (R/DebtRank.R, bank states
    0/1/2 = undistressed/distressed/inactive), and "Additional Stress" is the weighted stress
    added to the initial shock, ``sum_j v_j (h_j(T) - h_j(1))`` -- kreislauf's ``method=
    "original"`` and ``DebtRankResult.debtrank``, with the weights normalised to sum 1.
    """
    A, buffer, weights = networkriskmeasures_readme_example()
    r = debtrank_per_node(A, buffer, weights, method="original", node_ids=list("abc"))
    assert r.scenarios == ["a", "b", "c"]
    np.testing.assert_allclose(r.weights, [0.07142857, 0.71428571, 0.21428571], atol=5e-9)
    np.testing.assert_allclose(r.debtrank, [0.9285714, 0.2500000, 0.6642857], atol=5e-8)
    assert _additional_defaults(r).tolist() == [2, 1, 0]
    ps = r.per_scenario()
    assert ps["scenario"].tolist() == ["a", "c", "b"]  # the published decreasing order
    assert ps["defaults"].tolist() == [3, 1, 2]  # the stressed bank itself plus the additional


def test_debtrank_of_a_uniform_shock_as_published_by_networkriskmeasures():
    """``debt_rank_shock``: a 10 % stress shock to every bank.

    Published output (README.md @ a0b35b8)::

        Shock causes additional stress of 16.07% in the network.
        Additional defaulted entities: 0
          Vertex Name Vertex Weight Initial Stress Final Stress Diff Stress
        1           a    0.07142857            0.1         0.15        0.05
        2           b    0.71428571            0.1         0.26        0.16
        3           c    0.21428571            0.1         0.30        0.20

    (The package prints ``round(additional_stress, 4) * 100`` per cent.)
    """
    A, buffer, weights = networkriskmeasures_readme_example()
    r = debtrank(A, buffer, np.full(3, 0.1), weights, method="original", node_ids=list("abc"))
    np.testing.assert_allclose(r.h_final[:, 0], [0.15, 0.26, 0.30], atol=1e-12)
    np.testing.assert_allclose((r.h_final - r.h_initial)[:, 0], [0.05, 0.16, 0.20], atol=1e-12)
    assert round(float(r.debtrank[0]), 4) == 0.1607
    assert _additional_defaults(r).tolist() == [0]
    # every bank is distressed from the start, propagates once and turns inactive: one round
    assert r.rounds.tolist() == [1]


def test_linear_debtrank_differs_from_the_published_single_hit_numbers_where_theory_says():
    """Why the published numbers need ``method="original"``, worked by hand.

    Later releases of NetworkRiskMeasures default to the linear DebtRank of Bardoscia et al.
    (2015) (``contagion(..., method = "debtrank")``; the old one with ``single.hit = TRUE``,
    see ``man/contagion.Rd``). On this network the two agree when a or b defaults (no distress
    comes back to a bank that has already propagated), and differ when c defaults: with
    ``W[b, c] = 3/5``, ``W[a, b] = 1/2``, ``W[b, a] = min(1, 10/5) = 1`` the original stops at
    ``h = (0.3, 0.9, 1)`` (R = 0.3 v_a + 0.9 v_b = 0.6642857, the published figure), while the
    linear version lets the increments keep cycling between a and b: b reaches 1 and a
    ``0.3 + 0.15 + 0.05 = 0.5``, so R = 0.5 v_a + v_b = 0.75.
    """
    A, buffer, weights = networkriskmeasures_readme_example()
    lin = debtrank_per_node(A, buffer, weights, method="linear", node_ids=list("abc"))
    np.testing.assert_allclose(lin.debtrank[:2], [0.9285714, 0.25], atol=5e-8)
    np.testing.assert_allclose(lin.h_final[:, 2], [0.5, 1.0, 1.0], atol=1e-12)
    assert lin.debtrank[2] == pytest.approx(0.5 / 14 + 10 / 14, abs=1e-12)
    assert abs(lin.debtrank[2] - 0.6642857) > 0.08


# --------------------------------------------------------------------------- Rogers-Veraart


@pytest.mark.parametrize("method", ["exact", "auto"])
def test_rogers_veraart_example_3_3_greatest_clearing_vector(method):
    """Rogers & Veraart (2013), Example 3.3: two banks with default costs, alpha = beta = 1/2.

    Source of the transcription: ninagad/Greatest-Clearing-Vector-Algorithm,
    ``test/correctnessTests.py`` at commit 367c031f08a961b2232a8c7a6fb3072953f93845
    ("Example 3.3 from Rogers and Veraart's article"): ``L = [[0, 2], [2.2, 0]]``,
    ``e = (1, 1)``, alpha = beta = 1/2, greatest clearing vector ``(2, 2.2)``; and the variant
    with ``L[0, 1] = 2.2``, greatest clearing vector ``(2.2, 2.2)``. (We could not read the paper
    itself with our tools; the numbers below are the repository's.)

    The variant shows what default costs do (Rogers & Veraart 2013, sect. 3): ``(1, 1)`` is a
    clearing vector too (each bank has ``1 + 1 < 2.2`` and pays ``alpha e + beta x = 1``), but
    the greatest one is ``(2.2, 2.2)``, everyone solvent. A solver started from zero payments
    would stop at ``(1, 1)``; the Greatest Clearing Vector Algorithm starts from ``pbar``.
    """
    net = Network.from_arrays(np.array([[0.0, 2.0], [2.2, 0.0]]), [1.0, 1.0])
    r = rogers_veraart(net, "senior", 0.5, 0.5, method=method)
    np.testing.assert_allclose(r.payments, [2.0, 2.2], atol=1e-12)
    assert not r.defaulted.any()

    sym = Network.from_arrays(np.array([[0.0, 2.2], [2.2, 0.0]]), [1.0, 1.0])
    r = rogers_veraart(sym, "senior", 0.5, 0.5, method=method)
    np.testing.assert_allclose(r.payments, [2.2, 2.2], atol=1e-12)
    assert not r.defaulted.any()
    # the lower clearing vector (1, 1) is a fixed point of the Rogers-Veraart map
    low = np.array([1.0, 1.0])
    inflow = sym.liabilities.T @ (low / sym.interbank_liabilities)
    assert np.all(1.0 + inflow < 2.2)
    np.testing.assert_allclose(0.5 * 1.0 + 0.5 * inflow, low)


def rv_ring(gamma: float, eps: float, a: float, n: int = 6) -> Network:
    """The circular network of Rogers & Veraart (2013), sect. 5.1.

    Bank ``i`` owes bank ``i + 1`` (mod n): ``a`` for even ``i``, ``a + eps`` for odd ``i``
    (0-based); external assets ``gamma (1 - eps)`` for even ``i``, ``gamma (1 + eps)`` for odd.
    Transcribed from ninagad/Greatest-Clearing-Vector-Algorithm, ``test/correctnessTests.py``
    @ 367c031f08a961b2232a8c7a6fb3072953f93845 ("Based on example in section 5.1 of Rogers and
    Veraart").
    """
    L = np.zeros((n, n))
    for i in range(n):
        L[i, (i + 1) % n] = a if i % 2 == 0 else a + eps
    e = np.array([gamma * (1 - eps) if i % 2 == 0 else gamma * (1 + eps) for i in range(n)])
    return Network.from_arrays(L, e)


@pytest.mark.parametrize("seniority", ["senior", "pari_passu"])
@pytest.mark.parametrize(
    ("gamma", "eps", "a", "alpha", "beta"),
    [
        (0.4, 1.0, 2.0, 0.5, 0.5),  # the transcription's parameters
        (0.4, 0.8, 2.0, 0.6, 0.3),  # our choice, same all-default regime
    ],
)
def test_rogers_veraart_ring_collapses_to_the_closed_form(seniority, gamma, eps, a, alpha, beta):
    """Rogers & Veraart (2013), sect. 5.1: the ring where every bank ends insolvent.

    When their condition (13) holds the greatest clearing vector is the all-default one,
    ``x_i = alpha e_i + beta x_{i-1}``; on the alternating ring (as transcribed, see
    :func:`rv_ring`) that is, for 1-based odd and even banks,
    ``x_odd = alpha gamma / (1 - beta^2) * ((1 - eps) + beta (1 + eps))`` and
    ``x_even = alpha gamma / (1 - beta^2) * (beta (1 - eps) + (1 + eps))``.
    With the transcription's parameters (gamma 0.4, eps 1, a 2, alpha = beta = 1/2) that is
    4/15 = 0.26667 and 8/15 = 0.53333; the even banks (0-based 1, 3, 5) are level-0 insolvent
    (they fail first: ``gamma (1 + eps) + a < a + eps``), the odd ones fail next.
    Without external debt the two seniority conventions coincide.
    """
    net = rv_ring(gamma, eps, a)
    r = rogers_veraart(net, seniority, alpha, beta)
    k = alpha * gamma / (1 - beta**2)
    x_odd = k * ((1 - eps) + beta * (1 + eps))
    x_even = k * (beta * (1 - eps) + (1 + eps))
    np.testing.assert_allclose(r.payments, [x_odd, x_even] * 3, rtol=1e-10)
    if (gamma, eps, alpha, beta) == (0.4, 1.0, 0.5, 0.5):
        np.testing.assert_allclose(r.payments[:2], [4 / 15, 8 / 15], rtol=1e-12)
    assert r.defaulted.all()
    assert r.default_round.tolist() == [2, 1, 2, 1, 2, 1]
    assert r.default_costs.sum() > 0
