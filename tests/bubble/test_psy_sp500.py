"""PSY's application: the S&P 500 price-dividend ratio, 1871m1-2010m12 (T = 1680).

Data: ``bubble_cases/sp500_price_dividend_1871_2011.csv`` (the series shipped with the R
packages for PSY 2015; monthly 1871-01..2011-03). PSY's sample ends in 2010m12 (T = 1680), so
the last three months are cut. The column ``pv_ratio_norm`` is exuber's ``sp500$PVratio``
(normalised to 100 in 1871-01); ``pd_ratio`` is the same ratio unnormalised. The ADF statistic
is invariant to scale, so both give the same numbers (checked below).

What is checked against what
----------------------------
* The statistics are deterministic given data, window and lag. They are checked to 1e-8
  against exuber's C++ core (pyexuber 0.1.0, ``exuber.radf``), the reference implementation
  the R package ships; exuber's ``minw`` counts regression rows, so its windows hold
  ``minw + 1`` observations and we pass ``min_window = psy_minw(T) + 1``.
* Published numbers: PSY (2015, IER 56(4), 1043-1078), Table 8 and the date-stamped
  episodes of its Figure 7 (BSADF against the 95 % Monte Carlo sequence), as quoted in
  ``refcard.md`` of the public repository Nakamoto911/adf (commit c916bd0b; a replication
  project's "numerical results extracted from the paper"), read through this project's
  search tool. The paper's own text could not be retrieved, so these are a SECONDARY source;
  the GSADF value also agrees with the value remembered from the paper when this test was
  written. The values are in ``PUBLISHED`` below; docs/bubble-psy.md tabulates ours against
  them. What reproduces: the GSADF (4.21) and its end month, the SADF's window, the critical
  values within Monte Carlo error, the end month of all six bubble episodes and their start
  within 8 months. What does not: the SADF value (3.443 here against 3.30, on the same
  window; a strict xfail below), the start of the GSADF window (1976-02 against 1976-04),
  the 2009 downturn episode (not stamped here) and one extra episode here (1958-11..1959-08).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tests.conftest import shared_file

from kreislauf.bubble.adf import adf_window
from kreislauf.bubble.psy import psy
from kreislauf.bubble.psy_critical import quantile_se, simulate_null

PATH = "bubble_cases/sp500_price_dividend_1871_2011.csv"

# PSY (2015) Table 8 and Figure 7, as quoted in Nakamoto911/adf refcard.md (secondary source,
# see the module docstring). Lag 0, r0 = 0.01 + 1.8/sqrt(T) (90 observations), finite-sample
# critical values from 2,000 Monte Carlo replications, date-stamping at 95 %.
PUBLISHED = {
    "sadf": 3.30,
    "sadf_window": ("1871-01", "2000-07"),
    "gsadf": 4.21,
    "gsadf_window": ("1976-04", "1999-06"),
    "cv": {
        "sadf": {0.90: 1.30, 0.95: 1.59, 0.99: 2.14},
        "gsadf": {0.90: 2.17, 0.95: 2.34, 0.99: 2.74},
    },
    "cv_reps": 2000,
    # (start, end); the 1917 and 2009 episodes are downturns in the paper's reading
    "episodes": [
        ("1879-10", "1880-04"),
        ("1917-08", "1918-04"),
        ("1928-11", "1929-10"),
        ("1955-01", "1956-04"),
        ("1986-06", "1987-09"),
        ("1995-11", "2001-08"),
        ("2009-02", "2009-04"),
    ],
}


def pd_series(column: str = "pv_ratio_norm") -> pd.Series:
    f = pd.read_csv(shared_file(PATH))
    s = pd.Series(f[column].to_numpy(float), index=pd.to_datetime(f["date"]), name=column)
    return s.loc[:"2010-12"]


def test_sample_is_psys() -> None:
    s = pd_series()
    assert len(s) == 1680
    assert s.index[0] == pd.Timestamp("1871-01-01") and s.index[-1] == pd.Timestamp("2010-12-01")


def test_statistics_equal_exubers_core() -> None:
    exuber = pytest.importorskip("exuber")
    s = pd_series()
    ref = exuber.radf(s.to_numpy())
    r = psy(s, min_window=ref.minw + 1, reps=20, seed=0)
    w = r.min_window
    np.testing.assert_allclose(r.bsadf[w - 1 :], ref.bsadf[:, 0], rtol=0, atol=1e-8)
    assert abs(r.sadf - ref.sadf[0]) < 1e-8
    assert abs(r.gsadf - ref.gsadf[0]) < 1e-8
    assert abs(r.adf - ref.adf[0]) < 1e-8


def test_normalised_and_raw_ratio_agree() -> None:
    a = psy(pd_series("pv_ratio_norm"), reps=20, seed=0)
    b = psy(pd_series("pd_ratio"), reps=20, seed=0)
    # pd_ratio is rounded to 8 decimals; the statistic is scale invariant
    np.testing.assert_allclose(a.bsadf, b.bsadf, rtol=0, atol=1e-6, equal_nan=True)


def months(a: pd.Timestamp, b: str) -> int:
    """Signed months from the published month ``b`` to ``a``."""
    pb = pd.Timestamp(b)
    return (a.year - pb.year) * 12 + a.month - pb.month


def test_statistics_against_published() -> None:
    s = pd_series()
    r = psy(s, reps=20, seed=0)
    assert round(r.gsadf, 2) == PUBLISHED["gsadf"]  # 4.2069
    y = s.to_numpy()
    pos = {d.strftime("%Y-%m"): i for i, d in enumerate(s.index)}
    # the SADF is attained on the published subsample (expanding window from 1871-01)
    end = pos[PUBLISHED["sadf_window"][1]]
    assert adf_window(y, 0, end + 1, 0) == pytest.approx(r.sadf, abs=1e-12)
    # the GSADF's window ends in the published month; it starts two months earlier here
    g_end = pos[PUBLISHED["gsadf_window"][1]]
    vals = [adf_window(y, st, g_end + 1, 0) for st in range(g_end - r.min_window + 2)]
    assert max(vals) == pytest.approx(r.gsadf, abs=1e-12)
    assert s.index[int(np.argmax(vals))] == pd.Timestamp("1976-02-01")


def test_current_shiller_vintage_against_an_independent_replication() -> None:
    """The same ratio from Shiller's current file gives another replication's numbers.

    Nakamoto911/adf (``.claude/experiments.md``, commit 751ba937) computed the level P/D
    ratio from Shiller's Yale file in 2026 and got SADF 3.46, GSADF 4.16 (and, on the log
    ratio, SADF 0.69). ``shiller/shiller_ie_data_monthly.csv`` (July 2026 edition) differs
    from the file PSY's R packages ship only in 1988-2000 (dividend revisions, up to 1.5 %),
    which moves the GSADF from 4.21 to 4.16: the statistics are sensitive to the data
    vintage. Their log-ratio GSADF (3.70) is not reproduced: we get 3.903, as does exuber.
    """
    sh = pd.read_csv(shared_file("shiller/shiller_ie_data_monthly.csv"))
    ratio = pd.Series((sh["P"] / sh["D"]).to_numpy(float), index=pd.to_datetime(sh["Date"]))
    ratio = ratio.loc["1871-01":"2010-12"]
    assert len(ratio) == 1680
    shipped = pd_series("pd_ratio")
    diff = np.abs(ratio.to_numpy() / shipped.to_numpy() - 1)
    years = sorted(set(shipped.index[diff > 1e-3].year))
    assert years[0] == 1988 and years[-1] == 2000
    r = psy(ratio, reps=20, seed=0)
    assert (round(r.sadf, 2), round(r.gsadf, 2)) == (3.46, 4.16)
    assert round(psy(ratio, reps=20, seed=0, log=True).sadf, 2) == 0.69


@pytest.mark.xfail(strict=True, reason="SADF 3.443 here vs 3.30 published, same window (open)")
def test_sadf_equals_published() -> None:
    assert round(psy(pd_series(), reps=20, seed=0).sadf, 2) == PUBLISHED["sadf"]


def test_critical_values_against_published() -> None:
    """Our 2,000-replication Monte Carlo against the paper's, within 3 combined MC s.e."""
    n = 1680
    ours = simulate_null(n, min_window=90, reps=PUBLISHED["cv_reps"], seed=0)
    for name, draws in (("sadf", ours.sadf), ("gsadf", ours.gsadf)):
        for p, pub in PUBLISHED["cv"][name].items():
            # the paper's quantile has the same Monte Carlo error as ours (same reps)
            se = np.sqrt(2.0) * quantile_se(draws, p)
            assert abs(np.quantile(draws, p) - pub) < 3.0 * se, (name, p, np.quantile(draws, p))


