"""Evidence rules: which document earns which tier, and what a citation must carry.

Tiers follow the document, not the story (docs/atlas-schema.md, "Evidence tiers"):

* ``filing`` -- a regulatory filing or its exhibit. It names its form, the period it reports
  and its accession number; an SEC form is cited on sec.gov, and the accession number must
  be the one in the URL's folder.
* ``company_release`` -- a party's own newsroom, IR page or blog (a domain listed for one of
  the relation's parties or their parents in ``entities.csv``), or its release on a wire
  service; a verbatim copy of the wire release elsewhere names the wire in ``source_outlet``.
* ``major_press`` -- one of :data:`MAJOR_PRESS` on its own site, or a verbatim copy of its
  story elsewhere; ``source_outlet`` names the outlet either way.
* ``secondary`` and ``inferred`` -- anything else, with ``notes`` saying what was searched
  (secondary) or how the figure was derived (inferred).

A quote must contain the figure it supports: a relation with an amount cites a quote in
which that amount appears (in billions, millions or trillions, to the quote's rounding).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from urllib.parse import urlparse

# Outlet -> the domains of its own site. Anything else is a copy of its story.
MAJOR_PRESS: dict[str, tuple[str, ...]] = {
    "Reuters": ("reuters.com",),
    "Bloomberg": ("bloomberg.com",),
    "FT": ("ft.com",),
    "WSJ": ("wsj.com",),
    "CNBC": ("cnbc.com",),
    "AP": ("apnews.com",),
    "NYT": ("nytimes.com",),
    "Nikkei": ("nikkei.com",),
    "The Information": ("theinformation.com",),
}
# Wire services that carry companies' own releases verbatim: name -> domain.
WIRES: dict[str, str] = {
    "PR Newswire": "prnewswire.com",
    "Business Wire": "businesswire.com",
    "GlobeNewswire": "globenewswire.com",
    "ACCESS Newswire": "accessnewswire.com",
}
WIRE_SERVICES = tuple(WIRES.values())
# Regulators' document sites for filings outside the SEC (Japan's EDINET, Korea's DART).
FOREIGN_FILING_HOSTS = ("disclosure2.edinet-fsa.go.jp", "dart.fss.or.kr", "kind.krx.co.kr")

SEC_FORM = re.compile(
    r"^(10-K|10-Q|8-K|20-F|6-K|40-F|S-1|S-3|S-4|F-1|F-3|424B[1-8]|FWP|DEF 14A|13F-HR|SC 13D|SC 13G"
    r"|EX-\d+(\.\d+)*)(/A)?$"
)
ACCESSION = re.compile(r"^\d{10}-\d{2}-\d{6}$")
_SEC_FOLDER = re.compile(r"/Archives/edgar/data/\d+/(\d{18})(/|$)")
_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?")


def host(url: str) -> str:
    """The URL's host name, lower case, without a leading ``www.``."""
    h = (urlparse(url).hostname or "").lower()
    return h[4:] if h.startswith("www.") else h


def on_domain(url: str, domains: Iterable[str]) -> bool:
    """Whether the URL's host is one of ``domains`` or a sub-domain of one."""
    h = host(url)
    return any(h == d or h.endswith("." + d) for d in (x.lower().strip() for x in domains) if d)


def sec_accession_in_url(url: str) -> str | None:
    """The accession number in an EDGAR archive URL (``0001193125-25-200095``), if any."""
    if not on_domain(url, ("sec.gov",)):
        return None
    m = _SEC_FOLDER.search(urlparse(url).path)
    if not m:
        return None
    d = m.group(1)
    return f"{d[:10]}-{d[10:12]}-{d[12:]}"


def numbers_in(text: str) -> list[tuple[float, float]]:
    """Every number in ``text`` with its rounding step (``12.5`` -> ``(12.5, 0.1)``)."""
    out = []
    for m in _NUMBER.finditer(text):
        whole = m.group(1).replace(",", "")
        frac = m.group(2) or ""
        value = float(f"{whole}.{frac}" if frac else whole)
        out.append((value, 10.0 ** -len(frac)))
    return out


