"""The result of an AI-circuit stress test, with three outcome classes kept apart.

* **Realised loss** -- what follows from the scenario even if every node without a sourced
  balance sheet had an unlimited buffer (such nodes then absorb losses and pass nothing on).
* **Exposure** -- the loss if every node without a sourced balance sheet had no buffer at all
  (it passes on every loss, and defaults on the first dollar). The difference is *at risk*.
* **Unresolved** -- nodes whose outcome the data cannot decide: their default (or survival)
  differs between the two bounds, or they have no balance sheet and take a loss; and the
  relations whose amounts are undisclosed, which the bounds cannot include at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kreislauf.errors import InputError
from kreislauf.results import Result

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from kreislauf.contagion.circuit_map import CircuitMap

OUTCOMES = (
    "defaults (scenario)",
    "defaults",
    "survives",
    "unresolved",
    "unaffected",
    "loss reaches sector",
)


@dataclass
class BoundRun:
    """One bound's per-node figures (arrays in node order)."""

    loss: np.ndarray  # decline of net worth
    defaulted: np.ndarray
    default_round: np.ndarray
    shareholder_loss: np.ndarray  # NaN where the equity is unknown (lower bound)
    external_creditor_loss: np.ndarray
    default_costs: np.ndarray
    stake_loss: np.ndarray
    backstop_paid: np.ndarray  # claims owed by guarantors under this bound
    iterations: int


