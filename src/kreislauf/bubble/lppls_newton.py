"""Numba kernel of the LPPLS final polish: bounded Newton on the concentrated cost.

Levenberg-Marquardt with Kaufman's Jacobian (:func:`kreislauf.bubble.lppls_local.lm_refine`)
is a Gauss-Newton method: on these non-zero-residual fits it converges linearly, and the last
digits of the SSE cost it dozens of evaluations. The gradient it computes is exact, though:
for the variable-projection cost ``S(theta) = |P_perp(theta) y|^2`` the residual is orthogonal
to the basis, so ``dS/dtheta = -2 V' r`` with ``V`` the curve's derivatives at fixed linear
parameters (Golub & Pereyra 1973). :func:`newton_polish` differences that gradient (forward
differences, three extra evaluations) for the Hessian and takes Newton steps, which converge
quadratically once LM has brought the search into the basin.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from kreislauf.bubble.lppls_local import _solve_inplace, _vp_eval, search_coords

FD_STEP = 1e-6  # forward-difference step, relative to max(|q|, 1) in search coordinates
LINE_TRIES = 4  # step halvings (by 4) before a Newton step is given up


@njit(cache=True)
def _gradient(jtr: np.ndarray, tc: float, logtc: bool, g: np.ndarray) -> None:
    """``dS/dq`` from ``J'r``; ``q0 = ln|tc|`` on one side of ``t2`` (``dtc/dq0 = tc``)."""
    g[0] = -2.0 * jtr[0] * (tc if logtc else 1.0)
    g[1] = -2.0 * jtr[1]
    g[2] = -2.0 * jtr[2]


@njit(cache=True)
def newton_polish(
    t: np.ndarray,
    y: np.ndarray,
    x0: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    max_iter: int,
    out: np.ndarray,
    tol: float,
) -> float:
    """Bounded Newton iterations on ``(tc, m, w)`` from ``x0``; the SSE, fit in ``out``.

    Search coordinates as in :func:`~kreislauf.bubble.lppls_local.lm_refine` (``ln|tc|``
    when ``[lo[0], hi[0]]`` lies on one side of ``t2``); iterates are projected onto the
    box, and a coordinate on its bound whose gradient points outwards is held. Stops when
    the predicted decrease or the achieved gain falls below ``tol`` (relative), when no
    step along the Newton direction lowers the cost, or when the Hessian is singular.
    ``out`` receives ``(tc, m, w, A, B, C1, C2)``; returns ``inf`` if ``x0`` has no
    finite fit.
    """
    n = t.shape[0]
    work = np.empty((5, n))
    beta = np.empty(4)
    beta_t = np.empty(4)
    jtj = np.empty((3, 3))
    jtr = np.empty(3)
    jtr_t = np.empty(3)
    qlo = np.empty(3)
    qhi = np.empty(3)
    q = np.empty(3)
    qt = np.empty(3)
    p = np.empty(3)
    logtc, sgn = search_coords(x0, lo, hi, p, q, qlo, qhi)
    sse = _vp_eval(t, y, p[0], p[1], p[2], work, beta, jtj, jtr, True)
    if not np.isfinite(sse):
        out[:] = np.nan
        return np.inf
    g = np.empty(3)
    gh = np.empty(3)
    h = np.empty((3, 3))
    d = np.empty(3)
    for _ in range(max_iter):
        _gradient(jtr, p[0], logtc, g)
        singular = False
        for k in range(3):  # Hessian column k by a forward difference of the gradient
            hk = FD_STEP * max(abs(q[k]), 1.0)
            if q[k] + hk > qhi[k]:
                hk = -hk
            for r in range(3):
                qt[r] = q[r]
            qt[k] += hk
            tc_k = sgn * np.exp(qt[0]) if logtc else qt[0]
            s_k = _vp_eval(t, y, tc_k, qt[1], qt[2], work, beta_t, jtj, jtr_t, True)
            if not np.isfinite(s_k):
                singular = True
                break
            _gradient(jtr_t, tc_k, logtc, gh)
            for r in range(3):
                h[r, k] = (gh[r] - g[r]) / hk
        if singular:
            break
        for r in range(3):
            for c in range(r + 1, 3):
                v = 0.5 * (h[r, c] + h[c, r])
                h[r, c] = v
                h[c, r] = v
        for k in range(3):  # active set
            if (q[k] <= qlo[k] and g[k] > 0.0) or (q[k] >= qhi[k] and g[k] < 0.0):
                for v in range(3):
                    h[k, v] = 0.0
                    h[v, k] = 0.0
                h[k, k] = 1.0
                g[k] = 0.0
        for k in range(3):
            d[k] = -g[k]
        if not _solve_inplace(h, d, 3):
            break
        pred = -0.5 * (d[0] * g[0] + d[1] * g[1] + d[2] * g[2])  # quadratic model's decrease
        if not pred > tol * sse:  # converged, or not a descent direction (H indefinite)
            break
        step = 1.0
        accepted = False
        s_t = sse
        tc_t = p[0]
        for _ls in range(LINE_TRIES):
            for k in range(3):
                qt[k] = min(max(q[k] + step * d[k], qlo[k]), qhi[k])
            tc_t = sgn * np.exp(qt[0]) if logtc else qt[0]
            tc_t = min(max(tc_t, lo[0]), hi[0])
            s_t = _vp_eval(t, y, tc_t, qt[1], qt[2], work, beta_t, jtj, jtr_t, True)
            if s_t < sse:
                accepted = True
                break
            step *= 0.25
        if not accepted:
            break
        gain = sse - s_t
        sse = s_t
        for k in range(3):
            q[k] = qt[k]
        p[0] = tc_t
        p[1] = qt[1]
        p[2] = qt[2]
        beta[:] = beta_t
        jtr[:] = jtr_t
        if gain <= tol * sse:
            break
    out[0] = p[0]
    out[1] = p[1]
    out[2] = p[2]
    out[3:7] = beta
    return sse
