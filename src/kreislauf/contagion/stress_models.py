"""DebtRank, Furfine and fire sales on the mapped AI circuit (bounds as for clearing).

These models see the scenario's direct losses (receivables cut by a demand fall, chips marked
down) and the defaulting node; stakes and backstops are valued only by the clearing models
(``en``, ``rv``). Nodes without a sourced balance sheet get an unlimited buffer in the
realised bound and none in the exposure bound.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from kreislauf.contagion.debtrank import debtrank
from kreislauf.contagion.firesale import fire_sale
from kreislauf.contagion.furfine import furfine
from kreislauf.contagion.stress_result import BoundRun

if TYPE_CHECKING:
    from kreislauf.contagion.stress import Scenario, Setup, StressOptions

UNLIMITED = 1e30  # stands for "absorbs any loss" (realised bound)


def _direct(s: Setup, sc: Scenario) -> np.ndarray:
    """Direct losses: receivables cut by the demand fall, chips marked down."""
    in_s = np.asarray(s.Ls.sum(axis=0)).ravel()
    return (s.in0 - in_s) + sc.chip_price_shock * s.chips


def _exposures(s: Setup, sc: Scenario):
    A = s.Ls.T.tocsr().astype(float)  # A[i, j]: what i is owed by j
    if s.named is not None:
        A = A.tolil()
        A[:, s.named] = A[:, s.named] * (1.0 - sc.pay_fraction)
        A = A.tocsr()
    return A


def _bound_equity(s: Setup, bound: str) -> np.ndarray:
    eq = s.equity.copy()
    eq[~s.known] = UNLIMITED if bound == "lower" else 0.0
    eq[~s.known & s.absorbing] = UNLIMITED  # sectors are end holders in both bounds
    return eq


def _finish(s: Setup, loss, defaulted, rounds, bound: str) -> BoundRun:
    n = len(s.ids)
    eq = _bound_equity(s, bound)
    sh = np.where(
        s.known | (bound == "upper"),
        np.minimum(np.maximum(np.where(s.known, s.equity, 0.0), 0.0), loss),
        np.nan,
    )
    z = np.zeros(n)
    return BoundRun(
        loss, defaulted & (eq < UNLIMITED), rounds, sh, z, z.copy(), z.copy(), z.copy(), 1
    )


def run_other(s: Setup, sc: Scenario, opt: StressOptions) -> tuple[BoundRun, BoundRun, dict]:
    """Both bounds for ``debtrank``, ``furfine`` or ``firesale``; plus model figures."""
    direct = _direct(s, sc)
    n = len(s.ids)
    extra: dict[str, Any] = {}
    runs = []
    if opt.model == "firesale":
        runs, extra = _firesale(s, sc, opt, direct)
        return runs[0], runs[1], extra
    A = _exposures(s, sc)
    for bound in ("lower", "upper"):
        eq = _bound_equity(s, bound)
        if opt.model == "debtrank":
            h1 = np.zeros(n)
            pos = eq > 0
            h1[pos] = np.minimum(1.0, direct[pos] / eq[pos])
            h1[~pos] = (direct[~pos] > 0).astype(float)
            if s.named is not None:
                h1[s.named] = 1.0
            r = debtrank(A, eq, h1, method=opt.debtrank_method, node_ids=s.ids)
            R = float(r.debtrank[0])  # distress of the "unlimited" buffers (1e30) is ~1e-30
            extra[f"debtrank_{'realised' if bound == 'lower' else 'exposure'}"] = (
                R if R > 1e-12 else 0.0
            )
            h = r.h_final[:, 0]
            loss = direct + A @ h
            defaulted = h >= 1.0
            rounds = np.where(defaulted, 1, -1)
        else:
            init = [] if s.named is None else [s.named]
            r = furfine(A, eq, init, opt.lgd, s.ids, initial_losses=direct)
            loss, defaulted, rounds = r.losses, r.defaulted, r.default_round
        if s.named is not None:
            rounds = rounds.copy()
            rounds[s.named] = 0
        runs.append(_finish(s, loss, defaulted, rounds, bound))
    extra["note"] = (
        f"{opt.model}: stakes and backstops are valued by the clearing models only; "
        "exposures are the obligations due within the horizon"
    )
    if opt.model == "furfine":
        extra["lgd"] = opt.lgd
    else:
        extra["debtrank_method"] = opt.debtrank_method
        extra["debtrank_weights"] = "equal"
    return runs[0], runs[1], extra


def _firesale(s: Setup, sc: Scenario, opt: StressOptions, direct: np.ndarray):
    """Chips as one asset class; only nodes with a sourced balance sheet sell."""
    sellers = np.flatnonzero(s.known & (s.chips > 0) & (s.equity > 0))
    n = len(s.ids)
    price_fall = 0.0
    av = None
    if sellers.size:
        debt = s.ext_liab[sellers] + s.out0[sellers]
        r = fire_sale(
            s.chips[sellers, None],
            s.equity[sellers],
            debt,
            np.array([sc.chip_price_shock]),
            np.array([opt.price_impact]),
            rounds=1,
            bank_ids=[s.ids[i] for i in sellers],
            asset_ids=["ai_chips"],
        )
        price_fall = float(r.price_fall[0])
        av = r.aggregate_vulnerability
    loss = direct + s.chips * price_fall
    runs = []
    for bound in ("lower", "upper"):
        defaulted = s.known & (loss >= np.maximum(s.equity, 0.0)) & (loss > 0)
        runs.append(_finish(s, loss.copy(), defaulted, np.where(defaulted, 1, -1), bound))
    unknown_holders = [s.ids[i] for i in np.flatnonzero(~s.known & (s.chips > 0))]
    extra = {
        "chip_price_fall_from_fire_sales": price_fall,
        "aggregate_vulnerability": av,
        "price_impact_per_usd_bn": opt.price_impact,
        "fire_sellers": [s.ids[i] for i in sellers],
        "chip_holders_without_balance_sheet": unknown_holders,
        "note": "fire sales by nodes without a sourced balance sheet are not included: their "
        "leverage is unknown, so their sales cannot be bounded",
    }
    _ = n
    return runs, extra