@dataclass
class StressResult(Result):
    """Outcome of one scenario on the mapped AI circuit.

    Attributes
    ----------
    scenario : dict
        What was stressed.
    model : str
    seniority : str
    nodes : tuple of str
    names, kinds : list of str
    known : ndarray of bool
        Nodes with a sourced balance sheet.
    estimate : ndarray of bool
        Known nodes whose buffer is a press-reported estimate (a private company's cash).
    equity : ndarray
        Book equity of known nodes (NaN where unknown).
    lower, upper : BoundRun
        Realised (unknown nodes absorb) and exposure (unknown nodes have no buffer) runs.
    named : int or None
        Index of the node the scenario defaults.
    cmap : CircuitMap
    extra : dict
        Model-specific figures (e.g. fire-sale aggregate vulnerability).
    sheets : DataFrame
        The balance-sheet inputs used (:func:`~kreislauf.contagion.balance_sheets.
        load_balance_sheets`): date, basis and source per known node.
    """

    scenario: dict[str, Any]
    model: str
    seniority: str
    nodes: tuple[str, ...]
    names: list[str]
    kinds: list[str]
    known: np.ndarray
    estimate: np.ndarray
    equity: np.ndarray
    lower: BoundRun
    upper: BoundRun
    named: int | None
    cmap: CircuitMap
    balance_sheet_source: str
    extra: dict[str, Any] = field(default_factory=dict)
    sheets: pd.DataFrame = field(default_factory=pd.DataFrame)

    # ---------------------------------------------------------------- outcomes
    def outcomes(self) -> tuple[list[str], list[str]]:
        """Outcome class and reason per node."""
        tol = 1e-9
        und = self._undisclosed_counts()
        out, why = [], []
        for i in range(len(self.nodes)):
            lo, up = self.lower, self.upper
            touched = lo.loss[i] > tol or up.loss[i] > tol
            if self.named == i:
                out.append(OUTCOMES[0])
                why.append("defaults by assumption of the scenario")
            elif self.kinds[i] == "sector" and touched:
                out.append("loss reaches sector")
                why.append("an aggregate of investors, lenders or households: the end holder")
            elif not self.known[i] and touched:
                out.append("unresolved")
                why.append(
                    f"takes a loss of {lo.loss[i]:,.2f} to {up.loss[i]:,.2f} bn but has no "
                    "sourced balance sheet: whether it absorbs it is unknown"
                )
            elif lo.defaulted[i] and up.defaulted[i]:
                out.append("defaults")
                why.append("defaults under both bounds")
            elif lo.defaulted[i] != up.defaulted[i]:
                out.append("unresolved")
                why.append("defaults only if nodes without balance sheets have no buffer")
            elif touched:
                out.append("survives")
                why.append("survives under both bounds")
            else:
                out.append("unaffected")
                why.append("")
            if self.known[i] and self.estimate[i] and out[-1] in ("defaults", "survives"):
                why[-1] += "; rests on an estimate (press-reported cash as the buffer)"
            if und[i]:
                why[-1] = (why[-1] + "; " if why[-1] else "") + (
                    f"{und[i]} undisclosed relation(s) could add losses"
                )
        return out, why

    def _undisclosed_counts(self) -> np.ndarray:
        u = self.cmap.undisclosed
        pos = {k: i for i, k in enumerate(self.nodes)}
        counts = np.zeros(len(self.nodes), dtype=int)
        for _, r in u.iterrows():
            # the party that would lose if the other side failed: seller/lender/holder/beneficiary
            side = r["from_id"] if r["type"] in ("loan", "vendor_financing") else r["to_id"]
            if r["type"] in ("stake", "equity_investment"):
                side = r["from_id"]
            if side in pos:
                counts[pos[side]] += 1
        return counts

    # ------------------------------------------------------------------ Result
    def to_frame(self) -> pd.DataFrame:
        """One row per node: realised loss, exposure, equity left, outcome, reason."""
        out, why = self.outcomes()
        sheet = self._sheet_columns()
        left = self.equity - np.maximum(self.lower.loss, 0.0)
        margin = np.divide(left, self.equity, out=np.full(len(left), np.nan), where=self.equity > 0)
        return pd.DataFrame(
            {
                "node": list(self.nodes),
                "name": self.names,
                "kind": self.kinds,
                "balance_sheet": np.where(
                    self.known, np.where(self.estimate, "estimate", "sourced"), "unknown"
                ),
                "balance_sheet_as_of": sheet["as_of"],
                "equity_usd_bn": self.equity,
                "realised_loss_usd_bn": self.lower.loss,
                "exposure_usd_bn": self.upper.loss,
                "at_risk_usd_bn": np.maximum(0.0, self.upper.loss - self.lower.loss),
                "equity_left_realised_usd_bn": left,
                "equity_left_realised_share": margin,
                "stake_loss_realised_usd_bn": self.lower.stake_loss,
                "backstop_owed_realised_usd_bn": self.lower.backstop_paid,
                "default_round_realised": self.lower.default_round,
                "default_round_exposure": self.upper.default_round,
                "outcome": out,
                "reason": why,
                "balance_sheet_source": sheet["source_url"],
            }
        ).sort_values(
            ["exposure_usd_bn", "realised_loss_usd_bn"], ascending=False, ignore_index=True
        )

    def _sheet_columns(self) -> dict[str, list[Any]]:
        """Date and source of each node's balance sheet (None where unknown)."""
        by_id = (
            self.sheets.set_index("id").to_dict(orient="index")
            if len(self.sheets) and "id" in self.sheets
            else {}
        )
        return {
            col: [by_id.get(k, {}).get(col) for k in self.nodes] for col in ("as_of", "source_url")
        }

    def outcome_records(self) -> list[dict[str, Any]]:
        """Every node the scenario touches: outcome, equity, losses and the margin left.

        ``equity_left_realised_usd_bn`` is book equity less the realised loss (negative:
        the loss exceeds the buffer); ``None`` where the node has no balance sheet.
        """
        f = self.to_frame()
        f = f[f["outcome"] != "unaffected"]
        cols = [
            "node",
            "name",
            "outcome",
            "balance_sheet",
            "balance_sheet_as_of",
            "equity_usd_bn",
            "realised_loss_usd_bn",
            "exposure_usd_bn",
            "equity_left_realised_usd_bn",
            "equity_left_realised_share",
            "reason",
        ]
        recs = f[cols].to_dict(orient="records")
        return [
            {k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in r.items()}
            for r in recs
        ]

    def loss_by_holder(self) -> pd.DataFrame:
        """Who finally bears the losses under each bound (clearing models only).

        Known nodes' shareholders bear up to their equity; a node without a balance sheet
        absorbs everything in the realised bound and nothing in the exposure bound (it has no
        buffer, so its losses appear at its creditors); losses that leave the network fall on
        external creditors; default costs are value destroyed. Pass-through is not counted
        twice.
        """
        if self.model not in ("en", "rv"):
            raise InputError.single(
                f"loss by holder needs a clearing model (en or rv), not {self.model}", field="model"
            )
        rows = []
        for i, node in enumerate(self.nodes):
            lo, up = self.lower, self.upper
            if self.known[i]:
                who = f"shareholders of {node}"
                lo_v, up_v = lo.shareholder_loss[i], up.shareholder_loss[i]
            else:
                who = f"{node} (no balance sheet: shareholders or creditors)"
                lo_v, up_v = (np.nan if lo.defaulted[i] else lo.loss[i]), 0.0
            if self.kinds[i] == "sector":
                who = f"{node} (sector: investors, lenders, households)"
                lo_v, up_v = lo.loss[i], up.loss[i]
            rows.append({"holder": who, "realised_usd_bn": lo_v, "exposure_usd_bn": up_v})
        rows.append(
            {
                "holder": "creditors outside the network (exposure bound: including those of "
                "nodes assumed to have no buffer)",
                "realised_usd_bn": float(self.lower.external_creditor_loss.sum()),
                "exposure_usd_bn": float(self.upper.external_creditor_loss.sum()),
            }
        )
        rows.append(
            {
                "holder": "default costs (value destroyed)",
                "realised_usd_bn": float(self.lower.default_costs.sum()),
                "exposure_usd_bn": float(self.upper.default_costs.sum()),
            }
        )
        f = pd.DataFrame(rows)
        keep = (f[["realised_usd_bn", "exposure_usd_bn"]].fillna(1.0).abs() > 1e-9).any(axis=1)
        return f[keep].sort_values("exposure_usd_bn", ascending=False, ignore_index=True)

    def summary(self) -> dict[str, Any]:
        """Headline figures: the three outcome classes, the assumptions, the data gaps."""
        out, _ = self.outcomes()
        out = np.array(out)
        sectors = np.array([k == "sector" for k in self.kinds])
        lo, up = np.maximum(self.lower.loss, 0.0), np.maximum(self.upper.loss, 0.0)
        return {
            "scenario": self.scenario,
            "model": self.model,
            "seniority": self.seniority,
            "realised_loss_usd_bn": float(lo.sum()),
            "exposure_usd_bn": float(up.sum()),
            "loss_counting": "gross: a loss passed on is counted at every node it reaches",
            "beyond_network_realised_usd_bn": float(
                lo[sectors].sum() + self.lower.external_creditor_loss.sum()
            ),
            "beyond_network_exposure_usd_bn": float(
                up[sectors].sum() + self.upper.external_creditor_loss.sum()
            ),
            "defaults": [n for n, o in zip(self.nodes, out, strict=True) if o.startswith("def")],
            "unresolved": [n for n, o in zip(self.nodes, out, strict=True) if o == "unresolved"],
            "nodes_with_balance_sheet": int(self.known.sum()),
            "nodes_on_estimates": [
                n for n, k, e in zip(self.nodes, self.known, self.estimate, strict=True) if k and e
            ],
            "binding": self.cmap.assumptions.binding.label(),
            "outcomes": self.outcome_records(),
            "nodes": len(self.nodes),
            "obligations_mapped": len(self.cmap.obligations),
            "relations_undisclosed": len(self.cmap.undisclosed),
            "relations_unmapped": len(self.cmap.unmapped),
            "horizon_years": self.cmap.assumptions.horizon_years,
            "default_term_years_used": self.cmap.term_years_used,
            "assumptions": self.cmap.assumptions.to_dict(),
            "balance_sheets": self.balance_sheet_source,
            "atlas_version": self.cmap.atlas_version,
            "units": "USD bn",
            **self.extra,
        }

    def plot(self) -> go.Figure:
        """Realised loss and exposure per node (nodes with either above zero)."""
        import plotly.graph_objects as go

        f = self.to_frame()
        f = f[(f["exposure_usd_bn"] > 1e-9) | (f["realised_loss_usd_bn"] > 1e-9)].head(30)
        fig = go.Figure()
        fig.add_bar(
            x=f["node"], y=f["realised_loss_usd_bn"], name="realised loss", marker_color="#c0392b"
        )
        fig.add_bar(
            x=f["node"],
            y=f["at_risk_usd_bn"],
            name="at risk (exposure - realised)",
            marker_color="#f5b041",
            text=f["outcome"],
        )
        fig.update_layout(
            barmode="stack",
            yaxis_title="USD bn",
            title="Stress test: realised loss and exposure by node",
        )
        return fig
