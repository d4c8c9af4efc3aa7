"""Calibration of the AI-circuit model: atlas commitments, fundamentals, a sourced table.

Pure functions (DataFrames in, typed results out; no file I/O):

* :func:`commitment_schedules` -- the AI labs' disclosed compute commitments from the atlas
  (``purchase_commitment`` rows of category ``cloud``/``compute`` paid by an ``ai_lab``) spread
  into quarterly amounts (USD bn per quarter) from the start quarter on. An undisclosed amount
  stays null: the row is listed in :attr:`CommitmentSchedule.undisclosed`, never priced by guess.
  Missing terms and start dates follow stated rules (:class:`ScheduleRules`) and every row
  records which rule it used.
* :func:`fundamentals_at` / :func:`market_caps_at` -- the latest reported quarter on or before
  the start quarter's end per company, from the :mod:`kreislauf.data` loaders' frames.
* :func:`calibrate` -- the calibration table: every initial value and parameter of the model
  with value, unit, source and kind (``data``, ``atlas``, ``derived`` or ``assumption``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kreislauf.errors import InputError
from kreislauf.results import Result

if TYPE_CHECKING:
    import plotly.graph_objects as go

HYPERSCALERS = ("MSFT", "GOOGL", "AMZN", "META", "ORCL")
"""Listed companies whose cloud arms form the model's cloud providers (see docs)."""
VENDORS = ("NVDA", "AMD", "AVGO")
"""Listed chip vendors in the fundamentals file (memory vendors are not in it)."""
FUNDAMENTALS_FILE = "fundamentals/bigtech_quarterly_revenue_netincome_capex_2020_2026.csv"
CONCENTRATION_FILE = "fundamentals/sp500_marketcap_concentration_snapshots.csv"


@dataclass(frozen=True)
class ScheduleRules:
    """How commitments with incomplete terms are spread over quarters (stated assumptions).

    Attributes
    ----------
    default_term_years : float
        Term used where the atlas gives neither ``term_years`` nor an end date.
        Assumption: five years, the most common stated term among the labs' cloud contracts
        in the atlas (R004, R012, R044 state five years).
    categories : tuple of str
        Relation categories counted as compute purchases.
    payer_role : str
        Entity role of the payer (the model's AI-lab sector).
    verified_only : bool
        Count only relations of a verified tier (filing, company release, major press).
    """

    default_term_years: float = 5.0
    categories: tuple[str, ...] = ("cloud", "compute")
    payer_role: str = "ai_lab"
    verified_only: bool = False


@dataclass(frozen=True)
class CommitmentSchedule(Result):
    """Quarterly compute commitments of the AI labs (USD bn per quarter).

    Attributes
    ----------
    start : pandas.Period
        First simulated quarter (period 1 of the model).
    quarters : pandas.PeriodIndex
        The simulated quarters.
    rows : DataFrame
        One row per counted relation: id, payer, payee, amount, first and last quarter,
        quarters, per-quarter amount, the rules used (``term_rule``, ``start_rule``).
    matrix : ndarray
        Shape (relations, quarters): each relation's payment due in each quarter.
    undisclosed : DataFrame
        Relations that match but have no disclosed amount (excluded, reported).
    """

    start: pd.Period
    quarters: pd.PeriodIndex
    rows: pd.DataFrame
    matrix: np.ndarray
    undisclosed: pd.DataFrame

    @property
    def total(self) -> np.ndarray:
        """Commitments due per quarter, all labs (USD bn)."""
        return self.matrix.sum(axis=0)

    def to_frame(self) -> pd.DataFrame:
        """Tidy: quarter, relation id, payer, payee, amount due (USD bn)."""
        recs = []
        for i, r in enumerate(self.rows.itertuples(index=False)):
            for j, q in enumerate(self.quarters):
                if self.matrix[i, j] != 0.0:
                    recs.append((str(q), r.id, r.payer, r.payee, float(self.matrix[i, j])))
        return pd.DataFrame(recs, columns=["quarter", "relation", "payer", "payee", "due_usd_bn"])

    def summary(self) -> dict[str, Any]:
        """Counted and undisclosed relations, total and first-year commitments."""
        return {
            "start": str(self.start),
            "relations_counted": len(self.rows),
            "relations_undisclosed": len(self.undisclosed),
            "undisclosed_ids": list(self.undisclosed["id"]) if len(self.undisclosed) else [],
            "total_due_usd_bn": float(self.total.sum()),
            "due_first_four_quarters_usd_bn": float(self.total[:4].sum()),
        }

    def plot(self) -> go.Figure:
        """Stacked bars of the amount due per quarter by payee."""
        import plotly.graph_objects as go

        fig = go.Figure()
        x = [str(q) for q in self.quarters]
        for payee in sorted(set(self.rows["payee"])):
            mask = (self.rows["payee"] == payee).to_numpy()
            fig.add_bar(x=x, y=self.matrix[mask].sum(axis=0), name=payee)
        fig.update_layout(barmode="stack", yaxis_title="USD bn per quarter")
        return fig


