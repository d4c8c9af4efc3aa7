"""Public clearing models: Eisenberg-Noe, Rogers-Veraart, batched scenarios.

>>> import numpy as np
>>> from kreislauf.contagion import Network, eisenberg_noe
>>> net = Network.from_arrays(np.array([[0, 2.0], [1.0, 0]]), [0.5, 0.0])
>>> r = eisenberg_noe(net, seniority="pari_passu")
>>> r.payments.round(3).tolist()
[1.5, 1.0]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kreislauf.contagion.clearing import (
    Prepared,
    SolverStats,
    default_rounds,
    prepare,
    solve,
    solve_exact,
)
from kreislauf.contagion.network import Network, Seniority
from kreislauf.errors import InputError
from kreislauf.results import Result

if TYPE_CHECKING:
    import plotly.graph_objects as go


@dataclass
class ClearingResult(Result):
    """The greatest clearing vector of one scenario and what it means for every node.

    Attributes
    ----------
    network : Network
        The network cleared (before the shock).
    model : str
        ``eisenberg_noe`` or ``rogers_veraart``.
    seniority : Seniority
        External-debt convention used.
    alpha, beta : float
        Recovery on external and network assets of defaulted nodes (1 = no default costs).
    shock : ndarray
        Loss of external assets per node (after clipping at the assets held).
    payments : ndarray
        Clearing payments to the creditors who share pro rata (all creditors under
        ``PARI_PASSU``, network creditors under ``SENIOR``).
    obligations : ndarray
        What those creditors are owed (``xbar``).
    external_paid : ndarray
        Paid to external creditors.
    defaulted : ndarray of bool
    default_round : ndarray of int
        0 exogenous (payment fixed by the scenario), 1 fundamental, ``k`` the k-th wave of
        contagion, -1 no default.
    stats : SolverStats
    """

    network: Network
    model: str
    seniority: Seniority
    alpha: float
    beta: float
    shock: np.ndarray
    payments: np.ndarray
    obligations: np.ndarray
    external_paid: np.ndarray
    defaulted: np.ndarray
    default_round: np.ndarray
    inflows: np.ndarray
    stats: SolverStats

    # ----------------------------------------------------------- derived figures
    @property
    def external_assets_after(self) -> np.ndarray:
        """External assets after the shock."""
        return self.network.external_assets - self.shock

    @property
    def credit_loss(self) -> np.ndarray:
        """Loss on receivables from network debtors (face value minus received)."""
        return self.network.interbank_assets - self.inflows

    @property
    def external_creditor_loss(self) -> np.ndarray:
        """Shortfall to external creditors, per debtor."""
        return self.network.external_liabilities - self.external_paid

    @property
    def equity_before(self) -> np.ndarray:
        """Book equity before the shock (everyone pays in full)."""
        return self.network.equity

    @property
    def equity_after(self) -> np.ndarray:
        """Equity after clearing under limited liability (0 for defaulted nodes)."""
        value = self.external_assets_after + self.inflows
        owed = self.network.interbank_liabilities + self.network.external_liabilities
        return np.where(self.defaulted, 0.0, np.maximum(0.0, value - owed))

    @property
    def equity_loss(self) -> np.ndarray:
        """Loss of shareholders: equity before minus equity after (0 if negative before)."""
        return np.maximum(0.0, self.equity_before) - self.equity_after

    @property
    def default_costs(self) -> np.ndarray:
        """Value destroyed by default (Rogers-Veraart): (1-alpha) e + (1-beta) inflows."""
        cost = (1 - self.alpha) * self.external_assets_after + (1 - self.beta) * self.inflows
        return np.where(self.defaulted, cost, 0.0)

    # ------------------------------------------------------------------ Result
    def to_frame(self) -> pd.DataFrame:
        """One row per node: payments, defaults and their round, losses."""
        return pd.DataFrame(
            {
                "node": list(self.network.node_ids),
                "obligations": self.obligations,
                "payments": self.payments,
                "recovery_rate": np.divide(
                    self.payments,
                    self.obligations,
                    out=np.ones_like(self.payments),
                    where=self.obligations > 0,
                ),
                "defaulted": self.defaulted,
                "default_round": self.default_round,
                "shock": self.shock,
                "credit_loss": self.credit_loss,
                "equity_before": self.equity_before,
                "equity_after": self.equity_after,
                "equity_loss": self.equity_loss,
                "external_creditor_loss": self.external_creditor_loss,
                "default_costs": self.default_costs,
            }
        )

    def summary(self) -> dict[str, Any]:
        """Headline figures."""
        rounds = self.default_round[self.default_round > 0]
        return {
            "model": self.model,
            "seniority": self.seniority.value,
            "alpha": self.alpha,
            "beta": self.beta,
            "nodes": self.network.n,
            "defaults": int(self.defaulted.sum()),
            "exogenous_defaults": int((self.default_round == 0).sum()),
            "fundamental_defaults": int((self.default_round == 1).sum()),
            "contagious_defaults": int((self.default_round > 1).sum()),
            "cascade_rounds": int(rounds.max()) if rounds.size else 0,
            "shock_total": float(self.shock.sum()),
            "shortfall_total": float((self.obligations - self.payments).sum()),
            # the three outcome classes of the stress test, for a fully specified network:
            # realised = the shortfall creditors take; exposure = the face value they are owed
            # by nodes that default (at risk); unresolved = none (every balance sheet given)
            "exposure_to_defaulted_total": float(self.obligations[self.defaulted].sum()),
            "unresolved": [],
            "credit_loss_total": float(self.credit_loss.sum()),
            "equity_loss_total": float(self.equity_loss.sum()),
            "external_creditor_loss_total": float(self.external_creditor_loss.sum()),
            "default_costs_total": float(self.default_costs.sum()),
            "units": self.network.units,
            "solver": self.stats.method,
            "exact": self.stats.exact,
            "picard_iterations": self.stats.picard_iterations,
            "exact_rounds": self.stats.exact_rounds,
            "lu_solves": self.stats.lu_solves,
            "krylov_solves": self.stats.krylov_solves,
            "seconds": round(self.stats.seconds, 4),
        }

    def loss_by_holder(self) -> pd.DataFrame:
        """Who bears the losses: shareholders of each node, network creditors, outsiders."""
        f = self.to_frame()
        rows = [
            {"holder": f"shareholders of {n}", "loss": el}
            for n, el in zip(f["node"], f["equity_loss"], strict=True)
            if el > 0
        ]
        ext = float(self.external_creditor_loss.sum())
        if ext > 0:
            rows.append({"holder": "external creditors", "loss": ext})
        cost = float(self.default_costs.sum())
        if cost > 0:
            rows.append({"holder": "default costs (value destroyed)", "loss": cost})
        return pd.DataFrame(rows, columns=["holder", "loss"]).sort_values(
            "loss", ascending=False, ignore_index=True
        )

    def plot(self) -> go.Figure:
        """Payments against obligations, defaulted nodes coloured by round (largest 40)."""
        import plotly.graph_objects as go

        f = self.to_frame().nlargest(40, "obligations")
        colour = np.where(f["defaulted"], "#c0392b", "#2e86c1")
        fig = go.Figure()
        fig.add_bar(x=f["node"], y=f["obligations"], name="obligations", marker_color="#d5d8dc")
        fig.add_bar(
            x=f["node"],
            y=f["payments"],
            name="payments",
            marker_color=colour,
            text=[f"round {r}" if r >= 0 else "" for r in f["default_round"]],
        )
        fig.update_layout(
            barmode="overlay",
            title=f"{self.model}: {int(self.defaulted.sum())} defaults "
            f"({self.seniority.value} external debt)",
            yaxis_title=self.network.units,
        )
        return fig


def _shock_vector(network: Network, shock: np.ndarray | float | None) -> np.ndarray:
    if shock is None:
        return np.zeros(network.n)
    s = np.broadcast_to(np.asarray(shock, dtype=np.float64), (network.n,)).copy()
    if not np.all(np.isfinite(s)) or np.any(s < 0):
        raise InputError.single("shock must be finite and non-negative", field="shock")
    return np.minimum(s, network.external_assets)


def _fixed(network: Network, pay_fraction: dict[str, float] | None, prep: Prepared):
    fixed = np.zeros(network.n, bool)
    values = np.zeros(network.n)
    for node, frac in (pay_fraction or {}).items():
        if not 0.0 <= frac <= 1.0:
            raise InputError.single(
                f"pay fraction of {node} must be in [0, 1], got {frac}", field="pay_fraction"
            )
        i = network.index(node)
        fixed[i] = True
        values[i] = frac * prep.xbar[i]
    return fixed, values


def _clear(
    network: Network,
    model: str,
    seniority: Seniority | str,
    alpha: float,
    beta: float,
    shock: np.ndarray | float | None,
    pay_fraction: dict[str, float] | None,
    method: str,
) -> ClearingResult:
    if not (0.0 <= alpha <= 1.0 and 0.0 <= beta <= 1.0):
        raise InputError.single("alpha and beta must lie in [0, 1]", field="alpha/beta")
    sen = Seniority.parse(seniority)
    prep = prepare(network, sen)
    s = _shock_vector(network, shock)
    e = network.external_assets - s
    fixed, values = _fixed(network, pay_fraction, prep)
    x, stats = solve(prep, e, alpha, beta, method, fixed, values)
    defaulted = (x < prep.xbar - prep.tol) | (fixed & (values < prep.xbar - prep.tol))
    rounds = default_rounds(prep, e, x, defaulted, fixed)
    inflows = prep.pit @ x
    ext_paid = _external_paid(network, prep, e, inflows, x, defaulted, alpha, beta)
    return ClearingResult(
        network,
        model,
        sen,
        alpha,
        beta,
        s,
        x,
        prep.xbar.copy(),
        ext_paid,
        defaulted,
        rounds,
        inflows,
        stats,
    )


def _external_paid(network, prep, e, inflows, x, defaulted, alpha, beta) -> np.ndarray:
    b = network.external_liabilities
    if prep.seniority is Seniority.PARI_PASSU:
        share = np.divide(b, prep.xbar, out=np.zeros_like(b), where=prep.xbar > 0)
        return share * x
    value = alpha * e + beta * inflows
    return np.where(defaulted, np.minimum(b, np.maximum(0.0, value)), b)


def eisenberg_noe(
    network: Network,
    seniority: Seniority | str,
    shock: np.ndarray | float | None = None,
    pay_fraction: dict[str, float] | None = None,
    method: str = "auto",
) -> ClearingResult:
    """Eisenberg-Noe (2001) greatest clearing vector.

    Parameters
    ----------
    network : Network
    seniority : Seniority or str
        ``"senior"`` or ``"pari_passu"`` external debt; required, never assumed.
    shock : array or float, optional
        Loss of external assets per node (clipped at the assets held).
    pay_fraction : dict, optional
        Nodes whose payment the scenario fixes: ``{node: fraction of obligations paid}``.
    method : {"auto", "exact"}
        ``exact``: fictitious default from ``xbar``; ``auto``: Picard iteration, then the
        exact algorithm from the last iterate (same answer).
    """
    return _clear(network, "eisenberg_noe", seniority, 1.0, 1.0, shock, pay_fraction, method)


def rogers_veraart(
    network: Network,
    seniority: Seniority | str,
    alpha: float,
    beta: float,
    shock: np.ndarray | float | None = None,
    pay_fraction: dict[str, float] | None = None,
    method: str = "auto",
) -> ClearingResult:
    """Rogers-Veraart (2013) greatest clearing vector with default costs.

    A defaulted node realises ``alpha`` of its external assets and ``beta`` of what it
    receives (Rogers & Veraart 2013, Management Science 59(4), eq. (3)); the greatest
    clearing vector is their Greatest Clearing Vector Algorithm (Def. 3.6).
    """
    return _clear(network, "rogers_veraart", seniority, alpha, beta, shock, pay_fraction, method)


@dataclass
class BatchClearingResult(Result):
    """Clearing vectors of many shock scenarios on one network.

    Attributes
    ----------
    payments : ndarray, shape (scenarios, n)
    defaulted : ndarray of bool, shape (scenarios, n)
    shocks : ndarray, shape (scenarios, n)
    """

    network: Network
    seniority: Seniority
    alpha: float
    beta: float
    shocks: np.ndarray
    payments: np.ndarray
    obligations: np.ndarray
    defaulted: np.ndarray
    equity_loss: np.ndarray
    picard_iterations: int
    labels: list[str] | None = None

    @property
    def scenario_labels(self) -> list[str] | np.ndarray:
        """Scenario labels; their positions ``0, 1, ...`` (integers) when none were given."""
        k = self.shocks.shape[0]
        return list(self.labels) if self.labels is not None else np.arange(k)

    def to_frame(self) -> pd.DataFrame:
        """One row per scenario: shock, defaults, shortfall, equity loss."""
        return pd.DataFrame(
            {
                "scenario": self.scenario_labels,
                "shock_total": self.shocks.sum(axis=1),
                "defaults": self.defaulted.sum(axis=1),
                "shortfall_total": (self.obligations[None, :] - self.payments).sum(axis=1),
                "equity_loss_total": self.equity_loss.sum(axis=1),
            }
        )

    def summary(self) -> dict[str, Any]:
        """Scenario count and the range of outcomes."""
        f = self.to_frame()
        return {
            "model": "eisenberg_noe" if self.alpha == self.beta == 1.0 else "rogers_veraart",
            "scenarios": len(f),
            "nodes": self.network.n,
            "seniority": self.seniority.value,
            "alpha": self.alpha,
            "beta": self.beta,
            "max_defaults": int(f["defaults"].max()) if len(f) else 0,
            "max_equity_loss": float(f["equity_loss_total"].max()) if len(f) else 0.0,
            "picard_iterations": self.picard_iterations,
        }

    def plot(self) -> go.Figure:
        """Equity loss against shock, one point per scenario."""
        import plotly.graph_objects as go

        f = self.to_frame()
        fig = go.Figure(
            go.Scatter(
                x=f["shock_total"],
                y=f["equity_loss_total"],
                mode="markers",
                text=f["defaults"],
                name="scenarios",
            )
        )
        fig.update_layout(
            title="Equity loss by scenario", xaxis_title="shock", yaxis_title="equity loss"
        )
        return fig


def clear_batch(
    network: Network,
    shocks: np.ndarray,
    seniority: Seniority | str,
    alpha: float = 1.0,
    beta: float = 1.0,
    max_iter: int = 200,
    labels: list[str] | None = None,
) -> BatchClearingResult:
    """Solve many shock scenarios together.

    Picard iteration runs on all scenarios at once (one sparse-matrix times dense-matrix
    product per step); each scenario is then finished with the exact algorithm from its
    last iterate, so every column is the exact greatest clearing vector.

    Parameters
    ----------
    shocks : ndarray, shape (scenarios, n)
        Loss of external assets per scenario and node.
    seniority : Seniority or str
        ``"senior"`` or ``"pari_passu"`` external debt; required, never assumed.
    alpha, beta : float
        Rogers-Veraart recovery rates (1, 1: Eisenberg-Noe).
    labels : list of str, optional
        One label per scenario.
    """
    if not (0.0 <= alpha <= 1.0 and 0.0 <= beta <= 1.0):
        raise InputError.single("alpha and beta must lie in [0, 1]", field="alpha/beta")
    s = np.atleast_2d(np.asarray(shocks, dtype=np.float64))
    if labels is not None and len(labels) != s.shape[0]:
        raise InputError.single(
            f"expected {s.shape[0]} scenario labels, got {len(labels)}", field="labels"
        )
    if s.shape[1] != network.n:
        raise InputError.single(
            f"shocks must have {network.n} columns, got {s.shape[1]}", field="shocks"
        )
    if not np.all(np.isfinite(s)) or np.any(s < 0):
        raise InputError.single("shocks must be finite and non-negative", field="shocks")
    s = np.minimum(s, network.external_assets[None, :])
    sen = Seniority.parse(seniority)
    prep = prepare(network, sen)
    E = (network.external_assets[None, :] - s).T  # (n, k)
    X = np.repeat(prep.xbar[:, None], s.shape[0], axis=1)
    c = alpha * E - (prep.b[:, None] if sen is Seniority.SENIOR else 0.0)
    its = 0
    for its in range(1, max_iter + 1):  # noqa: B007
        inflow = prep.pit @ X
        solvent = E + inflow >= (prep.threshold - prep.tol)[:, None]
        X_new = np.where(
            solvent,
            prep.xbar[:, None],
            np.minimum(np.maximum(0.0, c + beta * inflow), prep.xbar[:, None]),
        )
        delta = float(np.max(X - X_new, initial=0.0))
        X = np.minimum(X, X_new)
        if delta <= 1e-9 * max(1.0, float(prep.xbar.max(initial=0.0))):
            break
    P = np.empty_like(X)
    for k in range(X.shape[1]):
        P[:, k], *_ = solve_exact(prep, E[:, k], alpha, beta, X[:, k], prefer_lu=False)
    payments = P.T
    defaulted = payments < (prep.xbar - prep.tol)[None, :]
    inflows = (prep.pit @ P).T
    owed = network.interbank_liabilities + network.external_liabilities
    value = E.T + inflows
    eq_after = np.where(defaulted, 0.0, np.maximum(0.0, value - owed[None, :]))
    eq_loss = np.maximum(0.0, network.equity)[None, :] - eq_after
    return BatchClearingResult(
        network,
        sen,
        alpha,
        beta,
        s,
        payments,
        prep.xbar.copy(),
        defaulted,
        eq_loss,
        its,
        None if labels is None else [str(x) for x in labels],
    )
