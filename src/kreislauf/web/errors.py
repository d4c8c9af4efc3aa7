"""Error bodies of the JSON API: always valid JSON, short, free of internal names.

* A request that fails validation gets HTTP 422 with ``{"detail": [{"loc", "msg", "type",
  "input"}]}``. Echoed input is JSON-safe (``NaN``, ``Infinity`` and ``-Infinity`` become those
  strings; JSON itself has no such numbers) and cut to :data:`ECHO_MAX` characters.
* Non-finite numbers are rejected on every field: JSON has no NaN or Infinity, and a number
  beyond the float range (``1e309``) parses as infinity. They get 422 naming the field.
* Messages are cut to :data:`MESSAGE_MAX` characters.
"""

from __future__ import annotations

import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from kreislauf.errors import ECHO_MAX, clip

__all__ = ["ECHO_MAX", "MESSAGE_MAX", "clip", "install", "json_safe"]

MESSAGE_MAX = 500
"""Longest error message of the API (the echoed part is within ECHO_MAX)."""


def json_safe(value: Any, depth: int = 0) -> Any:
    """``value`` with non-finite floats as strings, containers bounded, strings clipped."""
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return value
    if isinstance(value, bool | int) or value is None:
        return value
    if depth > 4:
        return "..."
    if isinstance(value, dict):
        items = list(value.items())[:20]
        return {clip(str(k), 60): json_safe(v, depth + 1) for k, v in items}
    if isinstance(value, list | tuple):
        return [json_safe(v, depth + 1) for v in list(value)[:20]]
    return clip(str(value))


def _has_nonfinite(value: Any, depth: int = 0) -> list[tuple[Any, ...]]:
    """Locations of non-finite floats in a parsed JSON body."""
    if depth > 64:
        return []
    if isinstance(value, float) and not math.isfinite(value):
        return [()]
    out: list[tuple[Any, ...]] = []
    if isinstance(value, dict):
        for k, v in value.items():
            out += [(k, *loc) for loc in _has_nonfinite(v, depth + 1)]
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += [(i, *loc) for loc in _has_nonfinite(v, depth + 1)]
    return out


def _detail(errors: Any) -> list[dict[str, Any]]:
    out = []
    for e in list(errors)[:20]:
        d = {
            "loc": [json_safe(x) for x in e.get("loc", ())][:10],
            "msg": clip(str(e.get("msg", "")), MESSAGE_MAX),
            "type": clip(str(e.get("type", "")), 60),
        }
        if "input" in e:
            d["input"] = json_safe(e["input"])
            if len(str(d["input"])) > ECHO_MAX:
                d["input"] = clip(str(d["input"]))
        out.append(d)
    return out


def install(app: FastAPI) -> None:
    """Register the 422 handler and the non-finite check of JSON bodies on ``app``."""

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(
            status_code=422, content=jsonable_encoder({"detail": _detail(exc.errors())})
        )

    @app.middleware("http")
    async def reject_nonfinite(request: Request, call_next: Any) -> Any:
        """JSON has no NaN/Infinity; Python's parser accepts them (and 1e309 as infinity)."""
        ctype = request.headers.get("content-type", "")
        if request.method in ("POST", "PUT", "PATCH") and "json" in ctype:
            import json

            body = await request.body()
            try:
                parsed = json.loads(body) if body else None
            except (ValueError, RecursionError):
                parsed = None  # FastAPI answers malformed JSON itself
            bad = _has_nonfinite(parsed) if parsed is not None else []
            if bad:
                detail = [
                    {
                        "loc": ["body", *[json_safe(x) for x in loc]][:10],
                        "msg": "expected a finite number (NaN, Infinity and numbers beyond "
                        "the float range are not accepted)",
                        "type": "finite_number",
                    }
                    for loc in bad[:20]
                ]
                return JSONResponse(status_code=422, content={"detail": detail})
        return await call_next(request)
