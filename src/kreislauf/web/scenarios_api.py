"""The scenarios page's API: SFC models, their parameters, runs against the baseline, Monte Carlo.

Each shipped model gets its own operations (``/api/scenarios/{model}/run`` and
``/montecarlo``) whose bodies are built from the model file: ``params`` has one optional
property per parameter (and per constant exogenous variable) with its value, source and the
page's range, ``scenario`` is the enum of the shipped scenario files that fit the model. So
the OpenAPI document states what can be changed, and an unknown parameter is a 422 naming it.
"""

import threading
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, ConfigDict, Field, create_model

from kreislauf.errors import InputError
from kreislauf.results import to_jsonable
from kreislauf.web.app import WholeInt
from kreislauf.web.jobs import Cancelled

if TYPE_CHECKING:
    from kreislauf.web.app import Context

MODELS_ORDER = ("ai_circuit", "sim", "pc")
# The variables drawn first for each shipped model (others can be picked on the page).
KEY_VARIABLES: dict[str, tuple[str, ...]] = {
    "sim": ("Y", "YD", "Cd", "Hh"),
    "pc": ("Y", "YD", "V", "Bh", "Hh"),
    "ai_circuit": ("VL", "DEFL", "LOSS", "PD", "VH", "VV"),
}
PERIODS_MAX = 120  # 30 years of quarters; keeps one run well under a second
DRAWS = (10, 10_000)
CHUNK = 250  # Monte Carlo draws per batched simulate call (progress and cancel between chunks)
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
ACTIVE_JOBS_MAX = 2  # as many as the job pool runs at once
RETRY_AFTER_S = 5  # a 429's Retry-After: about one short Monte Carlo job
VARIABLES_MAX = 8


def slider_range(value: float, seen: tuple[float, ...] = ()) -> tuple[float, float]:
    """The range the page offers for a parameter of file value ``value`` (an assumption).

    Shares and rates in ``(0, 1]`` range over ``[0, 1]``; larger values over ``[v/4, 4v]``
    (never through zero: lives, durations and levels stay positive); negative values over
    ``[4v, v/4]``; zero (switches and shocks) over ``[-1, 1]``. The range is widened to hold
    every value a shipped scenario file sets (``seen``). This is the page's choice for
    sliders, not a property of the model: the library takes any value.
    """
    if 0 < value <= 1:
        lo, hi = 0.0, 1.0
    elif value > 1:
        lo, hi = value / 4.0, 4.0 * value
    elif value < 0:
        lo, hi = 4.0 * value, value / 4.0
    else:
        lo, hi = -1.0, 1.0
    for v in seen:
        lo, hi = min(lo, v), max(hi, v)
    return lo, hi


def _scenario_values(scenarios: dict[str, Any]) -> dict[str, list[float]]:
    """Every value the scenario files set a parameter to (their ``params``)."""
    out: dict[str, list[float]] = {}
    for sc in scenarios.values():
        for k, v in sc.params.items():
            out.setdefault(k, []).extend(float(x) for x in np.atleast_1d(v))
    return out


def _shock_ops(scenarios: dict[str, Any], name: str) -> list[tuple[float, str]]:
    """Scalar shock values of ``name`` in the scenario files, with their operation."""
    return [
        (float(sh.value), sh.op)
        for sc in scenarios.values()
        for sh in sc.shocks
        if sh.var == name and np.ndim(sh.value) == 0 and sh.op in ("set", "add")
    ]


@dataclass
class Adjustable:
    """A parameter, calibration entry or constant exogenous variable the page lets one change."""

    name: str
    kind: str  # parameter | exogenous | data | atlas | assumption (a calibration entry's kind)
    value: float
    source: str | None
    low: float
    high: float
    unit: str | None = None

    def public(self) -> dict[str, Any]:
        """As the models endpoint lists it."""
        return {
            "name": self.name,
            "kind": self.kind,
            "value": self.value,
            "unit": self.unit,
            "source": self.source,
            "min": self.low,
            "max": self.high,
        }


