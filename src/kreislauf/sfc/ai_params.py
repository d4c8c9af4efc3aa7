"""The AI-circuit parameter file: read it (every value with a source or an assumption), derive.

The shipped file is ``kreislauf/sfc/data/ai_circuit_params.yaml``. Each entry::

    NAME: {value: 1.0, unit: "...", kind: data|atlas|assumption, source: "..."}
    NAME: {value: 1.0, unit: "...", kind: assumption, assumption: "why this value"}

:func:`read_params` returns :class:`kreislauf.sfc.calibration.Entry` records; :func:`derive`
adds the values the model computes from them (stated formulas, kind ``derived``).
"""

from __future__ import annotations

import math
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from kreislauf.errors import InputError, Problem, echo
from kreislauf.sfc.calibration import Entry

KINDS = ("data", "atlas", "assumption")


def shipped_params_path() -> Path:
    """Path of the shipped parameter file."""
    return Path(str(resources.files("kreislauf.sfc") / "data" / "ai_circuit_params.yaml"))


def _compose(text: str, file: str) -> tuple[Any, dict[str, int]]:
    from kreislauf.yamlsafe import compose

    node = compose(text, file)  # size, depth and alias expansion are limited
    if node is None:
        raise InputError.single("the parameter file is empty", file=file)
    lines: dict[str, int] = {}
    cons = yaml.constructor.SafeConstructor()

    def walk(n: yaml.Node, path: str) -> Any:
        lines.setdefault(path, n.start_mark.line + 1)
        if isinstance(n, yaml.MappingNode):
            out = {}
            for kn, vn in n.value:
                child = f"{path}.{kn.value}" if path else str(kn.value)
                lines[child] = kn.start_mark.line + 1
                out[str(kn.value)] = walk(vn, child)
            return out
        if isinstance(n, yaml.SequenceNode):
            return [walk(v, f"{path}[{i}]") for i, v in enumerate(n.value)]
        return cons.construct_object(n, deep=True)

    return walk(node, ""), lines


def read_params(path: str | Path | None = None) -> tuple[str, list[Entry]]:
    """Read a parameter file.

    Parameters
    ----------
    path : str or Path, optional
        The file; default the shipped one.

    Returns
    -------
    (str, list of Entry)
        The first simulated quarter (``start``) and the entries.

    Raises
    ------
    InputError
        Every problem with file, line and field: a value that is not a finite number, an
        entry with neither ``source`` nor ``assumption``, an unknown key or kind.
    """
    p = Path(path) if path is not None else shipped_params_path()
    if not p.is_file():
        raise InputError.single("parameter file not found", file=str(p))
    data, lines = _compose(p.read_text(encoding="utf-8"), str(p))
    f = str(p)
    problems: list[Problem] = []
    if not isinstance(data, dict) or not isinstance(data.get("values"), dict):
        raise InputError.single("expected a mapping with 'start' and 'values'", file=f, row=1)
    start = str(data.get("start", ""))
    if not start:
        problems.append(Problem("missing 'start' (first simulated quarter, e.g. 2026Q3)", f, 1))
    for key in data:
        if key not in ("start", "values"):
            problems.append(Problem(f"unknown key {echo(key)}", f, lines.get(key), key))
    entries: list[Entry] = []
    for name, spec in data["values"].items():
        row = lines.get(f"values.{name}")
        if not isinstance(spec, dict):
            msg = "expected {value, unit, kind, source|assumption}"
            problems.append(Problem(msg, f, row, name))
            continue
        extra = set(spec) - {"value", "unit", "kind", "source", "assumption"}
        if extra:
            problems.append(Problem(f"unknown keys {sorted(extra)}", f, row, name))
        v = spec.get("value")
        finite = isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
        if not finite:
            problems.append(Problem(f"expected a finite number, got {echo(v)}", f, row, name))
            continue
        kind = spec.get("kind", "assumption" if "assumption" in spec else "data")
        if kind not in KINDS:
            problems.append(Problem(f"kind must be one of {KINDS}, got {echo(kind)}", f, row, name))
        src, why = spec.get("source"), spec.get("assumption")
        if not src and not why:
            problems.append(Problem("needs a 'source' or an 'assumption'", f, row, name))
        if kind == "assumption" and not why:
            problems.append(Problem("an assumption needs its rationale", f, row, name))
        entries.append(
            Entry(
                name,
                float(v),
                str(spec.get("unit", "")),
                str(src) if src else "assumption",
                kind,
                str(why) if why else None,
            )
        )
    if problems:
        raise InputError(problems)
    return start, entries


