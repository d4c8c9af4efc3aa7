"""The "required revenue" arithmetic: what yearly revenue a capital outlay needs to pay off.

A capital stock ``K`` (USD bn) earns its keep if the revenue ``R`` it produces, after the
cash operating costs, covers the capital's wear (``d K``, depreciation) and a return on it
(``r K``)::

    m R = (r + d) K        =>        R = K (r + d) / m

with ``m`` the cash operating margin (share of revenue left after costs other than
depreciation). ``m = 1`` (no energy, staff or other costs) gives a *lower bound* on the
revenue needed. Per payer and month: ``R / (N * 12)``.

Seed 03 quotes J.P. Morgan: ``650 bn USD`` a year "for a 10 % return on the AI build-out", or
``35 USD`` a month from every iPhone user, or ``180 USD`` from every Netflix subscriber.
:func:`implied_capital` and :func:`implied_payers` invert the arithmetic to show what those
figures presuppose (the capital base behind the 650 bn is not stated in the article).

Every input is a :class:`Param` carrying its source, or the word "assumption" and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kreislauf.errors import InputError
from kreislauf.results import Result

if TYPE_CHECKING:
    import plotly.graph_objects as go


@dataclass(frozen=True)
class Param:
    """A number with its source (or labelled an assumption).

    Parameters
    ----------
    value : float
    source : str
        Document, date or URL; an assumption starts with ``"assumption"`` and says why.
    """

    value: float
    source: str

    @property
    def is_assumption(self) -> bool:
        """True if the value is an assumption rather than a sourced figure."""
        return self.source.lower().startswith("assumption")

    def __post_init__(self) -> None:
        if not self.source.strip():
            raise InputError.single(
                "every parameter needs a source or the label 'assumption: why'", field="source"
            )
        if not np.isfinite(self.value):
            raise InputError.single(f"expected a finite number, got {self.value}", field="value")


# Sourced and assumed defaults -------------------------------------------------------------
JPM_RETURN = Param(
    0.10,
    "J.P. Morgan as quoted in seed 03 (Funke Nr. 239): 'eine Rendite von 10% für den Ausbau "
    "der KI'",
)
JPM_REVENUE_USD_BN = Param(
    650.0, "J.P. Morgan as quoted in seed 03: 'jährliche Einnahmen in Höhe von 650 Milliarden'"
)
JPM_IPHONE_MONTHLY_USD = Param(
    35.0, "seed 03: 'monatliche Zahlung von 35 Dollar von jedem iPhone-Nutzer'"
)
JPM_NETFLIX_MONTHLY_USD = Param(180.0, "seed 03: '180 Dollar von jedem Netflix-Abonnenten'")
NETFLIX_MEMBERS = Param(
    301.63e6,
    "Netflix, Q4 2024 shareholder letter (21 January 2025): 301.63 m paid memberships at "
    "31 December 2024",
)
DEPRECIATION_6Y = Param(
    1 / 6,
    "assumption: a six-year life, the server life Microsoft and Alphabet state in their annual "
    "reports; AI accelerators may wear out (or become obsolete) faster",
)
MARGIN_LOWER_BOUND = Param(
    1.0,
    "assumption: every revenue dollar is margin (no energy, staff or other cash costs), so the "
    "required revenue is a lower bound",
)


@dataclass(frozen=True)
class RequiredRevenueInputs:
    """The inputs of the arithmetic, each with its source.

    Parameters
    ----------
    capital_usd_bn : Param
        Capital to be paid off (for example a year's hyperscaler capex from the data).
    target_return : Param
        Yearly return on that capital (0.10 = 10 %).
    depreciation_rate : Param
        Share of the capital worn out each year (1 / useful life in years).
    margin : Param
        Cash operating margin in (0, 1].
    payers : dict of str to Param
        Payer counts (``{"Netflix subscribers": NETFLIX_MEMBERS}``) for the per-month figures.
    """

    capital_usd_bn: Param
    target_return: Param = JPM_RETURN
    depreciation_rate: Param = DEPRECIATION_6Y
    margin: Param = MARGIN_LOWER_BOUND
    payers: dict[str, Param] = field(default_factory=dict)

    def __post_init__(self) -> None:
        checks = [
            ("capital_usd_bn", self.capital_usd_bn.value >= 0, "a capital >= 0"),
            ("target_return", self.target_return.value > -1, "a return > -1"),
            ("depreciation_rate", 0 <= self.depreciation_rate.value <= 1, "a rate in [0, 1]"),
            ("margin", 0 < self.margin.value <= 1, "a margin in (0, 1]"),
        ]
        for name, ok, what in checks:
            if not ok:
                raise InputError.single(
                    f"expected {what}, got {getattr(self, name).value}", field=name
                )
        for name, p in self.payers.items():
            if not p.value > 0:
                raise InputError.single(f"expected a positive count, got {p.value}", field=name)


def required_revenue_usd_bn(
    capital_usd_bn: float, target_return: float, depreciation_rate: float, margin: float
) -> float:
    """``K (r + d) / m``: yearly revenue (USD bn) that pays off capital ``K``."""
    return capital_usd_bn * (target_return + depreciation_rate) / margin


def implied_capital(
    revenue_usd_bn: float, target_return: float, depreciation_rate: float, margin: float
) -> float:
    """The capital a yearly revenue pays off: ``R m / (r + d)`` (inverse of the above)."""
    rate = target_return + depreciation_rate
    if rate <= 0:
        raise InputError.single("return + depreciation must be positive", field="target_return")
    return revenue_usd_bn * margin / rate


def implied_payers(revenue_usd_bn: float, monthly_usd: float) -> float:
    """How many payers a yearly revenue means at ``monthly_usd`` each: ``R / (12 p)``."""
    if not monthly_usd > 0:
        raise InputError.single(f"expected a positive payment, got {monthly_usd}", field="monthly")
    return revenue_usd_bn * 1e9 / (12 * monthly_usd)


@dataclass
class RequiredRevenue(Result):
    """Required yearly revenue and what it means per payer and month.

    Attributes
    ----------
    inputs : RequiredRevenueInputs
    revenue_usd_bn : float
    per_payer_monthly_usd : dict of str to float
    grid : DataFrame
        Sensitivity: required revenue over a range of returns and depreciation rates (the
        other inputs fixed).
    """

    inputs: RequiredRevenueInputs
    revenue_usd_bn: float
    per_payer_monthly_usd: dict[str, float]
    grid: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """Every input and output with its source."""
        rows = []
        for f in fields(self.inputs):
            v = getattr(self.inputs, f.name)
            if isinstance(v, Param):
                rows.append({"item": f.name, "value": v.value, "kind": "input", "source": v.source})
        for name, p in self.inputs.payers.items():
            rows.append(
                {"item": f"payers: {name}", "value": p.value, "kind": "input", "source": p.source}
            )
        rows.append(
            {
                "item": "required_revenue_usd_bn",
                "value": self.revenue_usd_bn,
                "kind": "output",
                "source": "capital x (return + depreciation) / margin",
            }
        )
        for name, v in self.per_payer_monthly_usd.items():
            rows.append(
                {
                    "item": f"per {name} per month (USD)",
                    "value": v,
                    "kind": "output",
                    "source": "required revenue / payers / 12",
                }
            )
        return pd.DataFrame(rows)

    def summary(self) -> dict[str, Any]:
        """Required revenue, per-payer figures and which inputs are assumptions."""
        i = self.inputs
        return {
            "capital_usd_bn": i.capital_usd_bn.value,
            "target_return": i.target_return.value,
            "depreciation_rate": i.depreciation_rate.value,
            "margin": i.margin.value,
            "required_revenue_usd_bn": self.revenue_usd_bn,
            # records, not a dict: payer names are free text and may hold spaces
            "per_payer_monthly_usd": [
                {"payer": k, "monthly_usd": v} for k, v in self.per_payer_monthly_usd.items()
            ],
            "lower_bound": i.margin.value == 1.0,
            "assumptions": [
                f.name
                for f in fields(i)
                if isinstance(getattr(i, f.name), Param) and getattr(i, f.name).is_assumption
            ]
            + [f"payers: {n}" for n, p in i.payers.items() if p.is_assumption],
        }

    def plot(self) -> go.Figure:
        """Heat map of required revenue over return and depreciation rate."""
        import plotly.graph_objects as go

        g = self.grid.pivot(
            index="depreciation_rate", columns="target_return", values="revenue_usd_bn"
        )
        fig = go.Figure(
            go.Heatmap(
                z=g.to_numpy(),
                x=[f"{c:.0%}" for c in g.columns],
                y=[f"{r:.1%}" for r in g.index],
                colorbar={"title": "USD bn a year"},
            )
        )
        fig.update_layout(
            title=(
                f"Required yearly revenue for {self.inputs.capital_usd_bn.value:,.0f} bn USD of "
                f"capital (margin {self.inputs.margin.value:.0%})"
            ),
            xaxis_title="target return",
            yaxis_title="depreciation rate (1 / useful life)",
            template="plotly_white",
        )
        return fig


def required_revenue(
    inputs: RequiredRevenueInputs,
    *,
    returns: tuple[float, ...] = (0.0, 0.05, 0.08, 0.10, 0.12, 0.15),
    depreciation_rates: tuple[float, ...] = (0.0, 1 / 8, 1 / 6, 1 / 5, 1 / 4, 1 / 3),
) -> RequiredRevenue:
    """Required yearly revenue ``K (r + d) / m`` and the monthly payment per payer.

    Parameters
    ----------
    inputs : RequiredRevenueInputs
    returns, depreciation_rates : tuple of float
        Axes of the sensitivity grid.

    Examples
    --------
    >>> r = required_revenue(RequiredRevenueInputs(Param(400.0, "assumption: example")))
    >>> round(r.revenue_usd_bn, 1)   # 400 x (0.10 + 1/6) / 1
    106.7
    """
    i = inputs
    rev = required_revenue_usd_bn(
        i.capital_usd_bn.value, i.target_return.value, i.depreciation_rate.value, i.margin.value
    )
    per = {name: rev * 1e9 / p.value / 12 for name, p in i.payers.items()}
    grid = pd.DataFrame(
        [
            {
                "target_return": r,
                "depreciation_rate": d,
                "revenue_usd_bn": required_revenue_usd_bn(
                    i.capital_usd_bn.value, r, d, i.margin.value
                ),
            }
            for r in returns
            for d in depreciation_rates
        ]
    )
    return RequiredRevenue(i, rev, per, grid)


@dataclass
class ArticleCheck(Result):
    """What the article's 650 bn / 35 USD / 180 USD presuppose, by inverting the arithmetic.

    Attributes
    ----------
    frame : DataFrame
        ``item, value, note``.
    """

    frame: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """One row per implied figure."""
        return self.frame.copy()

    def summary(self) -> dict[str, Any]:
        """Implied figures by item."""
        return dict(zip(self.frame["item"], self.frame["value"], strict=True))

    def plot(self) -> go.Figure:
        """Bar chart of the implied capital under different depreciation rates."""
        import plotly.graph_objects as go

        f = self.frame[self.frame["item"].str.startswith("implied capital")]
        fig = go.Figure(go.Bar(x=f["item"], y=f["value"]))
        fig.update_layout(
            title="Capital base implied by 650 bn USD a year", template="plotly_white"
        )
        return fig


def article_check(
    revenue: Param = JPM_REVENUE_USD_BN,
    target_return: Param = JPM_RETURN,
    iphone_monthly: Param = JPM_IPHONE_MONTHLY_USD,
    netflix_monthly: Param = JPM_NETFLIX_MONTHLY_USD,
    netflix_members: Param = NETFLIX_MEMBERS,
    margin: Param = MARGIN_LOWER_BOUND,
) -> ArticleCheck:
    """Invert seed 03's J.P. Morgan figures: implied payers and implied capital base.

    Returns
    -------
    ArticleCheck
        Implied iPhone users and Netflix subscribers, the Netflix monthly figure recomputed from
        Netflix's reported memberships, and the capital the 650 bn pays off at 10 % with no
        depreciation (perpetuity), with a six-year and a four-year life.
    """
    R = revenue.value
    rows = [
        {
            "item": "implied iPhone users (bn)",
            "value": implied_payers(R, iphone_monthly.value) / 1e9,
            "note": "650 bn / (12 x 35 USD)",
        },
        {
            "item": "implied Netflix subscribers (m)",
            "value": implied_payers(R, netflix_monthly.value) / 1e6,
            "note": "650 bn / (12 x 180 USD)",
        },
        {
            "item": "per Netflix membership per month, reported members (USD)",
            "value": R * 1e9 / netflix_members.value / 12,
            "note": netflix_members.source,
        },
    ]
    for label, d in (
        ("no depreciation (perpetuity)", 0.0),
        ("6-year life", 1 / 6),
        ("4-year life", 1 / 4),
    ):
        rows.append(
            {
                "item": f"implied capital, {label} (USD bn)",
                "value": implied_capital(R, target_return.value, d, margin.value),
                "note": f"650 bn x margin {margin.value:g} / ({target_return.value:g} + {d:.3f})",
            }
        )
    return ArticleCheck(pd.DataFrame(rows))
