"""The validated content of SFC model and scenario files (immutable dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kreislauf.sfc.expr import Expr

__all__ = ["Equation", "Model", "Scenario", "Shock", "Stock", "Transaction", "Value"]


@dataclass(frozen=True)
class Value:
    """A parameter, exogenous path or initial value with its source.

    ``value`` is a float, or a tuple of floats (an exogenous path for periods 1, 2, ...).
    """

    value: float | tuple[float, ...]
    source: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Equation:
    """``var = expr``, written at ``line``."""

    var: str
    expr: Expr
    line: int | None = None
    description: str | None = None


@dataclass(frozen=True)
class Stock:
    """A balance-sheet item: holders' and issuers' expressions per sector."""

    name: str
    holders: tuple[tuple[str, Expr], ...]
    issuers: tuple[tuple[str, Expr], ...]
    real: bool = False
    change: Expr | None = None
    revaluation: Expr | None = None
    description: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Transaction:
    """A row of the transaction-flow matrix: ``(sector, sign, expr)`` entries."""

    name: str
    entries: tuple[tuple[str, float, Expr], ...]
    line: int | None = None


@dataclass(frozen=True)
class Shock:
    """A scheduled change: from period ``start`` to ``until`` (inclusive; None = the end).

    ``op`` is ``set``, ``add`` or ``scale``; ``value`` a float or an array of shape ``(S,)``.
    """

    var: str
    start: int
    op: str
    value: Any
    until: int | None = None
    file: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Model:
    """A validated SFC model (see docs/sfc.md for the file format)."""

    name: str
    source: str
    sectors: tuple[str, ...]
    stocks: tuple[Stock, ...]
    transactions: tuple[Transaction, ...]
    equations: tuple[Equation, ...]
    parameters: dict[str, Value]
    exogenous: dict[str, Value]
    initial: dict[str, Value]
    shocks: tuple[Shock, ...] = ()
    title: str | None = None
    frequency: str = "year"
    tolerance: float = 1e-9
    mode: str = "raise"
    solver: dict[str, float] = field(default_factory=dict)
    file: str | None = None

    @property
    def endogenous(self) -> tuple[str, ...]:
        """Variables defined by an equation, in file order."""
        return tuple(e.var for e in self.equations)

    def line_of(self, var: str) -> int | None:
        """Line of the equation (or declaration) of ``var``."""
        for e in self.equations:
            if e.var == var:
                return e.line
        for d in (self.parameters, self.exogenous):
            if var in d:
                return d[var].line
        return None


@dataclass(frozen=True)
class Scenario:
    """Parameter overrides and shocks loaded from a scenario file."""

    name: str
    params: dict[str, Any]
    shocks: tuple[Shock, ...]
    description: str | None = None
    file: str | None = None
    initial: dict[str, float] = field(default_factory=dict)