DERIVED: dict[str, tuple[str, str]] = {
    "VL0": ("VL_OAI0 + VL_OTHER0", "USD bn"),
    "RH0": ("(1 - cloud_share) * REV_H0", "USD bn per quarter"),
    "CLOUD0": ("cloud_share * REV_H0", "USD bn per quarter"),
    "CP0": ("COMMIT[1] + spot * AIS0", "USD bn per quarter"),
    "COd0": ("cloud_share * REV_H0 - CP0", "USD bn per quarter"),
    "ICH0": ("chip_share * CAPEX_H0", "USD bn per quarter"),
    "IB0": ("(1 - chip_share) * CAPEX_H0", "USD bn per quarter"),
    "ROV0": ("max(0, REV_V0 - chip_share * CAPEX_H0)", "USD bn per quarter"),
    "ELV_RATE": ("ELV0 / 4 / (chip_share * CAPEX_H0)", "share of chip sales per quarter"),
    "ypg": ("CLOUD0 / KG0", "USD bn of cloud revenue per powered GW per quarter"),
    "sI": (
        "(CAPEX_H0 / cpg - KG0 / (4 * life_acc)) / (KG0 * ((1 + g0) ** hI - 1))",
        "share of the capacity gap closed per quarter",
    ),
    "COa0": ("ai_co * COd0", "USD bn per quarter"),
    "COn0": ("(1 - ai_co) * COd0", "USD bn per quarter"),
    "mV": ("NI_V0 / ((1 - tax) * REV_V0)", "pre-tax margin"),
    "mH": (
        "(NI_H0 / (1 - tax) - ((1 - wc) * CLOUD0 - rL / 4 * LC0 - K0 / (4 * life_acc)"
        " - KB0 / (4 * life_bld))) / RH0",
        "pre-tax margin",
    ),
}
"""Derived values: name -> (formula over other entries, unit). ``COMMIT[1]`` is the first
quarter's commitments. ``mH`` makes the model's first-quarter hyperscaler profit (other
businesses plus cloud arms) equal the reported net income; ``mV`` does the same for vendors;
``sI`` makes the capex rule give the reported capex at the calibration quarter's demand
(period 1 differs by that quarter's growth); ``ELV_RATE`` spreads the
atlas' vendor -> lab investments (ELV0) over one year of chip sales (an assumption on
timing)."""


def derive(values: dict[str, Any]) -> list[Entry]:
    """The derived entries from a name -> value mapping (needs ``COMMIT`` as a list).

    Parameters
    ----------
    values : dict
        Every raw entry's value and ``COMMIT`` (the commitment path).

    Returns
    -------
    list of Entry
        One per :data:`DERIVED` name, in order, with its formula as the source.
    """
    v = dict(values)
    commit = v["COMMIT"]
    first = float(commit[0]) if isinstance(commit, list | tuple) else float(commit)
    out = []
    env = {k: x for k, x in v.items() if not isinstance(x, list | tuple)}
    env["COMMIT1"] = first
    for name, (formula, unit) in DERIVED.items():
        expr = formula.replace("COMMIT[1]", "COMMIT1")
        val = float(_evaluate(expr, env))
        env[name] = val
        out.append(Entry(name, val, unit, f"derived: {formula}", "derived"))
    return out


def _evaluate(expr: str, env: dict[str, Any]) -> Any:
    """Evaluate a formula of :data:`DERIVED` (names, + - * / **, max) without eval.

    Works elementwise on NumPy arrays (``max`` is :func:`numpy.maximum`)."""
    import ast
    import operator as op

    ops = {ast.Add: op.add, ast.Sub: op.sub, ast.Mult: op.mul, ast.Div: op.truediv, ast.Pow: op.pow}

    import numpy as np

    def ev(n: ast.AST) -> Any:
        if isinstance(n, ast.Expression):
            return ev(n.body)
        if isinstance(n, ast.Constant) and isinstance(n.value, int | float):
            return float(n.value)
        if isinstance(n, ast.Name):
            return env[n.id]
        if isinstance(n, ast.BinOp) and type(n.op) in ops:
            return ops[type(n.op)](ev(n.left), ev(n.right))
        if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.USub):
            return -ev(n.operand)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "max":
            return np.maximum(*[ev(a) for a in n.args])
        raise ValueError(f"unsupported formula element {ast.dump(n)}")

    return ev(ast.parse(expr, mode="eval"))