def quote_contains_amount(quote: str, amount_bn: float) -> bool:
    """Whether the amount (USD bn) appears in the quote in bn, millions, thousands, $ or tn.

    The figure must be the quote's own, exactly: "$11.9 billion" and "$11,900 million"
    support 11.9; "$350 million" supports 0.35; "about $12 billion" does not support 11.9
    (a more precise figure than the quote's comes from somewhere else).
    """
    for value, _step in numbers_in(quote):
        for scale in (1.0, 1e-3, 1e-6, 1e-9, 1e3):  # bn, millions, thousands, dollars, tn
            if abs(value * scale - amount_bn) <= 1e-9 * max(1.0, amount_bn):
                return True
    return False


def check_evidence(
    r: dict[str, str],
    party_domains: Iterable[str],
    bad: Callable[[str, str], None],
) -> None:
    """Check one relation's evidence against its tier; report problems through ``bad``.

    Parameters
    ----------
    r : dict
        The relation's raw row (strings; empty = missing).
    party_domains : iterable of str
        Web domains of the relation's parties and their parents (from ``entities.csv``).
    bad : callable
        ``bad(field, message)`` records one problem.
    """
    tier, url = r["tier"], r["source_url"]
    form, period, accn, outlet = (
        r["source_form"],
        r["source_period"],
        r["source_accession"],
        r["source_outlet"],
    )
    if tier == "filing":
        if not form:
            bad("source_form", "a filing-tier source needs its form (10-K, 10-Q, 8-K, 20-F ...)")
        if not period:
            bad("source_period", "a filing-tier source needs the period it reports (YYYY-MM-DD)")
        if not accn:
            bad("source_accession", "a filing-tier source needs its accession number")
        sec = bool(form) and bool(SEC_FORM.match(form))
        if form and not sec and not on_domain(url, FOREIGN_FILING_HOSTS):
            bad(
                "source_form",
                f"unknown filing form {form[:40]!r}: expected an SEC form (10-K, 10-Q, 8-K, "
                "EX-99.1 ...) or a document on a regulator's site (EDINET, DART)",
            )
        if sec:
            if not on_domain(url, ("sec.gov",)):
                bad("source_url", "an SEC filing is cited on sec.gov (a copy elsewhere is a lead)")
            if accn and not ACCESSION.match(accn):
                bad(
                    "source_accession", "expected an SEC accession number like 0001193125-25-200095"
                )
            in_url = sec_accession_in_url(url)
            if accn and in_url and in_url != accn:
                bad("source_accession", f"the URL's folder is accession {in_url}, not {accn[:30]}")
    elif tier == "company_release":
        own = on_domain(url, party_domains) or on_domain(url, WIRE_SERVICES)
        if outlet and outlet not in WIRES:
            bad("source_outlet", f"a copied release names its wire, one of {list(WIRES)}")
        elif not own and not outlet:
            bad(
                "source_url",
                f"a company release is on a party's own site or a wire service; {host(url)!r} is "
                "neither (add the party's domain to entities.csv 'domains' if it is its own, or "
                "name the wire in source_outlet for a verbatim copy of a wire release)",
            )
    elif tier == "major_press":
        if outlet not in MAJOR_PRESS:
            bad(
                "source_outlet",
                f"a major-press source names its outlet, one of {list(MAJOR_PRESS)}",
            )
    elif tier in ("secondary", "inferred") and not r["notes"]:
        what = "what was searched for a better source" if tier == "secondary" else "the derivation"
        bad("notes", f"a {tier} row says in notes {what}")
    if outlet and tier not in ("major_press", "company_release"):
        bad("source_outlet", "source_outlet names a major-press outlet or a release's wire only")
    if tier in ("filing", "company_release", "major_press") and r["amount_usd_bn"]:
        try:
            amount = float(r["amount_usd_bn"])
        except ValueError:
            return  # reported by the amount check
        if amount > 0 and not quote_contains_amount(r["source_quote"], amount):
            bad(
                "source_quote",
                f"the quote does not contain the amount {amount:g} (bn, million or tn): quote "
                "the sentence that states the figure",
            )
