"""``simulate``: run a model over periods for a batch of scenarios, checking the books.

Parameters, exogenous paths, shocks and initial values become arrays with a scenario axis;
each period is solved for all scenarios at once (:mod:`kreislauf.sfc.solver`) and its
transaction-flow matrix and balance sheets are checked (:mod:`kreislauf.sfc.accounting`)
before the next period starts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from kreislauf.errors import InputError, Problem
from kreislauf.sfc.accounting import AccountingError, books, check, positions
from kreislauf.sfc.compile import Compiled, Frame, compile_model
from kreislauf.sfc.divergence import DivergenceError, diagnose, diverged, reference_scale
from kreislauf.sfc.modelfile import Model, Scenario, Shock, load_model
from kreislauf.sfc.precedence import resolve
from kreislauf.sfc.result import SimulationResult
from kreislauf.sfc.solver import SolverOptions, solve_period

__all__ = ["DivergenceError", "prepare_frame", "simulate"]


def _path(v: Any, T: int, S: int, name: str) -> np.ndarray:
    """A value as an (S, T + 1) path: period 0 is the first value of a time path."""
    out = np.empty((S, T + 1))
    if isinstance(v, tuple):  # a time path for periods 1, 2, ...; held at its last value
        a = np.asarray(v, dtype=float)
        a = np.concatenate([a[:T], np.repeat(a[-1:], max(0, T - a.size))])
        out[:, 1:] = a
        out[:, 0] = a[0]
        return out
    a = np.asarray(v, dtype=float)
    if a.ndim == 0 or a.ndim == 1:
        out[:] = a.reshape(-1, 1) if a.ndim == 1 else a
    elif a.ndim == 2:
        if a.shape[1] < T:
            raise InputError.single(
                f"path of {name!r} has {a.shape[1]} periods, the run has {T}", field=name
            )
        out[:, 1:] = a[:, :T]
        out[:, 0] = a[:, 0]
    else:
        raise InputError.single(f"{name!r}: expected a scalar, (S,) or (S, T) array", field=name)
    return out


def _apply(path: np.ndarray, shock: Shock, T: int) -> None:
    if shock.start > T:
        return
    stop = T if shock.until is None else min(shock.until, T)
    sl = slice(shock.start, stop + 1)
    v = np.asarray(shock.value, dtype=float)
    v = v.reshape(-1, 1) if v.ndim == 1 else v
    if shock.op == "set":
        path[:, sl] = v
    elif shock.op == "add":
        path[:, sl] += v
    else:
        path[:, sl] *= v


def prepare_frame(
    cm: Compiled,
    *,
    periods: int,
    S: int,
    overrides: Mapping[str, Any],
    shocks: Sequence[Shock],
    initial: Mapping[str, Any] | None = None,
) -> Frame:
    """Allocate and fill the arrays of a run: paths, constants and period-0 values."""
    m, T = cm.model, periods
    vidx, pidx = cm.vindex, cm.pindex
    V = np.empty((T + 1, len(cm.vnames), S))
    V[0] = np.nan  # endogenous values without an initial value stay undefined in period 0
    P = np.empty((len(cm.pnames), S))
    shocked = {sh.var for sh in shocks}
    paths: dict[str, np.ndarray] = {}
    for name, spec in (m.parameters | m.exogenous).items():
        v = overrides.get(name, spec.value)
        if name not in shocked and not isinstance(v, tuple) and np.ndim(v) <= 1:
            a = np.asarray(v, dtype=float)  # constant over time: no (S, T + 1) path needed
            if name in pidx:
                P[pidx[name]] = a
            else:
                V[:, vidx[name], :] = a
            continue
        paths[name] = _path(v, T, S, name)
    for sh in shocks:
        _apply(paths[sh.var], sh, T)
    for name, p in paths.items():
        if name in pidx:
            P[pidx[name]] = p[:, min(1, T)]
        else:
            V[:, vidx[name], :] = p.T
    init = {k: v.value for k, v in m.initial.items()} | dict(initial or {})
    for name, v in init.items():
        if name in vidx:
            V[0, vidx[name], :] = np.asarray(v, dtype=float)
    return Frame(V, P, 0)


def _batch_size(values: Iterable[tuple[str, Any]]) -> int:
    sizes: dict[int, str] = {}
    for name, v in values:
        if isinstance(v, tuple):
            continue
        a = np.asarray(v)
        if a.ndim >= 1:
            sizes.setdefault(a.shape[0], name)
    if len(sizes) > 1:
        desc = ", ".join(f"{n!r} has {s}" for s, n in sizes.items())
        raise InputError.single(f"scenario arrays disagree on the number of scenarios: {desc}")
    return next(iter(sizes), 1)


def simulate(
    model: Model | str | Path,
    periods: int = 40,
    params: Mapping[str, Any] | None = None,
    scenario: Scenario | None = None,
    *,
    shocks: Sequence[Shock] | None = None,
    initial: Mapping[str, Any] | None = None,
    strict: str | None = None,
    tol: float | None = None,
    calibration: Any = None,
    draws: Mapping[str, Any] | None = None,
    exclude: bool = False,
) -> SimulationResult:
    """Simulate an SFC model for ``periods`` periods and a batch of scenarios.

    Parameters
    ----------
    model : Model, str or Path
        A loaded model, a shipped model name or a model file.
    periods : int
        Periods to solve (``1..periods``; period 0 holds the initial values).
    params : mapping, optional
        Overrides of parameters and exogenous variables: a scalar, an array of shape
        ``(S,)`` (a scenario axis), an array ``(S, periods)`` (a path per scenario) or a
        tuple (one time path for all scenarios).
    scenario : Scenario, optional
        A scenario file's values and shocks (applied after the model's own shocks).
    shocks : sequence of Shock, optional
        Further shocks, applied last; values may be arrays of shape ``(S,)``.
    initial : mapping, optional
        Overrides of period-0 values (scalars or ``(S,)`` arrays); they win over a scenario
        file's ``initial``.
    strict : {"raise", "warn"}, optional
        Accounting mode; default the model's ``checks.mode``. Checks cannot be switched off.
    tol : float, optional
        Accounting tolerance relative to the reference scale; default the model's.
    calibration : list of Entry or Recalibrate, optional
        The AI circuit's calibration entries (recalibration layer).
    draws : mapping, optional
        Drawn values, arrays of shape ``(S,)``.
    exclude : bool
        Monte Carlo: a scenario that diverges or breaks the books is excluded (its values
        from that period on are NaN, ``result.failed`` marks it, ``result.failures`` says
        why) instead of stopping the run.

    The values are merged by the one precedence rule of :func:`kreislauf.sfc.precedence.resolve`:
    model file, recalibration, scenario file, ``params``, ``draws`` (highest last); ``initial``
    wins over the calibration's and the scenario's period-0 values.

    Returns
    -------
    SimulationResult

    Raises
    ------
    InputError
        Unknown names, inconsistent shapes, non-finite values, a bad mode.
    DivergenceError
        (an InputError) A scenario has no finite solution in some period: the message names
        the period, the variable, its line and the likely cause; ``result`` holds the run up
        to and including that period.
    AccountingError
        A breach of the books in ``raise`` mode; its ``result`` attribute holds the run up
        to and including the breaching period (e.g. for ``flow_matrix(period)``).
    """
    if not isinstance(model, Model):
        model = load_model(model)
    if type(periods) is not int or periods < 1:
        raise InputError.single(
            f"periods must be an integer >= 1, got {periods!r}", field="periods"
        )
    mode = model.mode if strict is None else strict
    if mode not in ("raise", "warn"):
        raise InputError.single(
            f"strict must be 'raise' or 'warn' (accounting checks are never off), got {strict!r}",
            field="strict",
        )
    tol = model.tolerance if tol is None else float(tol)
    if not tol > 0:
        raise InputError.single(f"tol must be positive, got {tol!r}", field="tol")
    over, initial = resolve(
        model,
        calibration=calibration,
        scenario=scenario,
        overrides=params,
        draws=draws,
        initial=initial,
    )
    known = set(model.parameters) | set(model.exogenous)
    probs = [
        Problem(
            f"unknown parameter or exogenous variable {k!r} (known: {', '.join(sorted(known))})",
            field=k,
        )
        for k in over
        if k not in known
    ]
    all_shocks = list(model.shocks) + list(scenario.shocks if scenario else ()) + list(shocks or ())
    probs += [
        Problem(f"shock of {s.var!r}: not a parameter or exogenous variable", s.file, s.line, s.var)
        for s in all_shocks
        if s.var not in known
    ]
    endo_known = set(model.endogenous) | set(model.exogenous)
    probs += [
        Problem(f"initial value for {k!r}: not an endogenous or exogenous variable", field=k)
        for k in (initial or {})
        if k not in endo_known
    ]
    for k, v in list(over.items()) + list((initial or {}).items()):
        try:
            finite = bool(np.all(np.isfinite(np.asarray(v, dtype=float))))
        except (TypeError, ValueError):
            probs.append(Problem(f"{k!r}: expected a number or an array of numbers", field=k))
            continue
        if not finite:
            probs.append(Problem(f"{k!r} has non-finite values", field=k))
    if probs:
        raise InputError(probs)
    S = _batch_size(
        list(over.items()) + [(s.var, s.value) for s in all_shocks] + list((initial or {}).items())
    )
    tv = {s.var for s in all_shocks if s.start <= periods}
    tv |= {k for k, v in over.items() if isinstance(v, tuple) or np.ndim(v) == 2}
    cm = compile_model(model, tv & set(model.parameters))
    fr = prepare_frame(cm, periods=periods, S=S, overrides=over, shocks=all_shocks, initial=initial)
    opts = SolverOptions.of(model)
    T = periods
    converged = np.zeros((S, T), dtype=bool)
    iterations = np.zeros((S, T), dtype=np.int64)
    residual = np.zeros((S, T))
    endo = [cm.vindex[n] for n in model.endogenous]
    fr.t = 0
    with np.errstate(all="ignore"):
        pos0 = positions(cm, fr)
    failed = np.zeros(S, dtype=bool)
    failures: dict[int, str] = {}
    acc_mode = "exclude" if exclude else mode

    def partial(t: int) -> SimulationResult:
        return SimulationResult(
            model=model,
            compiled=cm,
            frame=Frame(fr.V[: t + 1], fr.P, t),
            converged=converged[:, :t],
            iterations=iterations[:, :t],
            residual=residual[:, :t],
            mode=mode,
            tol=tol,
            failed=failed.copy(),
            failures=dict(failures),
        )

    def drop(bad: np.ndarray, t: int, why: str) -> None:
        for s in np.flatnonzero(bad):
            failures.setdefault(int(s), why)
        failed[bad] = True
        fr.V[t, endo] = np.where(bad, np.nan, fr.V[t, endo])

    prev = None
    for t in range(1, T + 1):
        fr.t = t
        fr.V[t, endo] = np.nan_to_num(fr.V[t - 1, endo], nan=0.0, posinf=0.0, neginf=0.0)
        conv, it = solve_period(cm, fr, opts)
        converged[:, t - 1], iterations[:, t - 1] = conv, it
        if failed.any():  # an excluded scenario stays excluded
            fr.V[t, endo] = np.where(failed, np.nan, fr.V[t, endo])
        ref = reference_scale(cm, fr, pos0)
        bad = diverged(cm, fr, ref, conv) & ~failed
        if bad.any():
            err = diagnose(cm, fr, int(np.flatnonzero(bad)[0]), ref)
            if not exclude:
                err.result = partial(t)
                raise err
            drop(bad, t, str(err))
        with np.errstate(all="ignore"):
            b = books(cm, fr, prev)
        prev = b.positions
        try:
            worst = check(cm, b, t, tol, acc_mode, conv, scale=ref, skip=failed)
        except AccountingError as err:  # keep the run up to the breach for inspection
            err.result = partial(t)
            raise
        if exclude:
            breach = (worst > tol) & ~failed
            if breach.any():
                drop(breach, t, f"accounting breach in period {t}")
        residual[:, t - 1] = np.where(failed, np.nan, worst)
    return SimulationResult(
        model=model,
        compiled=cm,
        frame=fr,
        converged=converged,
        iterations=iterations,
        residual=residual,
        mode=mode,
        tol=tol,
        failed=failed,
        failures=failures,
    )
