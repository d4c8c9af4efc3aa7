"""Reading the AI-circuit model's runs: defaults and their timing, wealth lost by holder.

Pure functions over :class:`kreislauf.sfc.SimulationResult` cubes (or plain arrays from a
Monte Carlo run). The holders' shares of the circuit's equity and debt are model parameters
(``hh_listed``, ``pn_listed``, ``hh_labs``, ``pn_labs``, ``hh_loans``, ``pn_loans``; each an
assumption stated in ``ai_circuit_params.yaml``).

Wealth lost by a holder is the largest fall of the market value of what it holds from an
earlier peak within the run (maximum drawdown, USD bn), plus its share of realised loan losses.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kreislauf.results import Result
from kreislauf.sfc.axes import quarter_ticks

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from kreislauf.sfc.result import SimulationResult

START_QUARTER = pd.Period("2026Q3", freq="Q")
"""Period 1 of the shipped AI-circuit model (``start`` of the parameter file)."""

OUTCOME_VARS = ("DEFL", "VL", "VH", "VV", "WAI", "ELI", "ELV", "ELH", "ELtot", "WO", "GB")
"""Variables enough for defaults and wealth lost by holder (a Monte Carlo ``keep`` set)."""

HOLDERS = ("households", "pensions", "funds_and_foreign", "corporate_stakes", "government")

CLAIM_TOTAL_USD_BN = 35000.0
"""Seed 03 (claims C23): Gita Gopinath's estimate that over $35 trillion could be destroyed
worldwide, of which $20 trillion of US households' wealth and $15 trillion of foreign
investors'."""
CLAIM_US_HOUSEHOLDS_USD_BN = 20000.0


def quarter_label(period: int, start: pd.Period = START_QUARTER) -> str:
    """Calendar quarter of a model period (period 1 = ``start``)."""
    return str(start + (period - 1))


def _get(names: list[str], cube: np.ndarray, params: dict[str, np.ndarray], name: str):
    """(S, T) path of a variable or of a (possibly constant) parameter."""
    if name in names:
        return cube[:, :, names.index(name)]
    return np.repeat(np.asarray(params[name], dtype=float)[:, None], cube.shape[1], axis=1)


