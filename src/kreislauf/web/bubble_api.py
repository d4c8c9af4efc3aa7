"""The bubble page's API: the price series of the app's data directory, PSY and LPPLS as jobs.

The series are found once per app (``kreislauf.data.directory``) and their ids become the
``series`` enum of the request bodies, so the OpenAPI document lists what can be tested and an
unknown series is a 422 naming ``series``. Without a data directory the series of Shiller's
data come from the data bundled with the package (:mod:`kreislauf.data.embedded`); with the
bundle switched off and no directory the page says so and the run endpoints answer 409 with
the command that fixes it. A series is resampled to the chosen frequency before a test
(:func:`kreislauf.bubble.frequency.resample`) and the result states how.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import numpy as np
import pandas as pd
from annotated_types import Ge, Le
from fastapi import FastAPI, HTTPException
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from kreislauf.errors import InputError
from kreislauf.paths import shown_path
from kreislauf.results import to_jsonable
from kreislauf.web.app import WholeInt, _whole_number

if TYPE_CHECKING:
    from kreislauf.bubble.frequency import Resampled
    from kreislauf.web.app import Context

SERVE_COMMAND = "kreislauf serve --data-dir DIR"

# Display names of the index and crypto symbols the data loaders assign
# (kreislauf.data.directory.FAMILIES); single stocks are shown by their ticker.
INDEX_NAMES = {
    "^GSPC": "S&P 500",
    "^NDX": "Nasdaq-100",
    "^IXIC": "Nasdaq Composite",
    "^SOX": "PHLX Semiconductor",
    "BTC-USD": "Bitcoin (USD)",
}
# Series derived from Shiller's monthly file: id -> (name EN, name DE, column or ratio).
SHILLER_SERIES = {
    "shiller:pd": ("S&P 500 price/dividend ratio (Shiller)", "S&P 500 Kurs-Dividenden-Verhältnis"),
    "shiller:cape": ("S&P 500 CAPE (Shiller)", "S&P 500 CAPE (Shiller)"),
    "shiller:real_price": ("S&P 500 real price (Shiller)", "S&P 500 realer Kurs (Shiller)"),
}
Frequency = Literal["native", "weekly", "monthly"]


@dataclass
class SeriesInfo:
    """One testable series: its values on a date index and where they came from."""

    id: str
    name: str
    group: str
    source: str
    values: pd.Series = field(repr=False)

    @property
    def native_frequency(self) -> str:
        """``daily``, ``weekly`` or ``monthly`` from the median spacing of the dates."""
        gap = pd.Series(self.values.index).diff().dt.days.median()
        if gap <= 4:
            return "daily"
        return "weekly" if gap <= 10 else "monthly"

    def public(self) -> dict[str, Any]:
        """The series as the catalogue endpoint lists it."""
        v = self.values
        return {
            "id": self.id,
            "name": self.name,
            "group": self.group,
            "frequency": self.native_frequency,
            "first": v.index[0].strftime("%Y-%m-%d"),
            "last": v.index[-1].strftime("%Y-%m-%d"),
            "observations": len(v),
            "source": self.source,
        }


class SeriesCatalogue:
    """Every price series of a data directory, loaded once; files that fail are listed."""

    def __init__(self, data_dir: Path | None, bundle: bool = True) -> None:
        self.data_dir = data_dir
        self.series: dict[str, SeriesInfo] = {}
        self.problems: list[str] = []
        if data_dir is not None:
            self._load(data_dir)
        if bundle and not any(i.startswith("shiller:") for i in self.series):
            from kreislauf.data.embedded import load_bundled

            ds = load_bundled("shiller")
            if ds is not None:
                self._add_shiller(ds.frame.set_index("date"), ds.source)

    def _load(self, data_dir: Path) -> None:
        from kreislauf.data.directory import discover, load_file

        try:
            found = discover(data_dir)
        except InputError as err:
            self.problems.extend(str(p) for p in err.problems)
            return
        for family in ("sp500", "nasdaq100", "nasdaq_composite", "sox", "btc", "ai_stocks"):
            for path in found.get(family, []):
                try:
                    d = load_file(family, path, data_dir)
                except InputError as err:
                    self.problems.extend(str(p) for p in err.problems)
                    continue
                for sym, grp in d.frame.groupby("symbol", sort=False):
                    s = pd.Series(grp["close"].to_numpy(float), index=pd.DatetimeIndex(grp["date"]))
                    group = "stocks" if family == "ai_stocks" else "indices"
                    self._add(
                        SeriesInfo(
                            str(sym), INDEX_NAMES.get(str(sym), str(sym)), group, d.source, s
                        )
                    )
        for path in found.get("shiller", []):
            try:
                d = load_file("shiller", path, data_dir)
            except InputError as err:
                self.problems.extend(str(p) for p in err.problems)
                continue
            self._add_shiller(d.frame.set_index("date"), d.source)

    def _add_shiller(self, f: pd.DataFrame, source: str) -> None:
        columns = {
            "shiller:pd": f["P"] / f["D"],
            "shiller:cape": f.get("CAPE"),
            "shiller:real_price": f.get("Real_Price"),
        }
        for sid, values in columns.items():
            if values is None:
                continue
            values = values.replace([np.inf, -np.inf], np.nan).dropna()
            if len(values):
                name = SHILLER_SERIES[sid][0]
                self._add(SeriesInfo(sid, name, "valuation", source, values.astype(float)))

    def _add(self, info: SeriesInfo) -> None:
        if info.id in self.series:  # a second file with the same symbol: keep the first, say so
            self.problems.append(
                f"{info.source}: series {info.id!r} also in "
                f"{self.series[info.id].source}; the first is used"
            )
            return
        self.series[info.id] = info

    @property
    def ids(self) -> list[str]:
        """Series ids in catalogue order."""
        return list(self.series)

    def public(self) -> dict[str, Any]:
        """The catalogue as the API shows it."""
        return {
            "data_dir": None if self.data_dir is None else shown_path(self.data_dir),
            "available": bool(self.series),
            "command": SERVE_COMMAND,
            "series": [s.public() for s in self.series.values()],
            "problems": self.problems,
        }


# ------------------------------------------------------------------------------ requests
# Bounds keep one run within seconds on a laptop (a dashboard, not a batch system); the CLI
# and the library take any values. All are assumptions of this page, stated in the schema.
REPS = (100, 5000)
MIN_WINDOW = (10, 600)
MAX_LAGS = 12
MAX_OBS_PSY = 2000
WINDOW_MAX = 1000
SEARCHES_MAX = 100
MAX_FITS_LPPLS = 50_000
ACTIVE_JOBS_MAX = 4
RETRY_AFTER_S = 10  # a 429's Retry-After: about one monthly PSY job
RULES: tuple[str, ...] = ("psy", "exuber")  # kreislauf.bubble.psy_critical.RULES
Month = Annotated[str, StringConstraints(pattern=r"^(18|19|20)[0-9]{2}-(0[1-9]|1[0-2])$")]


def _request_models(ids: list[str]) -> tuple[type[BaseModel], type[BaseModel]]:
    """The PSY and LPPLS bodies; ``series`` is the enum of this app's series ids."""
    series_type: Any = (
        Literal[tuple(ids)] if ids else Annotated[str, StringConstraints(max_length=40)]
    )
    rule_type: Any = Literal[RULES]

    class _Window(BaseModel):
        model_config = ConfigDict(strict=True, extra="forbid")

        series: series_type = Field(description="Series id, from /api/bubble/series.")
        frequency: Frequency = Field(
            "monthly", description="Resample to the last close per period."
        )
        start: Month | None = Field(None, description="First month (YYYY-MM).")
        end: Month | None = Field(None, description="Last month (YYYY-MM).")

    class PsyRun(_Window):
        """A PSY (GSADF/BSADF) date-stamping run."""

        log: bool = Field(False, description="Test the log of the series.")
        min_window: (
            Annotated[int, Ge(MIN_WINDOW[0]), Le(MIN_WINDOW[1]), BeforeValidator(_whole_number)]
            | None
        ) = Field(
            None, description="Smallest window in observations (default: T(0.01 + 1.8/sqrt(T)))."
        )
        lags: WholeInt = Field(
            0, ge=0, le=MAX_LAGS, description="ADF lag order (or the largest one tried)."
        )
        lag_selection: Literal["fixed", "aic", "bic"] = Field(
            "fixed", description="Fixed lags, or choose them per window by AIC/BIC."
        )
        critical: Literal["mc", "wild"] = Field(
            "mc", description="Monte Carlo under PSY's null, or the wild bootstrap."
        )
        reps: WholeInt = Field(
            2000, ge=REPS[0], le=REPS[1], description="Monte Carlo replications."
        )
        rule: rule_type = Field(RULES[0], description="Episode rule.")
        significance: Literal[0.9, 0.95, 0.99] = Field(0.95)
        seed: WholeInt = Field(0, ge=0, le=2**31 - 1)

    class LpplsRun(_Window):
        """An LPPLS confidence-indicator run over nested windows."""

        frequency: Frequency = Field("native", description="Resample to the last close per period.")
        window_size: WholeInt = Field(120, ge=30, le=WINDOW_MAX, description="Largest window.")
        smallest_window_size: WholeInt = Field(
            30, ge=10, le=WINDOW_MAX, description="Smallest window."
        )
        outer_increment: WholeInt = Field(1, ge=1, le=100, description="Step between end dates.")
        inner_increment: WholeInt = Field(
            5, ge=1, le=100, description="Step between window starts."
        )
        max_searches: WholeInt = Field(
            25, ge=1, le=SEARCHES_MAX, description="Local searches per fit."
        )
        seed: WholeInt = Field(0, ge=0, le=2**31 - 1)

    return PsyRun, LpplsRun


