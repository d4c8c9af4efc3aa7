"""Load and validate SFC model and scenario files (YAML; format in docs/sfc.md).

Every problem found is collected and raised together as one
:class:`~kreislauf.errors.InputError`, each naming the file, the line (from the YAML node
marks) and the field.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from kreislauf.errors import InputError, Problem, echo
from kreislauf.sfc.expr import IDENT, Expr, parse_equation
from kreislauf.sfc.spec import Equation, Model, Scenario, Shock, Stock, Transaction, Value
from kreislauf.sfc.yamlfile import Ctx, keys, line, num, read_yaml

__all__ = [
    "Equation",
    "Model",
    "Scenario",
    "Shock",
    "Stock",
    "Transaction",
    "Value",
    "load_model",
    "load_scenario",
    "shipped_models",
]

MODES = ("raise", "warn")
OPS = ("set", "add", "scale")


def _values(c: Ctx, raw: Any, what: str, *, paths: bool, need_source: bool) -> dict[str, Value]:
    out: dict[str, Value] = {}
    if raw is None:
        return out
    if not isinstance(raw, dict):
        c.err(f"'{what}' must be a mapping name -> {{value, source}}", getattr(raw, "line", None))
        return out
    for name, spec in raw.items():
        ln = line(raw, name)
        if not isinstance(name, str) or not IDENT.match(name) or name.startswith("__"):
            c.err(f"{what}: {echo(name)} is not a valid name", ln, str(name))
            continue
        src = None
        if isinstance(spec, dict):
            keys(c, spec, {"value", "source", "description", "unit"}, f"{what} {name}")
            src, v = spec.get("source"), spec.get("value")
            if "value" not in spec:
                c.err(f"{what} {echo(name)} has no value", ln, name)
                continue
        else:
            v = spec
        if need_source and (not isinstance(src, str) or not src.strip()):
            c.err(
                f"{what} {echo(name)} needs a 'source' (a citation, or 'assumption: ...')", ln, name
            )
        if paths and isinstance(v, list):
            vals = [num(x) for x in v]
            if not vals or any(x is None for x in vals):
                c.err(
                    f"{what} {echo(name)}: expected a number or a non-empty list of numbers",
                    ln,
                    name,
                )
                continue
            out[name] = Value(tuple(vals), src, ln)  # type: ignore[arg-type]
        else:
            f = num(v)
            if f is None:
                c.err(f"{what} {echo(name)}: expected a finite number, got {echo(v)}", ln, name)
                continue
            out[name] = Value(f, src, ln)
    return out


def _shocks(c: Ctx, raw: Any) -> list[Shock]:
    out: list[Shock] = []
    if raw is None:
        return out
    if not isinstance(raw, list):
        c.err("'shocks' must be a list", getattr(raw, "line", None))
        return out
    for i, s in enumerate(raw):
        ln = line(raw, i)
        if not keys(c, s, {"var", "from", "until", *OPS, "description", "source"}, "shock"):
            continue
        ops = [o for o in OPS if o in s]
        var, start, until = s.get("var"), s.get("from", 1), s.get("until")
        if not isinstance(var, str):
            c.err("shock needs 'var' (a parameter or exogenous variable)", ln, "var")
            continue
        if len(ops) != 1:
            c.err(f"shock of {echo(var)} needs exactly one of set | add | scale", ln, var)
            continue
        val = num(s[ops[0]])
        if val is None:
            c.err(f"shock of {echo(var)}: {ops[0]} must be a finite number", ln, var)
            continue
        if type(start) is not int or start < 1:
            c.err(
                f"shock of {echo(var)}: 'from' must be a period >= 1, got {echo(start)}", ln, "from"
            )
            continue
        if until is not None and (type(until) is not int or until < start):
            c.err(
                f"shock of {echo(var)}: 'until' must be a period >= from, got {echo(until)}",
                ln,
                "until",
            )
            continue
        out.append(Shock(var, start, ops[0], val, until, c.file, ln))
    return out


def _sector_exprs(
    c: Ctx, spec: dict, one: str, many: str, ekey: str, name: str, sectors: set[str]
) -> list[tuple[str, Expr]]:
    out: list[tuple[str, Expr]] = []
    ln = line(spec, one) if one in spec else line(spec, many)
    if one in spec and many in spec:
        c.err(f"stock {echo(name)}: give either {echo(one)} or {echo(many)}, not both", ln, name)
        return out
    if one in spec:
        items = [(spec[one], spec.get(ekey, name))]
    elif many in spec:
        m = spec[many]
        if not isinstance(m, dict) or not m:
            c.err(f"stock {echo(name)}: {echo(many)} must map sectors to expressions", ln, many)
            return out
        items = list(m.items())
    else:
        return out
    for sec, ex in items:
        if sec not in sectors:
            c.err(
                f"stock {echo(name)}: unknown sector {echo(sec)} "
                f"(sectors: {', '.join(sorted(sectors))})",
                ln,
                "sector",
            )
            continue
        e = c.expr(ex, ln, f"{name}.{sec}")
        if e is not None:
            out.append((sec, e))
    return out


_MODEL_KEYS = {
    "name",
    "title",
    "source",
    "frequency",
    "description",
    "sectors",
    "stocks",
    "transactions",
    "equations",
    "parameters",
    "exogenous",
    "initial",
    "shocks",
    "checks",
    "solver",
}


def parse_model(data: Any, file: str, problems: list[Problem] | None = None) -> Model:
    """Validate the parsed YAML of a model file and build a :class:`Model`."""
    c = Ctx(file, list(problems or []))
    if not keys(c, data, _MODEL_KEYS, "model file"):
        raise InputError(c.problems)
    for req in ("name", "source", "sectors", "equations"):
        if req not in data:
            c.err(f"model file needs '{req}'", getattr(data, "line", 1), req)
    name = data.get("name", "?")
    if not isinstance(name, str) or not IDENT.match(name):
        c.err(f"'name' must be an identifier, got {echo(name)}", line(data, "name"), "name")
    # sectors
    raw_sec = data.get("sectors", [])
    sec_list = list(raw_sec) if isinstance(raw_sec, list | dict) else []
    if not sec_list and "sectors" in data:
        c.err("'sectors' must be a non-empty list of names", line(data, "sectors"), "sectors")
    for i, s in enumerate(sec_list):
        if not isinstance(s, str) or not IDENT.match(s):
            c.err(
                f"sector {echo(s)} is not a valid name",
                line(raw_sec, i if isinstance(raw_sec, list) else s),
                "sectors",
            )
        elif sec_list.count(s) > 1 and sec_list.index(s) == i:
            c.err(f"sector {echo(s)} is listed twice", line(data, "sectors"), "sectors")
    sectors = {s for s in sec_list if isinstance(s, str)}
    # parameters, exogenous, initial
    params = _values(c, data.get("parameters"), "parameter", paths=False, need_source=True)
    exog = _values(c, data.get("exogenous"), "exogenous", paths=True, need_source=True)
    initial = _values(c, data.get("initial"), "initial", paths=False, need_source=False)
    for n in set(params) & set(exog):
        c.err(f"{echo(n)} is both a parameter and an exogenous variable", params[n].line, n)
    # equations
    eqs: list[Equation] = []
    raw_eq = data.get("equations", [])
    if not isinstance(raw_eq, list):
        c.err("'equations' must be a list", line(data, "equations"), "equations")
        raw_eq = []
    seen: dict[str, int | None] = {}
    for i, item in enumerate(raw_eq):
        ln = line(raw_eq, i)
        desc = None
        if isinstance(item, dict):
            keys(c, item, {"eq", "description", "source"}, "equation")
            desc, item = item.get("description"), item.get("eq")
        try:
            var, ex = parse_equation(item, file=file, line=ln)
        except InputError as exc:
            c.problems.extend(exc.problems)
            continue
        if var in seen:
            c.err(f"variable {echo(var)} has two equations (first at line {seen[var]})", ln, var)
            continue
        if var in params or var in exog:
            kind = "parameter" if var in params else "exogenous variable"
            c.err(f"{echo(var)} is a {kind} and cannot also have an equation", ln, var)
            continue
        seen[var] = ln
        eqs.append(Equation(var, ex, ln, desc))
    endo = set(seen)
    known = endo | set(params) | set(exog)
    # stocks
    stocks: list[Stock] = []
    raw_st = data.get("stocks") or {}
    if not isinstance(raw_st, dict):
        c.err("'stocks' must be a mapping name -> spec", line(data, "stocks"), "stocks")
        raw_st = {}
    st_keys = {
        "holder",
        "holders",
        "asset",
        "issuer",
        "issuers",
        "liability",
        "real",
        "change",
        "revaluation",
        "description",
        "unit",
    }
    for sname, spec in raw_st.items():
        ln = line(raw_st, sname)
        if not keys(c, spec, st_keys, f"stock {echo(sname)}"):
            continue
        real = bool(spec.get("real", False))
        hold = _sector_exprs(c, spec, "holder", "holders", "asset", sname, sectors)
        iss = _sector_exprs(c, spec, "issuer", "issuers", "liability", sname, sectors)
        if not any(k in spec for k in ("holder", "holders")):
            c.err(f"stock {echo(sname)} has no holder", ln, sname)
        if real and any(k in spec for k in ("issuer", "issuers")):
            c.err(f"real stock {echo(sname)} cannot have an issuer", ln, sname)
        if not real and not any(k in spec for k in ("issuer", "issuers")):
            c.err(
                f"financial stock {echo(sname)} has no issuer (the counterparty whose liability "
                "it is); declare real: true for a tangible stock",
                ln,
                sname,
            )
        if "change" in spec and not real:
            c.err(
                f"stock {echo(sname)}: 'change' is for real stocks (financial stocks move by "
                "their flow-of-funds row)",
                ln,
                "change",
            )
        chg = c.expr(spec["change"], ln, f"{sname}.change") if "change" in spec else None
        rev = (
            c.expr(spec["revaluation"], ln, f"{sname}.revaluation")
            if "revaluation" in spec
            else None
        )
        if rev is not None and (len(hold) != 1 or len(iss) != 1):
            c.err(
                f"stock {echo(sname)}: a revaluation needs exactly one holder and one issuer",
                ln,
                "revaluation",
            )
        stocks.append(
            Stock(str(sname), tuple(hold), tuple(iss), real, chg, rev, spec.get("description"), ln)
        )
    # transactions
    trans: list[Transaction] = []
    raw_tr = data.get("transactions") or []
    if not isinstance(raw_tr, list):
        c.err("'transactions' must be a list", line(data, "transactions"), "transactions")
        raw_tr = []
    for i, t in enumerate(raw_tr):
        ln = line(raw_tr, i)
        if not keys(
            c,
            t,
            {"name", "from", "to", "value", "received", "entries", "description"},
            "transaction",
        ):
            continue
        tname = str(t.get("name", f"transaction {i + 1}"))
        entries: list[tuple[str, float, Expr]] = []
        if "entries" in t:
            if any(k in t for k in ("from", "to", "value", "received")):
                c.err(f"transaction {echo(tname)}: give either entries or from/to/value", ln, tname)
                continue
            ent = t["entries"]
            if not isinstance(ent, dict) or len(ent) < 2:
                c.err(
                    f"transaction {echo(tname)}: entries must name at least two sectors (a payer "
                    "and a receiver)",
                    ln,
                    tname,
                )
                continue
            for sec, ex in ent.items():
                if sec not in sectors:
                    c.err(f"transaction {echo(tname)}: unknown sector {echo(sec)}", ln, "entries")
                    continue
                e = c.expr(ex, ln, f"{tname}.{sec}")
                if e is not None:
                    entries.append((sec, 1.0, e))
        else:
            if "from" not in t or "to" not in t:
                miss = "from (payer)" if "from" not in t else "to (receiver)"
                c.err(f"transaction {echo(tname)} has no counterparty: missing '{miss}'", ln, tname)
                continue
            if "value" not in t:
                c.err(f"transaction {echo(tname)} has no value", ln, tname)
                continue
            bad = False
            for role in ("from", "to"):
                if t[role] not in sectors:
                    c.err(
                        f"transaction {echo(tname)}: unknown sector {echo(t[role])} in '{role}' "
                        f"(sectors: {', '.join(sorted(sectors))})",
                        ln,
                        role,
                    )
                    bad = True
            if not bad and t["from"] == t["to"]:
                c.err(
                    f"transaction {echo(tname)}: payer and receiver are the same sector", ln, tname
                )
                bad = True
            pay = c.expr(t["value"], ln, f"{tname}.value")
            rec = c.expr(t.get("received", t["value"]), ln, f"{tname}.received")
            if bad or pay is None or rec is None:
                continue
            entries = [(t["from"], -1.0, pay), (t["to"], 1.0, rec)]
        trans.append(Transaction(tname, tuple(entries), ln))

    # references
    def refs(e: Expr | None, where: str, ln: int | None) -> None:
        if e is None:
            return
        for n in sorted(e.all_names - known):
            c.err(
                f"{where} references undefined variable {echo(n)} (not an equation, parameter "
                "or exogenous variable)",
                ln,
                n,
            )

    for eq in eqs:
        refs(eq.expr, f"equation of {echo(eq.var)}", eq.line)
    for st in stocks:
        for _, e in st.holders + st.issuers:
            refs(e, f"stock {echo(st.name)}", st.line)
        refs(st.change, f"stock {echo(st.name)}", st.line)
        refs(st.revaluation, f"stock {echo(st.name)}", st.line)
    for tr in trans:
        for _, _, e in tr.entries:
            refs(e, f"transaction {echo(tr.name)}", tr.line)
    # initial values needed
    for n, v in initial.items():
        if n not in known:
            c.err(f"initial value for unknown variable {echo(n)}", v.line, n)
    need: dict[str, int | None] = {}
    all_exprs: list[tuple[Expr, int | None]] = [(e.expr, e.line) for e in eqs]
    all_exprs += [(e, tr.line) for tr in trans for _, _, e in tr.entries]
    for st in stocks:
        for _, e in st.holders + st.issuers:
            all_exprs.append((e, st.line))
            for n in e.all_names & endo:
                need.setdefault(n, st.line)
        all_exprs += [(e, st.line) for e in (st.change, st.revaluation) if e is not None]
    for e, ln in all_exprs:
        for n, _ in e.lags:
            if n in endo:
                need.setdefault(n, ln)
    for n, ln in need.items():
        if n not in initial:
            c.err(
                f"{echo(n)} is read in period 0 (lagged, or part of a stock) and needs an "
                "'initial' value",
                ln,
                n,
            )
    # shocks, checks, solver
    shocks = _shocks(c, data.get("shocks"))
    for s in shocks:
        if s.var not in params and s.var not in exog:
            c.err(f"shock of {echo(s.var)}: not a parameter or exogenous variable", s.line, s.var)
    tol, mode = 1e-9, "raise"
    chk = data.get("checks")
    if chk is not None and keys(c, chk, {"tolerance", "mode"}, "checks"):
        tol = num(chk.get("tolerance", tol)) or -1.0
        mode = chk.get("mode", mode)
        if tol <= 0:
            c.err("checks.tolerance must be a positive number", line(chk, "tolerance"), "tol")
        if mode not in MODES:
            c.err(
                f"checks.mode must be raise or warn (accounting checks are never off), got "
                f"{echo(mode)}",
                line(chk, "mode"),
                "mode",
            )
    solver: dict[str, float] = {}
    sol = data.get("solver")
    if sol is not None and keys(
        c, sol, {"tolerance", "max_iter", "newton_max_iter", "damping"}, "solver"
    ):
        for k, v in sol.items():
            f = num(v)
            if f is None or f <= 0 or (k == "damping" and f > 1):
                c.err(f"solver.{k} must be a positive number (damping in (0, 1])", line(sol, k), k)
            else:
                solver[k] = f
    if c.problems:
        raise InputError(c.problems)
    freq = data.get("frequency", "year")
    return Model(
        name=name,
        source=str(data["source"]),
        sectors=tuple(sec_list),
        stocks=tuple(stocks),
        transactions=tuple(trans),
        equations=tuple(eqs),
        parameters=params,
        exogenous=exog,
        initial=initial,
        shocks=tuple(shocks),
        title=data.get("title"),
        frequency=str(freq),
        tolerance=float(tol),
        mode=str(mode),
        solver=solver,
        file=file,
    )


def shipped_models() -> list[str]:
    """Names of the model files shipped in ``kreislauf/sfc/models``."""
    root = resources.files("kreislauf.sfc") / "models"
    return sorted(p.name.rsplit(".", 1)[0] for p in root.iterdir() if p.name.endswith(".yaml"))


def _resolve(ref: str | Path) -> Path:
    if isinstance(ref, str) and IDENT.match(ref):
        p = resources.files("kreislauf.sfc") / "models" / f"{ref}.yaml"
        if p.is_file():
            return Path(str(p))
        raise InputError.single(
            f"no shipped model {echo(ref)} (shipped: {', '.join(shipped_models())}); "
            "or give a path to a .yaml file",
            field="model",
        )
    return Path(ref)


def load_model(ref: str | Path, *, check_blocks: bool = True) -> Model:
    """Load a shipped model by name (``"sim"``, ``"pc"``, ...) or a model file by path.

    Parameters
    ----------
    ref : str or Path
        A shipped model name or a path to a YAML file.
    check_blocks : bool
        Also solve period 1 with the file's values and reject simultaneous blocks that are
        singular or do not converge (default True).

    Raises
    ------
    InputError
        Every problem found, each with file, line and field.
    """
    path = _resolve(ref)
    data, problems = read_yaml(path)
    model = parse_model(data, str(path), problems)
    if check_blocks:
        from kreislauf.sfc.solver import check_blocks as _check

        _check(model)
    return model


def load_scenario(path: str | Path) -> Scenario:
    """Load a scenario file: parameter overrides and shocks (see docs/sfc.md)."""
    path = Path(path)
    data, problems = read_yaml(path)
    c = Ctx(str(path), problems)
    allowed = {"name", "description", "params", "shocks", "source", "initial"}
    if not keys(c, data, allowed, "scenario"):
        raise InputError(c.problems)
    params: dict[str, Any] = {}
    raw = data.get("params") or {}
    if not isinstance(raw, dict):
        c.err("'params' must be a mapping", line(data, "params"), "params")
        raw = {}
    for k, v in raw.items():
        spec = v.get("value") if isinstance(v, dict) else v
        if isinstance(spec, list):
            vals = [num(x) for x in spec]
            if not vals or None in vals:
                c.err(f"params {echo(k)}: expected numbers", line(raw, k), str(k))
                continue
            params[str(k)] = tuple(vals)  # an exogenous path for periods 1, 2, ...
        elif num(spec) is None:
            c.err(f"params {echo(k)}: expected a finite number or a list", line(raw, k), str(k))
        else:
            params[str(k)] = float(spec)
    shocks = _shocks(c, data.get("shocks"))
    init = _values(c, data.get("initial"), "initial", paths=False, need_source=False)
    if c.problems:
        raise InputError(c.problems)
    return Scenario(
        str(data.get("name", path.stem)),
        params,
        tuple(shocks),
        data.get("description"),
        str(path),
        {k: float(v.value) for k, v in init.items()},  # type: ignore[arg-type]
    )