@dataclass
class ModelEntry:
    """One shipped model with what the page needs: adjustables, scenario files, variables.

    ``calibration`` (the AI circuit's entries, :mod:`kreislauf.sfc.ai_params`) is the
    recalibration layer of every run (:func:`kreislauf.sfc.precedence.resolve`);
    ``distributions`` are the model's declared Monte Carlo ranges (its uncertainty file).
    """

    name: str
    model: Any
    adjustables: dict[str, Adjustable]
    scenarios: dict[str, Any]
    key_variables: tuple[str, ...]
    variables: tuple[str, ...]
    calibration: list[Any] | None = None
    distributions: list[Any] = field(default_factory=list)

    def public(self) -> dict[str, Any]:
        """As the models endpoint lists it."""
        m = self.model
        return {
            "name": self.name,
            "title": m.title or m.name,
            "source": m.source,
            "frequency": m.frequency,
            "parameters": [a.public() for a in self.adjustables.values()],
            "scenarios": [
                {
                    "id": k,
                    "name": s.name,
                    "description": s.description,
                    "params": to_jsonable(dict(s.params)),
                    "shocks": len(s.shocks),
                }
                for k, s in self.scenarios.items()
            ],
            "variables": list(self.variables),
            "key_variables": list(self.key_variables),
            "wealth": "holders" if self.calibration is not None else "sectors",
            "distributions": [
                {"name": d.name, "dist": d.dist, "low": d.low, "high": d.high, "source": d.source}
                for d in self.distributions
            ],
        }


def _scenario_files() -> list[Path]:
    root = resources.files("kreislauf.sfc") / "scenarios"
    if not root.is_dir():
        return []
    return sorted(Path(str(p)) for p in root.iterdir() if p.name.endswith((".yaml", ".yml")))


def _fits(model: Any, scenario: Any) -> bool:
    known = set(model.parameters) | set(model.exogenous)
    return set(scenario.params) <= known and all(s.var in known for s in scenario.shocks)


def _adjustables(
    model: Any, fitting: dict[str, Any], calibration: list[Any] | None, dists: list[Any]
) -> dict[str, Adjustable]:
    """What the page offers to change, with sources and slider ranges."""
    seen = _scenario_values(fitting)
    bounds = {d.name: (d.low, d.high) for d in dists}

    def rng(name: str, value: float) -> tuple[float, float]:
        shocked = [x if op != "add" else value + x for x, op in _shock_ops(fitting, name)]
        extra = [b for b in bounds.get(name, ()) if b is not None]
        return slider_range(value, tuple(seen.get(name, [])) + tuple(shocked) + tuple(extra))

    out: dict[str, Adjustable] = {}
    if calibration is not None:  # the calibration's raw entries stand for the model's values
        for e in calibration:
            if e.kind == "derived" or e.name == "COMMIT" or not np.isscalar(e.value):
                continue
            lo, hi = rng(e.name, float(e.value))
            out[e.name] = Adjustable(
                e.name, e.kind, float(e.value), _source_text(e), lo, hi, e.unit
            )
        sets = (("exogenous", model.exogenous),)
    else:
        sets = (("parameter", model.parameters), ("exogenous", model.exogenous))
    for kind, values in sets:
        for pname, v in values.items():
            if isinstance(v.value, tuple) or pname in out:  # a time path: not a single slider
                continue
            lo, hi = rng(pname, float(v.value))
            out[pname] = Adjustable(pname, kind, float(v.value), v.source, lo, hi)
    return out


def _source_text(e: Any) -> str | None:
    """A calibration entry's source, or its assumption with the reason given for it."""
    if e.source == "assumption" and e.rationale:
        return f"assumption: {e.rationale}"
    return e.source or e.rationale


