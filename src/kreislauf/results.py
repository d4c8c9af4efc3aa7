"""The common shape of every result object.

Every engine returns an object that derives from :class:`Result`, so a result
works the same in a notebook, the CLI, the report and the dashboard:

* ``to_frame()`` -- the result as a tidy :class:`pandas.DataFrame`;
* ``summary()`` -- a small dict of headline figures (JSON-serialisable);
* ``plot()`` -- a :class:`plotly.graph_objects.Figure`.

``to_dict()`` (used by ``--json``) is derived from ``summary()`` and
``to_frame()`` and need not be overridden.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # plotly is imported lazily by the subclasses' plot()
    import plotly.graph_objects as go


def to_jsonable(value: Any) -> Any:
    """Convert numpy/pandas scalars and containers into plain JSON values.

    NaN and infinities become ``None`` (JSON has no NaN); dates become ISO strings.
    """
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [to_jsonable(v) for v in value.tolist()]
    if isinstance(value, pd.DataFrame):
        return [to_jsonable(r) for r in value.to_dict(orient="records")]
    if isinstance(value, pd.Series):
        return to_jsonable(value.to_dict())
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NaT or (value is not None and not isinstance(value, str | bool | int | float)):
        try:
            if pd.isna(value):
                return None
        except (TypeError, ValueError):
            pass
        if hasattr(value, "isoformat"):
            return value.isoformat()
        return str(value)
    return value


class Result(ABC):
    """Base class of every engine's result."""

    @abstractmethod
    def to_frame(self) -> pd.DataFrame:
        """Return the result as a tidy DataFrame."""

    @abstractmethod
    def summary(self) -> dict[str, Any]:
        """Return the headline figures as a JSON-serialisable dict."""

    @abstractmethod
    def plot(self) -> go.Figure:
        """Return a Plotly figure of the result."""

    def to_dict(self) -> dict[str, Any]:
        """Summary and table together, for ``--json`` output."""
        return {"summary": to_jsonable(self.summary()), "table": to_jsonable(self.to_frame())}
