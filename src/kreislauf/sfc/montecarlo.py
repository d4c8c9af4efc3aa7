"""Monte Carlo over uncertain parameters: declared distributions, seeded draws, one batched run.

A distribution file (YAML) declares, per parameter, one of::

    NAME: {dist: normal, mean: M, sd: S, low: L, high: H, source: "..."}
    NAME: {dist: lognormal, median: M, sigma: S, low: L, high: H, source: "..."}
    NAME: {dist: uniform, low: L, high: H, source: "..."}
    NAME: {dist: triangular, low: L, mode: M, high: H, source: "..."}

``low``/``high`` truncate normal and lognormal distributions (optional there, required for
uniform and triangular). Every entry needs a ``source`` or an ``assumption``.

Draws: the seed's :class:`numpy.random.SeedSequence` spawns one child per parameter (in
file order); each child's :class:`numpy.random.Generator` (PCG64) draws ``n`` uniforms, mapped
through the (truncated) inverse CDF. A seed reproduces the draws exactly, and the first ``k``
draws of a run of ``n`` are the draws of a run of ``k``. All draws go through the engine in
one batched call (the scenario axis); :mod:`kreislauf.sfc.sweep` runs the same draws in
chunks on Dask.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from kreislauf.errors import InputError, Problem, echo
from kreislauf.results import Result

if TYPE_CHECKING:
    import plotly.graph_objects as go
    import xarray as xr

DISTS = {
    "normal": ("mean", "sd"),
    "lognormal": ("median", "sigma"),
    "uniform": (),
    "triangular": ("mode",),
}
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


@dataclass(frozen=True)
class Distribution:
    """One uncertain parameter.

    Attributes
    ----------
    name : str
        Model parameter (or exogenous variable held constant over time).
    dist : str
        ``normal``, ``lognormal``, ``uniform`` or ``triangular``.
    args : dict
        The shape arguments (see module docstring).
    low, high : float or None
        Truncation bounds (required for uniform and triangular).
    source : str
        Where the range comes from, or the assumption behind it.
    """

    name: str
    dist: str
    args: dict[str, float]
    low: float | None = None
    high: float | None = None
    source: str = ""

    def frozen(self) -> Any:
        """The scipy.stats frozen distribution (untruncated)."""
        a = self.args
        if self.dist == "normal":
            return stats.norm(loc=a["mean"], scale=a["sd"])
        if self.dist == "lognormal":
            return stats.lognorm(s=a["sigma"], scale=a["median"])
        if self.dist == "uniform":
            return stats.uniform(loc=self.low, scale=self.high - self.low)  # type: ignore[operator]
        c = (a["mode"] - self.low) / (self.high - self.low)  # type: ignore[operator]
        return stats.triang(c=c, loc=self.low, scale=self.high - self.low)  # type: ignore[operator]

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Map uniforms in (0, 1) to draws, truncated to [low, high]."""
        fd = self.frozen()
        lo = 0.0 if self.low is None else float(fd.cdf(self.low))
        hi = 1.0 if self.high is None else float(fd.cdf(self.high))
        x = fd.ppf(lo + (hi - lo) * u)
        if self.low is not None or self.high is not None:
            lo_b = -np.inf if self.low is None else self.low
            hi_b = np.inf if self.high is None else self.high
            x = np.clip(x, lo_b, hi_b)
        return np.asarray(x, dtype=float)


def _check(name: str, spec: Any, file: str, row: int | None) -> tuple[Distribution | None, list]:
    probs: list[Problem] = []

    def bad(msg: str) -> None:
        probs.append(Problem(msg, file, row, name))

    if not isinstance(spec, dict):
        bad("expected a mapping {dist: ..., ...}")
        return None, probs
    dist = spec.get("dist")
    if dist not in DISTS:
        bad(f"dist must be one of {sorted(DISTS)}, got {echo(dist)}")
        return None, probs
    allowed = {"dist", "low", "high", "source", "assumption", *DISTS[dist]}
    if set(spec) - allowed:
        bad(f"unknown keys {sorted(set(spec) - allowed)} for {dist}")
    nums: dict[str, float] = {}
    for k in (*DISTS[dist], "low", "high"):
        if k not in spec:
            if k in DISTS[dist] or dist in ("uniform", "triangular"):
                bad(f"{dist} needs '{k}'")
            continue
        v = spec[k]
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            bad(f"'{k}' must be a finite number, got {echo(v)}")
            continue
        nums[k] = float(v)
    if not (spec.get("source") or spec.get("assumption")):
        bad("needs a 'source' or an 'assumption' (why this range)")
    if probs:
        return None, probs
    lo, hi = nums.pop("low", None), nums.pop("high", None)
    if lo is not None and hi is not None and not lo < hi:
        bad(f"low must be below high, got {lo} >= {hi}")
    for k in ("sd", "sigma", "median"):
        if k in nums and nums[k] <= 0:
            bad(f"'{k}' must be positive, got {nums[k]}")
    if dist == "triangular" and not (lo <= nums["mode"] <= hi):  # type: ignore[operator]
        bad(f"mode must lie in [low, high], got {nums['mode']}")
    if dist == "lognormal" and lo is not None and lo < 0:
        bad("a lognormal's low bound must be >= 0")
    if probs:
        return None, probs
    d = Distribution(name, dist, nums, lo, hi, str(spec.get("source") or spec["assumption"]))
    fd = d.frozen()
    plo = 0.0 if lo is None else float(fd.cdf(lo))
    phi = 1.0 if hi is None else float(fd.cdf(hi))
    if not phi - plo > 1e-12:
        bad("the bounds leave no probability mass")
        return None, probs
    return d, probs


