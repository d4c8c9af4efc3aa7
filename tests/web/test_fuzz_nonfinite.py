"""API fuzz with non-finite numbers (issue 14, finding 4): schemathesis generates requests from
the OpenAPI schema; a hook replaces numbers in bodies and numeric query parameters by NaN,
+-Infinity or a number beyond the float range (sent as the JSON tokens ``NaN``/``Infinity``
and ``1e309``, which Python's parser accepts). No operation may answer with a 5xx, and every
error body must be valid JSON (the old 422 bodies echoed ``nan`` and the encoder raised: 500).
"""

from __future__ import annotations

import json
import math

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed")
from hypothesis import HealthCheck, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from kreislauf.web.app import create_app  # noqa: E402

NONFINITE = (math.nan, math.inf, -math.inf)
TOKENS = ("NaN", "Infinity", "-Infinity", "1e309", "-1e309", "nan", "inf")

schema = schemathesis.openapi.from_asgi("/openapi.json", create_app())


@schemathesis.serializer("application/json")
def _json_with_nonfinite(ctx, value):  # JSON as Python writes it: NaN and Infinity allowed
    if isinstance(value, bytes):  # a raw (deliberately invalid) body
        return value
    text = json.dumps(value, allow_nan=True, default=lambda o: bytes(o).decode("latin-1"))
    return text.encode()


def _numeric_paths(value, path=()):
    if isinstance(value, bool):
        return []
    if isinstance(value, int | float):
        return [path]
    out = []
    if isinstance(value, dict):
        for k, v in value.items():
            out += _numeric_paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _numeric_paths(v, (*path, i))
    return out


def _replace(value, path, new):
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _replace(value[head], rest, new)}
    out = list(value)
    out[head] = _replace(out[head], rest, new)
    return out


@schema.hook
def flatmap_body(context, body):
    paths = _numeric_paths(body)
    if isinstance(body, dict):  # also a non-finite number where none was generated
        paths += [(k,) for k in body if (k,) not in paths]
    if not paths:
        return st.just(body)
    return st.tuples(st.sampled_from(paths), st.sampled_from(NONFINITE)).map(
        lambda pv: _replace(body, pv[0], pv[1])
    )


@schema.hook
def flatmap_query(context, query):
    if not query:
        return st.just(query)
    return st.tuples(st.sampled_from(sorted(query)), st.sampled_from(TOKENS)).map(
        lambda kv: {**query, kv[0]: kv[1]}
    )


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_nonfinite_numbers_get_422_never_5xx(case) -> None:
    response = case.call()
    assert response.status_code < 500, (case.path, case.body, case.query, response.text[:300])
    if response.status_code >= 400:
        body = json.loads(response.text)  # valid JSON (no bare NaN)
        text = json.dumps(body)
        assert "_LList" not in text and "Traceback" not in text


def test_422_bodies_echo_at_most_200_characters_and_are_json() -> None:
    from fastapi.testclient import TestClient

    c = TestClient(create_app())
    for body in ('{"hoard_share": "' + "x" * 5000 + '"}', '{"hoard_share": NaN}',
                 '{"hoard_share": 1e309}', '{"hoard_share": -Infinity}'):  # fmt: skip
        r = c.post("/api/memory/run", content=body, headers={"content-type": "application/json"})
        assert r.status_code == 422, r.text
        for d in json.loads(r.text)["detail"]:
            assert len(str(d.get("input", ""))) <= 200 and len(d["msg"]) <= 500
    r = c.get("/api/circuit", params={"haircut": "NaN"})
    assert r.status_code == 422 and json.loads(r.text)["detail"][0]["loc"] == ["query", "haircut"]
