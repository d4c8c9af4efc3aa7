"""The dashboard's application factory: a JSON API (OpenAPI at ``/openapi.json``) and pages.

Everything the app holds lives on the app object created by :func:`create_app`;
there is no module-level state. Inputs are validated by pydantic models with
explicit bounds; bad input gets HTTP 422 with the field named.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

import pandas as pd
from annotated_types import Ge, Le
from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from kreislauf import __version__
from kreislauf.results import to_jsonable
from kreislauf.web.jobs import Cancelled, JobManager

Lang = Literal["en", "de"]


def _whole_number(value: Any) -> int:
    """JSON Schema integers: 3 and 3.0 are integers; true, "3" and 3.5 are not."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("expected an integer")
    if isinstance(value, float) and not value.is_integer():
        raise ValueError("expected an integer")
    return int(value)


WholeInt = Annotated[int, BeforeValidator(_whole_number)]


class MemoryRun(BaseModel):
    """One run of the DRAM market model."""

    model_config = ConfigDict(strict=True, extra="forbid")

    hoard_share: float = Field(0.4, ge=0.0, le=0.9, description="Hoard as a share of output.")
    crash_month: Annotated[int, Ge(0), Le(47), BeforeValidator(_whole_number)] | None = Field(
        None, description="Month index of an AI crash."
    )
    ai_drop: float = Field(
        0.4, ge=0.0, le=1.0, description="Fall of AI memory demand at the crash."
    )
    release_months: WholeInt = Field(
        0, ge=0, le=24, description="Months to sell the hoard after it."
    )


class MemorySweep(BaseModel):
    """A sweep over hoard shares, run as a cancellable job."""

    model_config = ConfigDict(strict=True, extra="forbid")

    steps: WholeInt = Field(
        11, ge=2, le=51, description="Number of hoard shares from 0 to max_share."
    )
    max_share: float = Field(0.5, gt=0.0, le=0.9)
    step_delay: float = Field(0.0, ge=0.0, le=2.0, description="Pause per step (for demos/tests).")


class Context:
    """What the app serves from: atlas and data locations, loaded lazily and cached per app."""

    def __init__(self, atlas_dir: Path | None, data_dir: Path | None, bundle: bool = True) -> None:
        self.atlas_dir = atlas_dir
        self.data_dir = data_dir
        self.bundle = bundle
        self.jobs = JobManager(max_workers=2)
        from kreislauf.web.memo import Memo

        self.memo = Memo(size=256)  # expensive reads per atlas version and options

    @cached_property
    def atlas(self) -> Any:
        from kreislauf.atlas import load_atlas

        return load_atlas(self.atlas_dir)

    @cached_property
    def claims(self) -> Any:
        from kreislauf.claims.audit import run_audit

        return run_audit(self.atlas_dir, self.data_dir, bundle=self.bundle)

    @cached_property
    def memory_params(self) -> Any:
        from kreislauf.memory.params import load_params

        return load_params()

    @cached_property
    def memory_scenarios(self) -> dict[str, Any]:
        """The standard scenarios on the shipped parameters (computed once per app)."""
        from kreislauf.memory.scenarios import compare, standard_scenarios

        comp = compare(self.memory_params, standard_scenarios(self.memory_params))
        return {
            "summary": to_jsonable(comp.summary()),
            "months": comp.runs["no hoarding"].frame["month"].tolist(),
            "prices": {n: r.frame["price"].round(3).tolist() for n, r in comp.runs.items()},
        }

    @cached_property
    def plotly_js(self) -> str:
        from plotly.offline import get_plotlyjs

        return get_plotlyjs()


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return to_jsonable(frame)  # type: ignore[no-any-return]


def _filter_text(frame: pd.DataFrame, q: str | None, cols: list[str]) -> pd.DataFrame:
    if not q:
        return frame
    mask = pd.Series(False, index=frame.index)
    for c in cols:
        if c in frame:
            mask |= frame[c].astype(str).str.contains(q, case=False, regex=False, na=False)
    return frame[mask]