def parse_distributions(data: Any, file: str, lines: dict[str, int] | None = None) -> list:
    """Validate a parsed distribution file (mapping with key ``parameters``).

    Raises
    ------
    InputError
        Every problem with file, line and parameter.
    """
    lines = lines or {}
    if not isinstance(data, dict) or not isinstance(data.get("parameters"), dict):
        raise InputError.single("expected a mapping with key 'parameters'", file=file, row=1)
    extra = set(data) - {"parameters", "description"}
    probs: list[Problem] = [
        Problem(f"unknown key {echo(k)}", file, lines.get(k), k) for k in sorted(extra)
    ]
    out = []
    for name, spec in data["parameters"].items():
        d, p = _check(str(name), spec, file, lines.get(f"parameters.{name}"))
        probs += p
        if d is not None:
            out.append(d)
    if probs:
        raise InputError(probs)
    return out


def shipped_distributions_path() -> Path:
    """The shipped distribution file of the AI-circuit model."""
    return Path(str(resources.files("kreislauf.sfc") / "data" / "ai_circuit_uncertainty.yaml"))


def read_distributions(path: str | Path | None = None) -> list[Distribution]:
    """Read a distribution file (default: the AI-circuit one shipped with kreislauf)."""
    from kreislauf.sfc.ai_params import _compose

    p = Path(path) if path is not None else shipped_distributions_path()
    if not p.is_file():
        raise InputError.single("distribution file not found", file=str(p))
    data, lines = _compose(p.read_text(encoding="utf-8"), str(p))
    return parse_distributions(data, str(p), lines)


def draw(dists: list[Distribution], n: int, seed: int) -> dict[str, np.ndarray]:
    """``n`` draws of every parameter, reproducible from ``seed``.

    Parameters
    ----------
    dists : list of Distribution
    n : int
        Number of draws (>= 1).
    seed : int
        Seed of the :class:`numpy.random.SeedSequence` (one child generator per parameter).

    Returns
    -------
    dict
        Name -> array of shape (n,).
    """
    if type(n) is not int or n < 1:
        raise InputError.single(f"draws must be an integer >= 1, got {echo(n)}", field="draws")
    children = np.random.SeedSequence(seed).spawn(len(dists))
    out = {}
    for d, child in zip(dists, children, strict=True):
        u = np.random.default_rng(child).random(n)
        out[d.name] = d.ppf(np.clip(u, 1e-15, 1 - 1e-15))
    return out