INITIAL_OF: dict[str, str | float] = {
    "AIS": "AIS0",
    "gA": "g0",
    "gB": "g0",
    "ge": "g0",
    "ML": "ML0",
    "ICH": "ICH0",
    "CP": "CP0",
    "VL": "VL0",
    "ICr": "CAPEX_H0",
    "KG": "KG0",
    "K": "K0",
    "KB": "KB0",
    "LC": "LC0",
    "MC": "MC0",
    "RH": "RH0",
    "MH": "MH0",
    "ELH": "ELH0",
    "ROV": "ROV0",
    "MV": "MV0",
    "ELV": "ELV0",
    "ME": "ME0",
    "BG": "BG0",
    "ELI": "ELI0",
    "MI": "MI0",
    "COa": "COa0",
    "COn": "COn0",
    "tq": 0.0,
    "DEFL": 0.0,
    "u": 1.0,
    "LOSS": 0.0,
    "EC": 0.0,
}
"""Model variable -> the entry giving its period-0 value (or a number: a model convention,
e.g. no lab in default and the parent funding counted from the start)."""

INITIAL_ONLY = frozenset(
    {"ML0", "ICH0", "CP0", "KG0", "K0", "KB0", "LC0", "MC0", "RH0", "MH0", "ELH0", "ROV0"}
    | {"MV0", "ELV0", "ME0", "BG0", "ELI0", "MI0", "COd0", "COa0", "COn0", "CAPEX_H0"}
    | {"CLOUD0"}
)
"""Entries that only set period-0 values (or feed derived values) and are not model parameters."""

EXOGENOUS = ("COMMIT", "g_shock", "pmem", "dr")
"""Exogenous paths of the model: the commitment schedule, a shock to AI spending growth
(0 in the baseline), the memory price relative to the start (1 in the baseline)."""


def model_values(entries: list[Entry]) -> tuple[dict[str, Entry], dict[str, tuple[float, str]]]:
    """Split calibrated entries into model parameters and period-0 values.

    Parameters
    ----------
    entries : list of Entry
        Raw, atlas and derived entries (``COMMIT`` included).

    Returns
    -------
    (dict, dict)
        Parameters (name -> Entry; every entry not used only as an initial value and not
        exogenous) and initial values (variable -> (value, source)).
    """
    by = {e.name: e for e in entries}
    initial: dict[str, tuple[float, str]] = {}
    for var, ref in INITIAL_OF.items():
        if isinstance(ref, str):
            e = by[ref]
            why = f"assumption: {e.rationale}" if e.kind == "assumption" else e.source
            initial[var] = (float(e.value), f"{ref}: {why}")  # type: ignore[arg-type]
        else:
            initial[var] = (float(ref), "model convention at the start")
    params = {n: e for n, e in by.items() if n not in INITIAL_ONLY and n not in EXOGENOUS}
    return params, initial


