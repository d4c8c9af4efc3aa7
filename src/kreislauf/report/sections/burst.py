"""Report section: the burst -- the AI-circuit SFC model under five scenarios and Monte Carlo."""

from __future__ import annotations

import pandas as pd

from kreislauf.report.build import escape
from kreislauf.report.model import ReportContext, Section

MC_DRAWS = 200
"""Monte Carlo draws in the report (modest, so the report stays fast; the CLI runs 10,000)."""

LABELS = {
    "baseline": ("baseline", "Basisszenario"),
    "ai_growth_shortfall": (
        "AI revenue growth below expectations",
        "KI-Umsatzwachstum unter Erwartung",
    ),
    "cost_of_capital": ("higher cost of capital", "höhere Kapitalkosten"),
    "energy_ceiling": ("energy ceiling on deployable GW", "Energiegrenze für einsetzbare GW"),
    "memory_squeeze": ("memory price squeeze", "Speicherpreis-Schock"),
    "government_backstop": (
        "government backstop of data-centre loans (with the growth shortfall)",
        "staatliche Garantie für Rechenzentrumskredite (mit Wachstumslücke)",
    ),
}
HOLDERS = {
    "households": ("households", "Haushalte"),
    "pensions": ("pensions", "Pensionen"),
    "funds_and_foreign": ("funds and foreign", "Fonds und Ausland"),
    "corporate_stakes": ("corporate lab stakes", "Konzernbeteiligungen an Labs"),
    "government": ("government (backstop)", "Staat (Garantie)"),
    "total": ("total (circuit)", "insgesamt (Kreislauf)"),
}
KINDS = {
    "data": "Daten",
    "atlas": "Atlas",
    "derived": "abgeleitet",
    "assumption": "Annahme",
}


def _n(ctx: ReportContext, x: float) -> str:
    """A rounded amount with the language's thousands separator."""
    s = f"{x:,.0f}"
    return s.replace(",", ".") if ctx.lang == "de" else s


def _q(value: object) -> str | None:
    """A quarter label, or None for a missing one (NaN/None)."""
    return value if isinstance(value, str) else None


