"""Parameters of the DRAM market model, each carrying its source or marked an assumption.

A parameter file is YAML. Every numeric parameter is a mapping with ``value`` and
either ``source`` (where the number comes from) or ``assumption`` (why this value
was chosen when no source gives it). Quantities are in thousand wafer starts per
month (kWSPM); prices in euros per 32 GB DDR5 kit (an index anchored at the
reference price); costs as fractions of the reference price.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from kreislauf.errors import InputError, Problem, echo

SHIPPED = Path(__file__).with_name("data") / "baseline.yaml"


@dataclass(frozen=True)
class Producer:
    """A DRAM producer.

    Attributes
    ----------
    id : str
        Key (``samsung``).
    share : float
        Share of world wafer capacity at the start.
    cash_cost : float
        Marginal (cash) cost per unit, as a fraction of the reference price.
    full_cost : float
        Full cost including depreciation, as a fraction of the reference price;
        new capacity must earn it (plus the hurdle premium).
    contracted : bool
        Party to the hoarding buyer's supply contract.
    """

    id: str
    share: float
    cash_cost: float
    full_cost: float
    contracted: bool = False


@dataclass(frozen=True)
class Segment:
    """A demand segment with a linear demand curve through the reference point.

    At the reference price the segment buys ``share`` of world output, with point
    elasticity ``elasticity``; the curve is ``Q = Q0 g (1 + e) - Q0 g e P / P0``.
    """

    id: str
    share: float
    elasticity: float
    growth_per_month: float
    panic_exposed: bool
    ai: bool = False


@dataclass(frozen=True)
class Hoarder:
    """The hoarding buyer: locks in output under contract and stores part of it."""

    wafers_per_month: float
    start_month: int
    ramp_months: int
    stored_share: float
    contract_price: float


@dataclass(frozen=True)
class Panic:
    """Precautionary demand by all other buyers.

    Target inventory (months of cover of the exposed segments' reference demand) is
    ``base_cover + momentum_sensitivity * max(0, m) + scarcity_sensitivity * s`` with
    ``m`` the log price change over ``momentum_window`` months and ``s`` the share of
    world output locked by the hoarder; the gap closes over ``adjustment_months``.
    """

    base_cover: float
    momentum_sensitivity: float
    scarcity_sensitivity: float
    adjustment_months: float
    momentum_window: int


@dataclass(frozen=True)
class Investment:
    """Capacity decisions: orders arrive after a build lag when expected prices pay."""

    build_lag_months: int
    expectation_speed: float
    hurdle_premium: float
    response: float
    max_order_share: float
    baseline_expansion: float


@dataclass(frozen=True)
class MarketParams:
    """All parameters of the market model.

    Attributes
    ----------
    sources : dict
        ``dotted.path -> source or 'assumption: ...'`` for every parameter.
    """

    start: pd.Period
    months: int
    reference_price: float
    world_capacity: float
    producers: tuple[Producer, ...]
    segments: tuple[Segment, ...]
    hoarder: Hoarder
    panic: Panic
    investment: Investment
    sources: dict[str, str] = field(default_factory=dict, compare=False)

    def with_hoard_share(self, share: float) -> MarketParams:
        """Same parameters with the hoard set to ``share`` of world capacity."""
        return replace(
            self, hoarder=replace(self.hoarder, wafers_per_month=share * self.world_capacity)
        )

    def sources_frame(self) -> pd.DataFrame:
        """Every parameter with its value's provenance."""
        rows = [
            {
                "parameter": k,
                "kind": "assumption" if v.startswith("assumption:") else "source",
                "provenance": v,
            }
            for k, v in self.sources.items()
        ]
        return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- loading


def _compose_with_lines(text: str, file: str) -> tuple[Any, dict[str, int]]:
    from kreislauf.yamlsafe import compose

    node = compose(text, file)  # size, depth and alias expansion are limited
    lines: dict[str, int] = {}
    constructor = yaml.constructor.SafeConstructor()

    def walk(n: yaml.Node, path: str) -> Any:
        lines[path] = n.start_mark.line + 1
        if isinstance(n, yaml.MappingNode):
            out = {}
            for kn, vn in n.value:
                key = str(kn.value)
                child = f"{path}.{key}" if path else key
                out[key] = walk(vn, child)
                lines[child] = kn.start_mark.line + 1  # name the key's own line
            return out
        if isinstance(n, yaml.SequenceNode):
            return [walk(v, f"{path}[{i}]") for i, v in enumerate(n.value)]
        return constructor.construct_object(n, deep=True)

    if node is None:
        raise InputError.single("the parameter file is empty", file=file)
    return walk(node, ""), lines


class _Reader:
    """Reads sourced values, collecting every problem with its line."""

    def __init__(self, data: dict[str, Any], lines: dict[str, int], file: str) -> None:
        self.data, self.lines, self.file = data, lines, file
        self.problems: list[Problem] = []
        self.sources: dict[str, str] = {}

    def _problem(self, path: str, msg: str) -> None:
        line = self.lines.get(path) or self.lines.get(path.rsplit(".", 1)[0])
        self.problems.append(Problem(msg, self.file, line, path))

    def get(self, obj: dict[str, Any], key: str, path: str) -> Any:
        if not isinstance(obj, dict) or key not in obj:
            self._problem(path, f"missing required key '{key}'")
            return None
        return obj[key]

    def number(
        self,
        obj: dict[str, Any],
        key: str,
        path: str,
        lo: float | None = None,
        hi: float | None = None,
        integer: bool = False,
    ) -> float:
        entry = self.get(obj, key, path)
        if entry is None:
            return float("nan")
        if not isinstance(entry, dict) or "value" not in entry:
            self._problem(path, "expected a mapping with 'value' and 'source' or 'assumption'")
            return float("nan")
        if not (entry.get("source") or entry.get("assumption")):
            self._problem(path, "every parameter needs a 'source' or an 'assumption' (rationale)")
        else:
            self.sources[path] = (
                str(entry["source"])
                if entry.get("source")
                else "assumption: " + str(entry["assumption"])
            )
        value = entry["value"]
        if isinstance(value, bool) or not isinstance(value, int | float):
            self._problem(path + ".value", f"expected a number, got {echo(value)}")
            return float("nan")
        if value != value or value in (float("inf"), float("-inf")):
            self._problem(path + ".value", f"expected a finite number, got {echo(value)}")
            return float("nan")
        if integer and int(value) != value:
            self._problem(path + ".value", f"expected a whole number, got {echo(value)}")
        if lo is not None and value < lo:
            self._problem(path + ".value", f"expected a value >= {lo}, got {echo(value)}")
        if hi is not None and value > hi:
            self._problem(path + ".value", f"expected a value <= {hi}, got {echo(value)}")
        return float(value)


def load_params(path: str | Path | None = None) -> MarketParams:
    """Load and validate a parameter file (default: the shipped baseline).

    Raises
    ------
    InputError
        Naming the file, line and parameter of every problem found.
    """
    file = Path(path) if path is not None else SHIPPED
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as err:
        raise InputError.single(f"cannot read parameter file: {err.strerror}", file=file) from err
    data, lines = _compose_with_lines(text, str(file))
    if not isinstance(data, dict):
        raise InputError.single("expected a mapping at the top level", file=file, row=1)
    r = _Reader(data, lines, str(file))
    start_raw = r.get(data, "start", "start")
    try:
        start = pd.Period(str(start_raw), freq="M")
    except (ValueError, TypeError):
        r._problem("start", f"expected a month 'YYYY-MM', got {echo(start_raw)}")
        start = pd.Period("2000-01", freq="M")
    months_raw = r.get(data, "months", "months")
    if (
        isinstance(months_raw, bool)
        or not isinstance(months_raw, int)
        or not 1 <= months_raw <= 600
    ):
        r._problem("months", f"expected a whole number of months in 1..600, got {echo(months_raw)}")
        months_raw = 1
    months = int(months_raw)
    p0 = r.number(data, "reference_price", "reference_price", lo=1e-9)
    world = r.number(data, "world_capacity", "world_capacity", lo=1e-9)

    producers = []
    for i, p in enumerate(r.get(data, "producers", "producers") or []):
        base = f"producers[{i}]"
        producers.append(
            Producer(
                id=str(r.get(p, "id", base + ".id")),
                share=r.number(p, "share", base + ".share", 0, 1),
                cash_cost=r.number(p, "cash_cost", base + ".cash_cost", 0),
                full_cost=r.number(p, "full_cost", base + ".full_cost", 0),
                contracted=bool(p.get("contracted", False)) if isinstance(p, dict) else False,
            )
        )
    segments = []
    for i, s in enumerate(r.get(data, "segments", "segments") or []):
        base = f"segments[{i}]"
        segments.append(
            Segment(
                id=str(r.get(s, "id", base + ".id")),
                share=r.number(s, "share", base + ".share", 0, 1),
                elasticity=r.number(s, "elasticity", base + ".elasticity", 1e-6),
                growth_per_month=r.number(s, "growth_per_month", base + ".growth_per_month", -1),
                panic_exposed=bool(s.get("panic_exposed", False)) if isinstance(s, dict) else False,
                ai=bool(s.get("ai", False)) if isinstance(s, dict) else False,
            )
        )

    def block(name: str, cls: type, bounds: dict[str, tuple[float | None, float | None]]) -> Any:
        raw = r.get(data, name, name) or {}
        kwargs = {}
        for f in fields(cls):
            lo, hi = bounds.get(f.name, (None, None))
            integer = f.type in ("int", int)
            val = r.number(raw, f.name, f"{name}.{f.name}", lo, hi, integer=integer)
            kwargs[f.name] = int(val) if integer and val == val else val
        return cls(**kwargs)

    hoarder = block(
        "hoarder",
        Hoarder,
        {
            "wafers_per_month": (0, None),
            "start_month": (0, None),
            "ramp_months": (1, None),
            "stored_share": (0, 1),
            "contract_price": (0, None),
        },
    )
    panic = block(
        "panic",
        Panic,
        {
            "base_cover": (0, None),
            "momentum_sensitivity": (0, None),
            "scarcity_sensitivity": (0, None),
            "adjustment_months": (1, None),
            "momentum_window": (1, None),
        },
    )
    investment = block(
        "investment",
        Investment,
        {
            "build_lag_months": (0, None),
            "expectation_speed": (0, 1),
            "hurdle_premium": (0, None),
            "response": (0, None),
            "max_order_share": (0, 1),
            "baseline_expansion": (0, 1),
        },
    )
    if producers and abs(sum(p.share for p in producers) - 1) > 1e-6:
        r._problem("producers", "producer shares must sum to 1")
    if segments and abs(sum(s.share for s in segments) - 1) > 1e-6:
        r._problem("segments", "segment shares must sum to 1")
    if len({p.id for p in producers}) != len(producers):
        r._problem("producers", "producer ids must be unique")
    if not producers or not segments:
        r._problem("producers", "at least one producer and one segment are required")
    if r.problems:
        raise InputError(r.problems)
    return MarketParams(
        start=start,
        months=months,
        reference_price=p0,
        world_capacity=world,
        producers=tuple(producers),
        segments=tuple(segments),
        hoarder=hoarder,
        panic=panic,
        investment=investment,
        sources=r.sources,
    )
