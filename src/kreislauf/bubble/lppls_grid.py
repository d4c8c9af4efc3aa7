"""Numba kernel of the LPPLS grid screening: the concentrated cost of a ``(tc, m, w)`` grid
for every nested window at once.

For fixed nonlinear parameters the cost is the SSE of the linear least-squares fit of
``(1, f, f cos, f sin)`` (Filimonov & Sornette 2013); with the intercept eliminated it is a
3x3 solve from window sums (:func:`_profile3`). Nested windows that share their end date
``t2`` share the grid: the sums of window ``[t1_j, t2]`` are suffix sums of the same terms,
so one pass over the largest window prices every nested window (:func:`nested_grid`).
Used by :mod:`kreislauf.bubble.lppls_kernels`, which re-exports it.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from kreislauf.bubble.lppls_local import EPS, FASTMATH


@njit(cache=True, fastmath=FASTMATH)
def _profile3(
    nn: float,
    sf: float,
    sg: float,
    sh: float,
    sy: float,
    sff: float,
    sfg: float,
    sfh: float,
    sgg: float,
    sgh: float,
    shh: float,
    syf: float,
    syg: float,
    syh: float,
    syy: float,
) -> float:
    """Concentrated SSE from the window sums (intercept eliminated, 3x3 system).

    ``SSE = Syy_c - b_c' M_c^-1 b_c`` with ``M_c``, ``b_c`` the centred normal equations of
    ``(B, C1, C2)``, evaluated as ``b_c' adj(M_c) b_c / det(M_c)``; ``inf`` when ``M_c`` is
    numerically singular.
    """
    mf = sf / nn
    mg = sg / nn
    mh = sh / nn
    my = sy / nn
    a11 = sff - sf * mf
    a21 = sfg - sf * mg
    a31 = sfh - sf * mh
    a22 = sgg - sg * mg
    a32 = sgh - sg * mh
    a33 = shh - sh * mh
    b1 = syf - sf * my
    b2 = syg - sg * my
    b3 = syh - sh * my
    yyc = syy - sy * my
    # b' M^-1 b by the adjugate of the symmetric 3x3 M (no square roots)
    c11 = a22 * a33 - a32 * a32
    c12 = a31 * a32 - a21 * a33
    c13 = a21 * a32 - a22 * a31
    det = a11 * c11 + a21 * c12 + a31 * c13
    if not det > 1e-12 * abs(a11 * a22 * a33) or not det > 0.0:
        return np.inf
    c22 = a11 * a33 - a31 * a31
    c23 = a21 * a31 - a11 * a32
    c33 = a11 * a22 - a21 * a21
    quad = (
        b1 * (c11 * b1 + c12 * b2 + c13 * b3)
        + b2 * (c12 * b1 + c22 * b2 + c23 * b3)
        + b3 * (c13 * b1 + c23 * b2 + c33 * b3)
    )
    sse = yyc - quad / det
    return sse if sse > 0.0 else 0.0


@njit(cache=True, fastmath=FASTMATH)
def nested_grid(
    t: np.ndarray,
    y: np.ndarray,
    starts: np.ndarray,
    tc_grid: np.ndarray,
    m_grid: np.ndarray,
    w_grid: np.ndarray,
    tc_lo: np.ndarray,
    tc_hi: np.ndarray,
    best_sse: np.ndarray,
    best_mw: np.ndarray,
) -> None:
    """Screen a ``(tc, m, w)`` grid for every nested window ``[t[starts[j]], t[-1]]``.

    ``starts`` ascending (window 0 the largest). For each window ``j`` and grid value
    ``tc_grid[it]`` keeps the lowest concentrated cost over ``(m, w)`` in ``best_sse[j, it]``
    and its cell ``im * nw + iw`` in ``best_mw[j, it]`` (``inf`` / ``-1`` where ``tc`` is
    outside the window's ``[tc_lo[j], tc_hi[j]]``). The cost uses the intercept-eliminated
    3x3 system, see :func:`_profile3`.
    """
    n = t.shape[0]
    nj = starts.shape[0]
    nm = m_grid.shape[0]
    nw = w_grid.shape[0]
    best_sse[:, :] = np.inf
    best_mw[:, :] = -1
    # per-window sums that do not depend on the grid
    cnt = np.zeros(nj)
    sy = np.zeros(nj)
    syy = np.zeros(nj)
    acc_n = 0.0
    acc_y = 0.0
    acc_yy = 0.0
    for j in range(nj - 1, -1, -1):
        seg_end = n if j == nj - 1 else starts[j + 1]
        for i in range(starts[j], seg_end):
            acc_n += 1.0
            acc_y += y[i]
            acc_yy += y[i] * y[i]
        cnt[j] = acc_n
        sy[j] = acc_y
        syy[j] = acc_yy
    lg = np.empty(n)
    co = np.empty((nw, n))
    si = np.empty((nw, n))
    cc = np.empty((nw, n))
    cs = np.empty((nw, n))
    ss = np.empty((nw, n))
    f = np.empty(n)
    f2 = np.empty(n)
    yf = np.empty(n)
    sf = np.empty(nj)
    sff = np.empty(nj)
    syf = np.empty(nj)
    feas = np.empty(nj, dtype=np.bool_)
    # an evenly spaced w grid (confidence_fits) gets its cos/sin by angle addition
    dw = w_grid[1] - w_grid[0] if nw > 1 else 0.0
    even = nw > 1 and dw > 0.0
    for k in range(2, nw):
        even = even and abs(w_grid[k] - w_grid[k - 1] - dw) <= 1e-12 * w_grid[k]
    for it in range(tc_grid.shape[0]):
        tc = tc_grid[it]
        any_feas = False
        for jj in range(nj):
            feas[jj] = tc_lo[jj] <= tc <= tc_hi[jj]
            any_feas = any_feas or feas[jj]
        if not any_feas:
            continue
        for i in range(n):
            tau = abs(tc - t[i])
            if tau < EPS:
                tau = EPS
            lg[i] = np.log(tau)
        for i in range(n):
            if even:  # angle addition: two sin/cos pairs per point instead of nw
                c = np.cos(w_grid[0] * lg[i])
                s = np.sin(w_grid[0] * lg[i])
                cd = np.cos(dw * lg[i])
                sd = np.sin(dw * lg[i])
            for iw in range(nw):
                if not even:
                    c = np.cos(w_grid[iw] * lg[i])
                    s = np.sin(w_grid[iw] * lg[i])
                co[iw, i] = c
                si[iw, i] = s
                cc[iw, i] = c * c
                cs[iw, i] = c * s
                ss[iw, i] = s * s
                if even:
                    c, s = c * cd - s * sd, s * cd + c * sd
        for im in range(nm):
            m = m_grid[im]
            a1 = 0.0
            a2 = 0.0
            a3 = 0.0
            for i in range(n):
                fi = np.exp(m * lg[i])
                f[i] = fi
                f2[i] = fi * fi
                yf[i] = y[i] * fi
            for j in range(nj - 1, -1, -1):  # suffix sums, smallest window first
                seg_end = n if j == nj - 1 else starts[j + 1]
                for i in range(starts[j], seg_end):
                    a1 += f[i]
                    a2 += f2[i]
                    a3 += yf[i]
                sf[j] = a1
                sff[j] = a2
                syf[j] = a3
            for iw in range(nw):
                sg = 0.0
                sh = 0.0
                sfg = 0.0
                sfh = 0.0
                sgg = 0.0
                sgh = 0.0
                shh = 0.0
                syg = 0.0
                syh = 0.0
                for j in range(nj - 1, -1, -1):
                    seg_end = n if j == nj - 1 else starts[j + 1]
                    for i in range(starts[j], seg_end):
                        fi = f[i]
                        ffi = f2[i]
                        yfi = yf[i]
                        c = co[iw, i]
                        s = si[iw, i]
                        sg += fi * c
                        sh += fi * s
                        sfg += ffi * c
                        sfh += ffi * s
                        sgg += ffi * cc[iw, i]
                        sgh += ffi * cs[iw, i]
                        shh += ffi * ss[iw, i]
                        syg += yfi * c
                        syh += yfi * s
                    if not feas[j]:
                        continue
                    sse = _profile3(
                        cnt[j],
                        sf[j],
                        sg,
                        sh,
                        sy[j],
                        sff[j],
                        sfg,
                        sfh,
                        sgg,
                        sgh,
                        shh,
                        syf[j],
                        syg,
                        syh,
                        syy[j],
                    )
                    if sse < best_sse[j, it]:
                        best_sse[j, it] = sse
                        best_mw[j, it] = im * nw + iw