def build(ctx: ReportContext) -> Section:
    """Baseline vs the five scenarios, a Monte Carlo fan chart, defaults, wealth lost."""
    from kreislauf.atlas import load_atlas
    from kreislauf.contagion.balance_sheets import load_balance_sheets
    from kreislauf.contagion.circuit_map import map_atlas
    from kreislauf.sfc import load_model
    from kreislauf.sfc.ai_params import Recalibrate, load_calibration
    from kreislauf.sfc.burst import default_cascade, quarter_label, shipped_comparison
    from kreislauf.sfc.montecarlo import read_distributions, run_monte_carlo

    t = ctx.t
    cal = load_calibration(ctx.data_dir, ctx.atlas_dir)
    model = load_model("ai_circuit")
    cmp = shipped_comparison(ctx.data_dir, ctx.atlas_dir, 40, ctx.memo)
    mc = run_monte_carlo(
        model, read_distributions(), MC_DRAWS, ctx.seed, 40, prepare=Recalibrate(list(cal.entries))
    )
    ms = mc.summary()
    atlas = load_atlas(ctx.atlas_dir)
    cmap = map_atlas(atlas)
    cascade = default_cascade(
        cmp.runs["ai_growth_shortfall"],
        cmap,
        load_balance_sheets(None, cmap.nodes, domains=atlas.party_domains()),
    )

    lab = {k: t(*v) for k, v in LABELS.items()}
    d = cmp.defaults()
    defaults = pd.DataFrame(
        {
            t("scenario", "Szenario"): [lab[s] for s in d["scenario"]],
            t("first lab default", "erster Ausfall der Labs"): [
                _q(q) or t("none in 40 quarters", "keiner in 40 Quartalen")
                for q in d["lab_default_quarter"]
            ],
            t("loan losses (USD bn)", "Kreditverluste (Mrd. USD)"): d["loan_losses_usd_bn"].round(
                1
            ),
            t("backstop paid (USD bn)", "Garantie gezahlt (Mrd. USD)"): d[
                "backstop_paid_usd_bn"
            ].round(1),
        }
    )
    w = cmp.wealth()
    wealth = pd.DataFrame({t("scenario", "Szenario"): [lab[s] for s in w["scenario"]]})
    for k, (en, de) in HOLDERS.items():
        wealth[t(f"{en} (USD bn)", f"{de} (Mrd. USD)")] = w[k].round(0)
    calib = cal.to_frame()
    calib["kind"] = [t(k, KINDS.get(k, k)) for k in calib["kind"]]
    calib = calib.rename(
        columns={
            "name": t("name", "Name"),
            "value": t("value", "Wert"),
            "unit": t("unit", "Einheit"),
            "kind": t("kind", "Art"),
            "source": t("source", "Quelle"),
            "rationale": t("rationale (assumptions)", "Begründung (Annahmen)"),
        }
    )

    fig = cmp.plot("WAI")
    for tr in fig.data:
        tr.name = lab.get(tr.name, tr.name)
    fig.update_layout(
        title=t(
            "Market value of the circuit's equity (labs, hyperscalers, chip vendors)",
            "Marktwert des Eigenkapitals im Kreislauf (Labs, Hyperscaler, Chiphersteller)",
        ),
        yaxis_title=t("USD bn", "Mrd. USD"),
        legend_title=t("scenario", "Szenario"),
    )
    fan = mc.plot("VL")
    fan.update_layout(
        title=t(
            f"AI labs' valuation: Monte Carlo fan chart ({MC_DRAWS} draws, seed {ctx.seed})",
            f"Bewertung der KI-Labs: Monte-Carlo-Fächer ({MC_DRAWS} Ziehungen, Seed {ctx.seed})",
        ),
        yaxis_title=t("USD bn", "Mrd. USD"),
    )
    for tr in fan.data:
        if tr.name == "median":
            tr.name = t("median", "Median")

    base = w.set_index("scenario")
    worst = w.loc[w["households_and_pensions"].idxmax()]
    short = _q(d.set_index("scenario").loc["ai_growth_shortfall", "lab_default_quarter"])
    base_def = _q(d.set_index("scenario").loc["baseline", "lab_default_quarter"])
    p_def = ms["lab_default_probability"]
    hp = worst["households_and_pensions"]
    html = (
        "<p>"
        + escape(
            t(
                "A stock-flow-consistent model of the AI circuit, quarterly from "
                f"{quarter_label(1)}: AI labs, cloud providers, chip and memory vendors, the "
                "hyperscalers' other businesses, end users, investors, lenders and government. Every "
                "payment has a payer and a receiver, and the engine checks the books every quarter. "
                "Labs owe the compute commitments recorded in the atlas; they are funded by end "
                "users, by rounds priced off their valuation, and by vendors and hyperscalers who "
                "invest part of what the labs' spending earns them. Valuations follow expected "
                "growth, which follows recent growth: the belief machine. A lab that cannot pay what "
                "falls due pays what it has and defaults (an explicit rule of the model).",
                "Ein stock-flow-konsistentes Modell des KI-Kreislaufs, vierteljährlich ab "
                f"{quarter_label(1)}: KI-Labs, Cloud-Anbieter, Chip- und Speicherhersteller, die "
                "übrigen Geschäfte der Hyperscaler, Endnutzer, Anleger, Kreditgeber und Staat. Jede "
                "Zahlung hat einen Zahler und einen Empfänger; die Buchhaltung wird jedes Quartal "
                "geprüft. Die Labs schulden die im Atlas erfassten Rechenzusagen; sie finanzieren "
                "sich durch Endnutzer, durch Finanzierungsrunden zum Preis ihrer Bewertung und durch "
                "Hersteller und Hyperscaler, die einen Teil dessen investieren, was ihnen die "
                "Ausgaben der Labs einbringen. Bewertungen folgen dem erwarteten Wachstum, das dem "
                "jüngsten Wachstum folgt: die Glaubensmaschine. Ein Lab, das Fälliges nicht zahlen "
                "kann, zahlt, was es hat, und fällt aus (eine ausdrückliche Regel des Modells).",
            )
        )
        + "</p><p>"
        + escape(
            t(
                f"In the baseline the labs {'default in ' + base_def if base_def else 'do not default'}"
                f"; if AI revenue grows less than expected they default in {short or 'no quarter'}. "
                f"The largest loss of households and pensions across the scenarios is "
                f"{hp:,.0f} bn USD ({lab[worst['scenario']]}); the loss of the whole circuit's equity "
                f"there is {worst['total']:,.0f} bn USD. The articles cite up to 35,000 bn USD "
                "worldwide, 20,000 bn of it US households' (seed 03, Gita Gopinath): the model covers "
                "only the circuit's firms, not the whole market, and is not tuned to that figure. "
                f"Across {MC_DRAWS} Monte Carlo draws of the uncertain parameters the labs default "
                f"within 40 quarters in {p_def:.0%} of draws.",
                f"Im Basisszenario {'fallen die Labs ' + base_def + ' aus' if base_def else 'fallen die Labs nicht aus'}"
                f"; wächst der KI-Umsatz langsamer als erwartet, fallen sie {short or 'in keinem Quartal'} "
                f"aus. Der größte Verlust von Haushalten und Pensionen über die Szenarien beträgt "
                f"{_n(ctx, hp)} Mrd. USD ({lab[worst['scenario']]}); das Eigenkapital des ganzen "
                f"Kreislaufs verliert dort {_n(ctx, worst['total'])} Mrd. USD. Die Artikel nennen bis "
                "zu 35.000 Mrd. USD weltweit, davon 20.000 Mrd. der US-Haushalte (Text 03, Gita "
                "Gopinath): das Modell umfasst nur die Firmen des Kreislaufs, nicht den ganzen "
                "Markt, und ist nicht auf diese Zahl abgestimmt. In "
                f"{MC_DRAWS} Monte-Carlo-Ziehungen der unsicheren Parameter fallen die Labs in "
                f"{p_def:.0%} der Ziehungen binnen 40 Quartalen aus.",
            )
        )
        + "</p>"
    )
    if cascade is not None:
        cs = cascade.stress.summary()
        html += (
            "<p>"
            + escape(
                t(
                    f"Handed to the contagion engine: in {cascade.quarter} the labs pay "
                    f"{cascade.pay_fraction:.0%} of the compute due. Clearing the atlas network "
                    f"(Eisenberg-Noe) with OpenAI paying that share of what it owes within a year, "
                    f"its counterparties lose at least {_n(ctx, cs['realised_loss_usd_bn'])} bn USD "
                    f"and up to {_n(ctx, cs['exposure_usd_bn'])} bn USD; {len(cs['unresolved'])} "
                    "nodes without sourced balance sheets stay unresolved. The network's losses "
                    "do not feed back into the model (a one-way coupling).",
                    f"An die Ansteckungs-Engine übergeben: {cascade.quarter} zahlen die Labs "
                    f"{cascade.pay_fraction:.0%} der fälligen Rechenleistung. Das Clearing des "
                    "Atlas-Netzes (Eisenberg-Noe), wobei OpenAI diesen Anteil dessen zahlt, was "
                    "binnen eines Jahres fällig ist, kostet die Gegenparteien mindestens "
                    f"{_n(ctx, cs['realised_loss_usd_bn'])} Mrd. USD und bis zu "
                    f"{_n(ctx, cs['exposure_usd_bn'])} Mrd. USD; {len(cs['unresolved'])} Knoten "
                    "ohne belegte Bilanz bleiben ungeklärt. Die Verluste im Netz wirken nicht auf "
                    "das Modell zurück (eine Kopplung in eine Richtung).",
                )
            )
            + "</p>"
        )
    return Section(
        key="burst",
        title=t(
            "The burst: the AI circuit as a stock-flow-consistent model",
            "Das Platzen: der KI-Kreislauf als stock-flow-konsistentes Modell",
        ),
        html=html,
        figures=[fig, fan],
        tables=[
            (t("Lab defaults and their timing", "Ausfälle der Labs und ihr Zeitpunkt"), defaults),
            (
                t(
                    "Wealth lost by holder (largest fall from a peak, plus loan losses)",
                    "Vermögensverlust nach Halter (größter Rückgang vom Höchststand, plus "
                    "Kreditverluste)",
                ),
                wealth,
            ),
            (
                t("Calibration: every value and its source", "Kalibrierung: jeder Wert mit Quelle"),
                calib,
            ),
        ],
        key_figures={
            t("first lab default, AI growth shortfall", "erster Lab-Ausfall, Wachstumslücke"): (
                short or t("none", "keiner")
            ),
            t(
                "largest loss of households and pensions (USD bn)",
                "größter Verlust von Haushalten und Pensionen (Mrd. USD)",
            ): _n(ctx, hp),
            t("claim in the articles (USD bn)", "Behauptung in den Artikeln (Mrd. USD)"): _n(
                ctx, 35000
            ),
            t("Monte Carlo default probability", "Ausfallwahrscheinlichkeit (Monte Carlo)"): (
                f"{p_def:.0%}"
            ),
        },
        sources=[
            "kreislauf/sfc/models/ai_circuit.yaml",
            "kreislauf/sfc/data/ai_circuit_params.yaml",
            str(cal.entries[0].source),
        ],
        notes=[
            *cal.notes,
            t(
                f"Baseline wealth lost (households, pensions): {base.loc['baseline', 'households']:,.0f}"
                f" and {base.loc['baseline', 'pensions']:,.0f} bn USD: the baseline itself lets "
                "expected growth decay to its long-run rate, and valuations fall with it.",
                f"Vermögensverlust im Basisszenario (Haushalte, Pensionen): "
                f"{_n(ctx, base.loc['baseline', 'households'])} und "
                f"{_n(ctx, base.loc['baseline', 'pensions'])} Mrd. USD: schon das Basisszenario lässt "
                "das erwartete Wachstum auf seinen langfristigen Wert sinken, und die Bewertungen "
                "mit ihm.",
            ),
            t(
                "Holders' shares, growth paths and behavioural parameters are assumptions, each "
                "stated in the calibration table; see docs/sfc-ai-circuit.md for what the model "
                "can and cannot say.",
                "Anteile der Halter, Wachstumspfade und Verhaltensparameter sind Annahmen, jede "
                "in der Kalibrierungstabelle genannt; was das Modell sagen kann und was nicht, "
                "steht in docs/sfc-ai-circuit.md.",
            ),
        ],
    )