def load_entries() -> tuple[dict[str, ModelEntry], list[str]]:
    """The shipped models and scenario files; problems (a model that fails to load) listed."""
    from kreislauf.sfc import load_model, load_scenario, shipped_models

    problems: list[str] = []
    scenarios = {}
    for path in _scenario_files():
        try:
            scenarios[path.stem] = load_scenario(path)
        except InputError as err:
            problems.extend(str(p) for p in err.problems)
    names = [n for n in MODELS_ORDER if n in shipped_models()]
    names += [n for n in shipped_models() if n not in names]
    entries = {}
    for name in names:
        try:
            model = load_model(name)
            calibration, dists = _calibration(name)
        except InputError as err:
            problems.extend(str(p) for p in err.problems)
            continue
        except Exception as err:  # a model in the making must not take the dashboard down:
            problems.append(f"{name}: {type(err).__name__}: {err}")  # listed on the page
            continue
        fitting = {k: sc for k, sc in scenarios.items() if _fits(model, sc)}
        variables = tuple(model.endogenous) + tuple(model.exogenous)
        keys = tuple(v for v in KEY_VARIABLES.get(name, ()) if v in variables)
        entries[name] = ModelEntry(
            name,
            model,
            _adjustables(model, fitting, calibration, dists),
            fitting,
            keys or tuple(model.endogenous[:4]),
            variables,
            calibration,
            dists,
        )
    return entries, problems


def _calibration(name: str) -> tuple[list[Any] | None, list[Any]]:
    """The AI circuit's calibration entries and declared distributions (other models: none)."""
    if name != "ai_circuit":
        return None, []
    from kreislauf.sfc.ai_params import load_calibration
    from kreislauf.sfc.montecarlo import read_distributions

    return list(load_calibration(periods=PERIODS_MAX).entries), read_distributions()


# ------------------------------------------------------------------------------ requests
def _bodies(entry: ModelEntry) -> tuple[type[BaseModel], type[BaseModel]]:
    """The run and Monte Carlo bodies of one model, built from its file."""
    strict = ConfigDict(strict=True, extra="forbid")
    tag = "".join(p.title() for p in entry.name.split("_"))
    fields: dict[str, Any] = {}
    for a in entry.adjustables.values():
        doc = f"{a.kind}; value {a.value:g}; source: {a.source or 'none given'}"
        fields[a.name] = (float | None, Field(None, ge=a.low, le=a.high, description=doc))
    params = create_model(f"{tag}Params", __config__=strict, **fields)
    scenario_t: Any = Literal[tuple(entry.scenarios)] | None if entry.scenarios else type(None)
    variable_t: Any = Literal[tuple(entry.variables)]
    adjustable_t: Any = Literal[tuple(entry.adjustables)]
    common: dict[str, Any] = {
        "scenario": (scenario_t, Field(None, description="A shipped scenario file.")),
        "periods": (WholeInt, Field(40, ge=1, le=PERIODS_MAX, description="Periods to solve.")),
        "params": (params, Field(default_factory=params, description="Changed values.")),
        "variables": (
            list[variable_t] | None,
            Field(None, max_length=VARIABLES_MAX, description="Variables to return."),
        ),
    }
    run = create_model(f"{tag}Run", __config__=strict, **common)
    mc_fields: dict[str, Any] = {
        "draws": (WholeInt, Field(500, ge=DRAWS[0], le=DRAWS[1], description="Monte Carlo draws.")),
        "vary": (
            list[adjustable_t],
            Field(
                default_factory=list,
                min_length=0 if entry.distributions else 1,
                max_length=20,
                description="Values drawn uniformly on value x (1 +- spread).",
            ),
        ),
        "spread": (float, Field(0.2, gt=0.0, le=0.9, description="Half-width of those draws.")),
        "seed": (WholeInt, Field(0, ge=0, le=2**31 - 1)),
    }
    if entry.distributions:
        mc_fields["declared"] = (
            bool,
            Field(True, description="Draw the model's declared distributions (uncertainty file)."),
        )
    mc = create_model(f"{tag}MonteCarlo", __config__=strict, **common, **mc_fields)
    return run, mc