def calibrated_overrides(
    entries: list[Entry], draws: dict[str, Any] | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Engine overrides (``params``, ``initial``) from calibrated entries and optional draws.

    The derived values (:data:`DERIVED`) are recomputed from the drawn raw values, draw by
    draw (vectorised), so every draw stays calibrated: e.g. a drawn accelerator life changes
    the depreciation and with it the margin ``mH`` that matches the reported net income.

    Parameters
    ----------
    entries : list of Entry
        Raw and atlas entries (``COMMIT`` included), e.g. ``calibrate(...).entries``.
    draws : dict, optional
        Raw parameter name -> array (S,) of draws.

    Returns
    -------
    (dict, dict)
        ``params`` (parameters and the ``COMMIT`` path as a tuple) and ``initial`` values,
        ready for :func:`kreislauf.sfc.simulate`.
    """
    import numpy as np

    raw = {e.name: e for e in entries if e.kind != "derived"}
    env: dict[str, Any] = {n: e.value for n, e in raw.items() if n != "COMMIT"}
    unknown = sorted(set(draws or {}) - set(env))
    if unknown:
        raise InputError.single(
            f"cannot draw {unknown}: not entries of the parameter file", field="parameters"
        )
    env.update({k: np.asarray(v, dtype=float) for k, v in (draws or {}).items()})
    commit = raw["COMMIT"].value
    env["COMMIT1"] = float(commit[0]) if isinstance(commit, list | tuple) else float(commit)
    for name, (formula, _unit) in DERIVED.items():
        env[name] = _evaluate(formula.replace("COMMIT[1]", "COMMIT1"), env)
    params, initial = {}, {}
    for var, ref in INITIAL_OF.items():
        initial[var] = env[ref] if isinstance(ref, str) else ref
    for name, val in env.items():
        if name in INITIAL_ONLY or name == "COMMIT1":
            continue
        params[name] = val
    params["COMMIT"] = tuple(float(x) for x in commit)
    return params, initial


def load_calibration(
    data_dir: str | Path | None = None,
    atlas_dir: str | Path | None = None,
    params_file: str | Path | None = None,
    periods: int = 40,
) -> Any:
    """Read the parameter file, the atlas and (optionally) market data; calibrate.

    Parameters
    ----------
    data_dir : path, optional
        A market-data directory (``--data-dir``): the fundamentals and S&P 500 snapshot files
        found under it replace the shipped ``data`` entries (differences are noted).
        Without it the shipped, sourced values are used.
    atlas_dir : path, optional
        An atlas directory; default the shipped atlas.
    params_file : path, optional
        A parameter file; default the shipped one.
    periods : int
        Length of the commitment path.

    Returns
    -------
    Calibration
        With the derived entries appended.
    """
    from kreislauf.atlas import load_atlas
    from kreislauf.data.directory import discover, load_family
    from kreislauf.sfc.calibration import Calibration, calibrate

    start, raw = read_params(params_file)
    atlas = load_atlas(atlas_dir)
    fund = conc = None
    if data_dir is not None:
        found = discover(Path(data_dir))
        if found.get("fundamentals"):
            fund = load_family(Path(data_dir), "fundamentals")[0].frame
        if found.get("concentration"):
            conc = load_family(Path(data_dir), "concentration")[0].frame
        if fund is None and conc is None:
            raise InputError.single(
                "no fundamentals or S&P 500 concentration file under this directory",
                file=str(data_dir),
            )
    cal = calibrate(raw, start, periods, atlas.relations, atlas.entities, fund, conc)
    entries = list(cal.entries) + derive(cal.values())
    return Calibration(tuple(entries), cal.schedule, cal.notes)


class Recalibrate:
    """Draws -> engine overrides for the AI circuit (picklable, for Dask workers).

    Parameters
    ----------
    entries : list of Entry
        The calibration (``load_calibration().entries``).
    """

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = list(entries)
        # The raw inputs it takes (a scenario's values for these are fed in, not overridden).
        self.accepts = frozenset(
            e.name for e in self.entries if e.kind != "derived" and e.name != "COMMIT"
        )

    def __call__(self, draws: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """``(params, initial)`` for :func:`kreislauf.sfc.simulate`."""
        return calibrated_overrides(self.entries, draws)


def render_value_sections(cal: Any) -> str:
    """The ``parameters``, ``exogenous``, ``initial`` and ``checks`` sections of the model file.

    Generated from a calibration (:func:`load_calibration`) so that the model file carries
    exactly the calibrated values, each with its source; :func:`refresh_model_file` writes them.
    """

    def q(text: str) -> str:
        return yaml.safe_dump(text, width=10**6, default_style='"').strip()

    entries = list(cal.entries)
    params, initial = model_values(entries)
    out = [
        "parameters:   # values and sources: kreislauf/sfc/data/ai_circuit_params.yaml "
        "(a test keeps both equal)"
    ]
    for n, e in params.items():
        src = e.source if e.kind != "assumption" else f"assumption: {e.rationale}"
        out.append(f"  {n}: {{value: {echo(e.value)}, source: {q(src)}}}")
    commit = next(e for e in entries if e.name == "COMMIT")
    path = ", ".join(repr(float(x)) for x in commit.value)
    out += [
        "",
        "exogenous:",
        "  COMMIT:",
        f"    source: {q(commit.source + '; ' + (commit.rationale or ''))}",
        f"    value: [{path}]",
        '  g_shock: {value: 0.0, source: "baseline: no shock to AI spending growth '
        '(scenarios set it)"}',
        '  dr: {value: 0.0, source: "baseline: no change in the discount rate '
        '(the cost-of-capital scenario sets it)"}',
        '  pmem: {value: 1.0, source: "baseline: memory prices at their start level '
        '(scenarios set a path)"}',
        "",
        "initial:",
    ]
    for v, (x, s) in initial.items():
        out.append(f"  {v}: {{value: {echo(x)}, source: {q(s)}}}")
    out += ["", "checks:", "  tolerance: 1.0e-9", "  mode: raise", ""]
    return "\n".join(out)


def refresh_model_file(path: str | Path | None = None, cal: Any = None) -> str:
    """Rewrite the value sections of the AI-circuit model file from the calibration.

    Everything before the ``parameters:`` line (sectors, stocks, transactions, equations)
    is kept. Returns the new text (also written to ``path``, default the shipped file).
    """
    p = (
        Path(path)
        if path is not None
        else Path(str(resources.files("kreislauf.sfc") / "models" / "ai_circuit.yaml"))
    )
    text = p.read_text(encoding="utf-8")
    head, sep, _ = text.partition("\nparameters:")
    if not sep:
        raise InputError.single("no 'parameters:' section", file=str(p))
    new = head + "\n\n" + render_value_sections(cal if cal is not None else load_calibration())
    new = new.replace("\n\n\nparameters:", "\n\nparameters:")
    p.write_text(new, encoding="utf-8")
    return new


if __name__ == "__main__":  # python -m kreislauf.sfc.ai_params: refresh the shipped model file
    refresh_model_file()
