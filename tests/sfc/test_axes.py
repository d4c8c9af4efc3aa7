"""Quarterly charts label one quarter a year instead of running forty labels together."""

from __future__ import annotations

import plotly.graph_objects as go

from kreislauf.sfc.axes import quarter_ticks
from kreislauf.sfc.burst import quarter_label


def test_only_first_quarters_are_labelled_and_the_data_untouched() -> None:
    x = [quarter_label(t) for t in range(1, 41)]  # 2026Q3 .. 2036Q2
    fig = go.Figure(go.Scatter(x=x, y=list(range(40))))
    quarter_ticks(fig, x)
    ticks = list(fig.layout.xaxis.tickvals)
    assert ticks == [q for q in x if q.endswith("Q1")]  # 2027Q1 .. 2036Q1: ten ticks
    assert len(ticks) == 10 and fig.layout.xaxis.tickangle == 0
    assert list(fig.data[0].x) == x


def test_many_years_are_thinned_and_model_periods_spaced() -> None:
    x = [quarter_label(t) for t in range(1, 121)]  # thirty years
    assert len(quarter_ticks(go.Figure(), x, most=12).layout.xaxis.tickvals) <= 12
    periods = [str(t) for t in range(1, 61)]
    ticks = quarter_ticks(go.Figure(), periods, most=12).layout.xaxis.tickvals
    assert len(ticks) <= 12 and ticks[0] == "1"
