"""Greenwood-Landier-Thesmar fire sales: a hand-worked case and the AV identity."""

from __future__ import annotations

import numpy as np
import pytest

from kreislauf.contagion.firesale import fire_sale
from kreislauf.errors import InputError


def test_hand_worked_two_banks_two_assets():
    # Bank 0 holds 60 of asset x and 40 of y, equity 10, debt 90 (leverage 9); bank 1 holds
    # 100 of y, equity 20, debt 80 (leverage 4). Asset x falls 10 %; impact 0.001 / 0.002.
    # Bank 0 loses 6 and sells 9 * 6 = 54 (32.4 of x, 21.6 of y); prices fall 3.24 % and
    # 4.32 %; fire-sale losses 60*.0324 + 40*.0432 = 3.672 and 100*.0432 = 4.32;
    # AV = 7.992 / 30 = 0.2664, all of it caused by bank 0.
    r = fire_sale(
        [[60, 40], [0, 100]],
        [10, 20],
        [90, 80],
        [0.1, 0],
        [0.001, 0.002],
        bank_ids=["b0", "b1"],
        asset_ids=["x", "y"],
    )
    np.testing.assert_allclose(r.direct_loss, [6, 0])
    np.testing.assert_allclose(r.sales, [54, 0])
    np.testing.assert_allclose(r.price_fall, [0.0324, 0.0432])
    np.testing.assert_allclose(r.firesale_loss, [3.672, 4.32])
    assert r.aggregate_vulnerability == pytest.approx(0.2664)
    np.testing.assert_allclose(r.systemicness, [0.2664, 0.0])
    np.testing.assert_allclose(r.indirect_vulnerability, [0.3672, 0.216])
    assert r.summary()["most_systemic"] == "b0"


def test_systemicness_sums_to_av_and_av_is_linear_in_the_shock():
    rng = np.random.default_rng(5)
    H = rng.uniform(0, 10, (8, 4))
    E = rng.uniform(1, 3, 8)
    D = rng.uniform(5, 30, 8)
    lk = rng.uniform(1e-4, 1e-3, 4)
    f = rng.uniform(0, 0.1, 4)
    r = fire_sale(H, E, D, f, lk)
    assert r.systemicness.sum() == pytest.approx(r.aggregate_vulnerability)
    r2 = fire_sale(H, E, D, 2 * f, lk)
    assert r2.aggregate_vulnerability == pytest.approx(2 * r.aggregate_vulnerability)
    more = fire_sale(H, E, D, f, lk, rounds=3)
    assert np.all(more.firesale_loss >= r.firesale_loss)
    assert len(more.to_frame()) == 8 and len(more.plot().data) == 2


def test_bad_input():
    with pytest.raises(InputError, match="equity"):
        fire_sale([[1.0]], [0], [1], [0.1], [0.1])
    with pytest.raises(InputError, match="shock"):
        fire_sale([[1.0]], [1], [1], [1.5], [0.1])
