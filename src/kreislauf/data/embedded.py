"""The data bundle shipped inside the package (``kreislauf/data/bundle``).

Only redistributable files are bundled; ``bundle/DATA-LICENSES.md`` gives each file's source,
vintage and licence and ``bundle/bundle.json`` the same facts for programs. A bundled file is
loaded by the loader of its family (:data:`kreislauf.data.directory.FAMILIES`), exactly like
a user's file; only its ``source`` is renamed to the package resource, so no output names a
path of the machine it ran on. Callers decide precedence: a data directory, the store and
online fetches replace a bundled family wherever they provide it.
"""

from __future__ import annotations

import dataclasses
import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from kreislauf.data.loaders import Dataset

PACKAGE = "kreislauf.data"
FOLDER = "bundle"


def bundle_dir() -> Path:
    """The bundle's folder inside the installed package."""
    return Path(str(resources.files(PACKAGE).joinpath(FOLDER)))


@cache
def manifest() -> dict[str, dict[str, Any]]:
    """The entries of ``bundle.json`` by family (file, title, source, vintage, licence)."""
    text = (bundle_dir() / "bundle.json").read_text(encoding="utf-8")
    return {e["family"]: e for e in json.loads(text)["files"]}


def bundled_families() -> tuple[str, ...]:
    """Families the bundle provides."""
    return tuple(manifest())


def resource_name(family: str) -> str:
    """How a bundled file is named in outputs: ``kreislauf/data/bundle/<file>``."""
    return f"kreislauf/data/{FOLDER}/{manifest()[family]['file']}"


def load_bundled(family: str) -> Dataset | None:
    """The bundled file of ``family`` loaded by its family's loader, or ``None`` if not bundled.

    Parameters
    ----------
    family : str
        A family name of :data:`kreislauf.data.directory.FAMILIES`.

    Returns
    -------
    Dataset or None
        ``source`` is the package resource name followed by the bundle's vintage.
    """
    entry = manifest().get(family)
    if entry is None:
        return None
    from kreislauf.data.directory import BY_NAME

    ds = BY_NAME[family].load(bundle_dir() / entry["file"])
    return dataclasses.replace(ds, source=f"{resource_name(family)} (bundled; {entry['vintage']})")
