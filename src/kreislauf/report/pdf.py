"""Print the HTML report to PDF with headless Chromium (Debian's ``chromium``; no downloads).

Playwright drives the browser; the executable is ``$KREISLAUF_CHROMIUM``, else
``/usr/bin/chromium``, else ``chromium`` on the PATH.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from kreislauf.errors import InputError
from kreislauf.io import atomic_write_bytes

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def find_chromium() -> str | None:
    """Path of a Chromium executable, or ``None``."""
    for candidate in (os.environ.get("KREISLAUF_CHROMIUM"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


def html_to_pdf(html_path: Path, pdf_path: Path) -> Path:
    """Render ``html_path`` to ``pdf_path`` (A4, backgrounds) and return the PDF's path.

    Raises
    ------
    InputError
        When Playwright or Chromium is not installed (with the command that installs it).
    """
    exe = find_chromium()
    if exe is None:
        raise InputError.single(
            "PDF output needs Chromium: apt-get install chromium (or set KREISLAUF_CHROMIUM)",
            field="--pdf",
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as err:
        raise InputError.single(
            "PDF output needs Playwright: pip install 'kreislauf[pdf]'", field="--pdf"
        ) from err
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(html_path.resolve().as_uri(), wait_until="load")
            page.wait_for_timeout(500)  # let Plotly lay out its charts
            out = Path(tmp) / "report.pdf"
            page.pdf(path=str(out), format="A4", print_background=True)
            data = out.read_bytes()
        finally:
            browser.close()
    return atomic_write_bytes(pdf_path, data)
