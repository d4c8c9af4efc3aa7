"""The result of an SFC simulation: a (scenario, period, variable) cube and the books."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kreislauf.errors import InputError
from kreislauf.results import Result

if TYPE_CHECKING:
    import plotly.graph_objects as go
    import xarray as xr

    from kreislauf.sfc.compile import Compiled, Frame
    from kreislauf.sfc.modelfile import Model

__all__ = ["SimulationResult"]


@dataclass
class SimulationResult(Result):
    """Paths of every variable for every scenario, with convergence and accounting status.

    Attributes
    ----------
    model : Model
    compiled : Compiled
    frame : Frame
        ``frame.V[t, slot, scenario]`` for periods ``0..T`` (0 = initial values).
    converged : ndarray of bool, shape (S, T)
    iterations : ndarray of int, shape (S, T)
    residual : ndarray, shape (S, T)
        Largest accounting residual relative to the scale of the economy.
    mode : str
        Accounting mode of the run (``raise`` or ``warn``).
    tol : float
        Accounting tolerance of the run.
    failed : ndarray of bool, shape (S,) or None
        Scenarios excluded because they diverged or broke the books (``simulate(...,
        exclude=True)``); their values from that period on are NaN.
    failures : dict or None
        Scenario -> why it was excluded.
    """

    model: Model
    compiled: Compiled
    frame: Frame
    converged: np.ndarray
    iterations: np.ndarray
    residual: np.ndarray
    mode: str
    tol: float
    failed: np.ndarray | None = None
    failures: dict[int, str] | None = None

    # ---------------------------------------------------------------- pickling
    def __getstate__(self) -> dict[str, Any]:
        # the compiled closures cannot be pickled; they are rebuilt from the model (for Dask)
        state = self.__dict__.copy()
        state["compiled"] = [n for n in self.compiled.vnames if n in self.model.parameters]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        from kreislauf.sfc.compile import compile_model

        state = dict(state)
        state["compiled"] = compile_model(state["model"], state["compiled"])
        self.__dict__.update(state)

    # ------------------------------------------------------------------ shape
    @property
    def n_scenarios(self) -> int:
        """Number of scenarios S."""
        return self.frame.S

    @property
    def periods(self) -> int:
        """Number of solved periods T."""
        return self.frame.V.shape[0] - 1

    @property
    def variables(self) -> list[str]:
        """Names in the cube: endogenous, exogenous, time-varying parameters."""
        return list(self.compiled.vnames)

    @property
    def params(self) -> dict[str, np.ndarray]:
        """Constant parameters of the run, each of shape (S,)."""
        return {n: self.frame.P[i].copy() for i, n in enumerate(self.compiled.pnames)}

    @property
    def cube(self) -> xr.DataArray:
        """``xarray.DataArray`` with dims (scenario, period, variable), periods 1..T."""
        import xarray as xr

        return xr.DataArray(
            self.frame.V[1:].transpose(2, 0, 1),
            dims=("scenario", "period", "variable"),
            coords={
                "scenario": np.arange(self.n_scenarios),
                "period": np.arange(1, self.periods + 1),
                "variable": self.variables,
            },
            name=self.model.name,
        )

    def path(self, var: str, *, with_initial: bool = False) -> np.ndarray:
        """Values of ``var`` as an array (S, T) (or (S, T + 1) with period 0)."""
        idx = self.compiled.vindex
        if var not in idx:
            if var in self.compiled.pindex:
                p = self.frame.P[self.compiled.pindex[var]]
                return np.repeat(p[:, None], self.periods + int(with_initial), axis=1)
            raise InputError.single(f"unknown variable {var!r}", field=var)
        start = 0 if with_initial else 1
        return self.frame.V[start:, idx[var], :].T.copy()

    def __getitem__(self, var: str) -> np.ndarray:
        return self.path(var)

    # --------------------------------------------------------------- the books
    def _books(self, period: int) -> Any:
        from kreislauf.sfc.accounting import books
        from kreislauf.sfc.compile import Frame

        if type(period) is not int or not 1 <= period <= self.periods:
            raise InputError.single(
                f"period must be an integer in 1..{self.periods}, got {period!r}", field="period"
            )
        fr = Frame(self.frame.V, self.frame.P, period)
        with np.errstate(all="ignore"):
            return books(self.compiled, fr)

    def _scenario(self, scenario: int) -> int:
        if type(scenario) is not int or not 0 <= scenario < self.n_scenarios:
            raise InputError.single(
                f"scenario must be an integer in 0..{self.n_scenarios - 1}, got {scenario!r}",
                field="scenario",
            )
        return scenario

    def flow_matrix(self, period: int, scenario: int = 0) -> pd.DataFrame:
        """Transaction-flow matrix of one period: rows transactions and ``d(stock)``.

        Columns are the sectors plus ``sum`` (row sums); the last row ``sum`` holds the
        column sums. Receipts and sources of funds are positive, payments and uses negative.
        """
        s = self._scenario(scenario)
        b = self._books(period)
        m = self.model
        df = pd.DataFrame(b.flow_dense(s), index=b.rows, columns=list(m.sectors))
        df["sum"] = df.sum(axis=1)
        df.loc["sum"] = df.sum(axis=0)
        return df

    def balance_sheet(self, period: int, scenario: int = 0) -> pd.DataFrame:
        """Balance sheet at the end of ``period``: assets +, liabilities -, net worth row."""
        s = self._scenario(scenario)
        b = self._books(period)
        m = self.model
        df = pd.DataFrame(
            b.balance_dense(s),
            index=[st.name for st in m.stocks],
            columns=list(m.sectors),
        )
        df["sum"] = df.sum(axis=1)
        df.loc["net worth"] = df.sum(axis=0)
        return df

    # ------------------------------------------------------------ Result API
    def to_frame(self) -> pd.DataFrame:
        """Tidy frame: scenario, period, variable, value (periods 1..T)."""
        V = self.frame.V[1:]
        T, n, S = V.shape
        return pd.DataFrame(
            {
                "scenario": np.broadcast_to(np.arange(S), (T, n, S)).ravel(),
                "period": np.broadcast_to(np.arange(1, T + 1)[:, None, None], (T, n, S)).ravel(),
                "variable": np.broadcast_to(
                    np.array(self.variables, dtype=object)[None, :, None], (T, n, S)
                ).ravel(),
                "value": V.ravel(),
            }
        )

    def summary(self) -> dict[str, Any]:
        """Headline figures: size of the run, convergence, accounting, final values."""
        last = self.frame.V[-1]
        final = {
            n: (
                float(last[i, 0])
                if self.n_scenarios == 1
                else {
                    "median": float(np.nanmedian(last[i])),
                    "p05": float(np.nanquantile(last[i], 0.05)),
                    "p95": float(np.nanquantile(last[i], 0.95)),
                }
            )
            for i, n in enumerate(self.variables)
        }
        return {
            "model": self.model.name,
            "scenarios": self.n_scenarios,
            "periods": self.periods,
            "converged_share": float(self.converged.mean()),
            "not_converged": int((~self.converged).sum()),
            "max_iterations": int(self.iterations.max()),
            "max_accounting_residual": float(np.nanmax(self.residual, initial=0.0)),
            "excluded_scenarios": 0 if self.failed is None else int(self.failed.sum()),
            "accounting_mode": self.mode,
            "accounting_tolerance": self.tol,
            "final": final,
        }

    def plot(
        self,
        variables: list[str] | None = None,
        quantiles: tuple[float, ...] = (0.05, 0.25, 0.5, 0.75, 0.95),
    ) -> go.Figure:
        """Lines of ``variables`` over time; a fan chart of quantile bands when S > 1."""
        import plotly.graph_objects as go

        names = variables or list(self.model.endogenous)[:6]
        t = np.arange(1, self.periods + 1)
        fig = go.Figure()
        palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf"]
        for k, n in enumerate(names):
            y = self.path(n)
            col = palette[k % len(palette)]
            if self.n_scenarios == 1:
                fig.add_trace(go.Scatter(x=t, y=y[0], mode="lines", name=n, line={"color": col}))
                continue
            q = sorted(quantiles)
            qs = np.nanquantile(y, q, axis=0)
            half = len(q) // 2
            for i in range(half):
                lo, hi = qs[i], qs[-1 - i]
                fig.add_trace(
                    go.Scatter(
                        x=t,
                        y=hi,
                        mode="lines",
                        line={"width": 0},
                        showlegend=False,
                        hoverinfo="skip",
                    )
                )
                fig.add_trace(
                    go.Scatter(
                        x=t,
                        y=lo,
                        mode="lines",
                        line={"width": 0},
                        fill="tonexty",
                        fillcolor=col,
                        opacity=0.15 + 0.15 * i,
                        name=f"{n} {q[i]:.0%}-{q[-1 - i]:.0%}",
                    )
                )
            fig.add_trace(
                go.Scatter(
                    x=t,
                    y=np.nanmedian(y, axis=0),
                    mode="lines",
                    name=f"{n} median",
                    line={"color": col},
                )
            )
        fig.update_layout(
            title=self.model.title or self.model.name, xaxis_title="period", template="plotly_white"
        )
        return fig

    def plot_flow_matrix(self, period: int, scenario: int = 0) -> go.Figure:
        """Heatmap of the transaction-flow matrix of one period (values written in cells)."""
        import plotly.graph_objects as go

        df = self.flow_matrix(period, scenario)
        z = df.to_numpy()
        lim = float(np.nanmax(np.abs(z))) or 1.0
        fig = go.Figure(
            go.Heatmap(
                z=z,
                x=list(df.columns),
                y=list(df.index),
                zmin=-lim,
                zmax=lim,
                colorscale="RdBu",
                text=np.round(z, 3),
                texttemplate="%{text}",
            )
        )
        fig.update_layout(
            title=f"{self.model.name}: transaction-flow matrix, period {period}",
            yaxis={"autorange": "reversed"},
            template="plotly_white",
        )
        return fig
