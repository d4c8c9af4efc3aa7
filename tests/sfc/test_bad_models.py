"""Malformed model files are rejected with file, line and reason (InputError -> CLI exit 2)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from kreislauf.errors import InputError
from kreislauf.sfc import load_model

SIM = (resources.files("kreislauf.sfc") / "models" / "sim.yaml").read_text(encoding="utf-8")


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "bad.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def _line_of(text: str, needle: str) -> int:
    return next(i for i, ln in enumerate(text.splitlines(), 1) if needle in ln)


def _problems(tmp_path: Path, text: str):
    with pytest.raises(InputError) as ei:
        load_model(_write(tmp_path, text))
    probs = ei.value.problems
    assert probs and all(p.file == str(tmp_path / "bad.yaml") for p in probs)
    return probs


def _expect(tmp_path, text, needle_line, *fragments):
    probs = _problems(tmp_path, text)
    want = _line_of(text, needle_line)
    hit = [p for p in probs if p.row == want and all(f in p.message for f in fragments)]
    assert hit, [str(p) for p in probs]


def test_shipped_text_is_valid(tmp_path):
    assert load_model(_write(tmp_path, SIM)).name == "SIM"


def test_unknown_sector(tmp_path):
    bad = SIM.replace("from: government, to: production", "from: governmnet, to: production")
    _expect(tmp_path, bad, "governmnet", "unknown sector 'governmnet'")


def test_unknown_sector_in_a_stock(tmp_path):
    bad = SIM.replace("    holder: households", "    holder: household")
    _expect(tmp_path, bad, "    holder: household", "unknown sector 'household'")


def test_transaction_without_a_counterparty(tmp_path):
    bad = SIM.replace(
        "{name: taxes, from: households, to: government, value: Ts, received: Td}",
        "{name: taxes, from: households, value: Ts}",
    )
    _expect(tmp_path, bad, "name: taxes", "no counterparty", "to (receiver)")


def test_transaction_paid_to_itself(tmp_path):
    bad = SIM.replace(
        "from: households, to: government, value: Ts", "from: households, to: households, value: Ts"
    )
    _expect(tmp_path, bad, "name: taxes", "same sector")


def test_financial_stock_without_issuer(tmp_path):
    bad = SIM.replace("    issuer: government\n    liability: Hs\n", "")
    _expect(tmp_path, bad, "  H:", "has no issuer")


def test_equation_references_undefined_variable(tmp_path):
    bad = SIM.replace(
        '"Cd = alpha1 * YD + alpha2 * Hh[-1]"', '"Cd = alpha1 * YD + alpha3 * Hh[-1]"'
    )
    _expect(tmp_path, bad, "alpha3", "undefined variable 'alpha3'")


def test_variable_with_two_equations(tmp_path):
    bad = SIM.replace('  - {eq: "Nd = Y / W"', '  - {eq: "Y = Cs + Gs + 0"}\n  - {eq: "Nd = Y / W"')
    _expect(tmp_path, bad, "Y = Cs + Gs + 0", "two equations", "line")


def test_variable_with_no_equation(tmp_path):
    bad = SIM.replace('  - {eq: "Ns = Nd", description: "(3.4) labour supplied on demand"}\n', "")
    probs = _problems(tmp_path, bad)
    assert any("undefined variable 'Ns'" in p.message for p in probs)


def test_cycle_with_no_solution(tmp_path):
    bad = SIM.replace('"Y = Cs + Gs"', '"Y = Y + 1"')
    _expect(tmp_path, bad, "Y = Y + 1", "no (unique) solution", "singular")


def test_singular_two_equation_cycle(tmp_path):
    bad = SIM + "  # extra\n"
    bad = bad.replace(
        '  - {eq: "Nd = Y / W"', '  - {eq: "a = b"}\n  - {eq: "b = a"}\n  - {eq: "Nd = Y / W"'
    )
    _expect(tmp_path, bad, 'eq: "a = b"', "no (unique) solution")


@pytest.mark.parametrize(
    ("expr", "why"),
    [
        ("__import__('os').getcwd()", "only calls of the functions"),
        ("__import__('os')", "unknown function '__import__'"),
        ("Y.__class__", "attribute access (x.y) is not allowed"),
        ("system(Y)", "unknown function 'system'"),
        ("Y[0]", "only lags"),
    ],
)
def test_code_injection_in_an_equation(tmp_path, expr, why):
    bad = SIM.replace('"Nd = Y / W"', f'"Nd = {expr}"')
    _expect(tmp_path, bad, "Nd = ", why)


def test_parameter_without_source_or_value(tmp_path):
    bad = SIM.replace(
        'alpha1: {value: 0.6, source: "G&L 2007, p. 69 (Table 3.4): propensity to consume out of '
        'income"}',
        "alpha1: {value: 0.6}",
    )
    _expect(tmp_path, bad, "alpha1: {value: 0.6}", "needs a 'source'")
    bad = SIM.replace("alpha1: {value: 0.6, source:", "alpha1: {source:")
    _expect(tmp_path, bad, "alpha1: {source:", "has no value")
    bad = SIM.replace("alpha1: {value: 0.6,", "alpha1: {value: high,")
    _expect(tmp_path, bad, "alpha1: {value: high", "finite number")


def test_lagged_variable_without_initial_value(tmp_path):
    bad = SIM.replace('  Hh: {value: 0, source: "G&L 2007, p. 69 (Table 3.4), period 1"}\n', "")
    probs = _problems(tmp_path, bad)
    assert any("'Hh'" in p.message and "initial" in p.message for p in probs)


def test_accounting_cannot_be_switched_off(tmp_path):
    bad = SIM.replace("  mode: raise", "  mode: off")
    _expect(tmp_path, bad, "mode: off", "never off")


def test_unknown_top_level_key_and_duplicate_key(tmp_path):
    bad = SIM.replace("frequency: year", "frequency: year\nfrequencyy: year")
    _expect(tmp_path, bad, "frequencyy", "unknown key 'frequencyy'")
    bad = SIM.replace(
        "  theta:  {value: 0.2", "  alpha2: {value: 0.3, source: x}\n  theta:  {value: 0.2"
    )
    _expect(tmp_path, bad, "alpha2: {value: 0.3", "duplicate key 'alpha2'")


def test_shock_of_unknown_variable_and_bad_period(tmp_path):
    bad = SIM.replace(
        "checks:",
        "shocks:\n  - {var: Gx, from: 3, set: 25}\n  - {var: Gd, from: 0, set: 25}\nchecks:",
    )
    _expect(tmp_path, bad, "var: Gx", "not a parameter or exogenous variable")
    _expect(tmp_path, bad, "var: Gd, from: 0", "'from' must be a period")


def test_invalid_yaml_has_a_line(tmp_path):
    bad = SIM.replace(
        "sectors: [households, production, government]", "sectors: [households, production"
    )
    probs = _problems(tmp_path, bad)
    assert probs[0].row is not None and "not valid YAML" in probs[0].message


def test_all_problems_are_reported_together(tmp_path):
    bad = SIM.replace("to: production, value: Cd", "to: prod, value: Cd").replace(
        '"Nd = Y / W"', '"Nd = Y / Wx"'
    )
    probs = _problems(tmp_path, bad)
    assert len(probs) >= 2


def test_unknown_shipped_name():
    with pytest.raises(InputError, match="no shipped model 'nope'"):
        load_model("nope")
