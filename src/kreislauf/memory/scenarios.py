"""The standard scarcity scenarios and their side-by-side comparison."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from kreislauf.memory.market import MemoryResult, Scenario, simulate
from kreislauf.memory.params import MarketParams, Producer
from kreislauf.results import Result

if TYPE_CHECKING:
    import plotly.graph_objects as go


BRIEF_COLUMNS = (
    "scenario",
    "peak_multiple",
    "peak_month",
    "months_above_2x",
    "min_price_eur",
    "final_price_eur",
)


def standard_scenarios(
    params: MarketParams,
    crash_month: int = 18,
    ai_demand_drop: float = 0.4,
    release_months: int = 6,
    entrant_share: float = 0.10,
    entry_month: int = 15,
) -> dict[str, Scenario]:
    """The issue's scenarios, with every lever a parameter.

    Parameters
    ----------
    params : MarketParams
        Baseline parameters (the hoard's volume comes from them).
    crash_month : int
        Month index of the AI crash (18 = July 2026 when the horizon starts in January 2025).
    ai_demand_drop : float
        Fall of AI memory demand at the crash.
    release_months : int
        Months over which the hoard is sold after the crash.
    entrant_share : float
        Capacity of a fourth producer as a share of world capacity.
    entry_month : int
        Month the fourth producer's capacity arrives.
    """
    hoard = params.hoarder.wafers_per_month / params.world_capacity
    entrant = Producer("entrant", entrant_share, 0.30, 0.80, contracted=False)
    return {
        "no hoarding": Scenario("no hoarding", hoard_share=0.0),
        "hoard 10 %": Scenario("hoard 10 %", hoard_share=0.10),
        "hoard 20 %": Scenario("hoard 20 %", hoard_share=0.20),
        "hoard 30 %": Scenario("hoard 30 %", hoard_share=0.30),
        f"hoard {hoard:.0%} (letters)": Scenario(f"hoard {hoard:.0%} (letters)"),
        "hoard 50 %": Scenario("hoard 50 %", hoard_share=0.50),
        "crash, hoard kept": Scenario(
            "crash, hoard kept", crash_month=crash_month, ai_demand_drop=ai_demand_drop
        ),
        "crash, hoard released": Scenario(
            "crash, hoard released",
            crash_month=crash_month,
            ai_demand_drop=ai_demand_drop,
            release_months=release_months,
        ),
        "fourth producer": Scenario("fourth producer", entrant=entrant, entry_month=entry_month),
    }


@dataclass
class ScenarioComparison(Result):
    """Several market runs side by side."""

    runs: dict[str, MemoryResult]

    def to_frame(self) -> pd.DataFrame:
        """Tidy: scenario, month, price, outputs and stocks."""
        frames = []
        for name, run in self.runs.items():
            f = run.to_frame()
            f.insert(0, "scenario", name)
            frames.append(f)
        return pd.concat(frames, ignore_index=True)

    def table(self, brief: bool = False) -> pd.DataFrame:
        """One row per scenario with its summary figures (``brief``: the headline columns)."""
        table = pd.DataFrame([run.summary() for run in self.runs.values()])
        return table[list(BRIEF_COLUMNS)] if brief else table

    def summary(self) -> dict[str, Any]:
        """Peak price multiple and months above 2x by scenario."""
        return {
            name: {
                "peak_multiple": round(run.summary()["peak_multiple"], 3),
                "peak_month": run.summary()["peak_month"],
                "months_above_2x": run.months_above(2.0),
                "min_price_eur": round(run.summary()["min_price_eur"], 2),
            }
            for name, run in self.runs.items()
        }

    def plot(self) -> go.Figure:
        """Price paths of every scenario."""
        import plotly.graph_objects as go

        fig = go.Figure()
        for name, run in self.runs.items():
            f = run.frame
            fig.add_trace(go.Scatter(x=f["month"], y=f["price"], name=name, mode="lines"))
        fig.update_layout(
            title="DDR5 kit price by scenario (EUR, index anchored at mid-2025)",
            yaxis_title="EUR per 32 GB kit",
            hovermode="x unified",
        )
        return fig


def compare(params: MarketParams, scenarios: dict[str, Scenario]) -> ScenarioComparison:
    """Run each scenario on the same parameters."""
    return ScenarioComparison({name: simulate(params, sc) for name, sc in scenarios.items()})