def invalid(field: str, message: str, value: Any = None) -> RequestValidationError:
    """A 422 naming one body field, in FastAPI's own error format."""
    return RequestValidationError(
        [{"type": "value_error", "loc": ("body", field), "msg": message, "input": value}]
    )


def resampled_window(
    info: SeriesInfo, frequency: str, start: str | None, end: str | None
) -> "Resampled":
    """The series cut to ``start..end`` (months, inclusive) and resampled to ``frequency``.

    ``monthly`` and ``weekly`` take the last observation of each period, dated at the
    period's end (:func:`kreislauf.bubble.frequency.resample`), so a file that changes
    frequency (the S&P 500's: monthly to 1969, daily after) becomes evenly spaced; the
    returned note says what was done.
    """
    from kreislauf.bubble.frequency import resample

    s = info.values
    if start is not None:
        s = s[s.index >= pd.Timestamp(start)]
    if end is not None:
        s = s[s.index < pd.Timestamp(end) + pd.offsets.MonthBegin(1)]
    if len(s) < 2:
        from kreislauf.bubble.frequency import Resampled

        return Resampled(s, frequency, ())
    return resample(s, frequency)


def window(info: SeriesInfo, frequency: str, start: str | None, end: str | None) -> pd.Series:
    """The values of :func:`resampled_window`."""
    return resampled_window(info, frequency, start, end).series