@dataclass
class MonteCarloResult(Result):
    """A Monte Carlo run: every draw's paths, the draws, quantile bands.

    Attributes
    ----------
    names : list of str
        Variables along the last axis of ``values``.
    values : ndarray
        Shape (draws, periods, variables).
    draws : dict
        Parameter name -> the drawn values, shape (draws,).
    params : dict
        Constant parameters of the run, each (draws,).
    converged : ndarray
        (draws, periods) solver status.
    seed : int
    scenario : str or None
        Name of the scenario file applied to every draw.
    excluded : ndarray of bool, shape (draws,)
        Draws that diverged or broke the books (their values are NaN from the failing period
        on); quantiles, outcomes and the summary use the other draws and count these.
    """

    names: list[str]
    values: np.ndarray
    draws: dict[str, np.ndarray]
    params: dict[str, np.ndarray]
    converged: np.ndarray
    seed: int
    scenario: str | None = None
    start: pd.Period | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    excluded: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.excluded is None:
            self.excluded = np.zeros(self.values.shape[0], dtype=bool)

    @property
    def n_draws(self) -> int:
        """Number of draws."""
        return self.values.shape[0]

    @property
    def included(self) -> np.ndarray:
        """Draws kept (not excluded), shape (draws,)."""
        return ~np.asarray(self.excluded, dtype=bool)

    def path(self, variable: str) -> np.ndarray:
        """(draws, periods) paths of one variable."""
        if variable not in self.names:
            raise InputError.single(f"unknown variable {echo(variable)}", field="variable")
        return self.values[:, :, self.names.index(variable)]

    def quantiles(
        self, variables: list[str] | None = None, q: tuple[float, ...] = QUANTILES
    ) -> pd.DataFrame:
        """Quantile bands per period: variable, period, q05, q25, ... (columns per quantile)."""
        vs = variables or self.names
        rows = []
        for v in vs:
            kept = self.path(v)[self.included]
            if not len(kept):  # every draw excluded: no band (explicit NaN), never a guess
                kept = np.full((1, self.values.shape[1]), np.nan)
            qs = np.quantile(kept, q, axis=0)  # (len(q), T)
            for t in range(qs.shape[1]):
                rows.append(
                    {"variable": v, "period": t + 1}
                    | {_qname(x): qs[i, t] for i, x in enumerate(q)}
                )
        return pd.DataFrame(rows)

    def to_xarray(self) -> xr.DataArray:
        """The cube as ``xarray.DataArray`` (scenario = draw, period, variable)."""
        import xarray as xr

        return xr.DataArray(
            self.values,
            dims=("scenario", "period", "variable"),
            coords={
                "scenario": np.arange(self.n_draws),
                "period": np.arange(1, self.values.shape[1] + 1),
                "variable": self.names,
            },
            name="value",
        )

    def to_frame(self) -> pd.DataFrame:
        """Quantile bands of every variable (tidy by variable and period)."""
        return self.quantiles()

    def outcomes(self) -> pd.DataFrame:
        """Per draw: the drawn parameters, first default period (0 = none), wealth lost.

        The default and wealth columns need the AI-circuit variables (DEFL, VL, WO, ...)."""
        from kreislauf.sfc.burst import first_default, wealth_lost

        keep = self.included
        f = pd.DataFrame({k: np.asarray(v)[keep] for k, v in self.draws.items()})
        f.insert(0, "draw", np.arange(self.n_draws)[keep])
        if "DEFL" not in self.names:
            return f
        prm = {k: np.asarray(v)[keep] for k, v in self.params.items()}
        f["lab_default_period"] = first_default(self.names, self.values[keep])
        for k, v in wealth_lost(self.names, self.values[keep], prm).items():
            f[f"wealth_lost_{k}_usd_bn"] = v
        return f

    def summary(self) -> dict[str, Any]:
        """Default probability and timing, wealth lost quantiles, convergence."""
        o = self.outcomes()
        base = {
            "draws": self.n_draws,
            "seed": self.seed,
            "scenario": self.scenario,
            "periods": int(self.values.shape[1]),
            "all_converged": bool(self.converged[self.included].all()),
            "excluded_draws": int(np.sum(self.excluded)),
        }
        if "lab_default_period" not in o:
            return base
        d = o["lab_default_period"].to_numpy()
        hit = d[d > 0]
        tot = o["wealth_lost_total_usd_bn"].to_numpy()
        hp = (o["wealth_lost_households_usd_bn"] + o["wealth_lost_pensions_usd_bn"]).to_numpy()
        return base | {
            "lab_default_probability": float((d > 0).mean()),
            "lab_default_period_median": float(np.median(hit)) if hit.size else None,
            "wealth_lost_total_usd_bn": _qdict(tot),
            "wealth_lost_households_and_pensions_usd_bn": _qdict(hp),
        }

    def plot(self, variable: str | None = None) -> go.Figure:
        """Fan chart of one variable (default ``WAI`` if present, else the first one)."""
        import plotly.graph_objects as go

        if variable is None:
            variable = "WAI" if "WAI" in self.names else self.names[0]
        q = np.quantile(self.path(variable)[self.included], QUANTILES, axis=0)
        x = list(range(1, q.shape[1] + 1))
        if self.start is not None:
            x = [str(self.start + (t - 1)) for t in x]
        fig = go.Figure()
        for lo, hi, alpha in ((0, 4, 0.18), (1, 3, 0.35)):
            fig.add_scatter(x=x, y=q[hi], mode="lines", line={"width": 0}, showlegend=False)
            fig.add_scatter(
                x=x,
                y=q[lo],
                mode="lines",
                line={"width": 0},
                fill="tonexty",
                fillcolor=f"rgba(31,119,180,{alpha})",
                name=f"{int(QUANTILES[lo] * 100)}-{int(QUANTILES[hi] * 100)} %",
            )
        fig.add_scatter(x=x, y=q[2], mode="lines", line={"color": "rgb(31,119,180)"}, name="median")
        fig.update_layout(yaxis_title=variable, title=f"{variable}: {self.n_draws} draws")
        if self.start is not None:
            from kreislauf.sfc.axes import quarter_ticks

            quarter_ticks(fig, x)
        return fig