def _quarter(ts: pd.Timestamp) -> pd.Period:
    return pd.Period(ts, freq="Q")


def commitment_schedules(
    relations: pd.DataFrame,
    entities: pd.DataFrame,
    start: str | pd.Period,
    periods: int,
    rules: ScheduleRules | None = None,
) -> CommitmentSchedule:
    """The AI labs' disclosed compute commitments, spread into quarterly amounts.

    Parameters
    ----------
    relations, entities : DataFrame
        ``Atlas.relations`` and ``Atlas.entities`` (typed by :func:`kreislauf.atlas.load_atlas`).
    start : str or Period
        First simulated quarter, e.g. ``"2026Q3"``.
    periods : int
        Number of quarters.
    rules : ScheduleRules, optional
        Term and start rules; defaults as documented on :class:`ScheduleRules`.

    Returns
    -------
    CommitmentSchedule

    Notes
    -----
    A relation's amount is paid in equal parts over its term (assumption: level payments;
    the contracts' ramp profiles are not disclosed). Its first quarter is the stated ``start``;
    without one, the quarter after the announcement (assumption). Its term is ``term_years``,
    else end minus start, else ``rules.default_term_years``. Quarters before ``start`` are
    history and not counted. Superseded and cancelled relations are excluded.
    """
    rules = rules or ScheduleRules()
    if periods < 1:
        raise InputError.single(f"periods must be >= 1, got {periods}", field="periods")
    q0 = start if isinstance(start, pd.Period) else pd.Period(str(start), freq="Q")
    quarters = pd.period_range(q0, periods=periods, freq="Q")
    labs = set(entities.loc[entities["roles"].map(lambda r: rules.payer_role in r), "id"])
    rel = relations[
        (relations["type"] == "purchase_commitment")
        & relations["category"].isin(rules.categories)
        & relations["from_id"].isin(labs)
        & ~relations["status"].isin(["superseded", "cancelled"])
    ]
    if rules.verified_only:
        rel = rel[rel["verified"]]
    undisclosed = rel[rel["amount_usd_bn"].isna()][
        ["id", "from_id", "to_id", "amount_qualifier", "schedule"]
    ].reset_index(drop=True)
    rows, mat = [], []
    for r in rel[rel["amount_usd_bn"].notna()].itertuples(index=False):
        if pd.notna(r.start_date):
            first, start_rule = _quarter(r.start_date), "stated start"
        else:
            first, start_rule = _quarter(r.announced_date) + 1, "quarter after announcement"
        if pd.notna(r.term_years):
            n_q, term_rule = round(r.term_years * 4), "stated term"
        elif pd.notna(r.end_date):
            n_q, term_rule = max(1, _quarter(r.end_date).ordinal - first.ordinal + 1), "end date"
        else:
            n_q, term_rule = round(rules.default_term_years * 4), "default term"
        per_q = float(r.amount_usd_bn) / n_q
        offs = np.arange(periods) + (q0.ordinal - first.ordinal)
        mat.append(np.where((offs >= 0) & (offs < n_q), per_q, 0.0))
        rows.append(
            {
                "id": r.id,
                "payer": r.from_id,
                "payee": r.to_id,
                "amount_usd_bn": float(r.amount_usd_bn),
                "qualifier": r.amount_qualifier,
                "tier": r.tier,
                "first_quarter": str(first),
                "quarters": n_q,
                "per_quarter_usd_bn": per_q,
                "start_rule": start_rule,
                "term_rule": term_rule,
            }
        )
    frame = pd.DataFrame(rows)
    matrix = np.array(mat) if mat else np.zeros((0, periods))
    return CommitmentSchedule(q0, quarters, frame, matrix, undisclosed)


def _latest_on_or_before(frame: pd.DataFrame, date_col: str, cutoff: pd.Timestamp) -> pd.DataFrame:
    return frame[frame[date_col] <= cutoff].sort_values(date_col).groupby("symbol").tail(1)


