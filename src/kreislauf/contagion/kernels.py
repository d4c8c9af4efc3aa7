"""Numba kernels of the clearing engine (cross-checked in tests against plain NumPy)."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def picard_sweep(
    indptr: np.ndarray,
    indices: np.ndarray,
    data: np.ndarray,
    x: np.ndarray,
    e: np.ndarray,
    c: np.ndarray,
    beta: float,
    xbar: np.ndarray,
    threshold: np.ndarray,
    tol: np.ndarray,
    fixed: np.ndarray,
    in_place: bool,
) -> tuple[float, int]:
    """One sweep of the clearing map over ``x`` (a CSR ``Pi^T`` given by its arrays).

    With ``in_place=False`` this is one Jacobi step ``x <- min(x, Phi(x))``; with
    ``in_place=True`` a Gauss-Seidel sweep that uses the payments already updated in this
    sweep. Both keep ``x* <= x`` and ``Phi(x) <= x`` when started from such an ``x``
    (``Phi`` is monotone), so the exact algorithm may start from the result.

    Returns
    -------
    (largest decrease, number of nodes paying less than they owe)
    """
    n = x.size
    old = x if in_place else x.copy()
    delta = 0.0
    n_def = 0
    for i in range(n):
        if fixed[i]:
            if x[i] < xbar[i] - tol[i]:
                n_def += 1
            continue
        inflow = 0.0
        for k in range(indptr[i], indptr[i + 1]):
            inflow += data[k] * old[indices[k]]
        if e[i] + inflow >= threshold[i] - tol[i]:
            new = xbar[i]
        else:
            new = c[i] + beta * inflow
            if new < 0.0:
                new = 0.0
            if new > xbar[i]:
                new = xbar[i]
        if new < x[i]:
            d = x[i] - new
            if d > delta:
                delta = d
            x[i] = new
        if x[i] < xbar[i] - tol[i]:
            n_def += 1
    return delta, n_def
