"""Monthly simulation of the DRAM market under oligopoly, hoarding and panic buying.

Each month:

1. Capacity ordered ``build_lag_months`` ago arrives; an entrant's capacity appears
   at its entry month.
2. The hoarder's contract takes ``h_t`` kWSPM (ramping up over ``ramp_months``)
   pro rata from the contracted producers' capacity; a stored share accumulates
   as a wafer stock.
3. Demand segments are linear through the reference point, growing at their own
   rates; precautionary buying by other buyers shifts the exposed segments out.
4. The spot market clears as a capacity-constrained Cournot equilibrium
   (:func:`kreislauf.memory.cournot.cournot_equilibrium`), with any released
   stock (the hoard after a crash, precautionary inventories) as inelastic supply.
5. Other buyers revise their inventory target from price momentum and scarcity;
   producers revise price expectations adaptively and order capacity when expected
   prices exceed full cost times ``1 + hurdle_premium`` (the bubble risk premium).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kreislauf.memory.cournot import cournot_equilibrium
from kreislauf.memory.params import MarketParams, Producer
from kreislauf.results import Result

if TYPE_CHECKING:
    import plotly.graph_objects as go


@dataclass(frozen=True)
class Scenario:
    """What happens to the market beyond the baseline parameters.

    Parameters
    ----------
    name : str
        Label.
    hoard_share : float or None
        Hoard as a share of world capacity (overrides the parameter file's volume).
    crash_month : int or None
        Month index (0 = ``params.start``) at which the AI bubble deflates: the
        hoarder stops contracting and AI demand falls by ``ai_demand_drop``.
    ai_demand_drop : float
        Fall of AI-segment demand at the crash (0.3 = 30 %).
    ai_growth_after_crash : float or None
        Monthly AI-demand growth after the crash (None keeps the segment's own).
    release_months : int
        After the crash the hoard's stored wafers are sold over this many months
        (0 = kept off the market).
    entrant : Producer or None
        A new producer (its ``share`` is its capacity as a share of world capacity).
    entry_month : int
        Month the entrant's capacity becomes available.
    ai_demand_path : ndarray or None
        Multiplier of AI-segment demand per month (e.g. from the burst simulator),
        applied on top of growth; length ``params.months``.
    """

    name: str = "baseline"
    hoard_share: float | None = None
    crash_month: int | None = None
    ai_demand_drop: float = 0.0
    ai_growth_after_crash: float | None = None
    release_months: int = 0
    entrant: Producer | None = None
    entry_month: int = 0
    ai_demand_path: np.ndarray | None = field(default=None, compare=False)


@dataclass
class MemoryResult(Result):
    """Monthly paths of the DRAM market.

    Attributes
    ----------
    frame : DataFrame
        One row per month: price, outputs, stocks, capacities and margins.
    producers : list of str
        Producer ids (columns ``output_<id>``, ``capacity_<id>``, ``margin_<id>``).
    scenario : Scenario
    params : MarketParams
    """

    frame: pd.DataFrame
    producers: list[str]
    scenario: Scenario
    params: MarketParams

    def to_frame(self) -> pd.DataFrame:
        """The monthly table (one row per month)."""
        return self.frame.copy()

    def price_ratio(self) -> pd.Series:
        """Price relative to the reference price."""
        return self.frame["price"] / self.params.reference_price

    def months_above(self, multiple: float) -> int:
        """Number of months the price stays above ``multiple`` x the reference price."""
        return int((self.price_ratio() > multiple).sum())

    def summary(self) -> dict[str, Any]:
        """Peak price, its month, time above 2x, final price, hoard stock."""
        f = self.frame
        i = int(f["price"].to_numpy().argmax())
        return {
            "scenario": self.scenario.name,
            "reference_price_eur": self.params.reference_price,
            "peak_price_eur": float(f["price"].iloc[i]),
            "peak_month": str(f["month"].iloc[i]),
            "peak_multiple": float(f["price"].iloc[i] / self.params.reference_price),
            "months_above_2x": self.months_above(2.0),
            "final_price_eur": float(f["price"].iloc[-1]),
            "min_price_eur": float(f["price"].min()),
            "max_hoard_stock_kwafers": float(f["hoard_stock"].max()),
        }

    def plot(self) -> go.Figure:
        """Price (left axis) and hoard and precautionary stocks (right axis)."""
        import plotly.graph_objects as go
        from plotly.subplots import make_subplots

        f = self.frame
        x = f["month"].astype(str)
        fig = make_subplots(specs=[[{"secondary_y": True}]])
        fig.add_trace(go.Scatter(x=x, y=f["price"], name="price (EUR per kit)"))
        fig.add_trace(
            go.Scatter(x=x, y=f["hoard_stock"], name="hoarded wafers", line={"dash": "dot"}),
            secondary_y=True,
        )
        fig.add_trace(
            go.Scatter(
                x=x, y=f["panic_inventory"], name="precautionary stock", line={"dash": "dash"}
            ),
            secondary_y=True,
        )
        fig.update_layout(title=f"DRAM market — {self.scenario.name}", hovermode="x unified")
        fig.update_yaxes(title_text="EUR per 32 GB DDR5 kit (index)", secondary_y=False)
        fig.update_yaxes(title_text="thousand wafers", secondary_y=True)
        return fig


def simulate(params: MarketParams, scenario: Scenario | None = None) -> MemoryResult:
    """Run the monthly market model.

    Parameters
    ----------
    params : MarketParams
        Baseline parameters (see :func:`kreislauf.memory.params.load_params`).
    scenario : Scenario, optional
        Deviations from the baseline; the default runs the parameters as given.

    Returns
    -------
    MemoryResult
    """
    sc = scenario or Scenario()
    if sc.hoard_share is not None:
        params = params.with_hoard_share(sc.hoard_share)
    T = params.months
    if sc.ai_demand_path is not None and len(sc.ai_demand_path) != T:
        raise ValueError(f"ai_demand_path has length {len(sc.ai_demand_path)}, expected {T}")
    producers = list(params.producers) + ([sc.entrant] if sc.entrant is not None else [])
    n = len(producers)
    p0 = params.reference_price
    world = params.world_capacity
    cash = np.array([p.cash_cost * p0 for p in producers])
    full = np.array([p.full_cost * p0 for p in producers])
    contracted = np.array([p.contracted for p in producers])
    cap = np.array([p.share * world for p in producers])
    if sc.entrant is not None:
        cap[-1] = 0.0
    seg = params.segments
    eps = np.array([s.elasticity for s in seg])
    q0 = np.array([s.share * world for s in seg])
    growth = np.array([s.growth_per_month for s in seg])
    exposed = np.array([s.panic_exposed for s in seg])
    is_ai = np.array([s.ai for s in seg])
    hz, pn, inv = params.hoarder, params.panic, params.investment

    pipeline = np.zeros((T + inv.build_lag_months + 1, n))
    level = np.ones(len(seg))  # demand level per segment (growth compounded)
    expect = p0
    prices: list[float] = []
    hoard_stock = 0.0
    release_left = 0.0
    release_rate = 0.0
    exposed_ref0 = float(q0[exposed].sum())
    panic_inv = pn.base_cover * exposed_ref0
    panic_buy = 0.0
    panic_sell = 0.0
    rows = []
    for t in range(T):
        crashed = sc.crash_month is not None and t >= sc.crash_month
        cap = cap + pipeline[t]
        if sc.entrant is not None and t == sc.entry_month:
            cap[-1] += sc.entrant.share * world
        if crashed and t == sc.crash_month:
            level = np.where(is_ai, level * (1.0 - sc.ai_demand_drop), level)
            if sc.release_months > 0:
                release_left = hoard_stock
                release_rate = hoard_stock / sc.release_months
        g = growth.copy()
        if crashed and sc.ai_growth_after_crash is not None:
            g = np.where(is_ai, sc.ai_growth_after_crash, g)
        if t > 0:
            level = level * (1.0 + g)
        mult = np.ones(len(seg))
        if sc.ai_demand_path is not None:
            mult = np.where(is_ai, float(sc.ai_demand_path[t]), 1.0)
        qref = q0 * level * mult
        a = qref * (1.0 + eps)
        b = eps * qref / p0
        extra = np.zeros(len(seg))
        if panic_buy > 0 and exposed.any():
            extra = np.where(exposed, panic_buy * qref / qref[exposed].sum(), 0.0)
            a = a + extra

        # Hoarder's contract volume, pro rata over the contracted producers' capacity.
        active = hz.wafers_per_month > 0 and t >= hz.start_month and not crashed
        ramp = min(1.0, (t - hz.start_month + 1) / hz.ramp_months) if active else 0.0
        ccap = cap * contracted
        h = min(hz.wafers_per_month * ramp, float(ccap.sum()))
        h_alloc = ccap / ccap.sum() * h if ccap.sum() > 0 else np.zeros(n)

        from_hoard = min(release_rate, release_left) if crashed else 0.0
        released = from_hoard + panic_sell
        # Clip rounding residue when the contract takes the contracted producers' whole capacity.
        eq = cournot_equilibrium(a, b, cash, np.maximum(cap - h_alloc, 0.0), released)
        price = eq.price
        sold_release = eq.released
        # Stocks: what was released left the stocks (pro rata if the glut cut sales).
        frac = 1.0 if released == 0 else sold_release / released
        release_left -= from_hoard * frac
        hoard_stock = hoard_stock - from_hoard * frac + h * hz.stored_share
        # Precautionary purchases actually made: the shifted part of each exposed segment's
        # demand, as far as the segment buys at all at this price.
        bought = float(np.minimum(extra, eq.demand).sum())
        panic_inv = panic_inv + bought - panic_sell * frac
        prices.append(price)

        # Precautionary inventory target for next month.
        past = prices[-1 - pn.momentum_window] if len(prices) > pn.momentum_window else p0
        # Log price change; a floor of 1 % of the reference price keeps it finite after a
        # glut month with a zero price.
        floor = 0.01 * p0
        momentum = float(np.log((price + floor) / (past + floor)))
        scarcity = h / world
        exposed_ref = float(qref[exposed].sum())
        target = exposed_ref * (
            pn.base_cover
            + pn.momentum_sensitivity * max(0.0, momentum)
            + pn.scarcity_sensitivity * scarcity
        )
        gap = (target - panic_inv) / pn.adjustment_months
        panic_buy = max(0.0, gap)
        panic_sell = min(max(0.0, -gap), panic_inv)

        # Capacity decisions.
        expect = expect + inv.expectation_speed * (price - expect)
        hurdle = full * (1.0 + inv.hurdle_premium)
        orders = cap * np.minimum(
            inv.max_order_share, inv.response * np.maximum(0.0, expect / hurdle - 1.0)
        )
        pipeline[t + inv.build_lag_months] += orders
        if t + 1 < T:  # scheduled expansions already in the pipeline before the horizon
            pipeline[t + 1] += cap * inv.baseline_expansion

        out = eq.quantities + h_alloc
        revenue_spot = eq.quantities * price
        revenue_contract = h_alloc * hz.contract_price * p0
        with np.errstate(invalid="ignore", divide="ignore"):
            margin = np.where(
                out > 0,
                (revenue_spot + revenue_contract - cash * out) / (revenue_spot + revenue_contract),
                np.nan,
            )
        row: dict[str, Any] = {
            "month": (params.start + t),
            "price": price,
            "spot_output": float(eq.quantities.sum()),
            "hoard_flow": h,
            "total_output": float(out.sum()),
            "capacity": float(cap.sum()),
            "released": sold_release,
            "hoard_stock": hoard_stock,
            "panic_inventory": panic_inv,
            "panic_buying": bought,
            "momentum": momentum,
            "ai_demand": float(eq.demand[is_ai].sum()),
            "consumed": float(eq.demand.sum()),
        }
        for i, p in enumerate(producers):
            row[f"output_{p.id}"] = float(out[i])
            row[f"capacity_{p.id}"] = float(cap[i])
            row[f"margin_{p.id}"] = float(margin[i])
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame["month"] = frame["month"].astype(str)
    return MemoryResult(frame, [p.id for p in producers], sc, params)