def fundamentals_at(
    fundamentals: pd.DataFrame, quarter: str | pd.Period, symbols: tuple[str, ...]
) -> pd.DataFrame:
    """Each company's latest reported quarter ending on or before ``quarter``'s last day.

    Parameters
    ----------
    fundamentals : DataFrame
        ``kreislauf.data.loaders.load_fundamentals(...).frame`` (symbol, period_end, revenue,
        net_income, capex in USD).
    quarter : str or Period
        The calibration quarter (the quarter before the first simulated one).
    symbols : tuple of str
        Companies required; :class:`InputError` names any without a reported quarter.

    Returns
    -------
    DataFrame
        symbol, period_end, revenue, net_income, capex (USD bn).
    """
    q = quarter if isinstance(quarter, pd.Period) else pd.Period(str(quarter), freq="Q")
    cutoff = q.end_time.normalize()
    f = fundamentals[fundamentals["symbol"].isin(symbols)]
    hit = _latest_on_or_before(f, "period_end", cutoff).set_index("symbol")
    missing = [s for s in symbols if s not in hit.index]
    if missing:
        raise InputError.single(
            f"no reported quarter on or before {cutoff.date()} for {missing}", field="symbol"
        )
    stale = [s for s in symbols if hit.loc[s, "period_end"] < cutoff - pd.Timedelta(days=120)]
    if stale:
        raise InputError.single(
            f"latest reported quarter older than 120 days before {cutoff.date()} for {stale}",
            field="period_end",
        )
    out = hit.loc[list(symbols), ["period_end", "revenue", "net_income", "capex"]].copy()
    if out["capex"].isna().any():
        bad = list(out.index[out["capex"].isna()])
        raise InputError.single(f"capex not reported for {bad} in that quarter", field="capex")
    for col in ("revenue", "net_income", "capex"):
        out[col] = out[col] / 1e9
    return out.reset_index()


def market_caps_at(
    concentration: pd.DataFrame, quarter: str | pd.Period, symbols: tuple[str, ...]
) -> tuple[pd.Timestamp, pd.Series]:
    """Market capitalisations (USD bn) from the latest snapshot on or before the quarter's end.

    Parameters
    ----------
    concentration : DataFrame
        ``kreislauf.data.loaders.load_concentration(...).frame`` (``snapshot_date`` and
        ``mcap_<SYMBOL>`` columns in USD).
    quarter : str or Period
        The calibration quarter.
    symbols : tuple of str
        Companies required.

    Returns
    -------
    (Timestamp, Series)
        The snapshot date and the caps by symbol (USD bn).
    """
    q = quarter if isinstance(quarter, pd.Period) else pd.Period(str(quarter), freq="Q")
    cutoff = q.end_time.normalize()
    snap = concentration[concentration["snapshot_date"] <= cutoff]
    if snap.empty:
        raise InputError.single(f"no snapshot on or before {cutoff.date()}", field="snapshot_date")
    row = snap.sort_values("snapshot_date").iloc[-1]
    cols = {s: f"mcap_{s}" for s in symbols}
    missing = [s for s, c in cols.items() if c not in row.index or pd.isna(row[c])]
    if missing:
        raise InputError.single(f"no market cap for {missing}", field="mcap")
    return row["snapshot_date"], pd.Series({s: float(row[c]) / 1e9 for s, c in cols.items()})


@dataclass(frozen=True)
class Entry:
    """One calibrated value: what, how much, in what unit, from where."""

    name: str
    value: float | list[float] | None
    unit: str
    source: str
    kind: str  # data | atlas | derived | assumption
    rationale: str | None = None


@dataclass(frozen=True)
class Calibration(Result):
    """The calibration table of the AI-circuit model.

    Attributes
    ----------
    entries : tuple of Entry
        Every initial value and parameter with value, unit, source and kind.
    schedule : CommitmentSchedule or None
        The commitment schedule behind the exogenous path ``COMMIT``.
    notes : tuple of str
        Differences between a recomputation and the shipped file, rules used.
    """

    entries: tuple[Entry, ...]
    schedule: CommitmentSchedule | None = None
    notes: tuple[str, ...] = field(default=())

    def values(self) -> dict[str, float | list[float]]:
        """Name -> value for every entry with a value (no nulls)."""
        return {e.name: e.value for e in self.entries if e.value is not None}

    def to_frame(self) -> pd.DataFrame:
        """The calibration table: name, value, unit, kind, source, rationale."""
        rows = []
        for e in self.entries:
            v = e.value
            shown = f"path of {len(v)} quarters, first {v[0]:.4g}" if isinstance(v, list) else v
            rows.append((e.name, shown, e.unit, e.kind, e.source, e.rationale))
        return pd.DataFrame(rows, columns=["name", "value", "unit", "kind", "source", "rationale"])

    def summary(self) -> dict[str, Any]:
        """Counts of entries by kind and the notes."""
        kinds = pd.Series([e.kind for e in self.entries]).value_counts().to_dict()
        return {"entries": len(self.entries), "by_kind": kinds, "notes": list(self.notes)}

    def plot(self) -> go.Figure:
        """The commitment schedule (or an empty figure without one)."""
        import plotly.graph_objects as go

        return self.schedule.plot() if self.schedule is not None else go.Figure()


