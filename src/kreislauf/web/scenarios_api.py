"""The scenarios page's API: SFC models, their parameters, runs against the baseline, Monte Carlo.

Each shipped model gets its own operations (``/api/scenarios/{model}/run`` and
``/montecarlo``) whose bodies are built from the model file: ``params`` has one optional
property per parameter (and per constant exogenous variable) with its value, source and the
page's range, ``scenario`` is the enum of the shipped scenario files that fit the model. So
the OpenAPI document states what can be changed, and an unknown parameter is a 422 naming it.
"""

import threading
import warnings
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
PERIODS_MAX = 200
DRAWS = (10, 10_000)
CHUNK = 250  # Monte Carlo draws per batched simulate call (progress and cancel between chunks)
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
ACTIVE_JOBS_MAX = 4
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
    """A parameter or constant exogenous variable the page lets the user change."""

    name: str
    kind: str  # "parameter" or "exogenous"
    value: float
    source: str | None
    low: float
    high: float

    def public(self) -> dict[str, Any]:
        """As the models endpoint lists it."""
        return {
            "name": self.name,
            "kind": self.kind,
            "value": self.value,
            "source": self.source,
            "min": self.low,
            "max": self.high,
        }


@dataclass
class ModelEntry:
    """One shipped model with what the page needs: adjustables, scenario files, variables."""

    name: str
    model: Any
    adjustables: dict[str, Adjustable]
    scenarios: dict[str, Any]
    key_variables: tuple[str, ...]
    sectors: tuple[str, ...]
    variables: tuple[str, ...] = field(default=())

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
            "sectors": list(self.sectors),
        }


def _scenario_files() -> list[Path]:
    root = resources.files("kreislauf.sfc") / "scenarios"
    if not root.is_dir():
        return []
    return sorted(Path(str(p)) for p in root.iterdir() if p.name.endswith((".yaml", ".yml")))


def _fits(model: Any, scenario: Any) -> bool:
    known = set(model.parameters) | set(model.exogenous)
    return set(scenario.params) <= known and all(s.var in known for s in scenario.shocks)


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
        except InputError as err:
            problems.extend(str(p) for p in err.problems)
            continue
        adj: dict[str, Adjustable] = {}
        fitting = {k: s for k, s in scenarios.items() if _fits(model, s)}
        seen = _scenario_values(fitting)
        for kind, values in (("parameter", model.parameters), ("exogenous", model.exogenous)):
            for pname, v in values.items():
                if isinstance(v.value, tuple):  # a time path: not a single slider
                    continue
                shocked = [
                    x if op != "add" else float(v.value) + x for x, op in _shock_ops(fitting, pname)
                ]
                lo, hi = slider_range(float(v.value), tuple(seen.get(pname, [])) + tuple(shocked))
                adj[pname] = Adjustable(pname, kind, float(v.value), v.source, lo, hi)
        variables = tuple(model.endogenous) + tuple(model.exogenous)
        keys = tuple(v for v in KEY_VARIABLES.get(name, ()) if v in variables)
        entries[name] = ModelEntry(
            name,
            model,
            adj,
            fitting,
            keys or tuple(model.endogenous[:4]),
            tuple(model.sectors),
            variables,
        )
    return entries, problems


# ------------------------------------------------------------------------------ requests
def _bodies(entry: ModelEntry) -> tuple[type[BaseModel], type[BaseModel]]:
    """The run and Monte Carlo bodies of one model, built from its file."""
    strict = ConfigDict(strict=True, extra="forbid")
    tag = "".join(p.title() for p in entry.name.split("_"))
    fields: dict[str, Any] = {
        a.name: (
            float | None,
            Field(
                None,
                ge=a.low,
                le=a.high,
                description=f"{a.kind}; file value {a.value:g}; source: {a.source or 'none given'}",
            ),
        )
        for a in entry.adjustables.values()
    }
    params = create_model(f"{tag}Params", __config__=strict, **fields)
    scenario_t: Any = Literal[tuple(entry.scenarios)] | None if entry.scenarios else type(None)
    variable_t: Any = Literal[tuple(entry.variables)]
    adjustable_t: Any = Literal[tuple(entry.adjustables)] if entry.adjustables else str
    common: dict[str, Any] = {
        "scenario": (scenario_t, Field(None, description="A shipped scenario file.")),
        "periods": (WholeInt, Field(40, ge=1, le=PERIODS_MAX, description="Periods to solve.")),
        "params": (params, Field(default_factory=params, description="Parameter overrides.")),
        "variables": (
            list[variable_t] | None,
            Field(None, max_length=VARIABLES_MAX, description="Variables to return."),
        ),
    }
    run = create_model(f"{tag}Run", __config__=strict, **common)
    mc = create_model(
        f"{tag}MonteCarlo",
        __config__=strict,
        **common,
        draws=(WholeInt, Field(500, ge=DRAWS[0], le=DRAWS[1], description="Monte Carlo draws.")),
        vary=(
            list[adjustable_t],
            Field(min_length=1, max_length=20, description="Parameters drawn at random."),
        ),
        spread=(
            float,
            Field(0.2, gt=0.0, le=0.9, description="Uniform draws on value x (1 +- spread)."),
        ),
        seed=(WholeInt, Field(0, ge=0, le=2**31 - 1)),
    )
    return run, mc