def _qname(x: float) -> str:
    return f"q{round(x * 100):02d}"


def _qdict(a: np.ndarray) -> dict[str, float]:
    return {_qname(x): float(np.quantile(a, x)) for x in QUANTILES}


Prepare = Callable[[dict[str, np.ndarray]], tuple[dict[str, Any], dict[str, Any]]]
"""Turns draws into engine overrides ``(params, initial)`` (e.g. recalibrating derived values)."""


def simulate_draws(
    model: Any,
    draws: dict[str, np.ndarray],
    periods: int,
    scenario: Any = None,
    prepare: Prepare | None = None,
    keep: tuple[str, ...] | None = None,
) -> tuple[list[str], np.ndarray, dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """One batched engine run of the given draws: (names, values, params, converged, excluded).

    A draw that diverges or breaks the books is excluded (``simulate(..., exclude=True)``).

    Parameters
    ----------
    model : Model
    draws : dict
        Parameter -> array (S,).
    periods : int
    scenario : Scenario, optional
    prepare : Recalibrate, optional
        The calibration the draws are fed into (the values are merged by
        :func:`kreislauf.sfc.precedence.resolve`); default: the draws are the parameter
        values as they stand.
    keep : tuple of str, optional
        Variables to return (default: all); fewer variables, less data to move.
    """
    from kreislauf.sfc import simulate

    if prepare is not None and not hasattr(prepare, "entries"):
        raise TypeError("prepare must be a Recalibrate (calibration entries) or None")
    res = simulate(
        model, periods, scenario=scenario, calibration=prepare, draws=draws, exclude=True
    )
    cube = res.cube
    if keep is not None:
        missing = [v for v in keep if v not in cube["variable"].values]
        if missing:
            raise InputError.single(f"unknown variables {missing}", field="keep")
        cube = cube.sel(variable=list(keep))
    names = [str(v) for v in cube["variable"].values]
    conv, failed = np.asarray(res.converged), np.asarray(res.failed)
    return names, np.ascontiguousarray(cube.values), res.params, conv, failed


def start_quarter(model: Any) -> pd.Period | None:
    """Calendar quarter of period 1 for the AI-circuit model, else None."""
    if getattr(model, "name", None) == "ai_circuit":
        from kreislauf.sfc.burst import START_QUARTER

        return START_QUARTER
    return None


def run_monte_carlo(
    model: Any,
    dists: list[Distribution],
    draws: int,
    seed: int,
    periods: int = 40,
    scenario: Any = None,
    prepare: Prepare | None = None,
    progress: Callable[[int, int], None] | None = None,
    keep: tuple[str, ...] | None = None,
) -> MonteCarloResult:
    """Draw the parameters and run all draws through the engine in one batched call.

    Parameters
    ----------
    model : Model
    dists : list of Distribution
    draws : int
    seed : int
        Seed of the generator (see :func:`draw`).
    periods : int
    scenario : Scenario, optional
        Applied to every draw.
    prepare : callable, optional
        Draws -> ``(params, initial)`` overrides; for the AI circuit
        :class:`kreislauf.sfc.ai_params.Recalibrate`, which recomputes the derived values.
    progress : callable, optional
        Called as ``progress(done, total)`` before and after the run.
    keep : tuple of str, optional
        Variables to keep (default all; :data:`kreislauf.sfc.burst.OUTCOME_VARS` suffice for
        defaults and wealth lost).

    Returns
    -------
    MonteCarloResult
    """
    x = draw(dists, draws, seed)
    if progress:
        progress(0, draws)
    names, values, prm, conv, failed = simulate_draws(model, x, periods, scenario, prepare, keep)
    if progress:
        progress(draws, draws)
    return MonteCarloResult(
        names, values, x, prm, conv, seed, getattr(scenario, "name", None), start_quarter(model),
        excluded=failed,
    )  # fmt: skip