def _find(entries: list[Entry], name: str) -> Entry:
    for e in entries:
        if e.name == name:
            return e
    raise InputError.single(f"parameter file lacks {name!r}", field=name)


def _sum_source(frame: pd.DataFrame, what: str, col: str) -> str:
    parts = [f"{s} {d.date()}" for s, d in zip(frame["symbol"], frame["period_end"], strict=True)]
    return f"{what}: {col} summed over {', '.join(parts)} ({FUNDAMENTALS_FILE}, SEC filings)"


def calibrate(
    shipped: list[Entry],
    start: str | pd.Period,
    periods: int,
    relations: pd.DataFrame | None = None,
    entities: pd.DataFrame | None = None,
    fundamentals: pd.DataFrame | None = None,
    concentration: pd.DataFrame | None = None,
    rules: ScheduleRules | None = None,
) -> Calibration:
    """Build the calibration table, recomputing what the given data allow.

    Parameters
    ----------
    shipped : list of Entry
        The shipped parameter file (:func:`kreislauf.sfc.ai_params.read_params`): every value
        with its source; used as is where no data are given.
    start : str or Period
        First simulated quarter; the calibration quarter is the one before.
    periods : int
        Length of the commitment path.
    relations, entities : DataFrame, optional
        The atlas; if given, ``COMMIT`` is recomputed from it.
    fundamentals, concentration : DataFrame, optional
        Market data; if given, the hyperscaler and vendor figures and market caps are
        recomputed from them (and a note records any difference from the shipped values).
    rules : ScheduleRules, optional
        Commitment spreading rules.

    Returns
    -------
    Calibration
    """
    q0 = start if isinstance(start, pd.Period) else pd.Period(str(start), freq="Q")
    cal_q = q0 - 1
    entries = list(shipped)
    notes: list[str] = []
    schedule = None

    def replace(new: Entry) -> None:
        if new.name == "COMMIT" and not any(e.name == "COMMIT" for e in entries):
            entries.append(new)
            return
        old = _find(entries, new.name)
        if isinstance(old.value, float | int) and isinstance(new.value, float | int):
            # the shipped file rounds to 3 decimals (USD 0.5 m): note differences beyond that
            if abs(old.value - new.value) > 5e-4:
                notes.append(f"{new.name}: shipped {old.value:.6g}, recomputed {new.value:.6g}")
        entries[entries.index(old)] = new

    if relations is not None and entities is not None:
        schedule = commitment_schedules(relations, entities, q0, periods, rules)
        ids = ", ".join(schedule.rows["id"]) if len(schedule.rows) else "none"
        replace(
            Entry(
                "COMMIT",
                [float(x) for x in schedule.total],
                "USD bn per quarter",
                f"atlas relations {ids}; spread by kreislauf.sfc.calibration.commitment_schedules",
                "atlas",
                f"{len(schedule.undisclosed)} matching relations have undisclosed amounts and "
                "are excluded: " + ", ".join(schedule.undisclosed["id"]),
            )
        )
    if fundamentals is not None:
        h = fundamentals_at(fundamentals, cal_q, HYPERSCALERS)
        v = fundamentals_at(fundamentals, cal_q, VENDORS)
        for name, frame, col, what in (
            ("REV_H0", h, "revenue", "hyperscalers' revenue"),
            ("CAPEX_H0", h, "capex", "hyperscalers' capex"),
            ("NI_H0", h, "net_income", "hyperscalers' net income"),
            ("REV_V0", v, "revenue", "chip vendors' revenue"),
            ("NI_V0", v, "net_income", "chip vendors' net income"),
        ):
            val = round(float(frame[col].sum()), 6)
            replace(Entry(name, val, "USD bn per quarter", _sum_source(frame, what, col), "data"))
    if concentration is not None:
        date, caps = market_caps_at(concentration, cal_q, HYPERSCALERS + VENDORS)
        src = f"S&P 500 snapshot {date.date()} ({CONCENTRATION_FILE}), mcap_"
        replace(
            Entry(
                "VH0",
                round(float(caps[list(HYPERSCALERS)].sum()), 6),
                "USD bn",
                src + "+".join(HYPERSCALERS) + " (GOOGL only: the file repeats Alphabet as GOOG)",
                "data",
            )
        )
        replace(
            Entry(
                "VV0",
                round(float(caps[list(VENDORS)].sum()), 6),
                "USD bn",
                src + "+".join(VENDORS),
                "data",
            )
        )
    return Calibration(tuple(entries), schedule, tuple(notes))