def _overrides(entry: ModelEntry, body: Any) -> dict[str, float]:
    return {k: v for k, v in body.params.model_dump().items() if v is not None}


def _net_worth(res: Any, sectors: tuple[str, ...], scenario: int = 0) -> dict[str, list[Any]]:
    """Net worth of each sector per period (from the balance sheets)."""
    out: dict[str, list[Any]] = {s: [] for s in sectors}
    for t in range(1, res.periods + 1):
        bs = res.balance_sheet(t, scenario)
        for s in sectors:
            out[s].append(float(bs.loc["net worth", s]) if s in bs.columns else None)
    return out


# -------------------------------------------------------------------------------- routes
def register(app: FastAPI, ctx: "Context") -> None:
    """Add the scenario endpoints to ``app`` (one run and one Monte Carlo operation per model)."""
    try:
        entries, problems = load_entries()
    except ImportError as err:  # the SFC engine is not installed in this tree
        entries, problems = {}, [f"the SFC engine is not available: {err}"]
    app.state.scenario_models = entries
    from kreislauf.web.jobs import Job

    active: list[Job] = []
    lock = threading.Lock()
    baselines: dict[tuple[str, int], dict[str, Any]] = {}
    bad_body = {400: {"description": "The request body is not valid JSON."}}
    job_responses: dict[int | str, dict[str, Any]] = {
        **bad_body,
        429: {"description": f"{ACTIVE_JOBS_MAX} scenario jobs are already queued or running."},
    }

    @app.get("/api/scenarios/models", tags=["scenarios"])
    def scenario_models() -> dict[str, Any]:
        """The shipped SFC models: adjustable parameters with sources and ranges, scenarios."""
        return {"models": [e.public() for e in entries.values()], "problems": problems}

    for entry in entries.values():
        _register_model(app, ctx, entry, active, lock, baselines, bad_body, job_responses)


def _run(
    entry: ModelEntry, periods: int, overrides: dict[str, Any], scenario: Any, variables: list[str]
) -> dict[str, Any]:
    """One deterministic run, as the API returns it (``ok`` false when the books break)."""
    from kreislauf.sfc import AccountingError, simulate

    try:
        res = simulate(entry.model, periods=periods, params=overrides or None, scenario=scenario)
    except AccountingError as err:
        return {
            "ok": False,
            "error": f"the books do not balance: {err}",
            "paths": {},
            "net_worth": {},
            "summary": None,
        }
    summary = {k: v for k, v in res.summary().items() if k != "final"}
    converged = bool(res.converged.all())
    return {
        "ok": converged,
        "error": None if converged else "the solver did not converge in some periods",
        "paths": {v: to_jsonable(res.path(v)[0]) for v in variables},
        "net_worth": to_jsonable(_net_worth(res, entry.sectors)),
        "summary": to_jsonable(summary),
    }


