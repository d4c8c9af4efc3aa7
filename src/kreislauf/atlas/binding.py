"""How much of each binding class to count: the headline, binding-only, or stated haircuts.

Every atlas relation states how binding it is (``binding``: ``non_binding``, ``cancellable``,
``non_cancellable``, ``funded``, ``unknown``). :class:`BindingWeights` says which share of
each class an analysis counts; the circuit (:class:`kreislauf.circuit.graph.FlowOptions`) and
the stress test (:class:`kreislauf.contagion.circuit_map.MappingAssumptions`) take one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

import numpy as np
import pandas as pd

from kreislauf.atlas.schema import BINDING, BINDING_LEGS
from kreislauf.errors import InputError


@dataclass(frozen=True)
class BindingWeights:
    """Share of each binding class that counts (1 = in full, 0 = left out).

    Parameters
    ----------
    non_binding, cancellable, non_cancellable, funded, unknown : float
        Weight in [0, 1] for relations of that class. The default counts everything (the
        headline figures); :meth:`binding_only` keeps non-cancellable and funded legs.

    Examples
    --------
    >>> BindingWeights.parse("binding").non_binding
    0.0
    >>> BindingWeights.parse("non_binding=0,cancellable=0.5").cancellable
    0.5
    """

    non_binding: float = 1.0
    cancellable: float = 1.0
    non_cancellable: float = 1.0
    funded: float = 1.0
    unknown: float = 1.0

    def __post_init__(self) -> None:
        for f in fields(self):
            v = getattr(self, f.name)
            if not (isinstance(v, int | float) and 0.0 <= float(v) <= 1.0):
                raise InputError.single(f"expected a weight in [0, 1], got {v!r}", field=f.name)

    @classmethod
    def binding_only(cls) -> BindingWeights:
        """Only legal obligations: non-cancellable contracts and funded or delivered legs."""
        return cls(**{c: float(c in BINDING_LEGS) for c in BINDING})

    @classmethod
    def parse(cls, text: str) -> BindingWeights:
        """``all``, ``binding`` or ``class=weight,...`` (classes not named count in full)."""
        t = text.strip()
        if t in ("", "all"):
            return cls()
        if t in ("binding", "binding_only", "binding-only"):
            return cls.binding_only()
        values: dict[str, float] = {}
        for part in t.split(","):
            name, sep, value = part.partition("=")
            name = name.strip()
            if not sep or name not in BINDING:
                raise InputError.single(
                    f"expected 'all', 'binding' or class=weight pairs with classes {BINDING}, "
                    f"got {part.strip()[:40]!r}",
                    field="binding",
                )
            try:
                values[name] = float(value)
            except ValueError:
                raise InputError.single(
                    f"expected a number in [0, 1] for {name}, got {value.strip()[:20]!r}",
                    field="binding",
                ) from None
        return cls(**values)

    @property
    def is_headline(self) -> bool:
        """Whether every class counts in full."""
        return all(getattr(self, f.name) == 1.0 for f in fields(self))

    def label(self) -> str:
        """``all``, ``binding`` or the weights as ``class=weight`` pairs."""
        if self.is_headline:
            return "all"
        if self == BindingWeights.binding_only():
            return "binding"
        return ",".join(f"{k}={v:g}" for k, v in asdict(self).items() if v != 1.0)

    def factor(self, binding: pd.Series) -> np.ndarray:
        """The weight of each relation's class (a missing class counts as ``unknown``)."""
        w = asdict(self)
        return binding.fillna("unknown").map(w).fillna(w["unknown"]).to_numpy(dtype=float)

    def to_dict(self) -> dict[str, float]:
        """The weights by class."""
        return asdict(self)
