"""Accounting checks of an SFC model: the transaction-flow matrix and the balance sheets.

Every period and every scenario:

1. each transaction row and each flow-of-funds row ``d(X)`` sums to zero;
2. each sector column sums to zero (saving = net acquisition of financial assets, i.e. the
   stocks move by exactly their flows);
3. each real stock with a declared ``change`` moves by exactly that change;
4. balance sheets balance: for each financial stock, holdings = issues; the sectors' net
   worth sums to the value of the real stocks.

A residual breaches when ``|residual| > tol * scale`` with ``scale = max(1, sum |entries of
the flow matrix| + sum |stock positions|)`` per scenario and period (the size of the
economy). ``mode="raise"`` stops the run with :class:`AccountingError`; ``"warn"`` issues
:class:`AccountingWarning`. There is no mode that switches the checks off.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from kreislauf.sfc.compile import Compiled, Frame

__all__ = ["AccountingError", "AccountingWarning", "Books", "books", "check"]


class AccountingWarning(UserWarning):
    """An accounting identity failed in ``warn`` mode."""


class AccountingError(Exception):
    """An accounting identity failed: the books of a period do not balance.

    Attributes
    ----------
    period, scenario : int
    check : str
        ``row``, ``column``, ``stock change`` or ``balance sheet``.
    item : str
        The transaction, ``d(stock)``, sector or stock at fault.
    residual : float
        The residual (absolute, in the model's units).
    scale : float
        The size of the economy the tolerance was scaled by.
    """

    def __init__(
        self,
        period: int,
        scenario: int,
        check: str,
        item: str,
        residual: float,
        scale: float,
        tol: float,
        converged: bool = True,
    ):
        self.period, self.scenario, self.check, self.item = period, scenario, check, item
        self.residual, self.scale, self.tol = residual, scale, tol
        note = "" if converged else " (the solver had not converged in this period)"
        super().__init__(
            f"accounting breach in period {period}, scenario {scenario}: {check} '{item}' "
            f"has residual {residual:.6g} (tolerance {tol:g} x scale {scale:.6g}){note}"
        )


@dataclass
class Books:
    """The books of one period for all scenarios (arrays end in the scenario axis).

    Attributes
    ----------
    flows : ndarray (n_transactions + n_financial_stocks, n_sectors, S)
        Transaction-flow matrix: transaction rows, then ``d(X)`` rows.
    assets, liabilities : ndarray (n_stocks, n_sectors, S)
        Balance-sheet positions (positive numbers).
    change_residual : ndarray (n_stocks, S)
        ``A_t - A_{t-1} - change`` for real stocks with a ``change``; 0 otherwise.
    """

    flows: np.ndarray
    assets: np.ndarray
    liabilities: np.ndarray
    change_residual: np.ndarray


def positions(cm: Compiled, fr: Frame) -> tuple[np.ndarray, np.ndarray]:
    """Assets and liabilities of every stock and sector in period ``fr.t``."""
    n_sec, S = len(cm.model.sectors), fr.S
    A = np.zeros((len(cm.stocks), n_sec, S))
    L = np.zeros_like(A)
    for k, (holders, issuers, _, _) in enumerate(cm.stocks):
        for s, f in holders:
            A[k, s] += f(fr)
        for s, f in issuers:
            L[k, s] += f(fr)
    return A, L


def books(cm: Compiled, fr: Frame, prev: tuple[np.ndarray, np.ndarray] | None = None) -> Books:
    """The transaction-flow matrix and balance sheets of period ``fr.t`` (``fr.t >= 1``).

    ``prev`` are the positions of period ``t - 1`` if already known.
    """
    t = fr.t
    n_sec, S = len(cm.model.sectors), fr.S
    A, L = positions(cm, fr)
    if prev is None:
        fr.t = t - 1
        try:
            prev = positions(cm, fr)
        finally:
            fr.t = t
    A0, L0 = prev
    fin = [k for k, st in enumerate(cm.model.stocks) if not st.real]
    flows = np.zeros((len(cm.transactions) + len(fin), n_sec, S))
    for r, entries in enumerate(cm.transactions):
        for s, sign, f in entries:
            flows[r, s] += sign * f(fr)
    chg = np.zeros((len(cm.stocks), S))
    for k, (_, _, change, reval) in enumerate(cm.stocks):
        rv = 0.0 if reval is None else reval(fr)
        if change is not None:
            chg[k] = (A[k] - A0[k]).sum(axis=0) - change(fr)
        if k in fin:
            r = len(cm.transactions) + fin.index(k)
            flows[r] = -(A[k] - A0[k]) + (L[k] - L0[k])
            if reval is not None:  # one holder and one issuer (checked by the loader)
                flows[r, cm.stocks[k][0][0][0]] += rv
                flows[r, cm.stocks[k][1][0][0]] -= rv
    return Books(flows, A, L, chg)


def residuals(cm: Compiled, b: Books) -> tuple[np.ndarray, list[tuple[str, str, np.ndarray]]]:
    """Scale of the economy (S,) and every checked residual as ``(check, item, (S,))``."""
    m = cm.model
    fin = [st for st in m.stocks if not st.real]
    rows = [tr.name for tr in m.transactions] + [f"d({st.name})" for st in fin]
    out: list[tuple[str, str, np.ndarray]] = []
    rs = b.flows.sum(axis=1)
    out += [("row", name, rs[i]) for i, name in enumerate(rows)]
    cs = b.flows.sum(axis=0)
    out += [("column", sec, cs[j]) for j, sec in enumerate(m.sectors)]
    for k, st in enumerate(m.stocks):
        if st.change is not None:
            out.append(("stock change", st.name, b.change_residual[k]))
        if not st.real:
            out.append(("balance sheet", st.name, b.assets[k].sum(0) - b.liabilities[k].sum(0)))
    real = np.array([st.real for st in m.stocks], dtype=bool)
    nw = (b.assets - b.liabilities).sum(axis=(0, 1))
    real_val = b.assets[real].sum(axis=(0, 1)) if real.any() else 0.0
    out.append(("balance sheet", "net worth = real stocks", nw - real_val))
    scale = np.abs(b.flows).sum(axis=(0, 1)) + (np.abs(b.assets) + np.abs(b.liabilities)).sum(
        axis=(0, 1)
    )
    return np.maximum(1.0, np.nan_to_num(scale, nan=1.0)), out


def check(
    cm: Compiled, b: Books, period: int, tol: float, mode: str, converged: np.ndarray | None = None
) -> np.ndarray:
    """Check one period's books; return the largest relative residual per scenario (S,).

    Raises :class:`AccountingError` (``mode="raise"``) or warns (``"warn"``) at the first
    breach: the item with the largest relative residual in the first scenario that breaches.
    A non-finite residual is a breach.
    """
    if mode not in ("raise", "warn"):
        raise ValueError(f"accounting mode must be 'raise' or 'warn', got {mode!r}")
    scale, items = residuals(cm, b)
    S = scale.shape[0]
    if not items:
        return np.zeros(S)
    R = np.stack([np.broadcast_to(np.abs(r), (S,)) for _, _, r in items]) / scale
    R = np.where(np.isfinite(R), R, np.inf)
    worst = R.max(axis=0)
    bad = np.flatnonzero(worst > tol)
    if bad.size:
        s = int(bad[0])
        i = int(np.argmax(R[:, s]))
        chk, item, r = items[i]
        err = AccountingError(
            period,
            s,
            chk,
            item,
            float(np.broadcast_to(r, (S,))[s]),
            float(scale[s]),
            tol,
            True if converged is None else bool(converged[s]),
        )
        if mode == "raise":
            raise err
        more = f" ({bad.size} scenarios breach)" if bad.size > 1 else ""
        warnings.warn(str(err) + more, AccountingWarning, stacklevel=3)
    return worst
