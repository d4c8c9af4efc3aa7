"""HTML pages of the dashboard. Each page is static HTML plus a small script that calls the
JSON API; Plotly is served by the app itself (``/static/plotly.min.js``): no external requests.
"""

from __future__ import annotations

import html
import json

# page id -> (English title, German title); "home" is served at "/".
# the dashboard's job states (kreislauf.web.jobs.Status) as the pages show them
JOB_STATUS = {
    "queued": ("queued", "wartet"),
    "running": ("running", "läuft"),
    "done": ("done", "fertig"),
    "failed": ("failed", "fehlgeschlagen"),
    "cancelled": ("cancelled", "abgebrochen"),
}
PAGES: dict[str, tuple[str, str]] = {
    "home": ("Overview", "Überblick"),
    "atlas": ("Atlas", "Atlas"),
    "network": ("Network", "Netzwerk"),
    "bubble": ("Bubble tests", "Blasentests"),
    "scenarios": ("Scenarios", "Szenarien"),
    "scarcity": ("Scarcity", "Knappheit"),
    "claims": ("Claims", "Behauptungen"),
}

_STRINGS = {
    "brand": ("kreislauf — the AI capital circuit", "kreislauf — der KI-Kapitalkreislauf"),
    "lang_switch": ("Deutsch", "English"),
    "home_intro": (
        "Explore the sourced atlas of the AI industry's capital circuit and run the models. "
        "Every figure links to its source.",
        "Den belegten Atlas des KI-Kapitalkreislaufs erkunden und die Modelle rechnen lassen. "
        "Jede Zahl verweist auf ihre Quelle.",
    ),
    "home_pages": (
        '<a href="/bubble">Bubble tests</a>: PSY and LPPLS on any loaded series. '
        '<a href="/scenarios">Scenarios</a>: change the SFC models\' parameters, run, compare.',
        '<a href="/bubble?lang=de">Blasentests</a>: PSY und LPPLS auf jeder geladenen Reihe. '
        '<a href="/scenarios?lang=de">Szenarien</a>: Parameter der SFC-Modelle ändern, rechnen, '
        "vergleichen.",
    ),
    "entities": ("entities", "Akteure"),
    "relations": ("relations", "Beziehungen"),
    "undisclosed": ("with undisclosed amounts", "ohne offengelegten Betrag"),
    "search": ("Search", "Suche"),
    "all_types": ("all types", "alle Typen"),
    "all_tiers": ("all evidence tiers", "alle Belegstufen"),
    "entity": ("entity id", "Akteur-ID"),
    "shown": ("shown", "angezeigt"),
    "source": ("source", "Quelle"),
    "hoard_share": (
        "Hoard (share of world DRAM output)",
        "Hortung (Anteil der Welt-DRAM-Produktion)",
    ),
    "crash_month": ("AI crash in month (empty: none)", "KI-Crash im Monat (leer: keiner)"),
    "release": ("Sell the hoard over (months)", "Vorrat verkaufen über (Monate)"),
    "run": ("Run", "Rechnen"),
    "sweep": ("Sweep hoard 0-50 %", "Hortung 0-50 % durchrechnen"),
    "cancel": ("Cancel", "Abbrechen"),
    "peak": ("peak price multiple", "Preisspitze (Vielfaches)"),
    "network_intro": (
        "Who pays whom: cycles in red; click an edge's marker to open its source.",
        "Wer zahlt wem: Kreisläufe in Rot; ein Klick auf die Markierung öffnet die Quelle.",
    ),
    "verified_only": ("verified evidence only", "nur geprüfte Belege"),
    "haircut": ("haircut on 'up to' amounts", "Abschlag auf 'bis zu'-Beträge"),
    "cycles": ("cycles", "Kreisläufe"),
    "claims_intro": (
        "Every quantitative claim of the five articles, checked against the data.",
        "Jede quantitative Behauptung der fünf Artikel, geprüft an den Daten.",
    ),
    "all_verdicts": ("all verdicts", "alle Urteile"),
    "verdict": ("verdict", "Urteil"),
    "supported": ("supported", "gestützt"),
    "contradicted": ("contradicted", "widerlegt"),
    "not_checkable": ("not checkable", "nicht prüfbar"),
    "claim": ("claim", "Behauptung"),
    "evidence": ("evidence", "Beleg"),
    "scarcity_intro": (
        "The DRAM market under oligopoly and hoarding: change the hoard and the crash, run, and "
        "compare with the standard scenarios.",
        "Der DRAM-Markt unter Oligopol und Hortung: Hortung und Crash ändern, rechnen und mit "
        "den Standardszenarien vergleichen.",
    ),
}


def t(key: str, lang: str) -> str:
    """A UI string in the page's language."""
    en, de = _STRINGS[key]
    return de if lang == "de" else en


