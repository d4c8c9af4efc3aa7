"""Divergence checks of an SFC run: a run that explodes or cannot be evaluated is an error.

Every period, after the solver, each scenario's endogenous values are checked against the
**reference scale** of the run (:func:`reference_scale`): the size of its inputs, which a
divergence cannot inflate: the period-0 stock positions plus the current exogenous values
(``max(1, ...)``). A scenario diverges in period ``t`` when an endogenous value

* is not finite (an overflow, a division by zero), or
* exceeds ``EXPLOSION_FACTOR`` times the larger of the reference scale and the largest
  endogenous value of period ``t - 1`` (no economy grows a millionfold in one period).

The accounting checks (:mod:`kreislauf.sfc.accounting`) use the same reference scale, so a
diverged output cannot widen their tolerance either. :class:`DivergenceError` names the
period, the variable, its equation's line and the likely cause (a simultaneous block with a
singular Jacobian and the parameters at 0 or 1 in it, say a propensity to consume of 1 with
no tax; an equation dividing by a name that is 0, say a zero wage).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kreislauf.errors import InputError, Problem
from kreislauf.sfc.compile import Compiled, Frame

__all__ = ["EXPLOSION_FACTOR", "DivergenceError", "diagnose", "diverged", "reference_scale"]

EXPLOSION_FACTOR = 1e6
"""A value this many times the reference scale (or last period's largest value) has exploded."""


class DivergenceError(InputError):
    """A run diverged: no finite solution in some period (bad input: the values given).

    Attributes
    ----------
    period, scenario : int
    variable : str
    result : SimulationResult or None
        The run up to the period before the divergence (set by ``simulate``).
    """

    def __init__(self, problems: list[Problem], period: int, scenario: int, variable: str) -> None:
        super().__init__(problems)
        self.period, self.scenario, self.variable = period, scenario, variable
        self.result: Any = None

    def __reduce__(self) -> tuple[Any, ...]:  # picklable (Dask sends errors back)
        args = (self.problems, self.period, self.scenario, self.variable)
        return (type(self), args, {"result": self.result})


def reference_scale(cm: Compiled, fr: Frame, pos0: Any) -> np.ndarray:
    """The size of the run's inputs in period ``fr.t``, shape (S,).

    ``pos0`` are the stock positions of period 0 (:func:`kreislauf.sfc.accounting.positions`).
    """
    S = fr.S
    out = np.zeros(S)
    for hold, iss in pos0:
        for _, v in hold + iss:
            out += np.nan_to_num(np.abs(v), nan=0.0, posinf=0.0)
    vidx = cm.vindex
    for name in cm.model.exogenous:
        out += np.nan_to_num(np.abs(fr.V[fr.t, vidx[name]]), nan=0.0, posinf=0.0)
    return np.maximum(1.0, out)


def diverged(cm: Compiled, fr: Frame, ref: np.ndarray, converged: np.ndarray) -> np.ndarray:
    """Per scenario, whether period ``fr.t`` failed: non-finite, exploded or no solution found
    (the solver did not converge), shape (S,)."""
    t = fr.t
    endo = [cm.vindex[n] for n in cm.model.endogenous]
    x = fr.V[t, endo]
    with np.errstate(all="ignore"):
        prev = np.nan_to_num(np.abs(fr.V[t - 1, endo]), nan=0.0, posinf=0.0).max(axis=0)
        bound = EXPLOSION_FACTOR * np.maximum(ref, prev)
        bad = ~np.isfinite(x) | (np.abs(x) > bound)
    return bad.any(axis=0) | ~converged


def _names_at(cm: Compiled, fr: Frame, names: frozenset[str], s: int, value: float) -> list[str]:
    """Parameters and exogenous variables among ``names`` equal to ``value`` in scenario s."""
    m, out = cm.model, []
    for n in sorted(names):
        if n not in m.parameters and n not in m.exogenous:
            continue
        if n in cm.pindex:
            v = fr.P[cm.pindex[n], s]
        else:
            v = fr.V[fr.t, cm.vindex[n], s]
        if v == value:
            out.append(f"{n} = {value:g}")
    return out


def diagnose(cm: Compiled, fr: Frame, s: int, ref: np.ndarray) -> DivergenceError:
    """The error for scenario ``s`` diverging in period ``fr.t``: the first variable (in
    evaluation order) that diverged, its equation's line and the likely cause."""
    from kreislauf.sfc.solver import block_jacobian

    m, t = cm.model, fr.t
    with np.errstate(all="ignore"):
        prev = np.nan_to_num(np.abs(fr.V[t - 1, [cm.vindex[n] for n in m.endogenous], s]))
        bound = EXPLOSION_FACTOR * max(float(ref[s]), float(prev.max(initial=0.0)))
    for blk in cm.blocks:
        rows = []
        for e in blk.eqs:
            x = float(fr.V[t, cm.eq_slots[e], s])
            with np.errstate(all="ignore"):
                g = float(np.broadcast_to(cm.eq_fns[e](fr), (fr.S,))[s])
            rows.append((e, x, g))
        nonfinite = [r for r in rows if not (np.isfinite(r[1]) and np.isfinite(r[2]))]
        exploded = [r for r in rows if r not in nonfinite and abs(r[1]) > bound]
        unsolved = [r for r in rows if r not in nonfinite and abs(r[1] - r[2]) > 1e-6 * max(
            1.0, abs(r[1]))]  # fmt: skip
        if not (nonfinite or exploded or unsolved):
            continue
        e, x, g = (nonfinite or exploded or unsolved)[0]
        eq = m.equations[e]
        if nonfinite:
            what = "is not finite"
            cause = (
                f"an overflow, a division by zero or a function outside its domain (log or "
                f"sqrt of a negative number) in the equation of {eq.var}"
            )
            names = eq.expr.all_names
        else:
            what = f"exploded to {x:.3g}" if exploded else "has no solution (not converged)"
            names = frozenset().union(*(m.equations[k].expr.all_names for k in blk.eqs))
            cause = f"the equation of {eq.var} grows without bound at these values"
            if blk.simultaneous:
                members = [m.equations[k].var for k in sorted(blk.eqs)]
                with np.errstate(all="ignore"):
                    saved = fr.V[t].copy()
                    fr.V[t, list(blk.slots)] = np.nan_to_num(fr.V[t - 1, list(blk.slots)])
                    J = block_jacobian(cm, fr, blk)[s]
                    fr.V[t] = saved
                finite = bool(np.all(np.isfinite(J)))
                sv = np.linalg.svd(J, compute_uv=False) if finite else None
                if sv is not None and sv[-1] <= 1e-9 * max(1.0, sv[0]):
                    cause = (
                        f"the simultaneous block {{{', '.join(members)}}} has no finite "
                        "solution (its Jacobian is singular: e.g. a propensity to spend of 1 "
                        "with no leakage such as taxes or saving)"
                    )
                else:
                    cause = f"the simultaneous block {{{', '.join(members)}}} diverges"
        suspects = _names_at(cm, fr, names, s, 0.0) + _names_at(cm, fr, names, s, 1.0)
        if suspects:
            cause += f"; check {', '.join(suspects)}"
        msg = (
            f"the run diverges in period {t} (scenario {s}): {eq.var} {what}; likely cause: {cause}"
        )
        file = eq.expr.file or m.file
        return DivergenceError([Problem(msg, file, eq.line, eq.var)], t, s, eq.var)
    msg = f"the run diverges in period {t} (scenario {s})"
    return DivergenceError([Problem(msg)], t, s, "")
