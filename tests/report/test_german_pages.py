"""The German report is German: no English label in the figures and tables of its sections.

For each section below, the texts a reader sees in the figures (titles, axis titles, legend
entries, bar categories) and the tables' column names are collected in both languages; a text
that appears in both is English left on the German page, unless it is language-neutral (a
ticker, an acronym, a model variable). Legends sit below the plot so no name is cut off.
"""

from __future__ import annotations

import importlib
import re

import pytest

from kreislauf.report.model import ReportContext

SECTIONS = ("atlas", "circuit", "bubble", "memory", "claims")
NEUTRAL = {"BSADF", "CAPE", "GSADF", "S&P 500", "id"}
ACRONYM = re.compile(r"^[A-Z0-9^&.\-/ ]+$")  # tickers and acronyms: NVDA, ^GSPC, S&P 500


def _figure_texts(fig) -> set[str]:
    lay = fig.layout
    out = set()
    if lay.title and lay.title.text:
        out.add(lay.title.text)
    for key in lay:
        if key.startswith(("xaxis", "yaxis")) and lay[key].title and lay[key].title.text:
            out.add(lay[key].title.text)
    if lay.legend and lay.legend.title and lay.legend.title.text:
        out.add(lay.legend.title.text)
    out |= {a.text for a in lay.annotations or () if a.text}
    for tr in fig.data:
        if tr.name and tr.showlegend is not False:
            out.add(tr.name)
        if tr.type == "bar" and tr.x is not None and all(isinstance(x, str) for x in tr.x):
            out |= set(tr.x)
    return out


def _texts(section) -> tuple[set[str], set[str]]:
    figs = set().union(*[_figure_texts(f) for f in section.figures]) if section.figures else set()
    cols = {str(c) for _, t in section.tables for c in t.columns}
    return figs, cols


@pytest.fixture(scope="module")
def built() -> dict[str, tuple[object, object]]:
    out = {}
    for name in SECTIONS:
        module = importlib.import_module(f"kreislauf.report.sections.{name}")
        out[name] = (module.build(ReportContext(lang="en")), module.build(ReportContext(lang="de")))
    return out


@pytest.mark.parametrize("name", SECTIONS)
def test_no_english_label_on_the_german_page(built, name):
    en, de = built[name]
    (fig_en, col_en), (fig_de, col_de) = _texts(en), _texts(de)
    left = {x for x in (fig_en & fig_de) | (col_en & col_de) if x not in NEUTRAL}
    left = {x for x in left if not ACRONYM.match(x)}
    assert not left, f"English on the German {name} section: {sorted(left)}"


@pytest.mark.parametrize("name", SECTIONS)
def test_legends_sit_below_the_plot(built, name):
    for fig in built[name][1].figures:
        legend = fig.layout.legend
        assert legend.orientation == "h" and legend.y < 0, fig.layout.title.text


def test_the_check_fails_on_an_english_label():
    """An untranslated figure is caught: the test above cannot pass vacuously."""
    import plotly.graph_objects as go

    from kreislauf.report.figures import readable

    fig = go.Figure(go.Scatter(x=[1], y=[1], name="an untranslated series"), layout={"title": "x"})
    de = _figure_texts(readable(fig, ReportContext(lang="de")))
    en = _figure_texts(readable(go.Figure(fig), ReportContext(lang="en")))
    assert "an untranslated series" in (de & en)
