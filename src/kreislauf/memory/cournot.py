"""Capacity-constrained Cournot equilibrium with piecewise-linear demand, solved exactly.

Demand is a sum of linear segments ``D_s(P) = max(0, a_s - b_s P)``. Producer ``i``
has a constant marginal cost ``c_i`` and a capacity ``K_i``. An inelastic extra
supply ``R >= 0`` (inventory released into the market) may be added.

At an equilibrium price ``P`` on a piece of the demand curve where the active
segments have total slope ``B(P) = sum of b_s over segments with a_s - b_s P > 0``,
firm ``i``'s first-order condition ``P - c_i - q_i / B = 0`` with the capacity and
non-negativity constraints gives

    q_i(P) = min(K_i, max(0, (P - c_i) B(P)))

and the market clears where ``sum_i q_i(P) + R = D(P)``. On each piece both sides
are piecewise linear in ``P`` (supply non-decreasing, demand decreasing), so the
root is found exactly by locating the bracketing kink and interpolating. Pieces
are searched from the lowest price upwards: where kinks of the demand curve admit
several equilibria, the lowest-price one is returned (stated selection rule).

References
----------
Tirole, J. (1988). *The Theory of Industrial Organization*, ch. 5 (Cournot with
linear demand: ``q_i = (a - (N+1) c_i + sum_j c_j) / ((N+1) b)``).
Kreps, D. and Scheinkman, J. (1983). Quantity precommitment and Bertrand
competition yield Cournot outcomes. *Bell Journal of Economics* 14(2), 326-337.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Equilibrium:
    """One market-clearing outcome.

    Attributes
    ----------
    price : float
        Market price.
    quantities : ndarray
        Output of each producer.
    demand : ndarray
        Quantity bought by each demand segment at ``price``.
    released : float
        Inelastic extra supply sold (equals ``R``, or less when the market is glutted).
    glut : bool
        ``True`` when ``R`` alone exceeds demand at a zero price (price is 0).
    """

    price: float
    quantities: FloatArray
    demand: FloatArray
    released: float
    glut: bool


def _supply(p: float, c: FloatArray, k: FloatArray, slope: float) -> FloatArray:
    return np.minimum(k, np.maximum(0.0, (p - c) * slope))


def cournot_equilibrium(
    a: FloatArray,
    b: FloatArray,
    cost: FloatArray,
    capacity: FloatArray,
    released: float = 0.0,
) -> Equilibrium:
    """Solve the capacity-constrained Cournot equilibrium exactly.

    Parameters
    ----------
    a, b : ndarray
        Intercepts and slopes of the linear demand segments (``b > 0``, ``a >= 0``).
    cost : ndarray
        Marginal cost of each producer (``>= 0``).
    capacity : ndarray
        Capacity of each producer (``>= 0``).
    released : float
        Inelastic extra supply (``>= 0``).

    Returns
    -------
    Equilibrium
    """
    a_in = np.asarray(a, dtype=float)
    b_in = np.asarray(b, dtype=float)
    c = np.asarray(cost, dtype=float)
    k = np.asarray(capacity, dtype=float)
    if np.any(b_in < 0) or np.any(a_in < 0) or np.any(c < 0) or np.any(k < 0) or released < 0:
        raise ValueError("demand slopes, intercepts, costs, capacities and R must be >= 0")
    if np.any((b_in == 0) & (a_in > 0)):
        raise ValueError("a segment with positive demand needs a positive slope")
    live = b_in > 0  # segments that vanished (a = b = 0) buy nothing at any price
    a, b = a_in[live], b_in[live]
    if a.size == 0:
        return Equilibrium(0.0, np.zeros_like(c), np.zeros_like(a_in), 0.0, True)
    chokes = np.sort(np.unique(a / b))
    if released >= a.sum():  # glut: released stock alone covers demand at a zero price
        return Equilibrium(0.0, np.zeros_like(c), a_in.copy(), float(a.sum()), True)
    lo = 0.0
    for hi in chokes:
        if hi <= lo:
            continue
        active = a - b * (0.5 * (lo + hi)) > 0
        slope = float(b[active].sum())
        intercept = float(a[active].sum())

        def excess(p: float, slope: float = slope, intercept: float = intercept) -> float:
            return float(_supply(p, c, k, slope).sum()) + released - (intercept - slope * p)

        # Kinks of the supply side inside the piece, plus the piece's ends.
        kinks = np.concatenate(([lo, hi], c, c + k / slope))
        kinks = np.unique(kinks[(kinks >= lo) & (kinks <= hi)])
        values = np.array([excess(p) for p in kinks])
        if values[0] > 0 and lo == 0.0:
            # Even at a zero price supply exceeds demand: price 0, producers produce nothing
            # beyond what clears (only possible with zero costs); treat as a glut.
            break
        idx = np.nonzero(values >= 0)[0]
        if idx.size == 0:
            lo = hi
            continue
        j = int(idx[0])
        if j == 0:
            p = float(kinks[0])
        else:  # excess is linear between consecutive kinks: interpolate exactly
            p0, p1 = float(kinks[j - 1]), float(kinks[j])
            v0, v1 = float(values[j - 1]), float(values[j])
            p = p0 + (p1 - p0) * (-v0) / (v1 - v0)
        q = _supply(p, c, k, slope)
        d = np.zeros_like(a_in)
        d[live] = np.maximum(0.0, a - b * p)
        return Equilibrium(p, q, d, float(released), False)
    # Supply exceeds demand at a zero price.
    d = a_in.copy()
    q = np.zeros_like(c)
    sold = min(released, float(a.sum()))
    rest = float(a.sum()) - sold
    free = np.where(c == 0, k, 0.0)
    if free.sum() > 0:
        q = free * min(1.0, rest / free.sum())
    return Equilibrium(0.0, q, d, sold, True)
