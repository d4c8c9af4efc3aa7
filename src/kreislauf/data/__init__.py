"""Market data: loaders for prices, fundamentals, concentration and Shiller's series.

>>> from kreislauf.data import discover, load_family       # doctest: +SKIP
>>> load_family(Path("../shared/data"), "shiller")[0].frame
"""

from kreislauf.data.directory import FAMILIES, discover, load_family, prices, resolve_data_dir
from kreislauf.data.loaders import Dataset

__all__ = ["FAMILIES", "Dataset", "discover", "load_family", "prices", "resolve_data_dir"]
