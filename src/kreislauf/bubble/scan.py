"""Scans: PSY and LPPLS over many series, in parallel, on this machine or on a Dask cluster.

Every (series, test) pair is one task, a call of a picklable top-level function
(:func:`psy_task`, :func:`lppls_task`) submitted to a ``dask.distributed`` client:

* locally, a :class:`~dask.distributed.LocalCluster` with ``workers`` single-threaded worker
  processes (the numerical kernels are single-threaded Numba; one process per core);
* remotely, ``Client(scheduler)`` for a scheduler address the user gives
  (``tcp://host:8786``); the workers there need kreislauf installed.

A task never raises: a series the test rejects (too short, non-positive prices) comes back as
a row with ``status = "error"`` and the message, so one bad series does not lose the scan.
Results are gathered into a :class:`ScanResult`, one row per series and test with the
headline figures of each test's ``summary()``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kreislauf.errors import InputError
from kreislauf.results import Result

if TYPE_CHECKING:
    import plotly.graph_objects as go

TESTS: tuple[str, ...] = ("psy", "lppls")
Progress = Callable[[int, int, dict[str, Any]], None]
"""Called after each finished task with (done, total, the task's row)."""


def _scalars(summary: Mapping[str, Any], keys: tuple[str, ...] | None) -> dict[str, Any]:
    """Flat JSON-able scalars of a summary (nested dicts joined with '.')."""
    from kreislauf.results import to_jsonable

    out: dict[str, Any] = {}
    for k, v in summary.items():
        if keys is not None and k not in keys:
            continue
        v = to_jsonable(v)
        if isinstance(v, dict):
            for k2, v2 in v.items():
                if isinstance(v2, int | float | str | bool) or v2 is None:
                    out[f"{k}.{k2}"] = v2
        elif isinstance(v, list):
            out[k] = len(v) if k == "episodes" else str(v)[:200]
            if k == "episodes":
                out["episodes_list"] = "; ".join(
                    f"{e.get('start', '?')}..{e.get('end', '?')}" if isinstance(e, dict) else str(e)
                    for e in v
                )[:500]
        else:
            out[k] = v
    return out


def _row(name: str, test: str, series: pd.Series) -> dict[str, Any]:
    idx = series.index
    dated = len(idx) and isinstance(idx, pd.DatetimeIndex)
    return {
        "series": name,
        "test": test,
        "n_obs": len(series),
        "first": str(idx[0].date()) if dated else None,
        "last": str(idx[-1].date()) if dated else None,
        "last_observation": series.attrs.get("last_observation"),
    }


PREP_KEYS = ("freq", "start", "end", "last")
"""Options a task applies to its series (:func:`prepare_series`) before the test sees it."""


def _run(
    test: str,
    fn: Callable[..., Any],
    name: str,
    series: pd.Series,
    options: dict[str, Any],
    headline: Callable[[Any], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Prepare the series, call ``fn(series, **options)``, return one row (errors included).

    The keys of :data:`PREP_KEYS` in ``options`` go to :func:`prepare_series`, so each test
    can see its own frequency and span of the same raw series (PSY monthly, LPPLS daily).
    """
    opts = dict(options)
    prep = {k: opts.pop(k) for k in PREP_KEYS if k in opts}
    t0 = time.perf_counter()
    try:
        if prep:
            series = prepare_series(series, **{"freq": None, **prep})
    except InputError as err:
        return {**_row(name, test, series), "status": "error", "error": str(err), "seconds": 0.0}
    row = _row(name, test, series)
    try:
        res = fn(series, **opts)
        figures = headline(res) if headline is not None else _scalars(res.summary(), None)
        row |= {"status": "ok", "error": None, **figures}
    except InputError as err:
        row |= {"status": "error", "error": str(err)}
    except Exception as err:  # a scan reports a failing series instead of losing the others
        row |= {"status": "error", "error": f"{type(err).__name__}: {err}"}
    row["seconds"] = time.perf_counter() - t0
    return row


def lppls_headline(res: Any) -> dict[str, Any]:
    """Latest and largest positive/negative LPPLS confidence, with their dates."""
    s = res.summary()
    keys = (
        "n_end_dates",
        "latest_date",
        "latest_pos_conf",
        "latest_neg_conf",
        "max_pos_conf",
        "max_pos_conf_date",
        "max_neg_conf",
        "max_neg_conf_date",
    )
    out = {k: (_d(s[k]) if k.endswith("date") else s[k]) for k in keys if k in s}
    st = s.get("settings", {})
    out["windows_per_end_date"] = st.get("windows_per_end_date")
    return out


def psy_headline(res: Any) -> dict[str, Any]:
    """SADF/GSADF with their critical values at the test's level, and the episodes."""
    s = res.summary()
    level = f"{round(s['significance'] * 100)}%"
    eps = s["episodes"]
    last = eps[-1] if eps else None
    return {
        "sadf": s["sadf"],
        "sadf_cv": s["sadf_cv"][level],
        "sadf_rejects": s["sadf_rejects"],
        "gsadf": s["gsadf"],
        "gsadf_cv": s["gsadf_cv"][level],
        "gsadf_rejects": s["gsadf_rejects"],
        "significance": s["significance"],
        "n_episodes": s["n_episodes"],
        "episodes": "; ".join(f"{_d(e['start'])}..{_d(e['end'])}" for e in eps),
        "last_episode_start": _d(last["start"]) if last else None,
        "last_episode_end": _d(last["end"]) if last else None,
        "bubble_at_end": bool(last["ongoing"]) if last else False,
        "min_window": s["min_window"],
        "reps": s["options"].get("reps"),
        "critical": s["options"].get("critical"),
    }


def _d(x: Any) -> str:
    return str(x.date()) if hasattr(x, "date") else str(x)


def psy_task(name: str, series: pd.Series, options: dict[str, Any]) -> dict[str, Any]:
    """Run :func:`kreislauf.bubble.psy.psy` on one series; one row of headline figures."""
    from kreislauf.bubble.psy import psy

    return _run("psy", psy, name, series, options, psy_headline)


def lppls_task(name: str, series: pd.Series, options: dict[str, Any]) -> dict[str, Any]:
    """Run :func:`kreislauf.bubble.lppls_confidence.confidence` on one series."""
    from kreislauf.bubble.lppls_confidence import confidence

    return _run("lppls", confidence, name, series, options, lppls_headline)


TASKS: dict[str, Callable[[str, pd.Series, dict[str, Any]], dict[str, Any]]] = {
    "psy": psy_task,
    "lppls": lppls_task,
}


@dataclass
class ScanResult(Result):
    """Headline figures of every (series, test) pair of a scan.

    Attributes
    ----------
    frame : DataFrame
        One row per series and test: ``series, test, status, error, n_obs, first, last,
        seconds`` and the test's headline figures.
    options : dict
        The options each test ran with.
    cluster : str
        ``local (n workers)`` or the scheduler address.
    seconds : float
        Wall time of the scan, cluster start included.
    """

    frame: pd.DataFrame
    options: dict[str, dict[str, Any]]
    cluster: str
    seconds: float
    sources: tuple[str, ...] = field(default=())

    def to_frame(self) -> pd.DataFrame:
        """One row per series and test."""
        return self.frame.copy()

    def summary(self) -> dict[str, Any]:
        """Counts, failures, flagged series and timing."""
        f = self.frame
        ok = f[f["status"] == "ok"]
        out: dict[str, Any] = {
            "cluster": self.cluster,
            "tasks": len(f),
            "series": int(f["series"].nunique()) if len(f) else 0,
            "ok": len(ok),
            "errors": {
                f"{r.series}/{r.test}": r.error for r in f[f["status"] != "ok"].itertuples()
            },
            "seconds": round(self.seconds, 2),
            "task_seconds": round(float(f["seconds"].sum()), 2) if len(f) else 0.0,
            "options": self.options,
            "sources": list(self.sources),
        }
        if "gsadf_rejects" in ok:
            out["psy_gsadf_rejects"] = sorted(ok.loc[ok["gsadf_rejects"] == True, "series"])  # noqa: E712
        if "bubble_at_end" in ok:
            out["psy_bubble_at_end"] = sorted(ok.loc[ok["bubble_at_end"] == True, "series"])  # noqa: E712
        return out

    def plot(self) -> go.Figure:
        """GSADF against its critical value per series, and LPPLS confidence (where run)."""
        from plotly.subplots import make_subplots

        f = self.frame[self.frame["status"] == "ok"]
        fig = make_subplots(
            rows=1, cols=2, subplot_titles=("PSY: GSADF / critical value", "LPPLS confidence")
        )
        p = f[f["test"] == "psy"]
        if len(p) and {"gsadf", "gsadf_cv"} <= set(p.columns):
            fig.add_bar(
                x=p["series"], y=p["gsadf"] / p["gsadf_cv"], name="GSADF / cv", row=1, col=1
            )
        lp = f[f["test"] == "lppls"]
        for col in ("latest_pos_conf", "max_pos_conf"):
            if len(lp) and col in lp:
                fig.add_bar(x=lp["series"], y=lp[col], name=col.replace("_", " "), row=1, col=2)
        fig.update_layout(template="plotly_white", title=f"Scan ({self.cluster})")
        return fig


def scan(
    series: Mapping[str, pd.Series],
    tests: tuple[str, ...] = TESTS,
    *,
    options: Mapping[str, dict[str, Any]] | None = None,
    workers: int = 2,
    scheduler: str | None = None,
    progress: Progress | None = None,
    tasks: Mapping[str, Callable[[str, pd.Series, dict[str, Any]], dict[str, Any]]] | None = None,
    timeout: float = 30.0,
    sources: tuple[str, ...] = (),
    client: Any = None,
) -> ScanResult:
    """Run the tests over every series on a Dask cluster and gather the headline figures.

    Parameters
    ----------
    series : mapping of str to Series
        Name -> price series (date-indexed, positive).
    tests : tuple of str
        Any of :data:`TESTS`.
    options : mapping, optional
        Keyword arguments per test (``{"psy": {"reps": 199}, "lppls": {"window_size": 120}}``).
    workers : int
        Worker processes of the local cluster (ignored with ``scheduler``).
    scheduler : str, optional
        Address of a running Dask scheduler; the scan then runs there.
    progress : callable, optional
        ``progress(done, total, row)`` after each finished task.
    tasks : mapping, optional
        Replacement task functions by test name (picklable, top-level); for tests and for
        users' own diagnostics.
    timeout : float
        Seconds to wait for a remote scheduler.
    sources : tuple of str
        Files the series came from, for the summary.
    client : dask.distributed.Client, optional
        An existing client to run on (left open); overrides ``workers`` and ``scheduler``.

    Returns
    -------
    ScanResult
    """
    table = dict(TASKS) | dict(tasks or {})
    unknown = [t for t in tests if t not in table]
    if unknown or not tests:
        raise InputError.single(
            f"unknown test(s) {unknown}; expected some of {sorted(table)}", field="--tests"
        )
    if not series:
        raise InputError.single("no series to scan", field="--series")
    if workers < 1:
        raise InputError.single(f"expected at least one worker, got {workers}", field="--workers")
    for name, s in series.items():
        if not isinstance(s, pd.Series) or s.empty:
            raise InputError.single(f"series {name!r} is empty", field="--series")
    opts = {t: dict((options or {}).get(t, {})) for t in tests}
    from dask.distributed import Client, LocalCluster, as_completed

    t0 = time.perf_counter()
    cluster = None
    own_client = client is None
    if client is not None:
        where = f"client {getattr(client.scheduler, 'address', '?')}"
    elif scheduler:
        try:
            client = Client(scheduler, timeout=timeout)
        except OSError as err:
            raise InputError.single(
                f"cannot reach the Dask scheduler at {scheduler!r}: {err}", field="--scheduler"
            ) from err
        where = f"scheduler {scheduler}"
    else:
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=40,
            # one numerical thread per worker process: the parallelism is across processes
            env={"NUMBA_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"},
        )
        client = Client(cluster)
        where = f"local ({workers} worker processes)"
    rows: list[dict[str, Any]] = []
    try:
        futures = [
            client.submit(table[t], name, s, opts[t], pure=False, key=f"{t}-{name}-{i}")
            for i, (name, s) in enumerate(series.items())
            for t in tests
        ]
        total = len(futures)
        for done, fut in enumerate(as_completed(futures), start=1):
            row = fut.result()
            rows.append(row)
            if progress is not None:
                progress(done, total, row)
    finally:
        if own_client:
            client.close()
        if cluster is not None:
            cluster.close()
    frame = pd.DataFrame(rows)
    order = {n: i for i, n in enumerate(series)} | {t: i for i, t in enumerate(tests)}
    frame = frame.sort_values(["series", "test"], key=lambda c: c.map(order)).reset_index(drop=True)
    lead = ["series", "test", "status", "error", "n_obs", "first", "last", "last_observation"]
    lead.append("seconds")
    frame = frame[[c for c in lead if c in frame] + [c for c in frame if c not in lead]]
    return ScanResult(frame, opts, where, time.perf_counter() - t0, tuple(sources))


def prepare_series(
    s: pd.Series,
    *,
    freq: str | None = "M",
    start: str | None = None,
    end: str | None = None,
    last: int | None = None,
) -> pd.Series:
    """Cut and thin a price series for a scan: the last close of each period.

    ``freq`` is ``"M"`` (month), ``"W"`` (week to Friday), ``"Q"``, or ``None``/``"D"`` (keep
    every observation); ``last`` keeps only the last that many observations. A thinned
    series is labelled by the periods' last calendar day (an evenly spaced index, as PSY
    requires); the date of the last real close is kept in ``attrs["last_observation"]`` and
    reported by the scan. Missing closes are dropped.
    """
    out = s.sort_index().dropna()
    if start is not None:
        out = out[out.index >= pd.Timestamp(start)]
    if end is not None:
        out = out[out.index <= pd.Timestamp(end)]
    last_obs = out.index[-1] if len(out) else None
    if freq and freq.upper() != "D":
        alias = {"M": "M", "W": "W-FRI", "Q": "Q"}.get(freq.upper(), freq)
        try:
            periods = out.index.to_period(alias)
        except ValueError as err:
            raise InputError.single(f"unknown frequency {freq!r}: {err}", field="--freq") from err
        out = out.groupby(periods).last()
        out.index = out.index.to_timestamp(how="end").normalize()
    out = out[np.isfinite(out.to_numpy(dtype=float))]
    if last is not None:
        if last < 1:
            raise InputError.single(f"expected last >= 1, got {last}", field="last")
        out = out.iloc[-last:]
    out.name = s.name
    out.attrs["last_observation"] = None if last_obs is None else str(pd.Timestamp(last_obs).date())
    return out
