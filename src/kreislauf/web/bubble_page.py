"""The bubble page's HTML body in English and German (filled in by ``static/bubble.js``)."""

from kreislauf.web.bubble_api import (
    MAX_LAGS,
    MIN_WINDOW,
    REPS,
    RULES,
    SEARCHES_MAX,
    SERVE_COMMAND,
    WINDOW_MAX,
)

_STRINGS = {
    "intro": (
        "Date-stamp explosive episodes in any series of the data directory: the PSY test "
        "(Phillips, Shi & Yu 2015: BSADF against bootstrapped or simulated critical values) or "
        "the LPPLS confidence indicator (Sornette et al.). Long runs are jobs: watch the "
        "progress, cancel at will.",
        "Explosive Phasen in jeder Reihe des Datenverzeichnisses datieren: der PSY-Test "
        "(Phillips, Shi & Yu 2015: BSADF gegen simulierte kritische Werte) oder der "
        "LPPLS-Konfidenzindikator (Sornette u. a.). Lange Läufe sind Jobs: Fortschritt verfolgen, "
        "jederzeit abbrechen.",
    ),
    "no_data": (
        "No data directory is loaded (and the bundled data are switched off), so there is no "
        "series to test. Start the dashboard with the market data:",
        "Es ist kein Datenverzeichnis geladen (und die mitgelieferten Daten sind abgeschaltet), "
        "also gibt es keine Reihe zum Testen. Das Dashboard mit den Marktdaten starten:",
    ),
    "series": ("Series", "Reihe"),
    "frequency": ("Frequency", "Frequenz"),
    "monthly": ("monthly (last close)", "monatlich (letzter Kurs)"),
    "weekly": ("weekly (last close)", "wöchentlich (letzter Kurs)"),
    "native": ("as loaded", "wie geladen"),
    "from": ("from", "von"),
    "to": ("to", "bis"),
    "log": ("log of the series", "Logarithmus der Reihe"),
    "test": ("Test", "Test"),
    "reps": ("Monte Carlo replications", "Monte-Carlo-Wiederholungen"),
    "min_window": (
        "smallest window (empty: 0.01 + 1.8/√T)",
        "kleinstes Fenster (leer: 0,01 + 1,8/√T)",
    ),
    "lags": ("ADF lags", "ADF-Verzögerungen"),
    "rule": ("date-stamping rule", "Datierungsregel"),
    "lag_selection": ("lag choice", "Wahl der Verzögerungen"),
    "critical": ("critical values", "kritische Werte"),
    "significance": ("significance level", "Signifikanzniveau"),
    "seed": ("seed", "Startwert"),
    "window_size": ("largest window", "größtes Fenster"),
    "smallest_window_size": ("smallest window", "kleinstes Fenster"),
    "outer_increment": ("step between end dates", "Schritt zwischen Enddaten"),
    "inner_increment": ("step between windows", "Schritt zwischen Fenstern"),
    "max_searches": ("searches per fit", "Suchläufe je Fit"),
    "run": ("Run", "Rechnen"),
    "cancel": ("Cancel", "Abbrechen"),
    "summary": ("Summary", "Zusammenfassung"),
    "episodes": ("Date-stamped episodes", "Datierte Episoden"),
    "start": ("start", "Beginn"),
    "peak": ("peak", "Höhepunkt"),
    "end": ("end", "Ende"),
    "duration": ("observations", "Beobachtungen"),
    "ongoing": ("ongoing at the end", "am Ende andauernd"),
    "no_episodes": ("No episode was date-stamped.", "Keine Episode wurde datiert."),
}


def _t(key: str, lang: str) -> str:
    en, de = _STRINGS[key]
    return de if lang == "de" else en


def page_body(lang: str) -> str:
    """The bubble page's HTML body (controls filled in by ``static/bubble.js``)."""

    def num(key: str, value: str, lo: int, hi: int, step: int = 1) -> str:
        return (
            f'<label>{_t(key, lang)} <input id="{key}" type="number" min="{lo}" max="{hi}" '
            f'step="{step}" value="{value}" size="6"></label>'
        )

    rules = "".join(f'<option value="{r}">{r}</option>' for r in RULES)
    return f"""<p>{_t("intro", lang)}</p>
<div id="no-data" hidden><p>{_t("no_data", lang)}</p><pre>{SERVE_COMMAND}</pre></div>
<div id="controls"><div><label>{_t("series", lang)} <select id="series"></select></label>
<label>{_t("frequency", lang)} <select id="frequency">
<option value="monthly">{_t("monthly", lang)}</option>
<option value="weekly">{_t("weekly", lang)}</option>
<option value="native">{_t("native", lang)}</option></select></label>
<label>{_t("from", lang)} <input id="start" placeholder="YYYY-MM" size="8"></label>
<label>{_t("to", lang)} <input id="end" placeholder="YYYY-MM" size="8"></label></div>
<div><label>{_t("test", lang)} <select id="test"><option value="psy">PSY (GSADF / BSADF)</option>
<option value="lppls">LPPLS confidence</option></select></label>
{num("seed", "0", 0, 2**31 - 1)}</div>
<div id="psy-opts"><label><input type="checkbox" id="log"> {_t("log", lang)}</label>
{num("reps", "2000", REPS[0], REPS[1], 100)}
<label>{_t("min_window", lang)} <input id="min_window" type="number" min="{MIN_WINDOW[0]}"
max="{MIN_WINDOW[1]}" size="6"></label>{num("lags", "0", 0, MAX_LAGS)}
<label>{_t("lag_selection", lang)} <select id="lag_selection"><option value="fixed">fixed</option>
<option value="aic">AIC</option><option value="bic">BIC</option></select></label>
<label>{_t("critical", lang)} <select id="critical"><option value="mc">Monte Carlo</option>
<option value="wild">wild bootstrap</option></select></label>
<label>{_t("rule", lang)} <select id="rule">{rules}
</select></label>
<label>{_t("significance", lang)} <select id="significance"><option value="0.9">90 %</option>
<option value="0.95" selected>95 %</option><option value="0.99">99 %</option></select></label>
</div>
<div id="lppls-opts" hidden>{num("window_size", "120", 30, WINDOW_MAX)}
{num("smallest_window_size", "30", 10, WINDOW_MAX)}{num("outer_increment", "5", 1, 100)}
{num("inner_increment", "5", 1, 100)}{num("max_searches", "25", 1, SEARCHES_MAX)}</div>
<div><button id="run" disabled>{_t("run", lang)}</button>
<progress id="progress" max="1" value="0"></progress>
<button id="cancel" disabled>{_t("cancel", lang)}</button>
<span id="job-status" class="muted"></span></div></div>
<div id="series-chart" style="height:380px"></div>
<div id="stat-chart" style="height:320px"></div>
<p class="muted" id="resampling"></p>
<h2>{_t("episodes", lang)}</h2><p id="episodes-none" hidden>{_t("no_episodes", lang)}</p>
<table id="episodes" hidden><thead><tr><th>{_t("start", lang)}</th><th>{_t("peak", lang)}</th>
<th>{_t("end", lang)}</th><th>{_t("duration", lang)}</th><th>{_t("ongoing", lang)}</th></tr>
</thead><tbody></tbody></table>
<h2>{_t("summary", lang)}</h2><table id="summary"><tbody></tbody></table>
<p class="muted" id="source"></p>"""
