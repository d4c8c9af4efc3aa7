"""The restricted expression grammar of SFC model files.

An expression is parsed with :mod:`ast` and checked against a strict whitelist of node
types; it is then turned into a tree of NumPy closures (never ``eval``/``exec``). The
grammar: numbers, names, ``+ - * / ** ^`` (``^`` is power), unary ``+ -``, parentheses,
comparisons (1.0/0.0), ``and``/``or``/``not``, lags ``X[-k]`` (literal ``k >= 1``) and the
functions ``min``, ``max``, ``exp``, ``log``, ``abs``, ``sqrt``, ``where(cond, a, b)``.

>>> e = parse_expr("alpha1 * YD + alpha2 * Hh[-1]")
>>> sorted(e.names), sorted(e.lags)
(['YD', 'alpha1', 'alpha2'], [('Hh', 1)])
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from kreislauf.errors import InputError, echo, kind

__all__ = ["FUNCTIONS", "IDENT", "Expr", "parse_equation", "parse_expr", "to_closure"]

IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

#: Whitelisted functions: name -> (min args, max args or None).
FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "min": (2, None),
    "max": (2, None),
    "exp": (1, 1),
    "log": (1, 1),
    "abs": (1, 1),
    "sqrt": (1, 1),
    "where": (3, 3),
}

_BINOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: np.add,
    ast.Sub: np.subtract,
    ast.Mult: np.multiply,
    ast.Div: np.divide,
    ast.Pow: np.power,
}
_CMPOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Lt: np.less,
    ast.LtE: np.less_equal,
    ast.Gt: np.greater,
    ast.GtE: np.greater_equal,
    ast.Eq: np.equal,
    ast.NotEq: np.not_equal,
}
_UNARY: dict[type, Callable[[Any], Any]] = {
    ast.USub: np.negative,
    ast.UAdd: np.positive,
}
_FUNCS: dict[str, Callable[..., Any]] = {
    "exp": np.exp,
    "log": np.log,
    "abs": np.abs,
    "sqrt": np.sqrt,
}

_CONSTRUCTS: dict[type, str] = {
    ast.Attribute: "attribute access (x.y)",
    ast.Lambda: "a lambda",
    ast.List: "a list",
    ast.Tuple: "a tuple",
    ast.Dict: "a mapping",
    ast.Set: "a set",
    ast.IfExp: "a conditional (x if c else y)",
    ast.NamedExpr: "an assignment (:=)",
    ast.ListComp: "a comprehension",
    ast.GeneratorExp: "a comprehension",
    ast.JoinedStr: "an f-string",
    ast.Starred: "unpacking (*x)",
}
"""User-facing words for the Python constructs the grammar rejects (never a class name)."""

#: A compiled expression: takes an evaluation context, returns an array (or a float).
Closure = Callable[[Any], Any]
#: Resolves a name and a lag (0 = current period) into a closure reading its value.
Resolver = Callable[[str, int], Closure]


@dataclass(frozen=True)
class Expr:
    """A parsed, whitelisted expression.

    Attributes
    ----------
    text : str
        The source text.
    tree : ast.expr
        The checked syntax tree (``^`` already read as power).
    names : frozenset of str
        Names read in the current period.
    lags : frozenset of (str, int)
        ``(name, k)`` for every lag ``name[-k]``.
    file, line : str or None, int or None
        Where the expression was written (for error messages).
    """

    text: str
    tree: ast.expr
    names: frozenset[str]
    lags: frozenset[tuple[str, int]]
    file: str | None = None
    line: int | None = None

    @property
    def all_names(self) -> frozenset[str]:
        """Every name read, lagged or not."""
        return self.names | {n for n, _ in self.lags}


def _fail(msg: str, text: str, file: str | None, line: int | None, field: str | None) -> None:
    where = f" in expression {echo(text)}" if text else ""
    raise InputError.single(f"{msg}{where}", file=file, row=line, field=field)


def _segment(text: str, node: ast.AST) -> str:
    seg = ast.get_source_segment(text, node)
    return seg if seg is not None else ast.dump(node)


def parse_expr(
    text: Any, *, file: str | None = None, line: int | None = None, field: str | None = None
) -> Expr:
    """Parse and check one expression of the restricted grammar.

    Parameters
    ----------
    text : str or number
        The expression (a bare number is accepted).
    file, line, field : optional
        Where it comes from; used in the :class:`~kreislauf.errors.InputError` raised for
        anything outside the grammar.

    Returns
    -------
    Expr
    """
    if isinstance(text, bool) or not isinstance(text, str | int | float):
        _fail(
            f"expected an expression (text or number), got {kind(text)}",
            "",
            file,
            line,
            field,
        )
    src = str(text).strip()
    if not src:
        _fail("empty expression", src, file, line, field)
    py = src.replace("^", "**")
    try:
        tree = ast.parse(py, mode="eval").body
    except SyntaxError as exc:
        _fail(f"syntax error ({exc.msg})", src, file, line, field)
    names: set[str] = set()
    lags: set[tuple[str, int]] = set()

    def bad(node: ast.AST, why: str) -> None:
        _fail(f"{why}: {echo(_segment(py, node))}", src, file, line, field)

    def check_name(node: ast.AST, name: str) -> None:
        if name.startswith("__") or not IDENT.match(name):
            bad(node, "forbidden name")
        if name in FUNCTIONS:
            bad(node, f"function name {echo(name)} used as a variable")

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, int | float):
                bad(node, "only numbers are allowed as constants")
        elif isinstance(node, ast.Name):
            check_name(node, node.id)
            names.add(node.id)
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in _BINOPS:
                bad(node, "operator not allowed")
            visit(node.left)
            visit(node.right)
        elif isinstance(node, ast.UnaryOp):
            if type(node.op) not in _UNARY and not isinstance(node.op, ast.Not):
                bad(node, "operator not allowed")
            visit(node.operand)
        elif isinstance(node, ast.Compare):
            for op in node.ops:
                if type(op) not in _CMPOPS:
                    bad(node, "comparison not allowed")
            visit(node.left)
            for c in node.comparators:
                visit(c)
        elif isinstance(node, ast.BoolOp):
            for v in node.values:
                visit(v)
        elif isinstance(node, ast.Subscript):
            sl = node.slice
            ok = (
                isinstance(node.value, ast.Name)
                and isinstance(sl, ast.UnaryOp)
                and isinstance(sl.op, ast.USub)
                and isinstance(sl.operand, ast.Constant)
                and type(sl.operand.value) is int
                and sl.operand.value >= 1
            )
            if not ok:
                bad(node, "only lags X[-k] with a literal integer k >= 1 are allowed")
            check_name(node.value, node.value.id)  # type: ignore[attr-defined]
            lags.add((node.value.id, sl.operand.value))  # type: ignore[attr-defined]
        elif isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name):
                bad(node, "only calls of the functions " + ", ".join(FUNCTIONS) + " are allowed")
            fname = node.func.id  # type: ignore[attr-defined]
            if fname not in FUNCTIONS:
                bad(node, f"unknown function {echo(fname)} (allowed: {', '.join(FUNCTIONS)})")
            if node.keywords:
                bad(node, "keyword arguments are not allowed")
            lo, hi = FUNCTIONS[fname]
            n = len(node.args)
            if n < lo or (hi is not None and n > hi):
                want = str(lo) if hi == lo else f"at least {lo}"
                bad(node, f"{fname}() takes {want} arguments, got {n}")
            for a in node.args:
                if isinstance(a, ast.Starred):
                    bad(a, "starred arguments are not allowed")
                visit(a)
        else:
            bad(node, f"{_CONSTRUCTS.get(type(node), 'this construct')} is not allowed")

    visit(tree)
    _check_constants(tree, py, src, file, line, field)
    return Expr(src, tree, frozenset(names), frozenset(lags), file, line)


def _constant(node: ast.AST) -> float | None:
    """The value of a subtree of numbers only, in floating point (None if it reads names).

    Raises FloatingPointError on overflow (``10**10**10``) or a division by zero."""
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        v = _constant(node.operand)
        return None if v is None else float(_UNARY[type(node.op)](np.float64(v)))
    if isinstance(node, ast.BinOp):
        a, b = _constant(node.left), _constant(node.right)
        if a is None or b is None:
            return None
        with np.errstate(all="raise"):
            out = float(_BINOPS[type(node.op)](np.float64(a), np.float64(b)))
        if not np.isfinite(out):
            raise FloatingPointError("overflow")
        return out
    return None


def _check_constants(
    tree: ast.AST, py: str, src: str, file: str | None, line: int | None, field: str | None
) -> None:
    """Numbers-only parts of an expression must be finite floats: an overflow is an input
    error naming the line, never a run of infinities."""
    failing = None  # the innermost failing part (ast.walk goes outside in)
    for node in ast.walk(tree):
        if not isinstance(node, ast.BinOp | ast.UnaryOp):
            continue
        try:
            _constant(node)
        except (FloatingPointError, OverflowError, ZeroDivisionError):
            failing = node
    if failing is not None:
        _fail(
            f"numeric overflow or division by zero: {echo(_segment(py, failing))} is not a "
            "finite number (floats reach about 1.8e308)",
            src,
            file,
            line,
            field,
        )


_EQ = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)(.*)$", re.S)


def parse_equation(
    text: Any, *, file: str | None = None, line: int | None = None
) -> tuple[str, Expr]:
    """Parse ``NAME = expression`` into the defined name and the right-hand side."""
    if not isinstance(text, str):
        raise InputError.single(
            f"expected an equation 'NAME = expression', got {echo(text)}", file=file, row=line
        )
    m = _EQ.match(text)
    if not m:
        raise InputError.single(
            f"expected an equation 'NAME = expression', got {echo(text)}", file=file, row=line
        )
    name = m.group(1)
    if name.startswith("__") or name in FUNCTIONS:
        raise InputError.single(
            f"forbidden variable name {echo(name)} in {echo(text)}", file=file, row=line
        )
    return name, parse_expr(m.group(2), file=file, line=line, field=name)


def _as_float(x: Any) -> Any:
    return np.asarray(x, dtype=np.float64)


def to_closure(expr: Expr, resolve: Resolver) -> Closure:
    """Turn a checked expression into a closure ``f(ctx) -> array``.

    Parameters
    ----------
    expr : Expr
        A parsed expression.
    resolve : callable
        ``resolve(name, k)`` returns a closure reading ``name`` lagged ``k`` periods
        (``k = 0``: the current period).
    """

    def build(node: ast.AST) -> Closure:
        if isinstance(node, ast.Constant):
            v = float(node.value)
            return lambda c: v
        if isinstance(node, ast.Name):
            return resolve(node.id, 0)
        if isinstance(node, ast.Subscript):
            return resolve(node.value.id, node.slice.operand.value)  # type: ignore[attr-defined]
        if isinstance(node, ast.BinOp):
            op = _BINOPS[type(node.op)]
            lf, rf = build(node.left), build(node.right)
            return lambda c: op(lf(c), rf(c))
        if isinstance(node, ast.UnaryOp):
            f = build(node.operand)
            if isinstance(node.op, ast.Not):
                return lambda c: _as_float(np.equal(f(c), 0.0))
            uop = _UNARY[type(node.op)]
            return lambda c: uop(f(c))
        if isinstance(node, ast.Compare):
            parts = [build(node.left)] + [build(x) for x in node.comparators]
            ops = [_CMPOPS[type(o)] for o in node.ops]

            def cmp(c: Any) -> Any:
                vals = [p(c) for p in parts]
                out = ops[0](vals[0], vals[1])
                for i in range(1, len(ops)):
                    out = np.logical_and(out, ops[i](vals[i], vals[i + 1]))
                return _as_float(out)

            return cmp
        if isinstance(node, ast.BoolOp):
            vals = [build(v) for v in node.values]
            red = np.logical_and if isinstance(node.op, ast.And) else np.logical_or

            def boolop(c: Any) -> Any:
                out = np.not_equal(vals[0](c), 0.0)
                for v in vals[1:]:
                    out = red(out, np.not_equal(v(c), 0.0))
                return _as_float(out)

            return boolop
        if isinstance(node, ast.Call):
            name = node.func.id  # type: ignore[attr-defined]
            args = [build(a) for a in node.args]
            if name in ("min", "max"):
                red2 = np.minimum if name == "min" else np.maximum
                return lambda c: functools.reduce(red2, [a(c) for a in args])
            if name == "where":
                a0, a1, a2 = args
                return lambda c: np.where(np.not_equal(a0(c), 0.0), a1(c), a2(c))
            fn = _FUNCS[name]
            a = args[0]
            return lambda c: fn(a(c))
        raise AssertionError(f"unchecked node {type(node).__name__}")  # parse_expr rejects it

    return build(expr.tree)