def _changed(body: Any) -> dict[str, float]:
    return {k: v for k, v in body.params.model_dump().items() if v is not None}


def _simulate(
    entry: ModelEntry,
    periods: int,
    values: dict[str, Any],
    scen: Any,
    strict: str | None = None,
    draws: dict[str, Any] | None = None,
    exclude: bool = False,
) -> Any:
    """Run the model with changed ``values`` and ``draws`` (the calibration, where there is
    one, is the layer below the scenario: :func:`kreislauf.sfc.precedence.resolve`)."""
    from kreislauf.sfc import simulate

    with np.errstate(all="ignore"):  # extreme values: reported as not runnable or excluded
        return simulate(
            entry.model,
            periods,
            params=values or None,
            scenario=scen,
            strict=strict,
            calibration=entry.calibration,
            draws=draws,
            exclude=exclude,
        )


def _wealth(entry: ModelEntry, res: Any) -> dict[str, Any]:
    """Wealth by holder (AI circuit: market value held, kreislauf.sfc.burst) or net worth by
    sector (from the balance sheets), per period, for scenario 0."""
    if entry.calibration is not None:
        from kreislauf.sfc.burst import holder_values

        cube = np.transpose(res.frame.V[1:], (2, 0, 1))  # (scenario, period, variable)
        vals = holder_values(list(res.variables), cube, res.params)
        return {k: to_jsonable(v[0]) for k, v in vals.items()}
    out: dict[str, list[Any]] = {s: [] for s in entry.model.sectors}
    for t in range(1, res.periods + 1):
        bs = res.balance_sheet(t, 0)
        for s in out:
            out[s].append(float(bs.loc["net worth", s]) if s in bs.columns else None)
    return {k: to_jsonable(v) for k, v in out.items()}


def _run(
    entry: ModelEntry, periods: int, values: dict[str, Any], scen: Any, variables: list[str]
) -> dict[str, Any]:
    """One deterministic run, as the API returns it (``ok`` false when the books break)."""
    from kreislauf.sfc import AccountingError

    try:
        res = _simulate(entry, periods, values, scen)
    except (AccountingError, InputError) as err:
        # the body was valid; the model cannot run at these values (e.g. a zero life makes a
        # derived value infinite): say so beside the baseline rather than reject the request
        why = "the books do not balance" if isinstance(err, AccountingError) else "not runnable"
        return {
            "ok": False,
            "error": f"{why}: {err}",
            "paths": {},
            "wealth": {},
            "summary": None,
        }
    summary = {k: v for k, v in res.summary().items() if k != "final"}
    converged = bool(res.converged.all())
    return {
        "ok": converged,
        "error": None if converged else "the solver did not converge in some periods",
        "paths": {v: to_jsonable(res.path(v)[0]) for v in variables},
        "wealth": _wealth(entry, res),
        "summary": to_jsonable(summary),
    }


# -------------------------------------------------------------------------------- routes
def register(app: FastAPI, ctx: "Context") -> None:
    """Add the scenario endpoints to ``app`` (one run and one Monte Carlo operation per model)."""
    try:
        entries, problems = load_entries()
    except ImportError as err:  # the SFC engine is not installed in this tree
        entries, problems = {}, [f"the SFC engine is not available: {err}"]
    app.state.scenario_models = entries
    state = _State()

    @app.get("/api/scenarios/models", tags=["scenarios"])
    def scenario_models() -> dict[str, Any]:
        """The shipped SFC models: adjustable values with sources and ranges, scenario files."""
        return {"models": [e.public() for e in entries.values()], "problems": problems}

    for entry in entries.values():
        _register_model(app, ctx, entry, state)


@dataclass
class _State:
    """What the scenario routes of one app share: the active jobs (runs: ``ctx.memo``)."""

    active: list[Any] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


