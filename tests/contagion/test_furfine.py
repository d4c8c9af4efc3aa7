"""Furfine's sequential default algorithm: hand-worked cascades."""

from __future__ import annotations

import numpy as np
import pytest

from kreislauf.contagion import Network
from kreislauf.contagion.furfine import furfine, network_furfine
from kreislauf.errors import InputError

# Bank 1 lent 10 to bank 0, bank 2 lent 5 to bank 1; capital 1 = 4, 2 = 3.
A = np.array([[0, 0, 0], [10.0, 0, 0], [0, 5.0, 0]])
K = np.array([1.0, 4.0, 3.0])


def test_partial_cascade_with_lgd_half():
    # Bank 0 fails; bank 1 loses 0.5 * 10 = 5 >= 4 and fails in round 1; bank 2 loses
    # 0.5 * 5 = 2.5 < 3 and survives.
    r = furfine(A, K, [0], 0.5)
    assert r.default_round.tolist() == [0, 1, -1]
    np.testing.assert_allclose(r.losses, [0, 5, 2.5])
    assert r.summary()["contagious_defaults"] == 1


def test_full_cascade_with_lgd_one():
    r = furfine(A, K, [0], 1.0)
    assert r.default_round.tolist() == [0, 1, 2]
    assert r.summary()["rounds"] == 2
    assert len(r.to_frame()) == 3 and len(r.plot().data) == 1


def test_monotone_in_lgd_and_network_wrapper():
    rng = np.random.default_rng(1)
    n = 40
    M = rng.uniform(0, 3, (n, n)) * (rng.uniform(size=(n, n)) < 0.1)
    np.fill_diagonal(M, 0)
    cap = rng.uniform(0.5, 5, n)
    prev = -1
    for lgd in (0.2, 0.5, 0.8, 1.0):
        d = int(furfine(M, cap, [0, 1], lgd).defaulted.sum())
        assert d >= prev
        prev = d
    net = Network.from_arrays(np.array([[0, 10.0], [0, 0]]), [2, 1], node_ids=["x", "y"])
    r = network_furfine(net, ["x"], 0.5)  # y is owed 10, book equity 11, loses 5
    assert r.default_round.tolist() == [0, -1]
    with pytest.raises(InputError):
        furfine(A, K, [0], 1.5)
