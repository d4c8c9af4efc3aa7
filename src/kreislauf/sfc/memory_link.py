"""The memory squeeze from kreislauf.memory: its DRAM price path as the AI circuit's ``pmem``.

``pmem`` is the memory price relative to the start. :func:`memory_price_path` runs the DRAM
market model (:mod:`kreislauf.memory`) with its shipped parameters twice, with the hoarder's
contracts (the baseline of that model: OpenAI's letters of intent) and without hoarding, and
takes the ratio of the two price paths, month by month: the part of the memory price due to
hoarding. Quarterly values are means of the three months; quarters beyond the memory model's
horizon hold its last value (the engine's rule for a short exogenous list).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kreislauf.errors import InputError


def memory_price_path(
    params: object | None = None, start: str | pd.Period = "2026Q3", periods: int = 40
) -> np.ndarray:
    """Quarterly memory price multiple (hoarding vs none) from ``start``, length ``periods``.

    Parameters
    ----------
    params : kreislauf.memory.params.MarketParams, optional
        The DRAM market parameters; default the shipped file.
    start : str or Period
        First quarter of the AI-circuit run.
    periods : int
        Quarters.

    Returns
    -------
    ndarray
        ``pmem`` per quarter (1 = the price without hoarding).
    """
    from kreislauf.memory.market import Scenario, simulate
    from kreislauf.memory.params import load_params

    p = params if params is not None else load_params()
    with_hoard = simulate(p).to_frame()  # type: ignore[arg-type]
    without = simulate(p, Scenario("no hoarding", hoard_share=0.0)).to_frame()  # type: ignore[arg-type]
    ratio = pd.Series(
        (with_hoard["price"] / without["price"]).to_numpy(),
        index=pd.PeriodIndex(with_hoard["month"], freq="M"),
    )
    quarterly = ratio.groupby(ratio.index.asfreq("Q")).mean()
    q0 = start if isinstance(start, pd.Period) else pd.Period(str(start), freq="Q")
    if q0 > quarterly.index[-1] or q0 < quarterly.index[0]:
        raise InputError.single(
            f"start {q0} outside the memory model's horizon "
            f"{quarterly.index[0]}..{quarterly.index[-1]}",
            field="start",
        )
    path = quarterly[quarterly.index >= q0].to_numpy()
    if len(path) < periods:
        path = np.concatenate([path, np.full(periods - len(path), path[-1])])
    return path[:periods]


def memory_squeeze_from_model(periods: int = 40) -> object:
    """An AI-circuit scenario whose ``pmem`` path comes from :func:`memory_price_path`."""
    from kreislauf.sfc import Scenario

    path = memory_price_path(periods=periods)
    return Scenario(
        name="memory_squeeze_model",
        params={"pmem": tuple(float(x) for x in path)},
        shocks=(),
        description="memory prices from kreislauf.memory: hoarding vs no hoarding",
    )
