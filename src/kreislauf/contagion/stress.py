"""The AI-circuit stress test: scenarios on the mapped atlas, bounded where data is missing.

Scenarios (combinable): a named node defaults and pays a fraction of what falls due; AI
demand falls by a share (every buyer cuts its AI purchase commitments by that share times
the pass-through, and loses the same revenue, so the loss lands on the sellers); chip prices
fall by a share (chips held are marked down). Stakes lose value with their investee's
equity; backstops pay their beneficiary's loss on sales contracts up to their cap.

Each scenario runs twice (see :mod:`kreislauf.contagion.stress_result`): with every node
lacking a sourced balance sheet able to absorb any loss (**realised**), and with such nodes
holding no buffer at all (**exposure**). Stakes and backstops are solved together with the
clearing by iterating to a fixed point.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from kreislauf.contagion.circuit_map import CircuitMap
from kreislauf.contagion.network import Network, Seniority
from kreislauf.contagion.stress_result import BoundRun, StressResult
from kreislauf.contagion.valuation import rogers_veraart
from kreislauf.errors import InputError, Problem

MODELS = ("en", "rv", "debtrank", "furfine", "firesale")
TOL = 1e-9


@dataclass(frozen=True)
class Scenario:
    """What is stressed.

    Parameters
    ----------
    default_node : str or None
        Atlas id of the node that defaults.
    pay_fraction : float
        Share of its obligations due within the horizon that the defaulting node still pays.
    demand_drop : float
        Fall of AI demand, as a share (0.2 = -20 %).
    chip_price_shock : float
        Fall of chip and memory prices, as a share.
    """

    default_node: str | None = None
    pay_fraction: float = 0.0
    demand_drop: float = 0.0
    chip_price_shock: float = 0.0

    def __post_init__(self) -> None:
        for name in ("pay_fraction", "demand_drop", "chip_price_shock"):
            v = getattr(self, name)
            if not (isinstance(v, int | float) and 0.0 <= v <= 1.0):
                raise InputError.single(f"expected a share in [0, 1], got {v!r}", field=name)
        if self.default_node is None and self.demand_drop == 0 and self.chip_price_shock == 0:
            raise InputError.single(
                "the scenario stresses nothing: name a defaulting node, a demand drop or a "
                "chip price shock",
                field="scenario",
            )


@dataclass(frozen=True)
class StressOptions:
    """Model settings (all assumptions of the analyst, recorded in the result).

    Parameters
    ----------
    model : {"en", "rv", "debtrank", "furfine", "firesale"}
    seniority : Seniority
        External debt senior to or pari passu with network obligations (EN/RV).
    alpha, beta : float
        Rogers-Veraart recovery on external and network assets of defaulted nodes.
    lgd : float
        Furfine loss given default.
    debtrank_method : {"original", "linear"}
    price_impact : float or None
        Fire sales: fractional fall of chip prices per USD bn of chips sold. No published
        estimate for AI accelerators is known to kreislauf, so there is no default.
    """

    model: str = "en"
    seniority: Seniority = Seniority.PARI_PASSU
    alpha: float = 1.0
    beta: float = 1.0
    lgd: float = 1.0
    debtrank_method: str = "original"
    price_impact: float | None = None

    def __post_init__(self) -> None:
        if self.model not in MODELS:
            raise InputError.single(
                f"unknown model {self.model!r}; expected one of {MODELS}", field="model"
            )
        if self.model == "firesale" and (self.price_impact is None or self.price_impact < 0):
            raise InputError.single(
                "fire sales need a price impact (fractional chip-price fall per USD bn sold); "
                "kreislauf has no sourced value for AI chips, so it must be given",
                field="price_impact",
            )


@dataclass
class Setup:
    """Arrays shared by both bounds of one scenario."""

    ids: tuple[str, ...]
    pos: dict[str, int]
    L0: sp.csr_matrix
    Ls: sp.csr_matrix
    sales: sp.csr_matrix  # scenario sales obligations (for backstop triggers)
    sales0: sp.csr_matrix
    in0: np.ndarray
    out0: np.ndarray
    relief: np.ndarray
    stakes: np.ndarray  # holder, investee, value rows (as float array with int indices)
    held: np.ndarray  # stake value held per node
    chips: np.ndarray  # chips held per node
    known: np.ndarray
    estimate: np.ndarray  # known nodes whose buffer is a press-reported estimate
    equity: np.ndarray
    ext_liab: np.ndarray
    backstops: np.ndarray  # guarantor, beneficiary, cap
    named: int | None
    backstop_share: float
    absorbing: np.ndarray  # sectors: end holders that absorb in both bounds


def _matrix(frame: pd.DataFrame, pos: dict[str, int], col: str, n: int) -> sp.csr_matrix:
    if frame.empty:
        return sp.csr_matrix((n, n))
    r = frame["debtor"].map(pos).to_numpy()
    c = frame["creditor"].map(pos).to_numpy()
    m = sp.csr_matrix((frame[col].to_numpy(float), (r, c)), shape=(n, n))
    m.sum_duplicates()
    return m


def build_setup(
    cmap: CircuitMap,
    balance_sheets: pd.DataFrame,
    scenario: Scenario,
    kinds: dict[str, str] | None = None,
) -> Setup:
    """Obligations before and after the scenario, holdings, balance sheets, checks.

    Nodes of kind ``sector`` (aggregates of investors, lenders, households) are end holders:
    they absorb their losses in both bounds.
    """
    ids = cmap.nodes
    pos = {k: i for i, k in enumerate(ids)}
    n = len(ids)
    named = None
    if scenario.default_node is not None:
        if scenario.default_node not in pos:
            raise InputError.single(
                f"unknown atlas entity {scenario.default_node!r}", field="default"
            )
        named = pos[scenario.default_node]
    ob = cmap.obligations.copy()
    cut = scenario.demand_drop * cmap.assumptions.demand_pass_through
    ob["scenario_usd_bn"] = ob["due_usd_bn"] * np.where(ob["ai_demand"], 1.0 - cut, 1.0)
    L0 = _matrix(ob, pos, "due_usd_bn", n)
    Ls = _matrix(ob, pos, "scenario_usd_bn", n)
    sales_rows = ob[ob["type"].isin(("purchase_commitment", "supply_deal"))]
    in0 = np.asarray(L0.sum(axis=0)).ravel()
    out0 = np.asarray(L0.sum(axis=1)).ravel()
    relief = out0 - np.asarray(Ls.sum(axis=1)).ravel()
    h = cmap.holdings
    stakes = (
        np.column_stack([h["holder"].map(pos), h["investee"].map(pos), h["value_usd_bn"]])
        if len(h)
        else np.zeros((0, 3))
    )
    held = (
        np.bincount(stakes[:, 0].astype(int), weights=stakes[:, 2], minlength=n)
        if len(stakes)
        else np.zeros(n)
    )
    ch = cmap.chip_holdings
    chips = (
        np.bincount(ch["holder"].map(pos), weights=ch["value_usd_bn"], minlength=n)
        if len(ch)
        else np.zeros(n)
    )
    b = cmap.backstops
    backstops = (
        np.column_stack([b["guarantor"].map(pos), b["beneficiary"].map(pos), b["cap_due_usd_bn"]])
        if len(b)
        else np.zeros((0, 3))
    )
    known = np.zeros(n, bool)
    estimate = np.zeros(n, bool)
    equity = np.full(n, np.nan)
    ext = np.zeros(n)
    problems: list[Problem] = []
    f = balance_sheets.attrs.get("file")
    for r, rec in enumerate(balance_sheets.to_dict(orient="records"), start=1):
        if rec["id"] not in pos:
            problems.append(Problem(f"unknown atlas entity {rec['id']!r}", f, r, "id"))
            continue
        i = pos[rec["id"]]
        known[i] = True
        estimate[i] = bool(rec.get("estimate", False))
        equity[i] = rec["equity_usd_bn"]
        ext[i] = rec["external_liabilities_usd_bn"]
        e_implied = equity[i] + out0[i] + ext[i] - in0[i]
        if e_implied < held[i] + chips[i] - 1e-9:
            problems.append(
                Problem(
                    f"{rec['id']}: equity {equity[i]:g} + external liabilities {ext[i]:g} + "
                    f"obligations due {out0[i]:g} - receivables due {in0[i]:g} leaves "
                    f"{e_implied:g} of other assets, less than the stakes ({held[i]:g}) and chips "
                    f"({chips[i]:g}) the atlas says it holds: the balance sheet does not fit",
                    f,
                    r,
                    "equity_usd_bn",
                )
            )
    if problems:
        raise InputError(problems)
    return Setup(
        ids,
        pos,
        L0,
        Ls,
        _matrix(sales_rows.assign(x=sales_rows["scenario_usd_bn"]), pos, "x", n),
        _matrix(sales_rows, pos, "due_usd_bn", n),
        in0,
        out0,
        relief,
        stakes,
        held,
        chips,
        known,
        estimate,
        equity,
        ext,
        backstops,
        named,
        cmap.assumptions.backstop_trigger_share,
        np.array([(kinds or {}).get(k) == "sector" for k in ids], dtype=bool),
    )


def _bound_arrays(s: Setup, bound: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """External assets, external liabilities and baseline equity under a bound."""
    other = s.held + s.chips
    e = np.where(s.known, s.equity + s.out0 + s.ext_liab - s.in0, 0.0)
    b = s.ext_liab.copy()
    eq = s.equity.copy()
    unk = ~s.known
    absorb = unk & s.absorbing if bound == "upper" else unk
    zero = unk & ~absorb
    # absorbing nodes are held at full payment: only their positions matter
    e[absorb] = s.out0[absorb] + other[absorb]
    b[absorb] = 0.0
    eq[absorb] = np.nan
    # zero buffer: equity exactly 0. The revenue a buyer loses when it cuts its purchases
    # (its relief) is external: it is held as external assets, matched by external
    # liabilities, so the shock can take it away. Without it, a node owed more than it owes
    # had no external assets, its revenue loss was capped at 0 while its saving was still
    # subtracted, and its "exposure" fell below its realised loss.
    e[zero] = np.maximum(0.0, s.out0[zero] - s.in0[zero]) + other[zero] + s.relief[zero]
    b[zero] = np.maximum(0.0, s.in0[zero] - s.out0[zero]) + other[zero] + s.relief[zero]
    eq[zero] = 0.0
    return np.maximum(e, 0.0), b, eq


def _run_clearing(
    s: Setup, sc: Scenario, opt: StressOptions, bound: str, max_iter: int = 50
) -> BoundRun:
    n = len(s.ids)
    e, b, eq = _bound_arrays(s, bound)
    base_shock = s.relief + sc.chip_price_shock * s.chips  # buyers lose the revenue they cut
    stake_loss = np.zeros(n)
    claims = np.zeros(len(s.backstops))
    alpha, beta = (opt.alpha, opt.beta) if opt.model == "rv" else (1.0, 1.0)
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007 (reported as iterations)
        L = s.Ls
        if len(claims) and claims.any():
            g = s.backstops[:, 0].astype(int)
            ben = s.backstops[:, 1].astype(int)
            L = (L + sp.csr_matrix((claims, (g, ben)), shape=(n, n))).tocsr()
        net = Network(s.ids, L.tocsr(), e, b)
        absorb = ~s.known if bound == "lower" else (~s.known & s.absorbing)
        pay: dict[str, float] = {s.ids[i]: 1.0 for i in np.flatnonzero(absorb)}
        if s.named is not None:
            pay[s.ids[s.named]] = sc.pay_fraction
        shock = np.minimum(base_shock + stake_loss, e)
        r = rogers_veraart(net, opt.seniority, alpha, beta, shock=shock, pay_fraction=pay)
        owed_k = (
            np.bincount(s.backstops[:, 0].astype(int), weights=claims, minlength=n)
            if len(claims)
            else np.zeros(n)
        )
        loss = shock + (s.in0 - r.inflows) - s.relief + owed_k
        # stakes: valued off the investee's equity
        frac = np.zeros(n)
        known_pos = s.known & (eq > 0)
        frac[known_pos] = np.clip(loss[known_pos] / eq[known_pos], 0.0, 1.0)
        if bound == "upper":
            zero = ~s.known & ~s.absorbing
            frac[zero] = (loss[zero] > TOL).astype(float)
        frac[r.defaulted] = 1.0
        if s.named is not None:
            frac[s.named] = 1.0
        new_stake = np.zeros(n)
        if len(s.stakes):
            new_stake = np.bincount(
                s.stakes[:, 0].astype(int),
                weights=s.stakes[:, 2] * frac[s.stakes[:, 1].astype(int)],
                minlength=n,
            )
        # backstops: the beneficiary's loss on its sales contracts, up to the cap
        rec = np.divide(r.payments, r.obligations, out=np.ones(n), where=r.obligations > 0)
        sales_loss = np.asarray(s.sales0.sum(axis=0)).ravel() - (s.sales.T @ rec)
        new_claims = claims.copy()
        remaining = np.maximum(sales_loss, 0.0) * s.backstop_share
        for k in range(len(s.backstops)):
            ben = int(s.backstops[k, 1])
            new_claims[k] = min(s.backstops[k, 2], remaining[ben])
            remaining[ben] -= new_claims[k]
        done = np.allclose(new_stake, stake_loss, atol=1e-12) and np.allclose(
            new_claims, claims, atol=1e-12
        )
        stake_loss, claims = new_stake, new_claims
        if done:
            break
    owed_k = (
        np.bincount(s.backstops[:, 0].astype(int), weights=claims, minlength=n)
        if len(claims)
        else np.zeros(n)
    )
    defaulted = r.defaulted.copy()
    sh = np.where(np.isnan(eq), np.nan, np.minimum(np.maximum(eq, 0.0), np.maximum(loss, 0.0)))
    loss = np.where(np.abs(loss) < TOL, 0.0, loss)
    return BoundRun(
        loss,
        defaulted,
        r.default_round,
        sh,
        r.external_creditor_loss,
        r.default_costs,
        stake_loss,
        owed_k,
        it,
    )


def stress_test(
    cmap: CircuitMap,
    balance_sheets: pd.DataFrame,
    scenario: Scenario,
    options: StressOptions | None = None,
    names: dict[str, str] | None = None,
    kinds: dict[str, str] | None = None,
) -> StressResult:
    """Run ``scenario`` on the mapped circuit under both bounds.

    Parameters
    ----------
    cmap : CircuitMap
        From :func:`kreislauf.contagion.circuit_map.map_atlas`.
    balance_sheets : DataFrame
        From :func:`kreislauf.contagion.balance_sheets.load_balance_sheets`.
    scenario : Scenario
    options : StressOptions, optional
    names, kinds : dict, optional
        Display name and entity kind per node id (from the atlas).
    """
    opt = options or StressOptions()
    s = build_setup(cmap, balance_sheets, scenario, kinds)
    extra: dict = {}
    if opt.model in ("en", "rv"):
        lower = _run_clearing(s, scenario, opt, "lower")
        upper = _run_clearing(s, scenario, opt, "upper")
    else:
        from kreislauf.contagion.stress_models import run_other

        lower, upper, extra = run_other(s, scenario, opt)
    names = names or {}
    kinds = kinds or {}
    sc = asdict(scenario)
    if opt.model == "rv":
        sc["alpha"], sc["beta"] = opt.alpha, opt.beta
    return StressResult(
        scenario=sc,
        model=opt.model,
        seniority=(Seniority.parse(opt.seniority).value if opt.model in ("en", "rv") else "n/a"),
        nodes=s.ids,
        names=[names.get(k, k) for k in s.ids],
        kinds=[kinds.get(k, "") for k in s.ids],
        known=s.known,
        estimate=s.estimate,
        equity=s.equity,
        lower=lower,
        upper=upper,
        named=s.named,
        cmap=cmap,
        balance_sheet_source=str(balance_sheets.attrs.get("file", "(given as a table)")),
        extra=extra,
        sheets=balance_sheets,
    )
