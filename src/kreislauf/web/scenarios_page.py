"""The scenarios page's HTML body in English and German (filled in by ``static/scenarios.js``)."""

from kreislauf.web.scenarios_api import DRAWS, PERIODS_MAX

_STRINGS = {
    "intro": (
        "Stock-flow-consistent models: pick a model and a shipped scenario, change the "
        "parameters (each with its source), run, and compare with the baseline. The Monte Carlo "
        "sweep draws the ticked parameters around your values and shows quantile bands.",
        "Stock-Flow-konsistente Modelle: Modell und mitgeliefertes Szenario wählen, Parameter "
        "ändern (jeder mit Quelle), rechnen und mit dem Basislauf vergleichen. Die "
        "Monte-Carlo-Reihe zieht die angekreuzten Parameter um Ihre Werte und zeigt Quantilbänder.",
    ),
    "no_engine": (
        "No SFC model could be loaded:",
        "Kein SFC-Modell konnte geladen werden:",
    ),
    "model": ("Model", "Modell"),
    "scenario": ("Scenario file", "Szenariodatei"),
    "none": ("none (baseline + your changes)", "keine (Basislauf + Ihre Änderungen)"),
    "periods": ("Periods", "Perioden"),
    "parameter": ("parameter", "Parameter"),
    "value": ("value", "Wert"),
    "file_value": ("file value", "Dateiwert"),
    "source": ("source", "Quelle"),
    "vary": ("vary", "variieren"),
    "variables": ("Variables", "Variablen"),
    "run": ("Run", "Rechnen"),
    "reset": ("Reset to file values", "Dateiwerte wiederherstellen"),
    "draws": ("draws", "Ziehungen"),
    "spread": ("spread ±", "Spanne ±"),
    "seed": ("seed", "Startwert"),
    "montecarlo": ("Monte Carlo", "Monte Carlo"),
    "cancel": ("Cancel", "Abbrechen"),
    "worth": ("Net worth by sector", "Reinvermögen nach Sektor"),
    "holders": (
        "Wealth by holder (market value held, USD bn)",
        "Vermögen nach Halter (gehaltener Marktwert, Mrd. USD)",
    ),
    "declared": (
        "draw the model's declared distributions",
        "die erklärten Verteilungen des Modells ziehen",
    ),
    "bands": (
        "Monte Carlo quantile bands (5-95 %, 25-75 %, median)",
        "Monte-Carlo-Quantilbänder (5-95 %, 25-75 %, Median)",
    ),
    "ranges": (
        "Slider ranges are this page's assumption: shares in [0, 1], other values from a quarter "
        "to four times the file value, zero from -1 to 1, widened to hold the scenario files' "
        "values and the declared Monte Carlo ranges; the library accepts any value.",
        "Die Schieberbereiche sind eine Annahme dieser Seite: Anteile in [0, 1], andere Werte "
        "vom Viertel bis zum Vierfachen des Dateiwerts, null von -1 bis 1, erweitert um die "
        "Werte der Szenariodateien und die erklärten Monte-Carlo-Bereiche; die Bibliothek nimmt "
        "jeden Wert.",
    ),
}


def _t(key: str, lang: str) -> str:
    en, de = _STRINGS[key]
    return de if lang == "de" else en


def page_body(lang: str) -> str:
    """The scenarios page's HTML body (filled in by ``static/scenarios.js``)."""
    return f"""<style>#params td.src{{max-width:430px;white-space:nowrap;overflow:hidden;
text-overflow:ellipsis}} #param-box{{max-height:300px;overflow:auto;border:1px solid #d0d7de}}
#variables{{display:block;max-height:64px;overflow:auto}} #params input.value{{width:7em}}
#controls select{{max-width:34em}}</style>
<p>{_t("intro", lang)}</p>
<div id="no-engine" hidden><p>{_t("no_engine", lang)}</p><pre id="engine-problems"></pre></div>
<div id="controls"><div><label>{_t("model", lang)} <select id="model"></select></label>
<label>{_t("scenario", lang)} <select id="scenario" data-none="{_t("none", lang)}"></select>
</label> <label>{_t("periods", lang)} <input id="periods" type="number" min="1"
max="{PERIODS_MAX}" value="40" size="5"></label> <button id="run">{_t("run", lang)}</button>
<button id="reset">{_t("reset", lang)}</button> <span id="run-status" class="muted"></span></div>
<p class="muted" id="model-source"></p>
<div id="param-box"><table id="params"><thead><tr><th>{_t("vary", lang)}</th>
<th>{_t("parameter", lang)}</th><th>{_t("value", lang)}</th><th>{_t("file_value", lang)}</th>
<th>{_t("source", lang)}</th></tr></thead><tbody></tbody></table></div>
<p class="muted">{_t("ranges", lang)}</p>
<div><b>{_t("variables", lang)}</b> <span id="variables"></span></div></div>
<div id="chart" style="height:420px"></div>
<h2 id="worth-title" data-holders="{_t("holders", lang)}" data-sectors="{_t("worth", lang)}">
</h2><div id="worth" style="height:340px"></div>
<h2>{_t("montecarlo", lang)}</h2>
<div><label>{_t("draws", lang)} <input id="draws" type="number" min="{DRAWS[0]}" max="{DRAWS[1]}"
value="500" size="6"></label> <label>{_t("spread", lang)} <input id="spread" type="number"
min="0.01" max="0.9" step="0.05" value="0.2" size="5"></label>
<label>{_t("seed", lang)} <input id="seed" type="number" min="0" value="0" size="6"></label>
<label id="declared-box"><input type="checkbox" id="declared"> {_t("declared", lang)}</label>
<button id="mc">{_t("montecarlo", lang)}</button>
<progress id="progress" max="1" value="0"></progress>
<button id="cancel" disabled>{_t("cancel", lang)}</button>
<span id="job-status" class="muted"></span></div>
<p class="muted">{_t("bands", lang)}</p><div id="mc-chart" style="height:420px"></div>
<table id="summary"><tbody></tbody></table>"""
