"""kreislauf: the AI industry's capital circuit, its bubble, and its burst.

The public Python API returns pandas DataFrames and result objects that offer
``to_frame()``, ``summary()`` and ``plot()``.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
