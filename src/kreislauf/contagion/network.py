"""The network of obligations the contagion engines value.

A :class:`Network` holds ``n`` nodes and a sparse liability matrix ``L`` (CSR,
``L[i, j]`` = what node ``i`` owes node ``j``), plus three node arrays:

* ``external_assets`` ``e`` -- assets outside the network (cash, loans to outsiders,
  securities, expected revenue),
* ``external_liabilities`` ``b`` -- debt owed to creditors outside the network,
* ``equity`` -- book equity before any shock, by the balance-sheet identity
  ``equity = e + sum_j L[j, i] - sum_j L[i, j] - b``.

How external debt ranks against debt owed inside the network is a named
:class:`Seniority`; every engine takes it explicitly and records it in its result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import scipy.sparse as sp

from kreislauf.errors import InputError, Problem

# Relative tolerance of the balance-sheet identity check (assumption: rounding in
# published balance sheets; 1e-6 of the balance-sheet size).
IDENTITY_RTOL = 1e-6


class Seniority(StrEnum):
    """How external debt ranks against obligations inside the network.

    ``SENIOR``: a node first pays its external creditors in full, then the network
    creditors pro rata from what is left (Elsinger 2009 seniority; the "senior
    external debt" convention of Glasserman & Young 2016, sect. 3).

    ``PARI_PASSU``: external and network creditors are paid pro rata to their
    claims from the same pool (Eisenberg & Noe 2001 with external creditors as a
    sink node; the convention of the ``systemicrisk`` R package, ``default_clearing``).
    """

    SENIOR = "senior"
    PARI_PASSU = "pari_passu"

    @classmethod
    def parse(cls, value: Seniority | str) -> Seniority:
        """The convention named by ``value``; :class:`InputError` for anything else."""
        try:
            return cls(value)
        except ValueError:
            raise InputError.single(
                f"unknown seniority {value!r}; expected 'senior' or 'pari_passu'",
                field="seniority",
            ) from None


@dataclass(frozen=True)
class Network:
    """An obligation network with node balance sheets.

    Parameters
    ----------
    node_ids : tuple of str
        Node labels, in matrix order.
    liabilities : scipy.sparse.csr_matrix
        ``(n, n)`` matrix, ``L[i, j]`` = amount ``i`` owes ``j`` (non-negative, zero diagonal).
    external_assets : ndarray
        ``e``, non-negative.
    external_liabilities : ndarray
        ``b``, non-negative.
    units : str
        Unit of every amount (for labels only).
    """

    node_ids: tuple[str, ...]
    liabilities: sp.csr_matrix
    external_assets: np.ndarray
    external_liabilities: np.ndarray
    units: str = "USD bn"
    _index: dict[str, int] = field(default_factory=dict, repr=False, compare=False)
    _cache: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        n = len(self.node_ids)
        if self.liabilities.shape != (n, n):
            raise InputError.single(
                f"liability matrix is {self.liabilities.shape}, expected ({n}, {n})",
                field="liabilities",
            )
        for name in ("external_assets", "external_liabilities"):
            arr = getattr(self, name)
            if arr.shape != (n,):
                raise InputError.single(f"expected {n} values, got {arr.shape}", field=name)
        if not self._index:
            self._index.update({k: i for i, k in enumerate(self.node_ids)})

    # ------------------------------------------------------------------ sizes
    @property
    def n(self) -> int:
        """Number of nodes."""
        return len(self.node_ids)

    @property
    def interbank_liabilities(self) -> np.ndarray:
        """``l_i = sum_j L[i, j]``: what each node owes inside the network."""
        if "l" not in self._cache:
            self._cache["l"] = np.asarray(self.liabilities.sum(axis=1)).ravel()
        return self._cache["l"].copy()  # type: ignore[union-attr]

    @property
    def interbank_assets(self) -> np.ndarray:
        """``sum_j L[j, i]``: what each node is owed inside the network."""
        if "a" not in self._cache:
            self._cache["a"] = np.asarray(self.liabilities.sum(axis=0)).ravel()
        return self._cache["a"].copy()  # type: ignore[union-attr]

    @property
    def liabilities_t(self) -> sp.csr_matrix:
        """``L.T`` in CSR form (rows: creditors), built once per network."""
        if "lt" not in self._cache:
            self._cache["lt"] = self.liabilities.T.tocsr()
        return self._cache["lt"]  # type: ignore[return-value]

    @property
    def equity(self) -> np.ndarray:
        """Book equity before any shock (balance-sheet identity)."""
        return (
            self.external_assets
            + self.interbank_assets
            - self.interbank_liabilities
            - self.external_liabilities
        )

    @property
    def total_assets(self) -> np.ndarray:
        """External plus network assets at face value."""
        return self.external_assets + self.interbank_assets

    def index(self, node_id: str) -> int:
        """Matrix position of ``node_id``; :class:`InputError` if unknown."""
        try:
            return self._index[node_id]
        except KeyError:
            raise InputError.single(
                f"unknown node {node_id!r}; expected one of {', '.join(self.node_ids[:10])}"
                + (" ..." if self.n > 10 else ""),
                field="node",
            ) from None

    # ---------------------------------------------------------------- builders
    @classmethod
    def from_arrays(
        cls,
        liabilities: np.ndarray | sp.spmatrix,
        external_assets: np.ndarray,
        external_liabilities: np.ndarray | None = None,
        node_ids: list[str] | tuple[str, ...] | None = None,
        units: str = "USD bn",
    ) -> Network:
        """Build a network from a (dense or sparse) liability matrix and node arrays.

        Raises
        ------
        InputError
            Negative or non-finite amounts, self-obligations, mismatched sizes.
        """
        mat = sp.csr_matrix(liabilities, dtype=np.float64)
        mat.sum_duplicates()
        n = mat.shape[0]
        e = np.asarray(external_assets, dtype=np.float64).ravel()
        b = (
            np.zeros(n)
            if external_liabilities is None
            else np.asarray(external_liabilities, dtype=np.float64).ravel()
        )
        ids = tuple(str(i) for i in (node_ids if node_ids is not None else range(n)))
        problems: list[Problem] = []
        if mat.shape[0] != mat.shape[1]:
            problems.append(Problem(f"liability matrix must be square, got {mat.shape}"))
        if not np.all(np.isfinite(mat.data)):
            problems.append(
                Problem("liability matrix has NaN or infinite entries", None, None, "liabilities")
            )
        if np.any(mat.data < 0):
            problems.append(
                Problem("liability matrix has negative entries", None, None, "liabilities")
            )
        if mat.shape[0] == mat.shape[1] and np.any(mat.diagonal() != 0):
            bad = int(np.flatnonzero(mat.diagonal())[0])
            problems.append(
                Problem(
                    f"node {ids[bad] if bad < len(ids) else bad} owes itself "
                    "(self-loop); expected a zero diagonal",
                    None,
                    None,
                    "liabilities",
                )
            )
        for name, arr in (("external_assets", e), ("external_liabilities", b)):
            if arr.shape != (n,):
                problems.append(
                    Problem(f"expected {n} values, got {arr.shape[0]}", None, None, name)
                )
                continue
            if not np.all(np.isfinite(arr)):
                i = int(np.flatnonzero(~np.isfinite(arr))[0])
                problems.append(
                    Problem(f"value is NaN or infinite at node {ids[i]}", None, i + 1, name)
                )
            elif np.any(arr < 0):
                i = int(np.flatnonzero(arr < 0)[0])
                problems.append(
                    Problem(
                        f"expected a non-negative amount at node {ids[i]}, got {arr[i]}",
                        None,
                        i + 1,
                        name,
                    )
                )
        if len(ids) != n:
            problems.append(
                Problem(f"expected {n} node ids, got {len(ids)}", None, None, "node_ids")
            )
        elif len(set(ids)) != n:
            problems.append(Problem("node ids are not unique", None, None, "node_ids"))
        if problems:
            raise InputError(problems)
        mat.eliminate_zeros()
        return cls(ids, mat, e, b, units)

    @classmethod
    def from_edges(
        cls,
        node_ids: list[str] | tuple[str, ...],
        debtor: np.ndarray | list[str],
        creditor: np.ndarray | list[str],
        amount: np.ndarray | list[float],
        external_assets: np.ndarray,
        external_liabilities: np.ndarray | None = None,
        units: str = "USD bn",
    ) -> Network:
        """Build from an edge list (debtor, creditor, amount); duplicate edges are summed."""
        ids = tuple(str(x) for x in node_ids)
        pos = {k: i for i, k in enumerate(ids)}
        problems: list[Problem] = []
        rows, cols = [], []
        for r, (d, c) in enumerate(zip(debtor, creditor, strict=True), start=1):
            for fld, v in (("debtor", d), ("creditor", c)):
                if str(v) not in pos:
                    problems.append(Problem(f"unknown node id {v!r}", None, r, fld))
            rows.append(pos.get(str(d), -1))
            cols.append(pos.get(str(c), -1))
        amt = np.asarray(amount, dtype=np.float64)
        if problems:
            raise InputError(problems)
        n = len(ids)
        mat = sp.csr_matrix((amt, (np.asarray(rows), np.asarray(cols))), shape=(n, n))
        return cls.from_arrays(mat, external_assets, external_liabilities, ids, units)

    def with_external_assets(self, external_assets: np.ndarray) -> Network:
        """A copy with other external assets (same obligations, shared matrix caches)."""
        return Network(
            self.node_ids,
            self.liabilities,
            np.asarray(external_assets, dtype=np.float64),
            self.external_liabilities,
            self.units,
            self._index,
            self._cache,
        )


def check_equity(network: Network, stated_equity: np.ndarray, file: str | None = None) -> None:
    """Check stated book equity against the balance-sheet identity.

    Parameters
    ----------
    network : Network
        The network whose identity is checked.
    stated_equity : ndarray
        Equity as stated in the node table (NaN = not stated, skipped).
    file : str, optional
        File name for the error message.

    Raises
    ------
    InputError
        One problem per node whose stated equity differs from
        ``e + interbank assets - interbank liabilities - b`` by more than
        :data:`IDENTITY_RTOL` of its balance-sheet size.
    """
    implied = network.equity
    scale = np.maximum(1.0, network.total_assets + network.external_liabilities)
    bad = np.flatnonzero(
        np.isfinite(stated_equity) & (np.abs(stated_equity - implied) > IDENTITY_RTOL * scale)
    )
    if bad.size:
        raise InputError(
            [
                Problem(
                    f"node {network.node_ids[i]}: stated equity {stated_equity[i]:g} does not fit "
                    f"the balance sheet (external assets {network.external_assets[i]:g} + owed "
                    f"by others {network.interbank_assets[i]:g} - owes others "
                    f"{network.interbank_liabilities[i]:g} - external liabilities "
                    f"{network.external_liabilities[i]:g} = {implied[i]:g})",
                    file,
                    int(i) + 1,
                    "equity",
                )
                for i in bad
            ]
        )
