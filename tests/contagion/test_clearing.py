"""The clearing solver's internals: the Numba kernel against NumPy, the Krylov path, rounds."""

from __future__ import annotations

import numpy as np
import pytest

from kreislauf.contagion import Network, eisenberg_noe, rogers_veraart
from kreislauf.contagion import clearing as C
from kreislauf.contagion.kernels import picard_sweep


def random_net(n: int, seed: int, density: float = 0.2) -> Network:
    rng = np.random.default_rng(seed)
    L = rng.uniform(0, 2, (n, n)) * (rng.uniform(size=(n, n)) < density)
    np.fill_diagonal(L, 0)
    return Network.from_arrays(L, rng.uniform(0, 3, n), rng.uniform(0, 2, n))


@pytest.mark.parametrize("sen", ["senior", "pari_passu"])
@pytest.mark.parametrize(("alpha", "beta"), [(1.0, 1.0), (0.6, 0.8)])
def test_numba_jacobi_sweep_equals_numpy_clearing_map(sen, alpha, beta):
    net = random_net(40, 11)
    prep = C.prepare(net, sen)
    e = net.external_assets * 0.3
    x = prep.xbar.copy()
    c = alpha * e - (prep.b if sen == "senior" else 0.0)
    fixed = np.zeros(net.n, bool)
    for _ in range(5):
        ref, _ = C.clearing_map(prep, e, x, alpha, beta)
        ref = np.minimum(ref, x)
        got = x.copy()
        delta, n_def = picard_sweep(
            prep.pit.indptr,
            prep.pit.indices,
            prep.pit.data,
            got,
            e,
            c,
            beta,
            prep.xbar,
            prep.threshold,
            prep.tol,
            fixed,
            False,
        )
        np.testing.assert_allclose(got, ref, atol=1e-13)
        assert delta == pytest.approx(float(np.max(x - ref, initial=0.0)), abs=1e-13)
        assert n_def == int((ref < prep.xbar - prep.tol).sum())
        x = ref


def test_gauss_seidel_sweep_keeps_iterates_above_the_clearing_vector():
    net = random_net(60, 4)
    prep = C.prepare(net, "pari_passu")
    e = net.external_assets * 0.2
    exact, *_ = C.solve_exact(prep, e)
    x = prep.xbar.copy()
    c = e.copy()
    fixed = np.zeros(net.n, bool)
    for _ in range(30):
        picard_sweep(
            prep.pit.indptr,
            prep.pit.indices,
            prep.pit.data,
            x,
            e,
            c,
            1.0,
            prep.xbar,
            prep.threshold,
            prep.tol,
            fixed,
            True,
        )
        assert np.all(x >= exact - 1e-10)
        phi, _ = C.clearing_map(prep, e, x, 1.0, 1.0)
        assert np.all(phi <= x + 1e-10)


def test_krylov_path_gives_the_lu_answer(monkeypatch):
    net = random_net(300, 8, density=0.05)
    shock = net.external_assets * 0.9
    lu = eisenberg_noe(net, "pari_passu", shock=shock, method="exact")
    monkeypatch.setattr(C, "LU_MAX_NODES", 5)
    kr = eisenberg_noe(net, "pari_passu", shock=shock, method="auto")
    assert kr.stats.krylov_solves >= 1
    np.testing.assert_allclose(kr.payments, lu.payments, atol=1e-10)
    rv_lu = rogers_veraart(net, "senior", 0.7, 0.9, shock=shock, method="exact")
    rv_kr = rogers_veraart(net, "senior", 0.7, 0.9, shock=shock, method="auto")
    np.testing.assert_allclose(rv_kr.payments, rv_lu.payments, atol=1e-10)


def test_default_rounds_follow_the_cascade():
    # 0 -> 1 -> 2 -> 3 chain, each owes the next 10, node 0 has nothing: round k for node k-1.
    L = np.zeros((4, 4))
    for i in range(3):
        L[i, i + 1] = 10.0
    net = Network.from_arrays(L, [0, 1, 1, 0])
    r = eisenberg_noe(net, "senior")
    assert r.default_round.tolist() == [1, 2, 3, -1]
    assert r.summary()["cascade_rounds"] == 3
