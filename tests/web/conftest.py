"""A live dashboard on loopback for browser and load tests."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")
pytest.importorskip("uvicorn", reason="the web extra is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(app: object) -> Iterator[str]:
    """Serve ``app`` with uvicorn on 127.0.0.1 in a background thread; yields its base URL."""
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", timeout_keep_alive=15)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    if not server.started:
        pytest.fail("the dashboard did not start within 20 s")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    """The dashboard (shipped atlas, no data directory) on loopback."""
    from kreislauf.web.app import create_app

    with serving(create_app()) as url:
        yield url


@pytest.fixture(scope="session")
def serve_app() -> object:
    """:func:`serving`, for tests that need a dashboard built with other arguments."""
    return serving


def watched_page(browser: object, base: str) -> object:
    """A new page that records every request not to ``base`` in ``page.external_requests``."""
    pg = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    external: list[str] = []
    pg.on(
        "request",
        lambda req: (
            external.append(req.url) if not req.url.startswith((base, "data:", "about:")) else None
        ),
    )
    pg.external_requests = external
    return pg


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator[object]:
    """Debian's chromium through Playwright, one per test module."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    from kreislauf.report.pdf import CHROMIUM_ARGS

    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def page(browser: object, live_server: str) -> object:
    """One page on the plain dashboard, shared by a module's tests."""
    return watched_page(browser, live_server)


def wait_for_job(client: object, job_id: str, timeout: float = 60.0) -> dict:
    """Poll ``/api/jobs/{job_id}`` until the job has left ``queued``/``running``; its state."""
    deadline = time.time() + timeout
    state: dict = {}
    while time.time() < deadline:
        state = client.get(f"/api/jobs/{job_id}").json()  # type: ignore[attr-defined]
        if state["status"] not in ("queued", "running"):
            return state
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} still {state.get('status')} after {timeout} s")
