"""The shared error type names file, row and field."""

from __future__ import annotations

from kreislauf.errors import InputError, Problem


def test_problem_names_file_row_field() -> None:
    p = Problem("expected a positive number, got -3", "relations.csv", 4, "amount_usd_bn")
    assert str(p) == (
        "relations.csv, row 4, field 'amount_usd_bn': expected a positive number, got -3"
    )


def test_problem_without_location_is_just_the_message() -> None:
    assert str(Problem("bad")) == "bad"


def test_input_error_lists_all_problems_and_truncates() -> None:
    err = InputError([Problem(f"p{i}", "f.csv", i, "x") for i in range(60)])
    text = str(err)
    assert "f.csv, row 0, field 'x': p0" in text
    assert "and 10 more problems" in text
    assert len(text.splitlines()) == 51


def test_single() -> None:
    err = InputError.single("nope", file="a.csv", row=2)
    assert err.problems == [Problem("nope", "a.csv", 2, None)]


def test_echo_never_repeats_more_than_200_characters_nor_a_class_name():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from kreislauf.errors import ECHO_MAX, Problem, echo, kind

    values = st.recursive(
        st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=500),
        lambda inner: st.lists(inner, max_size=30) | st.dictionaries(st.text(max_size=20), inner),
        max_leaves=200,
    )

    @settings(max_examples=200, deadline=None)
    @given(values)
    def check(v):
        assert len(echo(v)) <= ECHO_MAX
        assert "<class" not in echo(v) and kind(v).startswith(("a", "t", "n"))
        assert len(Problem("x" * 5000 + echo(v)).message) <= 1000

    check()