def _register_model(
    app: FastAPI,
    ctx: "Context",
    entry: ModelEntry,
    active: list[Any],
    lock: threading.Lock,
    baselines: dict[tuple[str, int], dict[str, Any]],
    bad_body: dict[int | str, dict[str, Any]],
    job_responses: dict[int | str, dict[str, Any]],
) -> None:
    RunBody, McBody = _bodies(entry)
    name = entry.name

    def baseline(periods: int) -> dict[str, Any]:
        key = (name, periods)
        if key not in baselines:
            baselines[key] = _run(entry, periods, {}, None, list(entry.variables))
        return baselines[key]

    def pick(out: dict[str, Any], variables: list[str]) -> dict[str, Any]:
        return {**out, "paths": {v: out["paths"].get(v) for v in variables}}

    def run(body: RunBody) -> dict[str, Any]:  # type: ignore[valid-type]
        variables = list(body.variables or entry.key_variables)
        scen = entry.scenarios.get(body.scenario) if body.scenario else None
        overrides = _overrides(entry, body)
        return {
            "model": name,
            "periods": list(range(1, body.periods + 1)),
            "variables": variables,
            "scenario_file": body.scenario,
            "overrides": overrides,
            "baseline": pick(baseline(body.periods), variables),
            "scenario": _run(entry, body.periods, overrides, scen, variables),
        }

    run.__doc__ = f"Run {name} with the chosen scenario file and parameters, beside its baseline."
    app.post(
        f"/api/scenarios/{name}/run",
        tags=["scenarios"],
        responses=bad_body,
        operation_id=f"scenarios_{name}_run",
    )(run)

    def montecarlo(body: McBody) -> dict[str, Any]:  # type: ignore[valid-type]
        variables = list(body.variables or entry.key_variables)
        scen = entry.scenarios.get(body.scenario) if body.scenario else None
        overrides = _overrides(entry, body)
        vary = list(dict.fromkeys(body.vary))
        base_run = baseline(body.periods)
        n, T = body.draws, body.periods

        def work(progress: Any, cancelled: Any) -> dict[str, Any]:
            from kreislauf.sfc import AccountingWarning, simulate

            rng = np.random.default_rng(body.seed)
            drawn = {}
            for p in vary:
                a = entry.adjustables[p]
                centre = overrides.get(p, a.value)
                u = rng.uniform(-1.0, 1.0, size=n)
                drawn[p] = np.clip(centre * (1.0 + body.spread * u), a.low, a.high)
            paths = {v: np.full((n, T), np.nan, dtype=np.float32) for v in variables}
            broken = np.zeros(n, dtype=bool)
            for start in range(0, n, CHUNK):
                if cancelled():
                    raise Cancelled
                sl = slice(start, min(n, start + CHUNK))
                params = {**overrides, **{p: d[sl] for p, d in drawn.items()}}
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", AccountingWarning)
                    res = simulate(
                        entry.model, periods=T, params=params, scenario=scen, strict="warn"
                    )
                for v in variables:
                    paths[v][sl] = res.path(v)
                broken[sl] = ~res.converged.all(axis=1) | (res.residual > res.tol).any(axis=1)
                progress(sl.stop / n)
            ok = ~broken
            bands = {}
            for v in variables:
                good = paths[v][ok]
                if len(good):
                    q = np.nanquantile(good, QUANTILES, axis=0)
                    bands[v] = {
                        f"p{round(100 * qq):02d}": to_jsonable(q[i])
                        for i, qq in enumerate(QUANTILES)
                    }
                else:
                    bands[v] = None
            notes = [
                f"{p}: its value is 0, so relative draws leave it at 0"
                for p in vary
                if overrides.get(p, entry.adjustables[p].value) == 0
            ]
            return {
                "model": name,
                "periods": list(range(1, T + 1)),
                "variables": variables,
                "draws": n,
                "excluded": int(broken.sum()),
                "excluded_reason": "not converged or accounting residual above tolerance",
                "vary": vary,
                "spread": body.spread,
                "seed": body.seed,
                "bands": bands,
                "baseline": {v: base_run["paths"].get(v) for v in variables},
                "notes": notes,
            }

        with lock:
            active[:] = [j for j in active if j.status in ("queued", "running")]
            if len(active) >= ACTIVE_JOBS_MAX:
                raise HTTPException(
                    429, f"{len(active)} scenario jobs are queued or running; cancel one or wait"
                )
            job = ctx.jobs.submit(f"montecarlo-{name}", work)
            active.append(job)
        return job.public()

    montecarlo.__doc__ = (
        f"Start a Monte Carlo sweep of {name} (uniform draws around the chosen values); "
        "poll ``/api/jobs/{id}``, cancel with DELETE."
    )
    app.post(
        f"/api/scenarios/{name}/montecarlo",
        tags=["scenarios", "jobs"],
        status_code=202,
        responses=job_responses,
        operation_id=f"scenarios_{name}_montecarlo",
    )(montecarlo)


