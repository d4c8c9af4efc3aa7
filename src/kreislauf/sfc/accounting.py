"""Accounting checks of an SFC model: the transaction-flow matrix and the balance sheets.

Every period and every scenario:

1. each transaction row and each flow-of-funds row ``d(X)`` sums to zero;
2. each sector column sums to zero (saving = net acquisition of financial assets, i.e. the
   stocks move by exactly their flows);
3. each real stock with a declared ``change`` moves by exactly that change;
4. balance sheets balance: for each financial stock, holdings = issues; the sectors' net
   worth sums to the value of the real stocks.

A residual breaches when ``|residual| > tol * scale``. The engine passes the run's reference
scale (:func:`kreislauf.sfc.divergence.reference_scale`: period-0 stocks plus current
exogenous values), which a diverging output cannot inflate; without it the scale is
``max(1, sum |entries of the flow matrix| + sum |stock positions|)`` of the period.
``mode="raise"`` stops the run with :class:`AccountingError`; ``"warn"`` issues
:class:`AccountingWarning`; ``"exclude"`` (Monte Carlo) only reports the breaching
scenarios. There is no mode that switches the checks off.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

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
    result : SimulationResult or None
        The run up to and including the breaching period (set by ``simulate``).
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
        detail: str = "",
    ):
        self.period, self.scenario, self.check, self.item = period, scenario, check, item
        self.residual, self.scale, self.tol = residual, scale, tol
        self.converged, self.detail = converged, detail
        self.result: Any = None  # the run up to the breach, set by simulate()
        note = "" if converged else " (the solver had not converged in this period)"
        super().__init__(
            f"accounting breach in period {period}, scenario {scenario}: {check} '{item}' "
            f"has residual {residual:.6g} (tolerance {tol:g} x scale {scale:.6g}){note}{detail}"
        )

    def __reduce__(self) -> tuple[Any, ...]:  # picklable (Dask sends errors back)
        args = (self.period, self.scenario, self.check, self.item, self.residual, self.scale,
                self.tol, self.converged, self.detail)  # fmt: skip
        return (type(self), args, {"result": self.result})


Positions = list[tuple[list[tuple[int, np.ndarray]], list[tuple[int, np.ndarray]]]]


@dataclass
class Books:
    """The books of one period for all scenarios, stored sparsely (arrays of shape (S,)).

    Attributes
    ----------
    entries : list of (row, sector, values)
        Non-empty cells of the transaction-flow matrix: transaction rows first, then one
        ``d(X)`` row per financial stock; receipts/sources positive, payments/uses negative.
    rows : list of str
        Row names.
    positions : list of (holders, issuers)
        Per stock, ``(sector, level)`` pairs for holders (assets) and issuers (liabilities).
    change_residual : dict of int to ndarray
        ``A_t - A_{t-1} - change`` for the real stocks with a ``change``.
    n_sectors, S : int
    """

    entries: list[tuple[int, int, np.ndarray]]
    rows: list[str]
    positions: Positions
    change_residual: dict[int, np.ndarray]
    n_sectors: int
    S: int

    def flow_dense(self, scenario: int) -> np.ndarray:
        """The transaction-flow matrix of one scenario, shape (rows, sectors)."""
        out = np.zeros((len(self.rows), self.n_sectors))
        for r, sec, v in self.entries:
            out[r, sec] += v[scenario]
        return out

    def balance_dense(self, scenario: int) -> np.ndarray:
        """Assets minus liabilities per stock and sector of one scenario."""
        out = np.zeros((len(self.positions), self.n_sectors))
        for k, (hold, iss) in enumerate(self.positions):
            for sec, v in hold:
                out[k, sec] += v[scenario]
            for sec, v in iss:
                out[k, sec] -= v[scenario]
        return out


def _vec(x: Any, S: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(x, dtype=np.float64), (S,))


def positions(cm: Compiled, fr: Frame) -> Positions:
    """Holdings and issues of every stock in period ``fr.t``."""
    S = fr.S
    return [
        ([(s, _vec(f(fr), S)) for s, f in holders], [(s, _vec(f(fr), S)) for s, f in issuers])
        for holders, issuers, _, _ in cm.stocks
    ]


def books(cm: Compiled, fr: Frame, prev: Positions | None = None) -> Books:
    """The transaction-flow matrix and balance sheets of period ``fr.t`` (``fr.t >= 1``).

    ``prev`` are the positions of period ``t - 1`` if already known.
    """
    t, S, m = fr.t, fr.S, cm.model
    pos = positions(cm, fr)
    if prev is None:
        fr.t = t - 1
        try:
            prev = positions(cm, fr)
        finally:
            fr.t = t
    entries: list[tuple[int, int, np.ndarray]] = []
    for r, tr in enumerate(cm.transactions):
        for sec, sign, f in tr:
            entries.append((r, sec, sign * _vec(f(fr), S)))
    rows = [tr.name for tr in m.transactions]
    chg: dict[int, np.ndarray] = {}
    for k, (st, (_, _, change, reval)) in enumerate(zip(m.stocks, cm.stocks, strict=True)):
        (hold, iss), (hold0, iss0) = pos[k], prev[k]
        if change is not None:
            moved = sum((a - a0 for (_, a), (_, a0) in zip(hold, hold0, strict=True)), 0.0)
            chg[k] = moved - _vec(change(fr), S)
        if st.real:
            continue
        r = len(rows)
        rows.append(f"d({st.name})")
        rv = None if reval is None else _vec(reval(fr), S)
        for (sec, a), (_, a0) in zip(hold, hold0, strict=True):
            entries.append((r, sec, -(a - a0) if rv is None else rv - (a - a0)))
        for (sec, a), (_, a0) in zip(iss, iss0, strict=True):
            entries.append((r, sec, (a - a0) if rv is None else (a - a0) - rv))
    return Books(entries, rows, pos, chg, len(m.sectors), S)


def residuals(cm: Compiled, b: Books) -> tuple[np.ndarray, list[tuple[str, str, np.ndarray]]]:
    """Scale of the economy (S,) and every checked residual as ``(check, item, (S,))``."""
    m, S = cm.model, b.S
    rows = np.zeros((len(b.rows), S))
    cols = np.zeros((b.n_sectors, S))
    scale = np.zeros(S)
    for r, sec, v in b.entries:
        rows[r] += v
        cols[sec] += v
        scale += np.abs(v)
    out: list[tuple[str, str, np.ndarray]] = [("row", n, rows[i]) for i, n in enumerate(b.rows)]
    out += [("column", sec, cols[j]) for j, sec in enumerate(m.sectors)]
    net = np.zeros(S)
    real_val = np.zeros(S)
    for k, (st, (hold, iss)) in enumerate(zip(m.stocks, b.positions, strict=True)):
        a = sum((v for _, v in hold), np.zeros(S))
        li = sum((v for _, v in iss), np.zeros(S))
        scale += sum((np.abs(v) for _, v in hold + iss), np.zeros(S))
        net += a - li
        if k in b.change_residual:
            out.append(("stock change", st.name, b.change_residual[k]))
        if st.real:
            real_val += a
        else:
            out.append(("balance sheet", st.name, a - li))
    out.append(("balance sheet", "net worth = real stocks", net - real_val))
    return np.maximum(1.0, np.nan_to_num(scale, nan=1.0)), out


def check(
    cm: Compiled,
    b: Books,
    period: int,
    tol: float,
    mode: str,
    converged: np.ndarray | None = None,
    scale: np.ndarray | None = None,
    skip: np.ndarray | None = None,
) -> np.ndarray:
    """Check one period's books; return the largest relative residual per scenario (S,).

    Raises :class:`AccountingError` (``mode="raise"``) or warns (``"warn"``) at the first
    breach: the item with the largest relative residual in the first scenario that breaches
    (scenarios in ``skip`` are not checked). A non-finite residual is a breach. ``scale``
    (S,) is what the tolerance is relative to (default: the size of the period's books).
    """
    if mode not in ("raise", "warn", "exclude"):
        raise ValueError(f"accounting mode must be 'raise' or 'warn', got {mode!r}")
    own, items = residuals(cm, b)
    scale = own if scale is None else np.asarray(scale, dtype=float)
    S = scale.shape[0]
    if not items:
        return np.zeros(S)
    with np.errstate(all="ignore"):
        R = np.stack([np.broadcast_to(np.abs(r), (S,)) for _, _, r in items]) / scale
    R = np.where(np.isfinite(R), R, np.inf)
    worst = R.max(axis=0)
    hit = worst > tol
    if skip is not None:
        hit &= ~skip
    bad = np.flatnonzero(hit)
    if mode == "exclude":
        return worst
    if bad.size:
        s = int(bad[0])
        i = int(np.argmax(R[:, s]))
        chk, item, r = items[i]
        detail = _identity(cm, b, item, s) if chk == "balance sheet" else ""
        err = AccountingError(
            period,
            s,
            chk,
            item,
            float(np.broadcast_to(r, (S,))[s]),
            float(scale[s]),
            tol,
            True if converged is None else bool(converged[s]),
            detail,
        )
        if mode == "raise":
            raise err
        more = f" ({bad.size} scenarios breach)" if bad.size > 1 else ""
        warnings.warn(str(err) + more, AccountingWarning, stacklevel=3)
    return worst


def _identity(cm: Compiled, b: Books, item: str, s: int) -> str:
    """The hidden identity of a stock, with its two sides' values: ``; Hh = Hs fails: ...``."""
    for k, st in enumerate(cm.model.stocks):
        if st.name != item:
            continue
        hold, iss = b.positions[k]
        lhs = " + ".join(e.text for _, e in st.holders) or "0"
        rhs = " + ".join(e.text for _, e in st.issuers) or "0"
        a = sum(float(v[s]) for _, v in hold)
        li = sum(float(v[s]) for _, v in iss)
        return f"; the identity {lhs} = {rhs} fails: {a:.6g} held against {li:.6g} issued"
    return ""