_BASE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · kreislauf</title>
<script src="/static/plotly.min.js"></script>
<style>
body{{font-family:system-ui,sans-serif;margin:0;color:#1b1f24}}
header{{background:#0d1117;color:#fff;padding:.6rem 1.2rem;display:flex;gap:1.2rem;
align-items:center;flex-wrap:wrap}} header a{{color:#c9d1d9;text-decoration:none}}
header a.active{{color:#fff;font-weight:600;border-bottom:2px solid #58a6ff}}
header .brand{{font-weight:700;color:#fff;margin-right:1rem}}
main{{max-width:1150px;margin:0 auto;padding:1rem 1.2rem}}
table{{border-collapse:collapse;font-size:.85rem;width:100%}}
th,td{{border-bottom:1px solid #d0d7de;padding:.3rem .4rem;text-align:left;vertical-align:top}}
input,select,button{{font-size:.95rem;padding:.3rem .5rem;margin:.2rem}}
.cards{{display:flex;gap:1rem;flex-wrap:wrap}} .card{{background:#f6f8fa;border-radius:6px;
padding:.8rem 1rem;min-width:180px}} .card b{{font-size:1.5rem;display:block}}
.muted{{color:#57606a;font-size:.85rem}} progress{{width:260px}}
</style></head><body>
<header><span class="brand">{brand}</span>{nav}<a href="?lang={other}" id="lang">{switch}</a>
</header><main id="page-{page}"><h1>{title}</h1>{body}</main>
<script>const LANG={lang_json}; const STATUS={status_json};
const statusWord = s => STATUS[s] || s;</script>
<script src="/static/{page}.js"></script></body></html>"""


def _nav(current: str, lang: str) -> str:
    links = []
    for page, (en, de) in PAGES.items():
        href = "/" if page == "home" else f"/{page}"
        cls = ' class="active"' if page == current else ""
        links.append(
            f'<a href="{href}?lang={lang}"{cls}>{html.escape(de if lang == "de" else en)}</a>'
        )
    return "".join(links)


def _home(lang: str) -> str:
    body = f"""<p>{t("home_intro", lang)}</p>
<div class="cards"><div class="card"><b id="n-entities">…</b>{t("entities", lang)}</div>
<div class="card"><b id="n-relations">…</b>{t("relations", lang)}</div>
<div class="card"><b id="n-undisclosed">…</b>{t("undisclosed", lang)}</div></div>
<p>{t("home_pages", lang)}</p>
<div id="by-type" style="height:380px"></div>"""
    return body


def _atlas(lang: str) -> str:
    body = f"""<div><input id="q" placeholder="{t("search", lang)}" size="24">
<input id="entity" placeholder="{t("entity", lang)}" size="14">
<select id="type"><option value="">{t("all_types", lang)}</option></select>
<select id="tier"><option value="">{t("all_tiers", lang)}</option></select>
<span class="muted"><span id="count">0</span> {t("shown", lang)}</span></div>
<table id="relations"><thead><tr><th>id</th><th>type</th><th>from → to</th><th>USD bn</th>
<th>announced</th><th>status</th><th>tier</th><th>{t("source", lang)}</th></tr></thead>
<tbody></tbody></table>"""
    return body


def _scarcity(lang: str) -> str:
    body = f"""<p>{t("scarcity_intro", lang)}</p>
<div><label>{t("hoard_share", lang)} <input id="hoard" type="number" min="0" max="0.9"
step="0.05" value="0.4"></label>
<label>{t("crash_month", lang)} <input id="crash" type="number" min="0" max="47"></label>
<label>{t("release", lang)} <input id="release" type="number" min="0" max="24" value="0"></label>
<button id="run">{t("run", lang)}</button>
<span class="muted">{t("peak", lang)}: <b id="peak">…</b></span></div>
<div id="chart" style="height:420px"></div>
<div><button id="sweep">{t("sweep", lang)}</button> <progress id="progress" max="1" value="0">
</progress> <button id="cancel" disabled>{t("cancel", lang)}</button>
<span id="job-status" class="muted"></span></div>
<div id="sweep-chart" style="height:320px"></div>"""
    return body


def _network(lang: str) -> str:
    return f"""<p>{t("network_intro", lang)}</p>
<div><label><input type="checkbox" id="verified"> {t("verified_only", lang)}</label>
<label>{t("haircut", lang)} <input id="haircut" type="number" min="0" max="1" step="0.1"
value="0"></label> <span class="muted">{t("cycles", lang)}: <b id="n-cycles">…</b></span></div>
<div id="network" style="height:760px"></div>
<table id="cycles"><thead><tr><th>cycle</th><th>tier</th><th>USD bn</th><th>relations</th>
</tr></thead><tbody></tbody></table>"""


def _claims(lang: str) -> str:
    return f"""<p>{t("claims_intro", lang)}</p>
<div><select id="verdict"><option value="">{t("all_verdicts", lang)}</option>
<option value="supported">{t("supported", lang)}</option>
<option value="contradicted">{t("contradicted", lang)}</option>
<option value="not checkable">{t("not_checkable", lang)}</option></select>
<span class="muted"><span id="count">0</span> {t("shown", lang)}</span></div>
<table id="claims"><thead><tr><th>id</th><th>{t("claim", lang)}</th><th>{t("verdict", lang)}</th>
<th>{t("evidence", lang)}</th></tr></thead><tbody></tbody></table>"""


def _module_page(module: str, lang: str) -> str:
    """A page whose body is built by its API module (``kreislauf.web.<module>.page_body``)."""
    import importlib

    return str(importlib.import_module(f"kreislauf.web.{module}").page_body(lang))


_BUILDERS = {
    "home": _home,
    "atlas": _atlas,
    "network": _network,
    "scarcity": _scarcity,
    "claims": _claims,
    "bubble": lambda lang: _module_page("bubble_page", lang),
    "scenarios": lambda lang: _module_page("scenarios_page", lang),
}


def render(page: str, lang: str) -> str:
    """Render one page in English or German."""
    body = _BUILDERS[page](lang)
    en, de = PAGES[page]
    return _BASE.format(
        lang=lang,
        lang_json=json.dumps(lang),
        status_json=json.dumps(
            {k: de if lang == "de" else en for k, (en, de) in JOB_STATUS.items()}
        ),
        title=html.escape(de if lang == "de" else en),
        brand=html.escape(t("brand", lang)),
        nav=_nav(page, lang),
        other="en" if lang == "de" else "de",
        switch=t("lang_switch", lang),
        page=page,
        body=body,
    )
