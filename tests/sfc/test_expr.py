"""The restricted expression grammar: what it accepts, how it evaluates, what it rejects."""

from __future__ import annotations

import numpy as np
import pytest

from kreislauf.errors import InputError
from kreislauf.sfc.expr import parse_equation, parse_expr, to_closure


def _eval(
    text: str, env: dict[str, np.ndarray], lagged: dict[tuple[str, int], np.ndarray] | None = None
):
    e = parse_expr(text)
    lagged = lagged or {}

    def resolve(name, k):
        return (lambda c: env[name]) if k == 0 else (lambda c: lagged[(name, k)])

    return to_closure(e, resolve)(None)


def test_names_and_lags_are_collected():
    e = parse_expr("alpha1 * YD + alpha2 * Hh[-1] + max(Y[-2], 0)")
    assert e.names == {"alpha1", "YD", "alpha2"}
    assert e.lags == {("Hh", 1), ("Y", 2)}
    assert e.all_names == {"alpha1", "YD", "alpha2", "Hh", "Y"}


def test_arithmetic_matches_numpy_over_a_scenario_axis():
    rng = np.random.default_rng(1)
    a, b = rng.uniform(0.5, 2, 50), rng.uniform(0.5, 2, 50)
    got = _eval("a * b - a / b + (a + 1) ** 2 - b ^ 3 + -a", {"a": a, "b": b})
    np.testing.assert_array_equal(got, a * b - a / b + (a + 1) ** 2 - b**3 + -a)


def test_caret_is_power_with_power_precedence():
    assert _eval("2 * 3 ^ 2", {}) == 18.0
    assert _eval("-2 ^ 2", {}) == -4.0


def test_functions_and_comparisons():
    x = np.array([-1.0, 0.5, 4.0])
    y = np.array([1.0, 1.0, 1.0])
    env = {"x": x, "y": y}
    np.testing.assert_array_equal(_eval("min(x, y, 2)", env), np.minimum(np.minimum(x, y), 2))
    np.testing.assert_array_equal(_eval("max(x, y)", env), np.maximum(x, y))
    np.testing.assert_array_equal(
        _eval("where(x > 0, sqrt(abs(x)), exp(x))", env),
        np.where(x > 0, np.sqrt(np.abs(x)), np.exp(x)),
    )
    np.testing.assert_array_equal(_eval("x < y", env), [1.0, 1.0, 0.0])
    np.testing.assert_array_equal(_eval("0 < x <= 1", env), [0.0, 1.0, 0.0])
    np.testing.assert_array_equal(_eval("(x > 0) and (x < 1) or x == -1", env), [1.0, 1.0, 0.0])
    np.testing.assert_array_equal(_eval("not (x > 0)", env), [1.0, 0.0, 0.0])
    np.testing.assert_allclose(_eval("log(y + 1)", env), np.log(2.0))


def test_lags_resolve_to_the_lagged_value():
    got = _eval("x - x[-1]", {"x": np.array([3.0])}, {("x", 1): np.array([1.0])})
    np.testing.assert_array_equal(got, [2.0])


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("__import__('os')", "unknown function '__import__'"),
        ("__import__('os').system('ls')", "only calls of the functions"),
        ("x.real", "attribute access (x.y) is not allowed"),
        ("os.system(1)", "only calls of the functions"),
        ("open(1)", "unknown function 'open'"),
        ("eval(1)", "unknown function 'eval'"),
        ("x[0]", "only lags X[-k]"),
        ("x[-y]", "only lags X[-k]"),
        ("x[-1.5]", "only lags X[-k]"),
        ("x[1]", "only lags X[-k]"),
        ("'abc'", "only numbers are allowed"),
        ("True + 1", "only numbers are allowed"),
        ("lambda: 1", "a lambda is not allowed"),
        ("[1, 2]", "a list is not allowed"),
        ("a if b else c", "a conditional (x if c else y) is not allowed"),
        ("max(x=1, y=2)", "keyword arguments are not allowed"),
        ("exp(1, 2)", "exp() takes 1 arguments"),
        ("where(1, 2)", "where() takes 3 arguments"),
        ("a // b", "operator not allowed"),
        ("a % b", "operator not allowed"),
        ("a @ b", "operator not allowed"),
        ("__class__ + 1", "forbidden name"),
        ("exp + 1", "function name 'exp' used as a variable"),
        ("a in b", "comparison not allowed"),
        ("(a := 1)", "an assignment (:=) is not allowed"),
        ("1 +", "syntax error"),
        ("", "empty expression"),
    ],
)
def test_rejected_with_file_line_and_text(text, reason):
    with pytest.raises(InputError) as ei:
        parse_expr(text, file="m.yaml", line=7, field="Y")
    p = ei.value.problems[0]
    assert (p.file, p.row, p.field) == ("m.yaml", 7, "Y")
    assert reason in p.message
    assert repr(text.strip()) in p.message or text.strip() == ""


def test_parse_equation():
    var, e = parse_equation("Y = C + G", file="m.yaml", line=3)
    assert var == "Y" and e.names == {"C", "G"} and e.line == 3
    var, e = parse_equation("D = where(a == b, 1, 0)")
    assert var == "D"
    for bad in ("Y == C", "3 = C", "Y[-1] = C", "no equation here", "__x = 1", "max = 2"):
        with pytest.raises(InputError):
            parse_equation(bad, file="m.yaml", line=1)
