"""Fire sales through overlapping portfolios (Greenwood, Landier & Thesmar 2015).

Greenwood, Landier & Thesmar (2015), "Vulnerable banks", Journal of Financial Economics
115(3): 471-485, sect. 2. Bank ``i`` holds ``H[i, k]`` dollars of asset ``k``; assets
``a_i = sum_k H[i, k]``, portfolio weights ``M[i, k] = H[i, k] / a_i``, leverage
``b_i = debt_i / equity_i``. An asset shock ``f_k`` (fractional price fall) costs bank ``i``
``a_i r_i`` with ``r_i = sum_k M[i, k] f_k``. Banks target their leverage: each sells
``b_i a_i r_i`` of assets in proportion to its holdings. Sales of asset ``k`` move its
price by ``l_k`` per dollar sold (price impact), and every holder marks the fall to market.

First-round measures (ibid., eqs. (5)-(8), with ``E`` total equity of the banks):

* aggregate vulnerability ``AV = 1' A M L M' B A M f / E`` -- system equity lost to fire
  sales, as a share of system equity;
* systemicness of bank ``i``: ``S_i = (1' A M L m_i) b_i a_i r_i / E`` (``m_i`` its
  portfolio weights), the part of AV caused by ``i``'s sales, so that ``sum_i S_i = AV``;
* indirect vulnerability of bank ``i``: ``IV_i = (A M L M' B A M f)_i / e_i``, its own fire-sale
  loss relative to its equity.

With ``rounds > 1`` the price falls of one round are the shock of the next (the iterated
version used for stress tests, with leverage targets and portfolio weights held at their
pre-shock values and no bank removed on default); the first-round measures above, which are
the paper's, are always reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kreislauf.errors import InputError
from kreislauf.results import Result

if TYPE_CHECKING:
    import plotly.graph_objects as go


@dataclass
class FireSaleResult(Result):
    """Losses and vulnerability measures of a fire-sale scenario."""

    bank_ids: tuple[str, ...]
    asset_ids: tuple[str, ...]
    equity: np.ndarray
    direct_loss: np.ndarray
    firesale_loss: np.ndarray  # all rounds
    sales: np.ndarray  # dollars sold, all rounds
    price_fall: np.ndarray  # cumulative fractional price fall per asset (excl. the shock)
    aggregate_vulnerability: float
    systemicness: np.ndarray
    indirect_vulnerability: np.ndarray
    rounds: int

    @property
    def defaulted(self) -> np.ndarray:
        """Banks whose losses reach their equity."""
        return self.direct_loss + self.firesale_loss >= self.equity

    def to_frame(self) -> pd.DataFrame:
        """One row per bank."""
        return pd.DataFrame(
            {
                "bank": list(self.bank_ids),
                "equity": self.equity,
                "direct_loss": self.direct_loss,
                "firesale_loss": self.firesale_loss,
                "sales": self.sales,
                "systemicness": self.systemicness,
                "indirect_vulnerability": self.indirect_vulnerability,
                "defaulted": self.defaulted,
            }
        )

    def summary(self) -> dict[str, Any]:
        """AV, the most systemic and the most vulnerable bank, total losses."""
        f = self.to_frame()
        return {
            "model": "firesale",
            "rounds": self.rounds,
            "aggregate_vulnerability": self.aggregate_vulnerability,
            "most_systemic": str(f.loc[f["systemicness"].idxmax(), "bank"]) if len(f) else None,
            "most_vulnerable": (
                str(f.loc[f["indirect_vulnerability"].idxmax(), "bank"]) if len(f) else None
            ),
            "direct_loss_total": float(self.direct_loss.sum()),
            "firesale_loss_total": float(self.firesale_loss.sum()),
            "defaults": int(self.defaulted.sum()),
        }

    def plot(self) -> go.Figure:
        """Systemicness and indirect vulnerability per bank."""
        import plotly.graph_objects as go

        f = self.to_frame()
        fig = go.Figure()
        fig.add_bar(x=f["bank"], y=f["systemicness"], name="systemicness S_i")
        fig.add_bar(x=f["bank"], y=f["indirect_vulnerability"], name="indirect vulnerability")
        fig.update_layout(
            barmode="group", title=f"Fire sales: AV = {self.aggregate_vulnerability:.4f}"
        )
        return fig


def fire_sale(
    holdings: np.ndarray,
    equity: np.ndarray,
    debt: np.ndarray,
    shock: np.ndarray,
    price_impact: np.ndarray,
    rounds: int = 1,
    bank_ids: list[str] | tuple[str, ...] | None = None,
    asset_ids: list[str] | tuple[str, ...] | None = None,
) -> FireSaleResult:
    """Greenwood-Landier-Thesmar fire sales under leverage targeting.

    Parameters
    ----------
    holdings : ndarray, shape (banks, assets)
        Dollar holdings ``H``.
    equity, debt : ndarray, shape (banks,)
        Book equity (> 0) and debt; leverage ``b = debt / equity``.
    shock : ndarray, shape (assets,)
        Fractional price fall of each asset, in [0, 1].
    price_impact : ndarray, shape (assets,)
        Fractional price fall per unit sold (``l_k``, in the units of ``holdings``). GLT
        (2015, sect. 3) set ``10^-13`` per euro, 10 bp per EUR 10 bn sold, for European
        bank assets; for other markets it is an assumption the analyst must state.
    rounds : int
        Rounds of selling (1 = the paper's measures only).
    """
    H = np.asarray(holdings, dtype=np.float64)
    E = np.asarray(equity, dtype=np.float64).ravel()
    D = np.asarray(debt, dtype=np.float64).ravel()
    f = np.asarray(shock, dtype=np.float64).ravel()
    lk = np.asarray(price_impact, dtype=np.float64).ravel()
    nb, na = H.shape if H.ndim == 2 else (0, 0)
    problems = []
    if H.ndim != 2 or not np.isfinite(H).all() or (H < 0).any():
        problems.append("holdings must be a finite, non-negative (banks x assets) matrix")
    if E.shape != (nb,) or not np.isfinite(E).all() or (E <= 0).any():
        problems.append("equity must be one positive number per bank")
    if D.shape != (nb,) or not np.isfinite(D).all() or (D < 0).any():
        problems.append("debt must be one non-negative number per bank")
    if f.shape != (na,) or not np.isfinite(f).all() or (f < 0).any() or (f > 1).any():
        problems.append("shock must be one fraction in [0, 1] per asset")
    if lk.shape != (na,) or not np.isfinite(lk).all() or (lk < 0).any():
        problems.append("price impact must be one non-negative number per asset")
    if rounds < 1:
        problems.append("rounds must be at least 1")
    if problems:
        raise InputError.single("; ".join(problems), field="firesale")
    a = H.sum(axis=1)
    M = np.divide(H, a[:, None], out=np.zeros_like(H), where=a[:, None] > 0)
    b = D / E
    direct = H @ f
    # first round (the paper's measures)
    sales1 = b * direct  # dollars sold by each bank
    dp1 = lk * (M.T @ sales1)  # price fall per asset
    fs1 = H @ dp1
    total_e = E.sum()
    av = float(fs1.sum() / total_e)
    col = H.sum(axis=0)  # system holdings of each asset
    systemic = (M * (col * lk)[None, :]).sum(axis=1) * sales1 / total_e
    iv = fs1 / E
    # further rounds: the price fall of a round is the shock of the next
    fs_total = fs1.copy()
    sales_total = sales1.copy()
    dp_total = dp1.copy()
    shock_k = dp1
    for _ in range(rounds - 1):
        loss_k = H @ shock_k
        sales_k = b * loss_k
        shock_k = lk * (M.T @ sales_k)
        sales_total += sales_k
        dp_total += shock_k
        fs_total += H @ shock_k
    bids = tuple(str(x) for x in (bank_ids if bank_ids is not None else range(nb)))
    aids = tuple(str(x) for x in (asset_ids if asset_ids is not None else range(na)))
    return FireSaleResult(
        bids, aids, E, direct, fs_total, sales_total, dp_total, av, systemic, iv, rounds
    )
