"""Solve one period of a compiled model for the whole batch of scenarios at once.

Blocks are taken in topological order. A single equation is evaluated directly. A
simultaneous block is solved by Gauss-Seidel sweeps (optionally under-relaxed) over the
whole scenario axis; each scenario keeps its values from the sweep at which it converged,
so a batched run equals the same scenarios run one at a time, bit for bit. Scenarios still
unconverged after ``max_iter`` sweeps continue with a damped Newton iteration on
``x - g(x) = 0`` (finite-difference Jacobian, batched :func:`numpy.linalg.solve`, step
halving).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kreislauf.errors import InputError, Problem
from kreislauf.sfc.compile import Block, Compiled, Frame, compile_model
from kreislauf.sfc.modelfile import Model

__all__ = ["SolverOptions", "check_blocks", "solve_period"]


@dataclass(frozen=True)
class SolverOptions:
    """Convergence settings (defaults; a model file's ``solver:`` section overrides them)."""

    tolerance: float = 1e-13
    max_iter: int = 200
    newton_max_iter: int = 50
    damping: float = 1.0

    @classmethod
    def of(cls, model: Model) -> SolverOptions:
        """The options of ``model`` (its ``solver:`` section over the defaults)."""
        s = model.solver
        return cls(
            float(s.get("tolerance", cls.tolerance)),
            int(s.get("max_iter", cls.max_iter)),
            int(s.get("newton_max_iter", cls.newton_max_iter)),
            float(s.get("damping", cls.damping)),
        )


def _small(step: np.ndarray, x: np.ndarray, tol: float) -> np.ndarray:
    """Per scenario: every |step| <= tol * (1 + |x|) (and finite)."""
    return np.all(np.abs(step) <= tol * (1.0 + np.abs(x)), axis=0)


def _jacobi(cm: Compiled, fr: Frame, blk: Block, x: np.ndarray) -> np.ndarray:
    """g(x): the block's right-hand sides with all block variables set to ``x`` (n, S)."""
    t, idx = fr.t, list(blk.slots)
    fr.V[t, idx] = x
    g = np.empty_like(x)
    for j, e in enumerate(blk.eqs):
        g[j] = cm.eq_fns[e](fr)
    return g


def _newton(
    cm: Compiled, fr: Frame, blk: Block, active: np.ndarray, opts: SolverOptions, iters: np.ndarray
) -> np.ndarray:
    """Damped Newton on the unconverged scenarios; returns their convergence flags."""
    t, idx = fr.t, list(blk.slots)
    n = len(idx)
    x = fr.V[t, idx].copy()
    done = ~active
    ok = np.zeros(fr.S, dtype=bool)
    eye = np.eye(n)
    for _ in range(opts.newton_max_iter):
        if done.all():
            break
        live = ~done
        F = x - _jacobi(cm, fr, blk, x)
        J = np.empty((fr.S, n, n))
        for m in range(n):
            h = 1e-7 * (1.0 + np.abs(x[m]))
            xp = x.copy()
            xp[m] += h
            Fp = xp - _jacobi(cm, fr, blk, xp)
            J[:, :, m] = ((Fp - F) / h).T
        bad = ~np.all(np.isfinite(J), axis=(1, 2)) | ~np.all(np.isfinite(F), axis=0)
        J[done | bad] = eye
        rhs = np.where((done | bad)[None, :], 0.0, -F).T[..., None]
        try:
            dx = np.linalg.solve(J, rhs)[..., 0].T
        except np.linalg.LinAlgError:
            dx = np.stack(
                [np.linalg.lstsq(J[s], rhs[s, :, 0], rcond=None)[0] for s in range(fr.S)], axis=1
            )
        norm0 = np.max(np.abs(F), axis=0)
        lam = np.ones(fr.S)
        for _h in range(8):  # step halving where the residual would grow
            xn = x + lam * dx
            Fn = xn - _jacobi(cm, fr, blk, xn)
            worse = ~(np.max(np.abs(Fn), axis=0) <= norm0) & live
            if not worse.any():
                break
            lam = np.where(worse, lam * 0.5, lam)
        xn = np.where(live & ~bad, x + lam * dx, x)
        iters[live] += 1
        Fx = xn - _jacobi(cm, fr, blk, xn)
        res_ok = _small(Fx, xn, max(100 * opts.tolerance, 1e-12))
        conv = live & ~bad & res_ok & _small(xn - x, xn, opts.tolerance)
        ok |= conv
        done |= conv | bad
        x = xn
    fr.V[t, idx] = x
    return ok


def _solve_block(
    cm: Compiled, fr: Frame, blk: Block, opts: SolverOptions, conv: np.ndarray, iters: np.ndarray
) -> None:
    t = fr.t
    V = fr.V
    if not blk.simultaneous:
        e = blk.eqs[0]
        V[t, cm.eq_slots[e]] = cm.eq_fns[e](fr)
        conv &= np.isfinite(V[t, cm.eq_slots[e]])
        return
    idx = list(blk.slots)
    fns = [(cm.eq_slots[e], cm.eq_fns[e]) for e in blk.eqs]
    active = np.ones(fr.S, dtype=bool)
    ok = np.zeros(fr.S, dtype=bool)
    x_start = V[t, idx].copy()
    x_old = x_start
    final = x_start.copy()  # each scenario's values at the sweep where it converged
    blown = np.zeros(fr.S, dtype=bool)
    d = opts.damping
    for _ in range(opts.max_iter):
        # every scenario is swept (no masking inside the sweep: one pass less over S per
        # equation); a converged scenario's snapshot is restored below, so its result is the
        # one it would have had alone
        for slot, f in fns:
            if d != 1.0:
                V[t, slot] = V[t, slot] + d * (f(fr) - V[t, slot])
            else:
                V[t, slot] = f(fr)
        x = V[t, idx]
        iters[active] += 1
        finite = np.all(np.isfinite(x), axis=0)
        c = active & finite & _small(x - x_old, x, opts.tolerance)
        if c.any():
            final[:, c] = x[:, c]
        ok |= c
        blown |= active & ~finite
        active &= ~c & finite
        x_old = x
        if not active.any():
            break
    cur = V[t, idx]
    cur[:, ok] = final[:, ok]
    cur[:, blown] = x_start[:, blown]  # Gauss-Seidel diverged: Newton restarts from the guess
    V[t, idx] = cur
    rest = active | blown
    if rest.any():
        ok |= _newton(cm, fr, blk, rest, opts, iters)
    conv &= ok


def solve_period(cm: Compiled, fr: Frame, opts: SolverOptions) -> tuple[np.ndarray, np.ndarray]:
    """Solve period ``fr.t`` in place for every scenario.

    The endogenous values of ``fr.V[fr.t]`` are the starting guess (the caller sets them,
    usually to the previous period's values).

    Returns
    -------
    converged : ndarray of bool, shape (S,)
    iterations : ndarray of int, shape (S,)
        Gauss-Seidel sweeps plus Newton steps over all blocks.
    """
    conv = np.ones(fr.S, dtype=bool)
    iters = np.zeros(fr.S, dtype=np.int64)
    with np.errstate(all="ignore"):
        for blk in cm.blocks:
            _solve_block(cm, fr, blk, opts, conv, iters)
    return conv, iters


def block_jacobian(cm: Compiled, fr: Frame, blk: Block) -> np.ndarray:
    """Jacobian of ``x - g(x)`` of one block at the current values, shape (S, n, n)."""
    idx = list(blk.slots)
    x = fr.V[fr.t, idx].copy()
    n = len(idx)
    with np.errstate(all="ignore"):
        F = x - _jacobi(cm, fr, blk, x)
        J = np.empty((fr.S, n, n))
        for m in range(n):
            h = 1e-6 * (1.0 + np.abs(x[m]))
            xp = x.copy()
            xp[m] += h
            J[:, :, m] = (((xp - _jacobi(cm, fr, blk, xp)) - F) / h).T
    fr.V[fr.t, idx] = x
    return J


def check_blocks(model: Model) -> None:
    """Reject simultaneous blocks that have no unique solution in period 1.

    Solves period 1 with the file's own values (one scenario); a block whose Jacobian
    there is singular or not finite, or that does not converge, is reported with the line
    of its first equation.

    Raises
    ------
    InputError
    """
    from kreislauf.sfc.engine import prepare_frame

    cm = compile_model(model)
    fr = prepare_frame(cm, periods=1, S=1, overrides={}, shocks=())
    fr.t = 1
    endo = [cm.vindex[n] for n in model.endogenous]
    fr.V[1, endo] = np.nan_to_num(fr.V[0, endo], nan=0.0, posinf=0.0, neginf=0.0)
    opts = SolverOptions.of(model)
    problems: list[Problem] = []
    with np.errstate(all="ignore"):
        for blk in cm.blocks:
            conv = np.ones(1, dtype=bool)
            _solve_block(cm, fr, blk, opts, conv, np.zeros(1, dtype=np.int64))
            if not blk.simultaneous:
                continue
            first = min(blk.eqs)  # the block's first equation in the file
            names = [model.equations[e].var for e in sorted(blk.eqs)]
            J = block_jacobian(cm, fr, blk)[0]
            sv = np.linalg.svd(J, compute_uv=False) if np.all(np.isfinite(J)) else None
            singular = sv is None or sv[-1] <= 1e-9 * max(1.0, sv[0])
            if singular or not conv[0]:
                why = (
                    "its equations give non-finite values: an overflow or a division by zero"
                    if sv is None
                    else "its Jacobian is singular"
                    if singular
                    else "the solver does not converge"
                )
                problems.append(
                    Problem(
                        f"simultaneous block {{{', '.join(names)}}} has no (unique) solution in "
                        f"period 1 with the file's values ({why})",
                        model.file,
                        model.equations[first].line,
                        names[0],
                    )
                )
    if problems:
        raise InputError(problems)
