"""Stock-flow-consistent simulation: the general engine, textbook models, the AI circuit.

>>> from kreislauf.sfc import load_model, simulate
>>> res = simulate(load_model("sim"), periods=60)
>>> round(float(res["Y"][0, -1]), 2)
100.0

The model-file format, the accounting checks and the solver are described in docs/sfc.md.
"""

from kreislauf.sfc.accounting import AccountingError, AccountingWarning
from kreislauf.sfc.engine import simulate
from kreislauf.sfc.modelfile import (
    Model,
    Scenario,
    Shock,
    load_model,
    load_scenario,
    shipped_models,
)
from kreislauf.sfc.result import SimulationResult

__all__ = [
    "AccountingError",
    "AccountingWarning",
    "Model",
    "Scenario",
    "Shock",
    "SimulationResult",
    "load_model",
    "load_scenario",
    "shipped_models",
    "simulate",
]
