"""Furfine's sequential default algorithm.

Furfine (2003), "Interbank exposures: quantifying the risk of contagion", Journal of Money,
Credit and Banking 35(1): 111-128. Nodes in the initial set default in round 0. In each
round, every creditor of a node that defaulted in the previous round loses
``lgd * A[i, j]`` (loss-given-default times its exposure); a node whose accumulated losses
reach its capital defaults in that round. The cascade stops when a round adds no default.
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


@dataclass
class FurfineResult(Result):
    """Defaults by round and accumulated losses of a Furfine cascade."""

    node_ids: tuple[str, ...]
    capital: np.ndarray
    losses: np.ndarray
    default_round: np.ndarray  # -1 no default
    lgd: float

    @property
    def defaulted(self) -> np.ndarray:
        """Nodes that default (initially or by contagion)."""
        return self.default_round >= 0

    def to_frame(self) -> pd.DataFrame:
        """One row per node."""
        return pd.DataFrame(
            {
                "node": list(self.node_ids),
                "capital": self.capital,
                "credit_loss": self.losses,
                "loss_to_capital": np.divide(
                    self.losses,
                    self.capital,
                    out=np.full_like(self.losses, np.inf),
                    where=self.capital > 0,
                ),
                "defaulted": self.defaulted,
                "default_round": self.default_round,
            }
        )

    def summary(self) -> dict[str, Any]:
        """Counts of initial and contagious defaults, rounds, total losses."""
        r = self.default_round
        return {
            "model": "furfine",
            "lgd": self.lgd,
            "initial_defaults": int((r == 0).sum()),
            "contagious_defaults": int((r > 0).sum()),
            "rounds": int(r.max()) if (r >= 0).any() else 0,
            "credit_loss_total": float(self.losses.sum()),
        }

    def plot(self) -> go.Figure:
        """Defaults per round."""
        import plotly.graph_objects as go

        r = self.default_round[self.default_round >= 0]
        counts = np.bincount(r) if r.size else np.zeros(1, int)
        fig = go.Figure(go.Bar(x=list(range(counts.size)), y=counts, name="defaults"))
        fig.update_layout(
            title=f"Furfine cascade (LGD {self.lgd:.0%})",
            xaxis_title="round",
            yaxis_title="defaults",
        )
        return fig


def furfine(
    exposures: np.ndarray | sp.spmatrix,
    capital: np.ndarray,
    initial: np.ndarray | list[int],
    lgd: float,
    node_ids: tuple[str, ...] | list[str] | None = None,
    initial_losses: np.ndarray | None = None,
) -> FurfineResult:
    """Run the sequential default cascade.

    Parameters
    ----------
    exposures : array or sparse, shape (n, n)
        ``A[i, j]``: what ``i`` has lent to ``j``.
    capital : ndarray
        Loss-absorbing capital of each node.
    initial : array of bool or list of int
        Nodes that default in round 0.
    lgd : float
        Loss given default, in [0, 1] (an assumption of the analyst; Furfine 2003 uses
        0.4 and 0.95 as cases).
    initial_losses : ndarray, optional
        Losses every node has already taken before the cascade (a direct shock). A node
        defaults when its accumulated losses are positive and reach its capital.
    """
    if not 0.0 <= lgd <= 1.0:
        raise InputError.single(f"loss given default must lie in [0, 1], got {lgd}", field="lgd")
    A = sp.csr_matrix(exposures, dtype=np.float64)
    n = A.shape[0]
    K = np.asarray(capital, dtype=np.float64).ravel()
    if K.shape != (n,) or not np.all(np.isfinite(K)):
        raise InputError.single("capital must be n finite numbers", field="capital")
    start = np.zeros(n, bool)
    init = np.asarray(initial)
    if init.dtype == bool:
        start |= init
    else:
        start[init.astype(int)] = True
    A_csc = A.tocsc()
    rounds = np.full(n, -1, dtype=np.int64)
    rounds[start] = 0
    losses = np.zeros(n) if initial_losses is None else np.asarray(initial_losses, float).copy()
    first = (rounds < 0) & (losses > 0) & (losses >= K)
    rounds[first] = 0
    new = start | first
    k = 0
    while new.any():
        k += 1
        losses += lgd * np.asarray(A_csc[:, np.flatnonzero(new)].sum(axis=1)).ravel()
        new = (rounds < 0) & (losses > 0) & (losses >= K)
        rounds[new] = k
    ids = tuple(str(i) for i in (node_ids if node_ids is not None else range(n)))
    return FurfineResult(ids, K, losses, rounds, lgd)


def network_furfine(network: Network, initial: list[str], lgd: float) -> FurfineResult:
    """Furfine cascade on a :class:`Network`: exposures ``L.T``, capital = book equity."""
    idx = [network.index(x) for x in initial]
    return furfine(network.liabilities.T, network.equity, idx, lgd, network.node_ids)