# -------------------------------------------------------------------------------- routes
def register(app: FastAPI, ctx: "Context") -> None:
    """Add the bubble endpoints to ``app`` (series from ``ctx.data_dir``, jobs on ``ctx.jobs``)."""
    from kreislauf.web.jobs import Job
    from kreislauf.web.process_jobs import run_in_process

    catalogue = SeriesCatalogue(ctx.data_dir, bundle=ctx.bundle)
    app.state.bubble_series = catalogue
    PsyRun, LpplsRun = _request_models(catalogue.ids)
    active: list[Job] = []
    lock = threading.Lock()
    responses: dict[int | str, dict[str, Any]] = {
        400: {"description": "The request body is not valid JSON."},
        409: {"description": f"No data directory is loaded (start with `{SERVE_COMMAND}`)."},
        429: {
            "description": f"{ACTIVE_JOBS_MAX} bubble jobs are already queued or running "
            "(the Retry-After header says when to try again)."
        },
    }

    def prepare(body: Any) -> tuple[SeriesInfo, pd.Series, dict[str, str]]:
        if not catalogue.series:
            raise HTTPException(
                409, f"no data directory is loaded: start the dashboard with `{SERVE_COMMAND}`"
            )
        if body.series not in catalogue.series:
            raise invalid("series", f"unknown series; expected one of {catalogue.ids}", body.series)
        if body.start is not None and body.end is not None and body.end < body.start:
            raise invalid("end", f"expected a month on or after start ({body.start})", body.end)
        info = catalogue.series[body.series]
        try:
            r = resampled_window(info, body.frequency, body.start, body.end)
        except InputError as err:
            raise invalid("frequency", err.problems[0].message, body.frequency) from err
        if r.series.empty:
            first, last = info.values.index[0], info.values.index[-1]
            where = "start" if body.start is not None else "end"
            raise invalid(
                where,
                f"no observations in this period: {info.id} runs from {first:%Y-%m} to "
                f"{last:%Y-%m}",
                getattr(body, where),
            )
        return info, r.series, {"en": r.note("en"), "de": r.note("de")}

    def submit(kind: str, target: str, kwargs: dict[str, Any]) -> dict[str, Any]:
        with lock:
            active[:] = [j for j in active if j.status in ("queued", "running")]
            if len(active) >= ACTIVE_JOBS_MAX:
                raise HTTPException(
                    429,
                    f"{len(active)} bubble jobs are queued or running; cancel one or wait",
                    headers={"Retry-After": str(RETRY_AFTER_S)},
                )
            job = ctx.jobs.submit(
                kind,
                lambda progress, cancelled: run_in_process(target, kwargs, progress, cancelled),
            )
            active.append(job)
        return job.public()

    @app.get("/api/bubble/series", tags=["bubble"])
    def bubble_series() -> dict[str, Any]:
        """The series of the app's data directory that the bubble tests can run on."""
        return catalogue.public()

    @app.post("/api/bubble/psy", tags=["bubble", "jobs"], status_code=202, responses=responses)
    def bubble_psy(body: PsyRun) -> dict[str, Any]:  # type: ignore[valid-type]
        """Start a PSY run (BSADF and Monte Carlo critical values); poll ``/api/jobs/{id}``."""
        info, s, note = prepare(body)
        n = len(s)
        if n > MAX_OBS_PSY:
            raise invalid(
                "frequency",
                f"{n} observations at this frequency and window; the page "
                f"runs at most {MAX_OBS_PSY} (choose monthly or a shorter window)",
                body.frequency,
            )
        if body.min_window is not None and body.min_window >= n:
            raise invalid(
                "min_window", f"expected fewer than the {n} observations", body.min_window
            )
        from kreislauf.bubble.psy import check_inputs
        from kreislauf.errors import InputError

        lags = body.lags if body.lag_selection == "fixed" else body.lag_selection
        try:  # the job is accepted only once the engine would accept its inputs
            check_inputs(
                s, min_window=body.min_window, lags=lags, max_lags=max(1, body.lags), log=body.log
            )
        except InputError as err:
            p = err.problems[0]
            where = "start" if p.field == "series" and body.start is not None else p.field
            fld = where if where in PsyRun.model_fields else "series"
            raise invalid(fld, p.message, getattr(body, fld, None)) from None
        opts = body.model_dump(exclude={"series", "frequency", "start", "end"})
        return submit(
            "bubble-psy",
            "kreislauf.web.bubble_api:psy_payload",
            {"info": _light(info), "values": s, "opts": opts, "resampling": note},
        )

    @app.post("/api/bubble/lppls", tags=["bubble", "jobs"], status_code=202, responses=responses)
    def bubble_lppls(body: LpplsRun) -> dict[str, Any]:  # type: ignore[valid-type]
        """Start an LPPLS confidence run over nested windows; poll ``/api/jobs/{id}``."""
        info, s, note = prepare(body)
        n = len(s)
        if body.smallest_window_size >= body.window_size:
            raise invalid(
                "smallest_window_size",
                f"expected less than window_size ({body.window_size})",
                body.smallest_window_size,
            )
        if body.window_size > n:
            raise invalid("window_size", f"expected at most the {n} observations", body.window_size)
        ends = (n - body.window_size) // body.outer_increment + 1
        inner = -(-(body.window_size - body.smallest_window_size) // body.inner_increment)
        if ends * inner > MAX_FITS_LPPLS:
            raise invalid(
                "outer_increment",
                f"{ends} end dates x {inner} windows = {ends * inner} "
                f"fits; the page runs at most {MAX_FITS_LPPLS} (raise the increments or "
                "shorten the period)",
                body.outer_increment,
            )
        opts = body.model_dump(exclude={"series", "frequency", "start", "end"})
        return submit(
            "bubble-lppls",
            "kreislauf.web.bubble_api:lppls_payload",
            {"info": _light(info), "values": s, "opts": opts, "resampling": note},
        )


def _light(info: SeriesInfo) -> dict[str, str]:
    return {"id": info.id, "name": info.name, "source": info.source}


# ------------------------------------------------------------------ job bodies (worker process)
def psy_payload(
    *,
    progress: Callable[[float], None],
    info: dict[str, str],
    values: pd.Series,
    opts: dict[str, Any],
    resampling: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Run PSY on ``values`` and shape the result for the page (runs in the worker process)."""
    from kreislauf.bubble.psy import psy

    progress(0.02)
    lags: int | str = opts["lags"] if opts["lag_selection"] == "fixed" else opts["lag_selection"]
    res = psy(
        values.rename(info["id"]),
        min_window=opts["min_window"],
        lags=lags,
        max_lags=max(1, opts["lags"]),
        critical=opts["critical"],
        reps=opts["reps"],
        seed=opts["seed"],
        rule=opts["rule"],
        significance=opts["significance"],
        log=opts["log"],
        progress=lambda done, reps: progress(0.05 + 0.92 * done / reps),
    )
    f = res.to_frame()
    level = f"cv_{round(opts['significance'] * 100)}"
    summ = res.summary()
    pct = f"{round(opts['significance'] * 100)}%"
    table = {
        "observations": summ["observations"],
        "first / last": f"{_day(summ['first'])} / {_day(summ['last'])}",
        "SADF": _r(summ["sadf"]),
        f"SADF critical value ({pct})": _r(summ["sadf_cv"][pct]),
        "GSADF": _r(summ["gsadf"]),
        f"GSADF critical value ({pct})": _r(summ["gsadf_cv"][pct]),
        "GSADF rejects a unit root": summ["gsadf_rejects"],
        "episodes": summ["n_episodes"],
        "smallest window (observations)": summ["min_window"],
        "shortest episode kept (observations)": summ["min_duration"],
        "critical values": f"{opts['critical']}, {opts['reps']} replications, seed "
        f"{opts['seed']}, {opts['rule']} rule",
    }
    dates = [d.strftime("%Y-%m-%d") for d in values.index]
    return {
        "test": "psy",
        "series": info,
        "resampling": resampling,
        "dates": dates,
        "values": to_jsonable(values.to_numpy()),
        "log_axis": bool(opts["log"]),
        "stat_dates": dates,
        "stat_title": f"BSADF and the {pct} critical value"
        + (" (log series)" if opts["log"] else ""),
        "lines": [
            {"name": "BSADF", "y": to_jsonable(f["bsadf"].to_numpy())},
            {
                "name": f"{pct} critical value",
                "y": to_jsonable(f[level].to_numpy()),
                "dash": "dash",
            },
        ],
        "episodes": [
            {k: _day(v) if k in ("start", "end", "peak") else v for k, v in e.items()}
            for e in summ["episodes"]
        ],
        "table": to_jsonable(table),
        "summary": to_jsonable(summ),
    }


def lppls_payload(
    *,
    progress: Callable[[float], None],
    info: dict[str, str],
    values: pd.Series,
    opts: dict[str, Any],
    resampling: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Run the LPPLS confidence indicator on ``values`` and shape it for the page (worker)."""
    from kreislauf.bubble.lppls_confidence import confidence

    progress(0.02)
    res = confidence(
        values.rename(info["id"]),
        window_size=opts["window_size"],
        smallest_window_size=opts["smallest_window_size"],
        outer_increment=opts["outer_increment"],
        inner_increment=opts["inner_increment"],
        max_searches=opts["max_searches"],
        seed=opts["seed"],
    )
    progress(0.98)
    f = res.to_frame()
    summ = res.summary()
    table = {
        "end dates": summ["n_end_dates"],
        "windows per end date": int(f["n_windows"].max()) if len(f) else 0,
        "latest date": _day(summ["latest_date"]) if "latest_date" in summ else None,
        "latest positive confidence": _r(summ.get("latest_pos_conf")),
        "latest negative confidence": _r(summ.get("latest_neg_conf")),
        "highest positive confidence": _r(summ.get("max_pos_conf")),
        "date of the highest positive": _day(summ["max_pos_conf_date"])
        if "max_pos_conf_date" in summ
        else None,
        "highest negative confidence": _r(summ.get("max_neg_conf")),
        "date of the highest negative": _day(summ["max_neg_conf_date"])
        if "max_neg_conf_date" in summ
        else None,
        "windows": f"{opts['smallest_window_size']} to {opts['window_size']} observations, "
        f"step {opts['inner_increment']}; end dates every {opts['outer_increment']}",
        "searches per window, seed": f"{opts['max_searches']}, {opts['seed']}",
    }
    return {
        "test": "lppls",
        "series": info,
        "resampling": resampling,
        "dates": [d.strftime("%Y-%m-%d") for d in values.index],
        "values": to_jsonable(values.to_numpy()),
        "log_axis": True,
        "stat_dates": [_day(d) for d in f["date"]],
        "stat_title": "LPPLS confidence (share of qualified fits among the nested windows)",
        "lines": [
            {"name": "positive bubble confidence", "y": to_jsonable(f["pos_conf"].to_numpy())},
            {"name": "negative bubble confidence", "y": to_jsonable(f["neg_conf"].to_numpy())},
        ],
        "episodes": [],
        "table": to_jsonable(table),
        "summary": to_jsonable(summ),
    }


def _day(value: Any) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def _r(value: Any) -> Any:
    return None if value is None or not np.isfinite(value) else round(float(value), 3)
