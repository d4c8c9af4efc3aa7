"""DebtRank: the original (Battiston et al. 2012) and the linear version (Bardoscia et al. 2015).

Notation
--------
``A[i, j]``: what node ``i`` has lent to node ``j`` (``i``'s asset, ``j``'s liability), so
``A = L.T`` for a liability matrix ``L``. ``E[i]``: equity (capital buffer) of ``i``.
``h[i]`` in ``[0, 1]``: relative equity loss (distress) of ``i``; ``h = 1`` is default.
``v[i]``: economic weight of ``i`` (normalised to sum to 1).

Original DebtRank (Battiston, Puliga, Kaushik, Tasca & Caldarelli 2012, "DebtRank: too
central to fail?", Sci. Rep. 2:541, eqs. (1)-(3)): impact ``W[i, j] = min(1, A[i, j] / E[i])``;
states U (undistressed), D (distressed), I (inactive). At each step
``h_i(t) = min(1, h_i(t-1) + sum_{j in D at t-1} W[i, j] h_j(t-1))``; a node that was D
becomes I (each node propagates once), an undistressed node with ``h > 0`` becomes D.
The DebtRank of a scenario is ``R = sum_j v_j h_j(T) - sum_j v_j h_j(1)``.

Linear DebtRank (Bardoscia, Battiston, Caccioli & Caldarelli 2015, "DebtRank: a microscopic
foundation for shock propagation", PLoS ONE 10(6):e0130406, eq. (8)): interbank leverage
``Lambda[i, j] = A[i, j] / E[i]`` and
``h_i(t+1) = min(1, h_i(t) + sum_j Lambda[i, j] (h_j(t) - h_j(t-1)))``: every increment of
distress propagates, so losses on cycles are not cut off. When no node reaches 1 and the
spectral radius of ``Lambda`` is below 1 the steady state is ``(I - Lambda)^-1 h(1)``
(ibid., stable case).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from kreislauf.errors import InputError
from kreislauf.results import Result

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from kreislauf.contagion.network import Network

METHODS = ("original", "linear")


@dataclass
class DebtRankResult(Result):
    """Distress after DebtRank propagation, for one or many scenarios.

    Attributes
    ----------
    node_ids : tuple of str
    scenarios : list of str
        Scenario labels (for :func:`debtrank_per_node`, the node that defaults).
    h_initial, h_final : ndarray, shape (n, scenarios)
        Relative equity loss at the start and at the end.
    weights : ndarray
        Economic weights ``v`` (sum 1).
    equity : ndarray
    rounds : ndarray of int
        Propagation steps per scenario.
    method : str
    """

    node_ids: tuple[str, ...]
    scenarios: list[str]
    h_initial: np.ndarray
    h_final: np.ndarray
    weights: np.ndarray
    equity: np.ndarray
    rounds: np.ndarray
    method: str

    @property
    def debtrank(self) -> np.ndarray:
        """``R`` per scenario: weighted distress added by propagation (in [0, 1])."""
        return self.weights @ (self.h_final - self.h_initial)

    @property
    def total_distress(self) -> np.ndarray:
        """Weighted distress at the end, including the initial shock."""
        return self.weights @ self.h_final

    def to_frame(self) -> pd.DataFrame:
        """Tidy: one row per scenario and node."""
        n, k = self.h_final.shape
        return pd.DataFrame(
            {
                "scenario": np.repeat(self.scenarios, n),
                "node": np.tile(self.node_ids, k),
                "h_initial": self.h_initial.T.ravel(),
                "h_final": self.h_final.T.ravel(),
                "equity_loss": (self.h_final * self.equity[:, None]).T.ravel(),
                "defaulted": (self.h_final >= 1.0).T.ravel(),
            }
        )

    def per_scenario(self) -> pd.DataFrame:
        """One row per scenario: DebtRank, total distress, defaults, rounds."""
        return pd.DataFrame(
            {
                "scenario": self.scenarios,
                "debtrank": self.debtrank,
                "total_distress": self.total_distress,
                "defaults": (self.h_final >= 1.0).sum(axis=0),
                "equity_loss": self.equity @ (self.h_final - self.h_initial),
                "rounds": self.rounds,
            }
        ).sort_values("debtrank", ascending=False, ignore_index=True)

    def summary(self) -> dict[str, Any]:
        """Largest DebtRank and its scenario."""
        ps = self.per_scenario()
        top = ps.iloc[0] if len(ps) else None
        return {
            "method": self.method,
            "scenarios": len(self.scenarios),
            "nodes": len(self.node_ids),
            "max_debtrank": None if top is None else float(top["debtrank"]),
            "max_debtrank_scenario": None if top is None else str(top["scenario"]),
            "mean_debtrank": float(ps["debtrank"].mean()) if len(ps) else None,
        }

    def plot(self) -> go.Figure:
        """DebtRank per scenario (largest 40)."""
        import plotly.graph_objects as go

        ps = self.per_scenario().head(40)
        fig = go.Figure(go.Bar(x=ps["scenario"], y=ps["debtrank"], name="DebtRank"))
        fig.update_layout(title=f"DebtRank ({self.method})", yaxis_title="R", yaxis_range=[0, 1])
        return fig


def _impact(A: sp.csr_matrix, equity: np.ndarray, method: str) -> sp.csr_matrix:
    inv = np.divide(1.0, equity, out=np.zeros_like(equity), where=equity > 0)
    W = A.multiply(inv[:, None]).tocsr()
    # A node without equity is in default already: any exposure wipes it out.
    zero = np.flatnonzero(equity <= 0)
    if zero.size:
        W = W.tolil()
        for i in zero:
            W[i, A[i].indices] = 1.0
        W = W.tocsr()
    if method == "original":
        W.data = np.minimum(W.data, 1.0)
    return W


def debtrank(
    exposures: np.ndarray | sp.spmatrix,
    equity: np.ndarray,
    shock: np.ndarray,
    weights: np.ndarray | None = None,
    method: str = "original",
    node_ids: tuple[str, ...] | list[str] | None = None,
    scenarios: list[str] | None = None,
    max_rounds: int = 10_000,
    tol: float = 1e-12,
) -> DebtRankResult:
    """Propagate initial distress ``shock`` (``h(1)``) with DebtRank.

    Parameters
    ----------
    exposures : array or sparse, shape (n, n)
        ``A[i, j]``: what ``i`` has lent to ``j``.
    equity : ndarray
        Capital buffers (``<= 0``: already defaulted).
    shock : ndarray, shape (n,) or (n, scenarios)
        Initial relative equity loss, in [0, 1].
    weights : ndarray, optional
        Economic weights (normalised to sum 1); equal weights by default.
    method : {"original", "linear"}
    """
    if method not in METHODS:
        raise InputError.single(
            f"unknown DebtRank method {method!r}; expected {METHODS}", field="method"
        )
    A = sp.csr_matrix(exposures, dtype=np.float64)
    n = A.shape[0]
    E = np.asarray(equity, dtype=np.float64).ravel()
    H1 = np.asarray(shock, dtype=np.float64)
    H1 = H1[:, None] if H1.ndim == 1 else H1
    if A.shape != (n, n) or E.shape != (n,) or H1.shape[0] != n:
        raise InputError.single("exposures, equity and shock sizes do not match", field="shock")
    if not (np.all(np.isfinite(A.data)) and np.all(A.data >= 0)):
        raise InputError.single("exposures must be finite and non-negative", field="exposures")
    if not np.all(np.isfinite(E)):
        raise InputError.single("equity must be finite", field="equity")
    if not np.all((H1 >= 0) & (H1 <= 1)):
        raise InputError.single("initial distress must lie in [0, 1]", field="shock")
    v = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64).ravel()
    if v.shape != (n,) or np.any(v < 0) or not np.isfinite(v).all() or v.sum() <= 0:
        raise InputError.single(
            "weights must be n non-negative numbers with a positive sum", field="weights"
        )
    v = v / v.sum()
    W = _impact(A, E, method)
    if method == "original":
        H, rounds = _original(W, H1, max_rounds)
    else:
        H, rounds = _linear(W, H1, max_rounds, tol)
    ids = tuple(str(i) for i in (node_ids if node_ids is not None else range(n)))
    labels = scenarios or [f"scenario {k}" for k in range(H1.shape[1])]
    return DebtRankResult(ids, list(labels), H1.copy(), H, v, E, rounds, method)


def _original(W: sp.csr_matrix, H1: np.ndarray, max_rounds: int) -> tuple[np.ndarray, np.ndarray]:
    """Battiston et al. (2012): each distressed node propagates its distress once."""
    H = H1.copy()
    D = H > 0  # distressed now
    inactive = np.zeros_like(D)
    rounds = np.zeros(H.shape[1], dtype=np.int64)
    for _ in range(max_rounds):
        if not D.any():
            break
        rounds += D.any(axis=0)
        H_new = np.minimum(1.0, H + W @ (H * D))
        inactive |= D
        D = (H_new > 0) & ~inactive
        H = H_new
    return H, rounds


def _linear(
    W: sp.csr_matrix, H1: np.ndarray, max_rounds: int, tol: float
) -> tuple[np.ndarray, np.ndarray]:
    """Bardoscia et al. (2015): increments of distress propagate linearly, capped at 1."""
    H_prev = np.zeros_like(H1)
    H = H1.copy()
    rounds = np.zeros(H.shape[1], dtype=np.int64)
    for _ in range(max_rounds):
        dH = H - H_prev
        active = (np.abs(dH) > tol).any(axis=0)
        if not active.any():
            break
        rounds += active
        H_prev, H = H, np.minimum(1.0, H + W @ dH)
    return H, rounds


def debtrank_per_node(
    exposures: np.ndarray | sp.spmatrix,
    equity: np.ndarray,
    weights: np.ndarray | None = None,
    method: str = "original",
    node_ids: tuple[str, ...] | list[str] | None = None,
    distress: float = 1.0,
) -> DebtRankResult:
    """DebtRank of every node: the distress it causes when it alone starts at ``distress``.

    All ``n`` scenarios are propagated together (one sparse product per step).
    """
    n = np.asarray(equity).size
    ids = tuple(str(i) for i in (node_ids if node_ids is not None else range(n)))
    return debtrank(exposures, equity, distress * np.eye(n), weights, method, ids, list(ids))


def network_debtrank(
    network: Network,
    shock: dict[str, float] | np.ndarray | None = None,
    method: str = "original",
    weights: str = "assets",
) -> DebtRankResult:
    """DebtRank on a :class:`Network` (``A = L.T``, equity by the balance-sheet identity).

    Parameters
    ----------
    shock : dict or ndarray, optional
        Initial distress per node; ``None``: DebtRank of every node (each defaults alone).
    weights : {"assets", "equal"}
        Economic weights: share of total assets (assumption, the choice of Battiston et al.
        2012 who weight by relative economic value) or equal.
    """
    A = network.liabilities.T.tocsr()
    E = network.equity
    if weights not in ("assets", "equal"):
        raise InputError.single("weights must be 'assets' or 'equal'", field="weights")
    v = network.total_assets if weights == "assets" else np.ones(network.n)
    if v.sum() <= 0:
        v = np.ones(network.n)
    if shock is None:
        return debtrank_per_node(A, E, v, method, network.node_ids)
    if isinstance(shock, dict):
        h = np.zeros(network.n)
        for node, d in shock.items():
            h[network.index(node)] = d
    else:
        h = np.asarray(shock, dtype=np.float64)
    return debtrank(A, E, h, v, method, network.node_ids, ["shock"])