# ---------------------------------------------------------------------------------- page
_STRINGS = {
    "intro": (
        "Stock-flow-consistent models: pick a model and a shipped scenario, change the "
        "parameters (each with its source), run, and compare with the baseline. The Monte Carlo "
        "sweep draws the ticked parameters around your values and shows quantile bands.",
        "Stock-Flow-konsistente Modelle: Modell und mitgeliefertes Szenario wählen, Parameter "
        "ändern (jeder mit Quelle), rechnen und mit dem Basislauf vergleichen. Die "
        "Monte-Carlo-Reihe zieht die angekreuzten Parameter um Ihre Werte und zeigt Quantilbänder.",
    ),
    "no_engine": (
        "No SFC model could be loaded:",
        "Kein SFC-Modell konnte geladen werden:",
    ),
    "model": ("Model", "Modell"),
    "scenario": ("Scenario file", "Szenariodatei"),
    "none": ("none (baseline + your changes)", "keine (Basislauf + Ihre Änderungen)"),
    "periods": ("Periods", "Perioden"),
    "parameter": ("parameter", "Parameter"),
    "value": ("value", "Wert"),
    "file_value": ("file value", "Dateiwert"),
    "source": ("source", "Quelle"),
    "vary": ("vary", "variieren"),
    "variables": ("Variables", "Variablen"),
    "run": ("Run", "Rechnen"),
    "reset": ("Reset to file values", "Dateiwerte wiederherstellen"),
    "draws": ("draws", "Ziehungen"),
    "spread": ("spread ±", "Spanne ±"),
    "seed": ("seed", "Startwert"),
    "montecarlo": ("Monte Carlo", "Monte Carlo"),
    "cancel": ("Cancel", "Abbrechen"),
    "worth": ("Net worth by sector", "Reinvermögen nach Sektor"),
    "bands": (
        "Monte Carlo quantile bands (5-95 %, 25-75 %, median)",
        "Monte-Carlo-Quantilbänder (5-95 %, 25-75 %, Median)",
    ),
    "ranges": (
        "Slider ranges are this page's assumption (shares in [0, 1], other values up to three "
        "times the file value); the library accepts any value.",
        "Die Schieberbereiche sind eine Annahme dieser Seite (Anteile in [0, 1], sonst bis zum "
        "Dreifachen des Dateiwerts); die Bibliothek nimmt jeden Wert.",
    ),
}


def _t(key: str, lang: str) -> str:
    en, de = _STRINGS[key]
    return de if lang == "de" else en


def page_body(lang: str) -> str:
    """The scenarios page's HTML body (filled in by ``static/scenarios.js``)."""
    return f"""<p>{_t("intro", lang)}</p>
<div id="no-engine" hidden><p>{_t("no_engine", lang)}</p><pre id="engine-problems"></pre></div>
<div id="controls"><div><label>{_t("model", lang)} <select id="model"></select></label>
<label>{_t("scenario", lang)} <select id="scenario" data-none="{_t("none", lang)}"></select></label>
<label>{_t("periods", lang)} <input id="periods" type="number" min="1" max="{PERIODS_MAX}"
value="40" size="5"></label> <button id="run">{_t("run", lang)}</button>
<button id="reset">{_t("reset", lang)}</button> <span id="run-status" class="muted"></span></div>
<p class="muted" id="model-source"></p>
<details open><summary>{_t("parameter", lang)}</summary>
<table id="params"><thead><tr><th>{_t("vary", lang)}</th><th>{_t("parameter", lang)}</th>
<th>{_t("value", lang)}</th><th>{_t("file_value", lang)}</th><th>{_t("source", lang)}</th></tr>
</thead><tbody></tbody></table><p class="muted">{_t("ranges", lang)}</p></details>
<div><b>{_t("variables", lang)}</b> <span id="variables"></span></div></div>
<div id="chart" style="height:420px"></div>
<h2>{_t("worth", lang)}</h2><div id="worth" style="height:340px"></div>
<h2>{_t("montecarlo", lang)}</h2>
<div><label>{_t("draws", lang)} <input id="draws" type="number" min="{DRAWS[0]}" max="{DRAWS[1]}"
value="500" size="6"></label> <label>{_t("spread", lang)} <input id="spread" type="number"
min="0.01" max="0.9" step="0.05" value="0.2" size="5"></label>
<label>{_t("seed", lang)} <input id="seed" type="number" min="0" value="0" size="6"></label>
<button id="mc">{_t("montecarlo", lang)}</button>
<progress id="progress" max="1" value="0"></progress>
<button id="cancel" disabled>{_t("cancel", lang)}</button>
<span id="job-status" class="muted"></span></div>
<p class="muted">{_t("bands", lang)}</p><div id="mc-chart" style="height:420px"></div>
<table id="summary"><tbody></tbody></table>"""
