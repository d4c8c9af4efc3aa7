"""The one precedence rule for the values of a run (docs/sfc.md, "Where a value comes from").

From lowest to highest:

1. the **model file**'s own values (``parameters``, ``exogenous``, ``initial``);
2. the **recalibration** (the AI circuit's calibration entries, from the shipped parameter file
   or from ``--data-dir``): every calibrated parameter and initial value;
3. the **scenario file**'s ``params`` and ``initial``;
4. **explicit overrides** (``params=`` of :func:`kreislauf.sfc.simulate`, the dashboard's
   changed values);
5. **draws** of a Monte Carlo run.

A higher layer wins for the names it sets. Where there is a recalibration, a raw calibration
input set by a higher layer (say a scenario's ``GW_ceiling0`` or a drawn ``life_acc``) is fed
*into* the recalibration, so the derived values (margins, initial flows) follow it. Shocks are
not values: they are applied to the resolved paths afterwards (model shocks, then the scenario's,
then the caller's).

:func:`resolve` is the only place that merges these layers; the engine, the CLI, the report,
the dashboard and Monte Carlo all go through it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["LAYERS", "resolve"]

LAYERS = ("model file", "recalibration", "scenario file", "overrides", "draws")
"""The layers, lowest first."""


def _entries(calibration: Any) -> list[Any] | None:
    if calibration is None:
        return None
    return list(getattr(calibration, "entries", calibration))


def resolve(
    model: Any,
    *,
    calibration: Any = None,
    scenario: Any = None,
    overrides: Mapping[str, Any] | None = None,
    draws: Mapping[str, Any] | None = None,
    initial: Mapping[str, Any] | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Merge the layers into engine overrides ``(params, initial)``.

    Parameters
    ----------
    model : Model
        The model (layer 1; its values are the engine's defaults, not repeated here; its
        names tell a drawn model value from a calibration input).
    calibration : list of Entry or Recalibrate, optional
        Calibration entries (:func:`kreislauf.sfc.ai_params.load_calibration`).
    scenario : Scenario, optional
        A scenario file.
    overrides : mapping, optional
        Explicit values.
    draws : mapping, optional
        Drawn values, each an array of shape (S,).
    initial : mapping, optional
        Explicit period-0 values (over the calibration's and the scenario's).

    Returns
    -------
    (dict, dict)
        Parameter/exogenous values and period-0 values, highest layer winning.
    """
    layers = [
        dict(getattr(scenario, "params", None) or {}),
        dict(overrides or {}),
        dict(draws or {}),
    ]
    params: dict[str, Any] = {}
    init: dict[str, Any] = {}
    entries = _entries(calibration)
    if entries is not None:
        from kreislauf.sfc.ai_params import EXOGENOUS, calibrated_overrides

        raw = {e.name for e in entries if e.kind != "derived" and e.name not in EXOGENOUS}
        fed: dict[str, Any] = {}
        for layer in layers[:2]:
            fed.update({k: v for k, v in layer.items() if k in raw})
        known = set(getattr(model, "parameters", {})) | set(getattr(model, "exogenous", {}))
        # a draw of a raw input is fed to the calibration; one of a model value (a derived
        # parameter, an exogenous variable) overrides it; anything else cannot be drawn
        fed.update({k: v for k, v in layers[2].items() if k in raw or k not in known})
        n = max((np.size(v) for v in fed.values() if np.ndim(v) == 1), default=1)
        fed = {
            k: (np.broadcast_to(np.asarray(v, dtype=float), (n,)) if n > 1 else v)
            for k, v in fed.items()
        }
        params, init = calibrated_overrides(entries, fed or None)
        params, init = dict(params), dict(init)
        layers = [{k: v for k, v in la.items() if k not in fed} for la in layers]
    for layer in layers:
        params.update(layer)
    init.update(dict(getattr(scenario, "initial", None) or {}))
    init.update(dict(initial or {}))
    return params, init
