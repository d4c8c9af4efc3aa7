"""Compile a model: variable slots, the within-period dependency graph, NumPy closures.

The equations of one period form a directed graph: equation ``i`` depends on equation
``j`` when ``i`` reads ``j``'s variable without a lag. Tarjan's algorithm gives its strongly
connected components in topological order: single equations are evaluated directly,
components with a cycle (or a self-reference) are simultaneous blocks solved by
:mod:`kreislauf.sfc.solver`. Every expression becomes a tree of closures that reads a
:class:`Frame` and returns arrays over the scenario axis.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from kreislauf.sfc.expr import Expr, to_closure
from kreislauf.sfc.modelfile import Model

__all__ = ["Block", "Compiled", "Frame", "compile_model", "strongly_connected"]


@dataclass
class Frame:
    """The evaluation state: values ``V[t, slot, scenario]``, constants ``P[i, scenario]``.

    ``t`` is the period being evaluated (0 = the initial values).
    """

    V: np.ndarray
    P: np.ndarray
    t: int

    @property
    def S(self) -> int:
        """Number of scenarios."""
        return self.V.shape[2]


@dataclass(frozen=True)
class Block:
    """Equations solved together, in file order; ``slots`` are their variables' slots."""

    eqs: tuple[int, ...]
    slots: tuple[int, ...]
    simultaneous: bool


@dataclass
class Compiled:
    """A model compiled for one set of time-varying names.

    Attributes
    ----------
    model : Model
    vnames : list of str
        Names held per period in ``Frame.V`` (endogenous, exogenous, time-varying parameters).
    pnames : list of str
        Constant parameters held in ``Frame.P``.
    eq_fns, eq_slots : list
        Closure and slot of each equation (file order).
    blocks : list of Block
        In evaluation order.
    stocks : list of (holders, issuers, change, revaluation)
        Holders/issuers as ``(sector index, closure)`` lists; the others a closure or None.
    transactions : list of list of (sector index, sign, closure)
    """

    model: Model
    vnames: list[str]
    pnames: list[str]
    eq_fns: list[Callable[[Frame], Any]]
    eq_slots: list[int]
    blocks: list[Block]
    stocks: list[tuple[list, list, Any, Any]]
    transactions: list[list[tuple[int, float, Callable[[Frame], Any]]]]

    @property
    def vindex(self) -> dict[str, int]:
        """Slot of each name in ``V``."""
        return {n: i for i, n in enumerate(self.vnames)}

    @property
    def pindex(self) -> dict[str, int]:
        """Row of each constant parameter in ``P``."""
        return {n: i for i, n in enumerate(self.pnames)}


def strongly_connected(n: int, deps: list[Iterable[int]]) -> list[list[int]]:
    """Tarjan's strongly connected components, dependencies first (iterative).

    Parameters
    ----------
    n : int
        Number of nodes.
    deps : list of iterables
        ``deps[i]``: the nodes ``i`` depends on.

    Returns
    -------
    list of list of int
        Components in an order where every component comes after those it depends on;
        nodes inside a component in increasing order.
    """
    index = [-1] * n
    low = [0] * n
    on = [False] * n
    stack: list[int] = []
    out: list[list[int]] = []
    succ = [sorted(set(d)) for d in deps]
    counter = 0
    for root in range(n):
        if index[root] >= 0:
            continue
        work = [(root, 0)]
        while work:
            v, pi = work.pop()
            if pi == 0:
                index[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on[v] = True
            recurse = False
            for j in range(pi, len(succ[v])):
                w = succ[v][j]
                if index[w] < 0:
                    work.append((v, j + 1))
                    work.append((w, 0))
                    recurse = True
                    break
                if on[w]:
                    low[v] = min(low[v], index[w])
            if recurse:
                continue
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on[w] = False
                    comp.append(w)
                    if w == v:
                        break
                out.append(sorted(comp))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
    return out


def _sweep_order(comp: list[int], deps: list[list[int]]) -> list[int]:
    """Gauss-Seidel order of a block: depth-first post-order over its dependencies.

    Every equation comes after the equations it reads, except along the feedback edges
    that close the cycles, so one sweep carries new values round the whole loop.
    """
    inside = set(comp)
    seen: set[int] = set()
    out: list[int] = []
    for root in comp:
        if root in seen:
            continue
        seen.add(root)
        stack = [(root, iter(sorted(d for d in deps[root] if d in inside)))]
        while stack:
            v, it = stack[-1]
            nxt = next((w for w in it if w not in seen), None)
            if nxt is None:
                stack.pop()
                out.append(v)
            else:
                seen.add(nxt)
                stack.append((nxt, iter(sorted(d for d in deps[nxt] if d in inside))))
    return out


def compile_model(model: Model, time_varying: Iterable[str] = ()) -> Compiled:
    """Compile ``model``; parameters in ``time_varying`` are held per period in ``V``.

    Parameters
    ----------
    model : Model
    time_varying : iterable of str
        Parameters that change over time (shocked, or given as ``(S, T)`` paths).
    """
    tv = set(time_varying)
    endo = list(model.endogenous)
    vnames = endo + list(model.exogenous) + [p for p in model.parameters if p in tv]
    pnames = [p for p in model.parameters if p not in tv]
    vidx = {n: i for i, n in enumerate(vnames)}
    pidx = {n: i for i, n in enumerate(pnames)}

    def resolve(name: str, k: int) -> Callable[[Frame], Any]:
        if name in pidx:
            j = pidx[name]
            return lambda c: c.P[j]
        i = vidx[name]  # references were validated by the model loader
        if k == 0:
            return lambda c: c.V[c.t, i]
        return lambda c: c.V[c.t - k if c.t > k else 0, i]

    def fn(e: Expr) -> Callable[[Frame], Any]:
        return to_closure(e, resolve)

    eq_fns = [fn(e.expr) for e in model.equations]
    eq_slots = [vidx[e.var] for e in model.equations]
    eq_of = {e.var: i for i, e in enumerate(model.equations)}
    deps = [[eq_of[n] for n in e.expr.names if n in eq_of] for e in model.equations]
    blocks = []
    for comp in strongly_connected(len(eq_fns), deps):
        simul = len(comp) > 1 or comp[0] in deps[comp[0]]
        order = _sweep_order(comp, deps) if len(comp) > 1 else comp
        blocks.append(Block(tuple(order), tuple(eq_slots[i] for i in order), simul))
    sec = {s: i for i, s in enumerate(model.sectors)}
    stocks = [
        (
            [(sec[s], fn(e)) for s, e in st.holders],
            [(sec[s], fn(e)) for s, e in st.issuers],
            None if st.change is None else fn(st.change),
            None if st.revaluation is None else fn(st.revaluation),
        )
        for st in model.stocks
    ]
    trans = [[(sec[s], sign, fn(e)) for s, sign, e in tr.entries] for tr in model.transactions]
    return Compiled(model, vnames, pnames, eq_fns, eq_slots, blocks, stocks, trans)
