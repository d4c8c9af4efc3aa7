"""The atlas: a sourced, versioned dataset of the AI capital circuit.

>>> from kreislauf.atlas import load_atlas
>>> atlas = load_atlas()              # doctest: +SKIP
>>> atlas.relations.head()            # doctest: +SKIP
"""

from kreislauf.atlas.model import SHIPPED_DIR, Atlas, load_atlas, validate_atlas

__all__ = ["SHIPPED_DIR", "Atlas", "load_atlas", "validate_atlas"]