def holder_values(
    names: list[str], cube: np.ndarray, params: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Market value held by each holder (USD bn), each of shape (S, T).

    Parameters
    ----------
    names : list of str
        Variable names along the cube's last axis.
    cube : ndarray
        Shape (S, T, variables).
    params : dict
        Constant parameters, each (S,).

    Returns
    -------
    dict
        ``households``, ``pensions``, ``funds_and_foreign`` (listed equity of hyperscalers
        and vendors plus the investors' share of lab equity), ``corporate_stakes`` (the
        vendors' and hyperscalers' own lab stakes).
    """
    g = lambda n: _get(names, cube, params, n)  # noqa: E731
    listed = g("VH") + g("VV")
    tot = np.maximum(g("ELtot"), 1e-12)
    lab_inv = g("VL") * g("ELI") / tot
    hh = g("hh_listed") * listed + g("hh_labs") * lab_inv
    pn = g("pn_listed") * listed + g("pn_labs") * lab_inv
    rest = (1 - g("hh_listed") - g("pn_listed")) * listed
    rest = rest + (1 - g("hh_labs") - g("pn_labs")) * lab_inv
    corp = g("VL") * (g("ELV") + g("ELH")) / tot
    return {"households": hh, "pensions": pn, "funds_and_foreign": rest, "corporate_stakes": corp}


def drawdown(values: np.ndarray) -> np.ndarray:
    """Largest fall from an earlier peak along the last axis (>= 0), per scenario."""
    peak = np.maximum.accumulate(values, axis=-1)
    return (peak - values).max(axis=-1)


def wealth_lost(
    names: list[str], cube: np.ndarray, params: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Wealth lost by holder over the run (USD bn), each of shape (S,).

    Equity: the maximum drawdown of the value held. Loan losses (write-offs net of the
    government's backstop) are shared out by ``hh_loans`` and ``pn_loans``, the rest to
    funds and foreign holders; the government's loss is the backstop it paid.
    """
    vals = holder_values(names, cube, params)
    g = lambda n: _get(names, cube, params, n)  # noqa: E731
    wo, gb = g("WO").sum(axis=1), g("GB").sum(axis=1)
    net = wo - gb
    hh_l, pn_l = g("hh_loans")[:, 0], g("pn_loans")[:, 0]
    out = {
        "households": drawdown(vals["households"]) + hh_l * net,
        "pensions": drawdown(vals["pensions"]) + pn_l * net,
        "funds_and_foreign": drawdown(vals["funds_and_foreign"]) + (1 - hh_l - pn_l) * net,
        "corporate_stakes": drawdown(vals["corporate_stakes"]),
        "government": gb,
    }
    out["total"] = drawdown(g("WAI")) + wo
    return out


def first_default(names: list[str], cube: np.ndarray) -> np.ndarray:
    """First period in which the labs default (0 = no default in the run), shape (S,)."""
    d = cube[:, :, names.index("DEFL")] > 0.5
    return np.where(d.any(axis=1), d.argmax(axis=1) + 1, 0)


def _arrays(res: SimulationResult) -> tuple[list[str], np.ndarray, dict[str, np.ndarray]]:
    cube = res.cube
    return [str(v) for v in cube["variable"].values], np.asarray(cube.values), res.params


SECTOR_VARS = {
    "labs": ("AIS", "CP", "FR", "VI", "ML", "VL"),
    "cloud": ("ICH", "IB", "DEP", "LC", "WO", "KG", "u"),
    "vendors": ("ICH", "NIV", "VV"),
    "hyper": ("NIH", "VH", "PF"),
    "investors": ("FR", "DIVH", "DIVV"),
    "government": ("GB", "BG"),
}


@dataclass
class ScenarioComparison(Result):
    """The AI circuit under several scenarios (one run each).

    Attributes
    ----------
    runs : dict
        Scenario name -> :class:`SimulationResult` (scenario axis of length 1).
    """

    runs: dict[str, SimulationResult]

    def defaults(self) -> pd.DataFrame:
        """Per scenario: first default period and quarter, loan losses, backstop paid."""
        rows = []
        for name, r in self.runs.items():
            names, cube, _ = _arrays(r)
            p = int(first_default(names, cube)[0])
            rows.append(
                {
                    "scenario": name,
                    "lab_default_period": p or None,
                    "lab_default_quarter": quarter_label(p) if p else None,
                    "loan_losses_usd_bn": float(cube[0, :, names.index("WO")].sum()),
                    "backstop_paid_usd_bn": float(cube[0, :, names.index("GB")].sum()),
                }
            )
        return pd.DataFrame(rows)

    def wealth(self) -> pd.DataFrame:
        """Wealth lost by holder (USD bn) per scenario, with the articles' claim beside it."""
        rows = []
        for name, r in self.runs.items():
            lost = wealth_lost(*_arrays(r))
            row = {"scenario": name} | {k: float(v[0]) for k, v in lost.items()}
            rows.append(row)
        f = pd.DataFrame(rows)
        f["households_and_pensions"] = f["households"] + f["pensions"]
        f["claim_total_usd_bn"] = CLAIM_TOTAL_USD_BN
        f["claim_us_households_usd_bn"] = CLAIM_US_HOUSEHOLDS_USD_BN
        return f

    def paths(self, variables: tuple[str, ...] | None = None) -> pd.DataFrame:
        """Tidy time paths: scenario, period, quarter, sector, variable, value."""
        recs = []
        for name, r in self.runs.items():
            names, cube, _ = _arrays(r)
            for sector, vs in SECTOR_VARS.items():
                for v in vs:
                    if variables is not None and v not in variables:
                        continue
                    y = cube[0, :, names.index(v)]
                    for t, val in enumerate(y, start=1):
                        recs.append((name, t, quarter_label(t), sector, v, float(val)))
        return pd.DataFrame(
            recs, columns=["scenario", "period", "quarter", "sector", "variable", "value"]
        )

    def to_frame(self) -> pd.DataFrame:
        """Tidy time paths by sector (see :meth:`paths`)."""
        return self.paths()

    def summary(self) -> dict[str, Any]:
        """Defaults and wealth lost per scenario."""
        d = self.defaults().set_index("scenario")
        w = self.wealth().set_index("scenario")
        return {
            name: {
                "lab_default_quarter": d.loc[name, "lab_default_quarter"],
                "wealth_lost_total_usd_bn": round(float(w.loc[name, "total"]), 1),
                "wealth_lost_households_usd_bn": round(float(w.loc[name, "households"]), 1),
                "wealth_lost_pensions_usd_bn": round(float(w.loc[name, "pensions"]), 1),
                "loan_losses_usd_bn": round(float(d.loc[name, "loan_losses_usd_bn"]), 1),
            }
            for name in self.runs
        } | {"claim_total_usd_bn": CLAIM_TOTAL_USD_BN}

    def flow_matrix(self, period: int, scenario: str = "baseline") -> pd.DataFrame:
        """Transaction-flow matrix of one quarter of one scenario (rows x sectors)."""
        return self.runs[scenario].flow_matrix(period)

    def plot_flow_matrix(self, period: int, scenario: str = "baseline") -> go.Figure:
        """Heatmap of the transaction-flow matrix of one quarter of one scenario."""
        return self.runs[scenario].plot_flow_matrix(period)

    def plot(self, variable: str = "WAI") -> go.Figure:
        """One line per scenario of ``variable`` (default: market value of the circuit)."""
        import plotly.graph_objects as go

        fig = go.Figure()
        for name, r in self.runs.items():
            names, cube, _ = _arrays(r)
            x = [quarter_label(t) for t in range(1, cube.shape[1] + 1)]
            fig.add_scatter(x=x, y=cube[0, :, names.index(variable)], name=name, mode="lines")
        fig.update_layout(yaxis_title=f"{variable} (USD bn)", legend_title="scenario")
        if self.runs:
            quarter_ticks(fig, list(fig.data[0].x))
        return fig


SCENARIO_ORDER = (
    "ai_growth_shortfall",
    "cost_of_capital",
    "energy_ceiling",
    "memory_squeeze",
    "government_backstop",
)


def shipped_scenarios() -> dict[str, Any]:
    """Name -> path of the shipped AI-circuit scenario files, in the documented order."""
    from importlib import resources
    from pathlib import Path

    root = Path(str(resources.files("kreislauf.sfc") / "scenarios"))
    return {n: root / f"{n}.yaml" for n in SCENARIO_ORDER if (root / f"{n}.yaml").is_file()}


def compare(
    model: Any,
    scenarios: dict[str, Any],
    periods: int = 40,
    params: dict[str, Any] | None = None,
    initial: dict[str, Any] | None = None,
    calibration: Any = None,
) -> ScenarioComparison:
    """Run the model once per scenario (``None`` = baseline) and collect the runs.

    Parameters
    ----------
    model : Model
        The AI-circuit model (or any model with the same variable names).
    scenarios : dict
        Name -> :class:`kreislauf.sfc.Scenario` or ``None``.
    periods : int
        Quarters to simulate.
    params, initial : dict, optional
        Explicit overrides applied to every run.
    calibration : list of Entry, optional
        Calibration entries (e.g. from ``--data-dir``); each scenario's own values are fed
        into it (:func:`kreislauf.sfc.precedence.resolve`).
    """
    from kreislauf.sfc import simulate

    runs = {
        name: simulate(
            model, periods, params=params, scenario=scen, initial=initial, calibration=calibration
        )
        for name, scen in scenarios.items()
    }
    return ScenarioComparison(runs)


def shipped_comparison(
    data_dir: Path | None = None,
    atlas_dir: Path | None = None,
    periods: int = 40,
    memo: dict[str, Any] | None = None,
) -> ScenarioComparison:
    """The AI-circuit model's baseline and shipped scenarios, calibrated from the data.

    Parameters
    ----------
    data_dir, atlas_dir : Path, optional
        Passed to :func:`kreislauf.sfc.ai_params.load_calibration`.
    periods : int
        Quarters to simulate.
    memo : dict, optional
        A caller-owned dict (e.g. one report's): the comparison is kept there and reused by
        the next call with the same arguments, so that the report's burst section and its
        claims audit run the scenarios once.
    """
    key = f"sfc:ai_circuit:{periods}:{data_dir}:{atlas_dir}"
    if memo is not None and key in memo:
        return memo[key]
    from kreislauf.sfc import load_model, load_scenario
    from kreislauf.sfc.ai_params import load_calibration

    cal = load_calibration(data_dir, atlas_dir, periods=max(periods, 40))
    scen = {"baseline": None} | {n: load_scenario(q) for n, q in shipped_scenarios().items()}
    cmp = compare(load_model("ai_circuit"), scen, periods, calibration=list(cal.entries))
    if memo is not None:
        memo[key] = cmp
    return cmp


@dataclass(frozen=True)
class Cascade:
    """The labs' default handed to the contagion engine (one-way coupling).

    Attributes
    ----------
    period : int
        The model's first default quarter (1-based).
    quarter : str
    pay_fraction : float
        Share of the quarter's compute due the labs paid (``CP / DUEd``).
    node : str
        Atlas node that stands for the labs in the network.
    stress : kreislauf.contagion.stress.StressResult
        Eisenberg-Noe clearing of the atlas network with ``node`` paying ``pay_fraction`` of
        its obligations due within the contagion horizon.
    """

    period: int
    quarter: str
    pay_fraction: float
    node: str
    stress: Any


def default_cascade(
    run: SimulationResult,
    cmap: Any,
    balance_sheets: Any,
    names: dict[str, str] | None = None,
    kinds: dict[str, str] | None = None,
    node: str = "openai",
) -> Cascade | None:
    """Hand the quarter of the labs' default to :func:`kreislauf.contagion.stress.stress_test`.

    The SFC model decides *when* the labs default and what share of the quarter's dues they
    pay; the contagion engine clears the atlas network with ``node`` (default OpenAI, the
    largest lab in the atlas) paying that share of what it owes within its horizon, and
    reports realised losses, exposure and unresolved outcomes node by node. The coupling is
    one way: the network's losses do not feed back into the SFC run.

    Parameters
    ----------
    run : SimulationResult
        An AI-circuit run (scenario axis of length 1 is read at scenario 0).
    cmap, balance_sheets : from :func:`kreislauf.contagion.circuit_map.map_atlas` and
        :func:`kreislauf.contagion.balance_sheets.load_balance_sheets`.
    names, kinds : dict, optional
        Display names and kinds per node (from the atlas).
    node : str
        The atlas node standing for the labs.

    Returns
    -------
    Cascade or None
        None when the labs do not default in the run.
    """
    from kreislauf.contagion.stress import Scenario, StressOptions, stress_test

    names_, cube, _ = _arrays(run)
    p = int(first_default(names_, cube)[0])
    if p == 0:
        return None
    due = float(cube[0, p - 1, names_.index("DUEd")])
    paid = float(cube[0, p - 1, names_.index("CP")])
    frac = min(1.0, max(0.0, paid / due)) if due > 0 else 0.0
    opts = StressOptions(model="en", seniority="pari_passu")
    res = stress_test(cmap, balance_sheets, Scenario(node, frac), opts, names, kinds)
    return Cascade(p, quarter_label(p), frac, node, res)
