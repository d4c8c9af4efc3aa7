"""Clearing: Eisenberg-Noe and Rogers-Veraart greatest clearing vectors on sparse networks.

One solver covers both models. Node ``i`` owes ``xbar_i`` to the creditors who share its
payments (``PARI_PASSU``: everything, ``xbar = l + b``; ``SENIOR``: the network
creditors, ``xbar = l``, after external debt ``b`` is paid first). With
``v_i(x) = sum_j Pi[j, i] x_j`` the payments it receives, node ``i`` is solvent when
``e_i + v_i(x) >= l_i + b_i`` and then pays ``xbar_i``; otherwise it pays
``max(0, alpha * e_i - s * b_i + beta * v_i(x))`` with ``s = 1`` for ``SENIOR`` and 0
otherwise. ``alpha = beta = 1`` is Eisenberg & Noe (2001); ``alpha, beta < 1`` is Rogers &
Veraart (2013, Management Science 59(4), eq. (3)) with default costs.

Exact algorithm (greatest clearing vector)
------------------------------------------
The fictitious-default algorithm of Eisenberg & Noe (2001, sect. 3), which is also the
Greatest Clearing Vector Algorithm of Rogers & Veraart (2013, Def. 3.6): start at
``x = xbar``; take the set ``N`` of nodes insolvent at ``x``; hold the others at
``xbar`` and solve for the payments of ``N`` exactly; repeat until ``N`` stops changing.
For ``N`` the payments solve ``x_N = max(0, c_N + beta Pi^T x)``, a linear
complementarity problem with an M-matrix, solved exactly by growing the set of nodes that
pay something from below (Chandrasekaran 1970), one sparse LU solve
(``scipy.sparse.linalg.splu``) per step, restricted to that set. Each outer step removes
at least one node from the solvent set, so at most ``n`` outer steps are needed; in
practice a handful.

Fast path
---------
Picard iteration ``x <- Phi(x)`` from ``xbar`` (Gauss-Seidel sweeps over the sparse
matrix, a Numba kernel, :func:`kreislauf.contagion.kernels.picard_sweep`) decreases
monotonically towards the greatest clearing vector and keeps ``Phi(x) <= x``, so the
exact algorithm can be started from any Picard iterate and still ends at the greatest
clearing vector. The fast path iterates until the change is below ``atol`` or the
iteration stalls (the contraction ratio of successive steps exceeds ``stall_ratio``,
as on near-closed default cycles where convergence is geometric with ratio near 1) and
then finishes exactly.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from kreislauf.contagion.kernels import picard_sweep
from kreislauf.contagion.network import Network, Seniority
from kreislauf.errors import InputError

# Solvency is decided with this relative slack (floating point: a node exactly at the
# threshold, zero equity, counts as solvent).
REL_TOL = 1e-10
# Paying sets up to this size are always solved by sparse LU (see _linear_solve); a
# performance threshold, not a modelling assumption.
LU_MAX_NODES = 2_000
# Above LU_MAX_NODES, a block whose nodes have at most this many links inside the block on
# average (rings, chains, trees: no LU fill-in) is still solved by LU; denser blocks (random,
# expander-like: SuperLU's fill-in grows towards dense -- 6 s for the 14,000 defaulting nodes
# of a 10^5-node random network with 1.4 links each inside the block) by warm-started GMRES,
# checked by its residual.
LU_MAX_LINKS = 1.05
# A Krylov answer is accepted only below this relative residual, else sparse LU after all.
KRYLOV_RTOL = 1e-12
# GMRES(50) restarts allowed (normal / after Picard stalled: slow contraction).
KRYLOV_RESTARTS = (10, 40)


@dataclass(frozen=True)
class SolverStats:
    """How a clearing vector was found."""

    method: str
    picard_iterations: int
    exact_rounds: int
    lu_solves: int
    krylov_solves: int
    stalled: bool
    exact: bool
    seconds: float


@dataclass(frozen=True)
class Prepared:
    """Matrices and vectors shared by every solve on one network and convention."""

    seniority: Seniority
    pit: sp.csr_matrix  # Pi^T: pit[i, j] = share of j's payments that goes to i
    liabilities: sp.csr_matrix  # L: rows are debtors (Pi = L / den row-wise)
    den: np.ndarray
    xbar: np.ndarray  # what each node owes the creditors who share its payments
    threshold: np.ndarray  # l + b: total obligations
    b: np.ndarray
    tol: np.ndarray


def prepare(network: Network, seniority: Seniority | str) -> Prepared:
    """Relative-liability matrices for ``network`` under ``seniority``.

    Built once per network and convention and kept in the network's cache (they depend on
    the obligations and external liabilities only, never on external assets or shocks);
    the arrays are read-only.
    """
    sen = Seniority.parse(seniority)
    key = f"prepared:{sen.value}"
    if key not in network._cache:
        network._cache[key] = _prepare(network, sen)
    return network._cache[key]  # type: ignore[return-value]


def _prepare(network: Network, sen: Seniority) -> Prepared:
    L = network.liabilities
    l = network.interbank_liabilities  # noqa: E741
    b = network.external_liabilities
    den = l + b if sen is Seniority.PARI_PASSU else l
    lt = network.liabilities_t  # rows: creditors; columns: debtors
    # a debtor with entries has den > 0; indices and indptr are shared, not copied
    pit = sp.csr_matrix((lt.data / den.take(lt.indices), lt.indices, lt.indptr), shape=lt.shape)
    xbar = den.copy()
    threshold = l + b
    tol = REL_TOL * (threshold + 1.0)
    b = b.copy()
    for arr in (den, xbar, threshold, b, tol):
        arr.setflags(write=False)
    return Prepared(sen, pit, L, den, xbar, threshold, b, tol)


def clearing_map(
    prep: Prepared, e: np.ndarray, x: np.ndarray, alpha: float, beta: float
) -> tuple[np.ndarray, np.ndarray]:
    """One application of the clearing map in plain NumPy (reference for the kernel).

    Returns (new payments, solvent mask); ``x`` may hold one scenario per column.
    """
    inflow = prep.pit @ x
    solvent = e[..., None] if x.ndim == 2 else e
    solvent = (solvent + inflow) >= (_col(prep.threshold, x) - _col(prep.tol, x))
    c = alpha * e - (prep.b if prep.seniority is Seniority.SENIOR else 0.0)
    default_pay = np.maximum(0.0, (c[:, None] if x.ndim == 2 else c) + beta * inflow)
    return np.where(
        solvent, _col(prep.xbar, x), np.minimum(default_pay, _col(prep.xbar, x))
    ), solvent


def _col(v: np.ndarray, like: np.ndarray) -> np.ndarray:
    return v[:, None] if like.ndim == 2 else v


def _lcp_from_below(
    prep: Prepared,
    N: np.ndarray,
    x: np.ndarray,
    c: np.ndarray,
    beta: float,
    counter: list[int],
    prefer_lu: bool = True,
    stalled: bool = False,
) -> tuple[np.ndarray, bool]:
    """Solve ``x_N = max(0, c_N + beta (Pi^T x)_N)`` exactly, others held fixed.

    Returns the updated payments and whether every linear solve succeeded.
    """
    guess = x.copy()  # the caller's payments (a Picard iterate): warm start for Krylov
    x = x.copy()
    x[N] = 0.0
    idx_n = np.flatnonzero(N)
    if idx_n.size == 0:
        return x, True
    pit_n = prep.pit[idx_n]  # rows of N
    base = c[idx_n] + beta * (pit_n @ x)  # contributions from nodes outside N (x_N = 0)
    p_nn = pit_n[:, idx_n].tocsr()  # N-by-N block, sliced once
    tol = prep.tol[idx_n]
    active = base > tol
    ok = True
    y = np.zeros(idx_n.size)  # payments of N, in N's order
    for _ in range(idx_n.size + 1):
        if not active.any():
            break
        sub = p_nn[active][:, active] if not active.all() else p_nn
        mat = (sp.identity(sub.shape[0], format="csc") - beta * sub).tocsc()
        sol, ok_step, how = _linear_solve(
            mat, base[active], guess[idx_n[active]], prefer_lu, stalled
        )
        counter[0 if how == "lu" else 1] += 1
        ok &= ok_step
        y[:] = 0.0
        y[active] = np.maximum(sol, 0.0)
        new_active = (base + beta * (p_nn @ y)) > tol
        if np.array_equal(new_active, active) or not (new_active & ~active).any():
            break
        active = new_active | active
    x[idx_n] = y
    x[idx_n] = np.minimum(x[idx_n], prep.xbar[idx_n])
    return x, ok


def _linear_solve(
    mat: sp.csc_matrix,
    rhs: np.ndarray,
    guess: np.ndarray,
    prefer_lu: bool,
    stalled: bool = False,
) -> tuple[np.ndarray, bool, str]:
    """Solve ``mat y = rhs`` (``mat = I - beta Pi^T`` restricted to the paying set).

    Sparse LU (SuperLU, COLAMD ordering) for blocks of at most :data:`LU_MAX_NODES` nodes,
    for ring-, chain- and tree-like blocks (at most :data:`LU_MAX_LINKS` links per node
    inside the block: no fill-in), and always when ``prefer_lu`` (``method="exact"``).
    Otherwise GMRES(50), warm-started at the Picard iterate, with a larger budget when Picard
    stalled (:data:`KRYLOV_RESTARTS`); its answer is accepted only at a relative residual
    below :data:`KRYLOV_RTOL`, otherwise sparse LU after all.
    """
    size = mat.shape[0]
    links = (mat.nnz - size) / max(size, 1)
    if not prefer_lu and size > LU_MAX_NODES and links > LU_MAX_LINKS:
        sol, _info = spla.gmres(
            mat,
            rhs,
            x0=guess,
            rtol=1e-14,
            atol=0.0,
            restart=50,
            maxiter=KRYLOV_RESTARTS[1 if stalled else 0],
        )
        res = np.linalg.norm(mat @ sol - rhs) / max(np.linalg.norm(rhs), 1e-300)
        if res < KRYLOV_RTOL:
            return sol, True, "gmres"
    try:
        return spla.splu(mat, permc_spec="COLAMD").solve(rhs), True, "lu"
    except RuntimeError:  # exactly singular: a closed default cycle without resources
        return _picard_sub(mat, rhs), False, "picard"


def _picard_sub(mat: sp.csc_matrix, rhs: np.ndarray, iters: int = 100_000) -> np.ndarray:
    """Fallback for a singular block: iterate ``y = rhs + (I - mat) y`` (approximate)."""
    m = sp.identity(mat.shape[0], format="csr") - mat.tocsr()
    y = np.zeros_like(rhs)
    for _ in range(iters):
        y_new = rhs + m @ y
        if np.max(np.abs(y_new - y), initial=0.0) < 1e-13:
            return y_new
        y = y_new
    return y


def solve_exact(
    prep: Prepared,
    e: np.ndarray,
    alpha: float = 1.0,
    beta: float = 1.0,
    start: np.ndarray | None = None,
    fixed: np.ndarray | None = None,
    fixed_values: np.ndarray | None = None,
    prefer_lu: bool = True,
    stalled: bool = False,
) -> tuple[np.ndarray, int, list[int], bool]:
    """Greatest clearing vector by fictitious default, from ``start`` (default ``xbar``).

    ``start`` must satisfy ``start >= x*`` and ``Phi(start) <= start`` (true for ``xbar``
    and for every Picard iterate from ``xbar``). ``prefer_lu``: every linear solve by sparse
    LU; else large dense-ish blocks by GMRES, checked (see :func:`_linear_solve`).

    Returns
    -------
    x, outer rounds, [LU solves, GMRES solves], exact
    """
    x = (prep.xbar if start is None else start).astype(np.float64, copy=True)
    fixed = np.zeros(x.size, bool) if fixed is None else fixed
    if fixed.any():
        x[fixed] = fixed_values[fixed]
    c = alpha * e - (prep.b if prep.seniority is Seniority.SENIOR else 0.0)
    counter = [0, 0]
    exact = True
    prev_n: np.ndarray | None = None
    rounds = 0
    for rounds in range(1, x.size + 2):  # noqa: B007
        inflow = prep.pit @ x
        solvent = (e + inflow) >= (prep.threshold - prep.tol)
        N = ~solvent & ~fixed
        if prev_n is not None and np.array_equal(N, prev_n):
            break
        x[solvent & ~fixed] = prep.xbar[solvent & ~fixed]
        x, ok = _lcp_from_below(prep, N, x, c, beta, counter, prefer_lu, stalled)
        exact &= ok
        prev_n = N
    return x, rounds, counter, exact


def solve(
    prep: Prepared,
    e: np.ndarray,
    alpha: float = 1.0,
    beta: float = 1.0,
    method: str = "auto",
    fixed: np.ndarray | None = None,
    fixed_values: np.ndarray | None = None,
    max_iter: int = 200,
    atol: float = 1e-9,
    stall_ratio: float = 0.9,
    settle: int = 2,
) -> tuple[np.ndarray, SolverStats]:
    """Greatest clearing vector with the chosen ``method`` (``exact``, ``auto``).

    ``auto``: Picard iteration (at most ``max_iter`` steps; stopping early on
    convergence, on stall, or once the number of defaulted nodes has not changed for
    ``settle`` steps), then the exact algorithm from the last iterate.
    """
    if method not in ("auto", "exact"):
        raise InputError.single(
            f"unknown method {method!r}; expected 'auto' or 'exact'", field="method"
        )
    t0 = time.perf_counter()
    fixed = np.zeros(e.size, bool) if fixed is None else fixed
    x = prep.xbar.copy()
    if fixed.any():
        x[fixed] = fixed_values[fixed]
    its = 0
    stalled = False
    if method == "auto":
        prev_delta = np.inf
        prev_def, settled = -1, 0
        scale = atol * max(1.0, float(prep.xbar.max(initial=0.0)))
        c = alpha * e - (prep.b if prep.seniority is Seniority.SENIOR else 0.0)
        pit = prep.pit
        for its in range(1, max_iter + 1):
            delta, n_def = picard_sweep(
                pit.indptr,
                pit.indices,
                pit.data,
                x,
                e,
                c,
                beta,
                prep.xbar,
                prep.threshold,
                prep.tol,
                fixed,
                True,
            )
            if delta <= scale:
                break
            if its > 2 and delta > stall_ratio * prev_delta:
                stalled = True
                break
            settled = settled + 1 if n_def == prev_def else 0
            prev_def = n_def
            if settled >= settle:
                break
            prev_delta = delta
    x, rounds, lus, exact = solve_exact(
        prep,
        e,
        alpha,
        beta,
        x,
        fixed,
        fixed_values,
        prefer_lu=(method == "exact"),
        stalled=stalled,
    )
    stats = SolverStats(
        method, its, rounds, lus[0], lus[1], stalled, exact, time.perf_counter() - t0
    )
    return x, stats


def default_rounds(
    prep: Prepared,
    e: np.ndarray,
    x: np.ndarray,
    defaulted: np.ndarray,
    fixed: np.ndarray,
) -> np.ndarray:
    """Cascade round of each default (0 = exogenous, 1 = fundamental, k = k-th wave, -1 none).

    Round ``k`` holds the nodes that are insolvent when the nodes of rounds ``< k`` pay
    their clearing payments and every other node pays in full. Every node that defaults
    in the greatest clearing vector gets a round (else a larger clearing vector would
    exist).
    """
    rounds = np.full(x.size, -1, dtype=np.int64)
    rounds[fixed & defaulted] = 0
    idx = np.flatnonzero(defaulted & ~fixed)
    if idx.size == 0:
        return rounds
    cur = prep.xbar.copy()
    cur[fixed] = x[fixed]
    p_d = prep.pit[idx]  # rows of the nodes that default
    value = e[idx] + p_d @ cur  # everyone else pays in full (or its fixed payment)
    p_dd = p_d[:, idx].tocsc()  # how the defaulters' payments reach each other
    thr = prep.threshold[idx] - prep.tol[idx]
    pending = np.ones(idx.size, dtype=bool)
    k = 0
    while pending.any():
        k += 1
        new = pending & (value < thr)
        if not new.any():  # numerical corner: assign the rest to this round
            new = pending
        rounds[idx[new]] = k
        pending &= ~new
        loc = np.flatnonzero(new)
        value += p_dd[:, loc] @ (x[idx[loc]] - prep.xbar[idx[loc]])
    return rounds