def create_app(
    atlas_dir: Path | None = None, data_dir: Path | None = None, bundle: bool = True
) -> FastAPI:
    """Build the dashboard application.

    Parameters
    ----------
    atlas_dir : Path, optional
        Atlas directory (default: the shipped atlas).
    data_dir : Path, optional
        Market-data directory for the bubble pages.
    bundle : bool
        Use the data bundled with the package where the directory lacks a family
        (Shiller's series on the bubble page; the claims audit).
    """
    ctx = Context(atlas_dir, data_dir, bundle)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        ctx.jobs.shutdown()

    app = FastAPI(
        lifespan=lifespan,
        title="kreislauf",
        version=__version__,
        description="The AI capital circuit: atlas, network, bubble tests, scenarios, scarcity.",
    )
    app.state.ctx = ctx
    from kreislauf.web import errors

    errors.install(app)

    @app.get("/api/health", tags=["meta"])
    def health() -> dict[str, str]:
        """Liveness and version."""
        return {"status": "ok", "version": __version__}

    # ------------------------------------------------------------------ atlas
    @app.get("/api/atlas/summary", tags=["atlas"])
    def atlas_summary() -> dict[str, Any]:
        """Counts and committed amounts by relation type."""
        rel = ctx.atlas.relations
        by_type = (
            rel.groupby("type")["amount_usd_bn"]
            .agg(["count", "sum"])
            .reset_index()
            .rename(columns={"count": "relations", "sum": "amount_usd_bn"})
        )
        return {
            "entities": len(ctx.atlas.entities),
            "relations": len(rel),
            "undisclosed": int(rel["amount_usd_bn"].isna().sum()),
            "by_type": _records(by_type),
            "tiers": {str(k): int(v) for k, v in rel["tier"].value_counts().items()},
        }

    @app.get("/api/atlas/entities", tags=["atlas"])
    def atlas_entities(
        q: str | None = Query(None, max_length=100, description="Search in id and name."),
        kind: str | None = Query(None, max_length=40),
    ) -> list[dict[str, Any]]:
        """Entities, optionally filtered."""
        ent = ctx.atlas.entities
        if kind:
            ent = ent[ent["kind"] == kind]
        return _records(_filter_text(ent, q, ["id", "name"]))

    @app.get("/api/atlas/relations", tags=["atlas"])
    def atlas_relations(
        entity: str | None = Query(None, max_length=60, description="Relations touching it."),
        type: str | None = Query(None, max_length=40, description="Relation type."),
        tier: str | None = Query(None, max_length=40, description="Evidence tier."),
        q: str | None = Query(None, max_length=100, description="Search in ids, quote, notes."),
        limit: int = Query(500, ge=1, le=5000),
    ) -> list[dict[str, Any]]:
        """Relations with their evidence, optionally filtered and searched."""
        rel = ctx.atlas.relations
        if entity:
            rel = rel[(rel["from_id"] == entity) | (rel["to_id"] == entity)]
        if type:
            rel = rel[rel["type"] == type]
        if tier:
            rel = rel[rel["tier"] == tier]
        rel = _filter_text(rel, q, ["id", "from_id", "to_id", "source_quote", "notes"])
        from kreislauf.atlas.schema import DISPLAY_COLUMNS

        cols = [c for c in DISPLAY_COLUMNS if c in rel]
        return _records(rel[cols].head(limit))

    # ------------------------------------------------------------------ circuit
    @app.get("/api/circuit", tags=["circuit"])
    def circuit(
        verified_only: bool = Query(False, description="Count verified tiers only."),
        haircut: float = Query(0.0, ge=0.0, le=1.0, description="Cut from 'up to' amounts."),
        max_length: int = Query(6, ge=2, le=8, description="Longest cycle."),
    ) -> dict[str, Any]:
        """Cycles with circular dollars, and the network figure (Plotly JSON).

        Computed once per atlas version and options, then served from the app's memo."""
        import json

        from kreislauf.circuit.analysis import analyse
        from kreislauf.circuit.graph import FlowOptions

        def compute() -> dict[str, Any]:
            opts = FlowOptions(tiers="verified" if verified_only else "all", up_to_haircut=haircut)
            r = analyse(ctx.atlas.relations, ctx.atlas.entities, opts, max_length=max_length)
            cols = ["cycle", "length", "weakest_tier", "circular_usd_bn", "relation_ids"]
            return {
                "summary": to_jsonable(r.summary()),
                "cycles": to_jsonable(r.to_frame()[cols]),
                "figure": json.loads(r.plot().to_json()),
            }

        key = ("circuit", ctx.atlas.version, verified_only, float(haircut), max_length)
        return ctx.memo.get(key, compute)

    # ------------------------------------------------------------------ claims
    @app.get("/api/claims", tags=["claims"])
    def claims(
        verdict: Literal["supported", "contradicted", "not checkable"] | None = Query(None),
    ) -> dict[str, Any]:
        """The articles' claims with verdicts (market data: the app's data directory)."""
        doc = ctx.claims.to_dict()
        rows = [r for r in doc["table"] if not verdict or r["verdict"] == verdict]
        return {"summary": doc["summary"], "claims": rows}

    # ------------------------------------------------------------------ memory
    @app.get("/api/memory/scenarios", tags=["scarcity"])
    def memory_scenarios() -> dict[str, Any]:
        """The standard scarcity scenarios: summaries and monthly price paths."""
        return ctx.memory_scenarios

    bad_body = {400: {"description": "The request body is not valid JSON."}}

    @app.post("/api/memory/run", tags=["scarcity"], responses=bad_body)
    def memory_run(body: MemoryRun) -> dict[str, Any]:
        """Run one scenario of the DRAM market model."""
        from kreislauf.memory.market import Scenario, simulate

        sc = Scenario(
            "custom",
            hoard_share=body.hoard_share,
            crash_month=body.crash_month,
            ai_demand_drop=body.ai_drop if body.crash_month is not None else 0.0,
            release_months=body.release_months,
        )
        r = simulate(ctx.memory_params, sc)
        f = r.frame
        return {
            "summary": to_jsonable(r.summary()),
            "months": f["month"].tolist(),
            "price": f["price"].round(3).tolist(),
            "hoard_stock": f["hoard_stock"].round(3).tolist(),
        }

    # ------------------------------------------------------------------ jobs
    @app.post("/api/sweeps/memory", tags=["jobs"], status_code=202, responses=bad_body)
    def memory_sweep(body: MemorySweep) -> dict[str, Any]:
        """Start a sweep over hoard shares; poll ``/api/jobs/{id}``, cancel with DELETE."""
        import time

        from kreislauf.memory.market import Scenario, simulate

        params = ctx.memory_params

        def work(progress, cancelled) -> dict[str, Any]:
            rows = []
            for i in range(body.steps):
                if cancelled():
                    raise Cancelled
                share = body.max_share * i / (body.steps - 1)
                s = simulate(params, Scenario(f"{share:.3f}", hoard_share=share)).summary()
                rows.append({"hoard_share": share, **to_jsonable(s)})
                if body.step_delay:
                    time.sleep(body.step_delay)
                progress((i + 1) / body.steps)
            return {"rows": rows}

        return ctx.jobs.submit("memory-sweep", work).public()

    not_found = {404: {"description": "No job with this id."}}

    @app.get("/api/jobs/{job_id}", tags=["jobs"], responses=not_found)
    def job_status(job_id: str) -> dict[str, Any]:
        """A job's status, progress and (when done) result."""
        found = ctx.jobs.get(job_id)
        if found is None:
            raise HTTPException(404, f"no job '{job_id}'")
        return found.public()

    @app.delete("/api/jobs/{job_id}", tags=["jobs"], responses=not_found)
    def job_cancel(job_id: str) -> dict[str, Any]:
        """Cancel a queued or running job."""
        found = ctx.jobs.cancel(job_id)
        if found is None:
            raise HTTPException(404, f"no job '{job_id}'")
        return found.public()

    @app.middleware("http")
    async def allow_header(request: Request, call_next: Any) -> Any:
        """On 405, list every method any route of the path allows (not only the first's)."""
        response = await call_next(request)
        if response.status_code == 405:
            from starlette.routing import Match

            allowed = set()
            for route in app.router.routes:
                match, _ = route.matches({**request.scope, "method": "GET"})
                methods = getattr(route, "methods", None)
                if methods and match != Match.NONE:
                    for m in methods:
                        probe, _ = route.matches({**request.scope, "method": m})
                        if probe == Match.FULL:
                            allowed.add(m)
            if allowed:
                response.headers["allow"] = ", ".join(sorted(allowed))
        return response

    from kreislauf.web import bubble_api, scenarios_api

    bubble_api.register(app, ctx)
    scenarios_api.register(app, ctx)

    # ------------------------------------------------------------------ pages
    from kreislauf.web import pages

    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly_js() -> Response:
        return Response(
            ctx.plotly_js,
            media_type="application/javascript",
            headers={"Cache-Control": "max-age=86400"},
        )

    static_dir = Path(__file__).with_name("static")

    @app.get("/static/{name}.js", include_in_schema=False)
    def page_js(name: str) -> Response:
        if name not in pages.PAGES:
            raise HTTPException(404, f"no script '{name}'")
        script = (static_dir / f"{name}.js").read_text(encoding="utf-8")
        return Response(script, media_type="application/javascript")

    for name in pages.PAGES:

        def page(lang: Lang = "en", _name: str = name) -> HTMLResponse:
            return HTMLResponse(pages.render(_name, lang))

        app.get("/" if name == "home" else f"/{name}", include_in_schema=False)(page)

    return app
