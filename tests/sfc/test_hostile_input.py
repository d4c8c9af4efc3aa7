"""Hostile model and scenario files (issue 14, finding 5): YAML limits, short messages free
of internal names, numeric overflow as a named input error.

Before: an alias bomb under ``equations:`` grew memory without bound (its expansion was
rendered into the error message), a message named the internal class ``_LList``, a
10,000-deep parenthesised equation gave a 20 KB message and ``Y = 10**10**10`` exited 1 with
RuntimeWarnings and an internal AccountingError.
"""

from __future__ import annotations

import time
import tracemalloc
import warnings
from importlib import resources
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kreislauf.errors import ECHO_MAX, InputError
from kreislauf.sfc import load_model, load_scenario, simulate
from kreislauf.yamlsafe import MAX_BYTES

SIM = (resources.files("kreislauf.sfc") / "models" / "sim.yaml").read_text(encoding="utf-8")
INTERNAL = ("_LList", "_LDict", "Traceback", "AccountingError", "Node", "ast.")


def _write(tmp_path: Path, text: str, name: str = "m.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def _errors(path: Path, loader=load_model) -> InputError:
    with pytest.raises(InputError) as ei:
        loader(path)
    return ei.value


def _check_messages(err: InputError, secret: str | None = None) -> None:
    for p in err.problems:
        assert not any(n in p.message for n in INTERNAL), p.message
        assert len(p.message) <= 1000
        if secret is not None:  # at most ECHO_MAX characters of a long input come back
            assert secret[: ECHO_MAX + 1] not in p.message


def _bomb(levels: int = 9, fan: int = 9) -> str:
    lines = ['a0: &a0 ["x"]']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * fan) + "]")
    return "".join(f"  {ln}\n" for ln in lines)


def test_alias_bomb_is_refused_in_bounded_time_and_memory(tmp_path):
    text = SIM.replace("equations:\n", "bombs:\n" + _bomb() + "equations:\n  - *a9\n", 1)
    path = _write(tmp_path, text)
    tracemalloc.start()
    t0 = time.perf_counter()
    err = _errors(path)
    elapsed = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert "expands to more than" in str(err)
    assert elapsed < 5 and peak < 50e6, (elapsed, peak)
    _check_messages(err)


def test_alias_bomb_in_a_scenario_file_is_refused(tmp_path):
    text = "name: x\nbombs:\n" + _bomb() + "params:\n  alpha1: *a9\n"
    err = _errors(_write(tmp_path, text, "s.yaml"), load_scenario)
    assert "expands to more than" in str(err)


def test_deep_nesting_and_huge_documents_are_refused(tmp_path):
    deep = SIM + "extra: " + "[" * 200 + "]" * 200 + "\n"
    assert "nested more than" in str(_errors(_write(tmp_path, deep)))
    big = SIM + "# " + "x" * MAX_BYTES + "\n"
    assert "at most" in str(_errors(_write(tmp_path, big, "big.yaml")))


def test_messages_name_no_internal_class(tmp_path):
    cases = [
        SIM.replace('{eq: "Cs = Cd",', "{eq: [1, 2],"),
        SIM.replace('  - {eq: "Cs = Cd", description: "(3.1) supply of consumption goods '
                    'adjusts to demand"}', "  - [1, 2]"),
        SIM.replace("stocks:\n  H:", "stocks:\n  H: [1]\n  H2:"),
        SIM.replace("equations:\n", "equations: {a: 1}\nxequations:\n"),
    ]  # fmt: skip
    for i, text in enumerate(cases):
        err = _errors(_write(tmp_path, text, f"c{i}.yaml"))
        _check_messages(err)


def test_long_inputs_are_echoed_at_most_200_characters(tmp_path):
    deep = "(" * 10000 + "Cs" + ")" * 10000
    err = _errors(_write(tmp_path, SIM.replace('"Y = Cs + Gs"', f'"Y = {deep}"')))
    _check_messages(err, deep)
    assert sum(len(p.message) for p in err.problems) < 2000  # was 20 KB
    junk = "q" * 5000
    err = _errors(_write(tmp_path, SIM.replace('"Y = Cs + Gs"', f'"Y = Cs + {junk}!"'), "j.yaml"))
    _check_messages(err, junk)
    scen = _write(tmp_path, f"name: s\nparams:\n  alpha1: {junk}\n", "s.yaml")
    err = _errors(scen, load_scenario)
    _check_messages(err, junk)


def test_constant_overflow_is_a_named_input_error_with_its_line(tmp_path):
    from kreislauf.cli.main import app

    path = _write(tmp_path, SIM.replace('"Y = Cs + Gs"', '"Y = Cs + Gs + 10**10**10"'))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning may leak
        err = _errors(path)
        r = CliRunner().invoke(app, ["simulate", str(path), "--periods", "3"])
    assert "10**10**10" in str(err) and "overflow" in str(err)
    assert err.problems[0].row == 35
    assert r.exit_code == 2, r.output
    assert "internal error" not in r.output and "RuntimeWarning" not in r.output


def test_overflow_at_run_time_names_the_variable_and_exits_2(tmp_path):
    from kreislauf.cli.main import app
    from kreislauf.sfc.divergence import DivergenceError

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DivergenceError) as ei:
            simulate(load_model("sim"), 5, params={"alpha2": 1e308})
        scen = _write(tmp_path, "name: s\nparams:\n  alpha2: 1.0e308\n", "s.yaml")
        r = CliRunner().invoke(app, ["simulate", "sim", "--scenario", str(scen)])
    assert ei.value.variable == "Cd" and ei.value.period == 2
    assert "overflow" in str(ei.value) and ei.value.problems[0].row == 32
    assert r.exit_code == 2 and "RuntimeWarning" not in r.output


def test_a_model_that_does_not_balance_exits_2_not_internal(tmp_path):
    from kreislauf.cli.main import app

    path = _write(tmp_path, SIM.replace('"Y = Cs + Gs"', '"Y = Cs + Gs + 1"'))
    r = CliRunner().invoke(app, ["simulate", str(path), "--periods", "3"])
    assert r.exit_code == 2 and "the books do not balance" in r.output
