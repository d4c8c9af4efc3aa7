"""Network contagion: Eisenberg-Noe, Rogers-Veraart, DebtRank, Furfine, fire sales.

>>> from kreislauf.contagion import Network, Seniority, eisenberg_noe  # doctest: +SKIP
"""

from kreislauf.contagion.network import Network, Seniority
from kreislauf.contagion.valuation import (
    BatchClearingResult,
    ClearingResult,
    clear_batch,
    eisenberg_noe,
    rogers_veraart,
)

__all__ = [
    "BatchClearingResult",
    "ClearingResult",
    "Network",
    "Seniority",
    "clear_batch",
    "eisenberg_noe",
    "rogers_veraart",
]