def test_date_stamped_episodes_against_published() -> None:
    r = psy(pd_series(), reps=2000, seed=0)
    assert r.rejects("sadf", 0.99) and r.rejects("gsadf", 0.99)
    found = []
    for start, end in PUBLISHED["episodes"]:
        hit = [ep for ep in r.episodes if ep.start <= pd.Timestamp(end) + pd.offsets.MonthEnd(
            0) and ep.end >= pd.Timestamp(start)]  # fmt: skip
        found.append(bool(hit))
        if not hit:
            continue
        # the episode ends in the published month; it starts within 8 months of it
        assert months(hit[-1].end, end) == 0, (start, end, hit)
        assert abs(months(hit[0].start, start)) <= 8, (start, end, hit)
    # every bubble episode is found; the 2009 downturn (last) is not stamped here
    assert found == [True] * 6 + [False], r.summary()["episodes"]
    # one episode here has no published counterpart
    extra = [ep for ep in r.episodes if ep.start.year in (1958, 1959)]
    assert len(r.episodes) == 8 and len(extra) == 1
    # nothing is stamped inside the minimum window or shorter than the minimum duration
    assert all(ep.duration >= r.min_duration for ep in r.episodes)


@pytest.mark.slow
def test_critical_values_match_exuber_at_T1680() -> None:
    """Our Monte Carlo with exuber's settings vs exuber's radf_mc_distr, within 4 MC s.e."""
    exuber = pytest.importorskip("exuber")
    n, reps = 1680, 600
    ours = simulate_null(n, min_window=exuber.psy_minw(n) + 1, reps=reps, seed=3, drift_d=0.0)
    theirs = exuber.radf_mc_distr(n, nrep=reps, seed=5)
    for p in (0.90, 0.95, 0.99):
        for mine, ref in ((ours.sadf, theirs.sadf_distr), (ours.gsadf, theirs.gsadf_distr)):
            se = np.hypot(quantile_se(mine, p), quantile_se(ref, p))
            assert abs(np.quantile(mine, p) - np.quantile(ref, p)) < 4 * se
