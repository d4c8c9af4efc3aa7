"""Long-running jobs for the dashboard: progress, results and cancellation.

A job is a function ``fn(progress, cancelled) -> result`` run on a worker thread;
it reports progress through ``progress(fraction)`` and checks ``cancelled()``
between steps, stopping early with :class:`Cancelled`.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal["queued", "running", "done", "failed", "cancelled"]


class Cancelled(Exception):
    """Raised inside a job that noticed it was cancelled."""


@dataclass
class Job:
    """State of one job (read by the API)."""

    id: str
    kind: str
    status: Status = "queued"
    progress: float = 0.0
    result: Any = None
    error: str | None = None
    created: float = field(default_factory=time.time)
    cancel_event: threading.Event = field(default_factory=threading.Event, repr=False)

    def public(self) -> dict[str, Any]:
        """The job as the API shows it."""
        return {
            "id": self.id,
            "kind": self.kind,
            "status": self.status,
            "progress": round(self.progress, 4),
            "error": self.error,
            "result": self.result if self.status == "done" else None,
        }


class JobManager:
    """Runs jobs on a small thread pool and keeps the last ``keep`` of them."""

    def __init__(self, max_workers: int = 2, keep: int = 200) -> None:
        self._max_workers = max_workers
        self._pool = self._new_pool()
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._keep = keep
        self._closed = False

    def _new_pool(self) -> ThreadPoolExecutor:
        return ThreadPoolExecutor(max_workers=self._max_workers, thread_name_prefix="kreislauf-job")

    def submit(
        self, kind: str, fn: Callable[[Callable[[float], None], Callable[[], bool]], Any]
    ) -> Job:
        """Start ``fn`` and return its job."""
        job = Job(id=uuid.uuid4().hex[:12], kind=kind)
        with self._lock:
            self._jobs[job.id] = job
            if len(self._jobs) > self._keep:
                for old in sorted(self._jobs.values(), key=lambda j: j.created)[: -self._keep]:
                    if old.status in ("done", "failed", "cancelled"):
                        self._jobs.pop(old.id, None)

        def progress(fraction: float) -> None:
            job.progress = min(1.0, max(0.0, float(fraction)))

        def cancelled() -> bool:
            return job.cancel_event.is_set()

        def run() -> None:
            if job.cancel_event.is_set():
                job.status = "cancelled"
                return
            job.status = "running"
            try:
                job.result = fn(progress, cancelled)
                job.progress = 1.0
                job.status = "done"
            except Cancelled:
                job.status = "cancelled"
            except Exception as err:  # reported to the client, never swallowed
                job.error = f"{type(err).__name__}: {err}"
                job.status = "failed"

        with self._lock:
            if self._closed:  # restarted after a shutdown (e.g. a new ASGI lifespan)
                self._pool, self._closed = self._new_pool(), False
            self._pool.submit(run)
        return job

    def get(self, job_id: str) -> Job | None:
        """The job with this id, if known."""
        return self._jobs.get(job_id)

    def cancel(self, job_id: str) -> Job | None:
        """Ask a job to stop; returns it (or None if unknown)."""
        job = self._jobs.get(job_id)
        if job is not None and job.status in ("queued", "running"):
            job.cancel_event.set()
            if job.status == "queued":
                job.status = "cancelled"
        return job

    def shutdown(self) -> None:
        """Cancel everything and stop the pool."""
        for job in list(self._jobs.values()):
            job.cancel_event.set()
        with self._lock:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._closed = True
