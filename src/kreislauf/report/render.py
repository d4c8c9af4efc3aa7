"""HTML rendering of the report with Jinja2; Plotly's JavaScript is inlined once."""

from __future__ import annotations

from typing import Any

import jinja2

from kreislauf.report.model import ReportContext, Section

_TEMPLATE = """<!DOCTYPE html>
<html lang="{{ ctx.lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:1100px;margin:0 auto;
padding:1.5rem;color:#1b1f24;line-height:1.5}
h1{font-size:1.9rem;margin-bottom:.2rem} h2{border-bottom:2px solid #d0d7de;padding-bottom:.2rem;
margin-top:2.5rem} table{border-collapse:collapse;margin:1rem 0;font-size:.88rem}
th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa} .kf{display:grid;grid-template-columns:repeat(auto-fill,minmax(230px,1fr));
gap:.6rem} .kf div{background:#f6f8fa;border-radius:6px;padding:.6rem}
.kf b{display:block;font-size:1.25rem} .muted{color:#57606a;font-size:.88rem}
.kfc{display:block;color:#57606a;font-size:.8rem;margin-top:.2rem}
.unavailable{background:#fff8c5;padding:.6rem;border-radius:6px} nav a{margin-right:1rem}
.tablewrap{overflow-x:auto;max-height:520px;overflow-y:auto}
</style>
{{ plotly_js }}
</head>
<body>
<h1>{{ title }}</h1>
<p class="muted">{{ subtitle }}</p>
<nav>{% for s in sections %}<a href="#{{ s.key }}">{{ s.title }}</a>{% endfor %}
<a href="#reproduce">{{ t_reproduce }}</a></nav>
<h2 id="summary">{{ t_summary }}</h2>
<div class="kf">{% for s in sections %}{% for label, value, context in s.key_figures %}
<div><b>{{ value }}</b>{{ label }} <a href="#{{ s.key }}">↓</a>{% if context %}
<span class="kfc">{{ context }}</span>{% endif %}</div>{% endfor %}{% endfor %}</div>
{% for s in sections %}
<section id="{{ s.key }}">
<h2>{{ s.title }}</h2>
{% if not s.available %}<div class="unavailable">{{ s.html | safe }}</div>{% else %}
{{ s.html | safe }}
{% for fig in s.figure_html %}<div class="figure">{{ fig | safe }}</div>{% endfor %}
{% for caption, table in s.table_html %}<h3>{{ caption }}</h3>
<div class="tablewrap">{{ table | safe }}</div>{% endfor %}
{% endif %}
{% if s.notes %}<h3>{{ t_method }}</h3><ul>{% for n in s.notes %}<li>{{ n }}</li>{% endfor %}
</ul>{% endif %}
{% if s.sources %}<h3>{{ t_sources }}</h3><ul class="muted">{% for src in s.sources %}
<li>{% if src.startswith('http') %}<a href="{{ src }}">{{ src }}</a>{% else %}{{ src }}{% endif %}
</li>{% endfor %}</ul>{% endif %}
</section>
{% endfor %}
<h2 id="reproduce">{{ t_reproduce }}</h2>
<table>{% for k, v in meta.items() %}<tr><th>{{ k }}</th><td>{{ v }}</td></tr>{% endfor %}</table>
</body>
</html>
"""


def _table(df: Any) -> str:
    return df.to_html(index=False, na_rep="—", border=0, escape=True)


def render(sections: list[Section], ctx: ReportContext, meta: dict[str, Any]) -> str:
    """Render the full document.

    Plotly's bundle is embedded once in ``<head>``; every figure is rendered
    with ``include_plotlyjs=False`` so the file stays self-contained and offline.
    """
    from plotly.offline import get_plotlyjs

    from kreislauf.paths import scrub, scrub_frame

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    template = env.from_string(_TEMPLATE)
    prepared = []
    root = ctx.data_dir
    for s in sections:
        prepared.append(
            {
                "key": s.key,
                "title": s.title,
                "html": scrub(s.html, root),
                "available": s.available,
                "notes": scrub(s.notes, root),
                "sources": scrub(s.sources, root),
                "key_figures": [
                    scrub([label, str(v), getattr(v, "context", "")], root)
                    for label, v in s.key_figures.items()
                ],
                "figure_html": [
                    f.to_html(include_plotlyjs=False, full_html=False, config={"responsive": True})
                    for f in s.figures
                ],
                "table_html": [(cap, _table(scrub_frame(df, root))) for cap, df in s.tables],
            }
        )
    return template.render(
        ctx=ctx,
        sections=prepared,
        meta=scrub(meta, root),
        plotly_js=jinja2.utils.markupsafe.Markup(
            '<script type="text/javascript">' + get_plotlyjs() + "</script>"
        ),
        title=ctx.t("kreislauf — the AI capital circuit", "kreislauf — der KI-Kapitalkreislauf"),
        subtitle=ctx.t(
            "Every figure traces to a source in the atlas or a named data file.",
            "Jede Zahl ist auf eine Quelle im Atlas oder eine benannte Datei rückführbar.",
        ),
        t_summary=ctx.t("Key figures", "Kennzahlen"),
        t_method=ctx.t("Method and assumptions", "Methode und Annahmen"),
        t_sources=ctx.t("Sources", "Quellen"),
        t_reproduce=ctx.t("Reproduce this report", "Diesen Bericht reproduzieren"),
    )
