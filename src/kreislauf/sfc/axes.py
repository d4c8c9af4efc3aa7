"""Readable time axes for quarterly charts: one labelled tick a year, not one a quarter."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import plotly.graph_objects as go


def quarter_ticks(fig: go.Figure, labels: list[str], most: int = 12) -> go.Figure:
    """Label only the first quarter of each year (``2027Q1``) on a category x axis.

    Forty quarters' labels run together on a chart of ordinary width ("2026Q32026Q4...").
    Where the labels are calendar quarters, every ``Q1`` is kept, thinned to at most ``most``
    ticks; other labels (model periods) are thinned evenly. The data are untouched.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        Changed in place and returned.
    labels : list of str
        The x values of the traces, in order.
    most : int
        Largest number of labelled ticks.
    """
    keep = [x for x in labels if str(x).endswith("Q1")] or list(labels)
    step = max(1, math.ceil(len(keep) / most))
    fig.update_xaxes(tickmode="array", tickvals=keep[::step], tickangle=0)
    return fig