BAD_BODY: dict[int | str, dict[str, Any]] = {
    400: {"description": "The request body is not valid JSON."}
}
JOB_RESPONSES: dict[int | str, dict[str, Any]] = {
    **BAD_BODY,
    429: {
        "description": f"{ACTIVE_JOBS_MAX} scenario jobs are already queued or running "
        "(the Retry-After header says when to try again)."
    },
}


def _register_model(app: FastAPI, ctx: "Context", entry: ModelEntry, state: _State) -> None:
    RunBody, McBody = _bodies(entry)
    name = entry.name

    def shipped(scenario: str | None, periods: int) -> dict[str, Any]:
        """The baseline's or a shipped scenario file's run, computed once per app and length
        (the app's memo: a shipped run depends only on the model and the file)."""
        scen = entry.scenarios.get(scenario) if scenario else None

        def compute() -> dict[str, Any]:
            return _run(entry, periods, {}, scen, list(entry.variables))

        return ctx.memo.get(("sfc", name, scenario, periods), compute)

    def cut(full: dict[str, Any], periods: int) -> dict[str, Any]:
        """The first ``periods`` periods of a PERIODS_MAX run (a period depends only on
        earlier ones, so the cut equals a shorter run); the figures are the short run's."""
        return {
            "ok": full["ok"],
            "error": full["error"],
            "paths": {v: p[:periods] for v, p in full["paths"].items()},
            "wealth": {k: p[:periods] for k, p in full["wealth"].items()},
            "summary": None,
        }

    def baseline(periods: int) -> dict[str, Any]:
        """The baseline's first ``periods`` periods (summary: that of the run beside it)."""
        return cut(shipped(None, PERIODS_MAX), periods)

    def pick(out: dict[str, Any], variables: list[str]) -> dict[str, Any]:
        return {**out, "paths": {v: out["paths"].get(v) for v in variables}}

    def run(body: RunBody) -> dict[str, Any]:  # type: ignore[valid-type]
        variables = list(body.variables or entry.key_variables)
        scen = entry.scenarios.get(body.scenario) if body.scenario else None
        changed = _changed(body)
        return {
            "model": name,
            "periods": list(range(1, body.periods + 1)),
            "variables": variables,
            "scenario_file": body.scenario,
            "changed": changed,
            "baseline": pick(baseline(body.periods), variables),
            "scenario": _scenario_run(entry, body.periods, changed, scen, variables, shipped),
        }

    run.__doc__ = f"Run {name} with a scenario file and changed values, beside its baseline."
    app.post(
        f"/api/scenarios/{name}/run",
        tags=["scenarios"],
        responses=BAD_BODY,
        operation_id=f"scenarios_{name}_run",
    )(run)

    def montecarlo(body: McBody) -> dict[str, Any]:  # type: ignore[valid-type]
        variables = list(body.variables or entry.key_variables)
        scen = entry.scenarios.get(body.scenario) if body.scenario else None
        changed = _changed(body)
        base_run = baseline(body.periods)
        declared = bool(getattr(body, "declared", False))

        def work(progress: Any, cancelled: Any) -> dict[str, Any]:
            return _montecarlo(
                entry, body, scen, changed, declared, variables, base_run, progress, cancelled
            )

        with state.lock:
            state.active[:] = [j for j in state.active if j.status in ("queued", "running")]
            if len(state.active) >= ACTIVE_JOBS_MAX:
                raise HTTPException(
                    429,
                    f"{len(state.active)} scenario jobs are queued or running; cancel one",
                    headers={"Retry-After": str(RETRY_AFTER_S)},
                )
            job = ctx.jobs.submit(f"montecarlo-{name}", work)
            state.active.append(job)
        return job.public()

    montecarlo.__doc__ = (
        f"Start a Monte Carlo sweep of {name}; poll ``/api/jobs/{{id}}``, cancel with DELETE."
    )
    app.post(
        f"/api/scenarios/{name}/montecarlo",
        tags=["scenarios", "jobs"],
        status_code=202,
        responses=JOB_RESPONSES,
        operation_id=f"scenarios_{name}_montecarlo",
    )(montecarlo)


def _scenario_run(
    entry: ModelEntry,
    periods: int,
    changed: dict[str, Any],
    scen: Any,
    variables: list[str],
    shipped: Any,
) -> dict[str, Any]:
    """A run with changed values (computed), or a shipped file's run (from the app's memo)."""
    if changed:
        return _run(entry, periods, changed, scen, variables)
    sid = next((k for k, v in entry.scenarios.items() if v is scen), None)
    out = shipped(sid, periods)
    return {**out, "paths": {v: out["paths"].get(v) for v in variables if v in out["paths"]}}


def _draws(
    entry: ModelEntry, body: Any, changed: dict[str, float], declared: bool
) -> tuple[dict[str, np.ndarray], list[str]]:
    """The drawn values: the declared distributions (first), then uniform draws of ``vary``."""
    n, notes, out = body.draws, [], {}
    if declared:
        from kreislauf.sfc.montecarlo import draw

        for k, v in draw(entry.distributions, n, body.seed).items():
            if k in changed:
                notes.append(f"{k}: held at your value {changed[k]:g} (not drawn)")
            else:
                out[k] = v
    rng = np.random.default_rng(body.seed)
    for p in dict.fromkeys(body.vary):
        a = entry.adjustables[p]
        centre = changed.get(p, a.value)
        u = rng.uniform(-1.0, 1.0, size=n)
        if p in out:
            notes.append(f"{p}: declared distribution replaced by uniform draws")
        out[p] = np.clip(centre * (1.0 + body.spread * u), a.low, a.high)
        if centre == 0:
            notes.append(f"{p}: its value is 0, so relative draws leave it at 0")
    return out, notes


def _montecarlo(
    entry: ModelEntry,
    body: Any,
    scen: Any,
    changed: dict[str, float],
    declared: bool,
    variables: list[str],
    base_run: dict[str, Any],
    progress: Any,
    cancelled: Any,
) -> dict[str, Any]:
    """The Monte Carlo job: chunks of draws through the batched engine, quantile bands."""
    n, T = body.draws, body.periods
    drawn, notes = _draws(entry, body, changed, declared)
    fixed = {k: v for k, v in changed.items() if k not in drawn}
    paths = {v: np.full((n, T), np.nan, dtype=np.float32) for v in variables}
    broken = np.zeros(n, dtype=bool)
    for start in range(0, n, CHUNK):
        if cancelled():
            raise Cancelled
        sl = slice(start, min(n, start + CHUNK))
        chunk = {p: d[sl] for p, d in drawn.items()}
        res = _simulate(entry, T, fixed, scen, draws=chunk, exclude=True)
        for v in variables:
            paths[v][sl] = res.path(v)
        broken[sl] = res.failed
        progress(sl.stop / n)
    ok = ~broken
    bands: dict[str, Any] = {}
    for v in variables:
        good = paths[v][ok].astype(float)
        if not len(good):
            bands[v] = None
            continue
        q = np.nanquantile(good, QUANTILES, axis=0)
        bands[v] = {f"p{round(100 * qq):02d}": to_jsonable(q[i]) for i, qq in enumerate(QUANTILES)}
    return {
        "model": entry.name,
        "periods": list(range(1, T + 1)),
        "variables": variables,
        "draws": n,
        "excluded": int(broken.sum()),
        "excluded_reason": "diverged, not solved or the books do not balance",
        "drawn": sorted(drawn),
        "declared": declared,
        "spread": body.spread,
        "seed": body.seed,
        "bands": bands,
        "baseline": {v: base_run["paths"].get(v) for v in variables},
        "notes": notes,
    }
