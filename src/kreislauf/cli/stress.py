"""``kreislauf stress``: stress-test the AI circuit or any network (clearing, DebtRank, fire sales).

Two inputs:

* the atlas (default, or ``--atlas DIR``), mapped onto obligations, stakes, backstops and
  chips with the stated assumptions, plus balance sheets from ``--balance-sheets FILE``
  (sourced rows only; nodes not listed stay unknown and their outcomes are reported as
  unresolved);
* a network of your own: ``--network EDGES.csv --nodes NODES.csv`` (CSV or Parquet).

Percentages (``--demand-drop``, ``--chip-price-shock``, ``--asset-shock``) are in percent:
``--demand-drop 20`` means AI demand falls by 20 %. ``--pay-fraction`` is a share (0.25).

Every assumption of the atlas mapping (:class:`~kreislauf.contagion.circuit_map.MappingAssumptions`)
can be changed with ``--assume FIELD=VALUE`` (repeatable; tuples comma-separated, e.g.
``--assume sales_statuses=definitive,reported,loi --assume up_to_haircut=0.5``).

``--shocks FILE`` (with ``--network``) solves many scenarios together: a table with columns
``scenario, node, shock`` (loss of external assets in the network's units).

Seniority: ``--seniority`` names the convention. A node table may state its own (column
``seniority``); a conflict between the two, or a table that mixes conventions, exits 2. When
neither states one, ``pari_passu`` is used, and every output names the convention used.
"""

from __future__ import annotations

from pathlib import Path

import typer

from kreislauf.cli._common import emit, frame_table, handle_errors, summary_table

app = typer.Typer(invoke_without_command=True, no_args_is_help=False)

MODEL_HELP = "en (Eisenberg-Noe), rv (Rogers-Veraart), debtrank, furfine or firesale."


def _assumptions(horizon, term, assume: list[str], binding: str = "all"):
    """MappingAssumptions from the shorthand options and ``--assume FIELD=VALUE`` pairs."""
    import dataclasses

    from kreislauf.atlas.binding import BindingWeights
    from kreislauf.contagion.circuit_map import MappingAssumptions
    from kreislauf.errors import InputError, Problem

    defaults = MappingAssumptions()
    values: dict = {
        "horizon_years": horizon,
        "default_term_years": term,
        "binding": BindingWeights.parse(binding),
    }
    problems = []
    known = {f.name for f in dataclasses.fields(MappingAssumptions)}
    for k, item in enumerate(assume, start=1):
        key, sep, raw = item.partition("=")
        key, raw = key.strip(), raw.strip()
        if not sep or key not in known:
            problems.append(
                Problem(
                    f"expected FIELD=VALUE with FIELD one of {', '.join(sorted(known))}; "
                    f"got {item!r}",
                    None,
                    k,
                    "--assume",
                )
            )
            continue
        current = getattr(defaults, key)
        try:
            if isinstance(current, BindingWeights):
                values[key] = BindingWeights.parse(raw)
            elif isinstance(current, tuple):
                values[key] = tuple(x.strip() for x in raw.split(",") if x.strip())
            elif isinstance(current, bool):
                if raw.lower() not in ("true", "false"):
                    raise ValueError(raw)
                values[key] = raw.lower() == "true"
            elif key == "default_term_years":
                values[key] = None if raw.lower() in ("none", "median") else float(raw)
            elif isinstance(current, float):
                values[key] = float(raw)
            else:
                values[key] = raw
        except ValueError:
            problems.append(
                Problem(f"cannot read {raw!r} as a value of {key}", None, k, "--assume")
            )
    if problems:
        raise InputError(problems)
    return MappingAssumptions(**values)


def _atlas_run(
    atlas, balance_sheets, default, pay_fraction, demand_drop, chip_shock, options, assumptions
):
    from kreislauf.atlas import load_atlas
    from kreislauf.contagion.balance_sheets import load_balance_sheets
    from kreislauf.contagion.circuit_map import map_atlas
    from kreislauf.contagion.stress import Scenario, stress_test

    a = load_atlas(atlas)
    cmap = map_atlas(a, assumptions)
    bs = load_balance_sheets(balance_sheets, cmap.nodes, domains=a.party_domains())
    scenario = Scenario(default, pay_fraction, demand_drop / 100.0, chip_shock / 100.0)
    names = dict(zip(a.entities["id"], a.entities["name"], strict=True))
    kinds = dict(zip(a.entities["id"], a.entities["kind"], strict=True))
    return stress_test(cmap, bs, scenario, options, names, kinds)


def _network_run(
    edges,
    nodes,
    default,
    pay_fraction,
    asset_shock,
    model,
    seniority,
    alpha,
    beta,
    lgd,
    dr_method,
    shocks_file=None,
):
    import numpy as np

    from kreislauf.contagion.debtrank import network_debtrank
    from kreislauf.contagion.furfine import furfine
    from kreislauf.contagion.loaders import read_network_and_convention, read_shocks
    from kreislauf.contagion.network import Seniority
    from kreislauf.contagion.valuation import clear_batch, eisenberg_noe, rogers_veraart
    from kreislauf.errors import InputError

    net, stated = read_network_and_convention(edges, nodes, seniority=seniority)
    seniority = seniority or stated or Seniority.PARI_PASSU
    if shocks_file is not None:
        if model not in ("en", "rv") or default or asset_shock:
            raise InputError.single(
                "--shocks runs batched clearing (--model en or rv) and replaces --default and "
                "--asset-shock",
                field="--shocks",
            )
        labels, batch = read_shocks(shocks_file, net)
        a, b = (alpha, beta) if model == "rv" else (1.0, 1.0)
        return clear_batch(net, batch, seniority, a, b, labels=labels)
    shock = asset_shock / 100.0 * net.external_assets
    pay = {default: pay_fraction} if default else None
    if default:
        net.index(default)
    if model == "en":
        return eisenberg_noe(net, seniority, shock=shock, pay_fraction=pay)
    if model == "rv":
        return rogers_veraart(net, seniority, alpha, beta, shock=shock, pay_fraction=pay)
    if model == "debtrank":
        eq = net.equity
        h = np.divide(shock, eq, out=np.zeros(net.n), where=eq > 0)
        h = np.minimum(1.0, np.where((eq <= 0) & (shock > 0), 1.0, h))
        if default:
            h[net.index(default)] = 1.0 - pay_fraction
        if not h.any():
            return network_debtrank(net, None, dr_method)  # DebtRank of every node
        return network_debtrank(net, h, dr_method)
    if model == "furfine":
        init = [net.index(default)] if default else []
        return furfine(net.liabilities.T, net.equity, init, lgd, net.node_ids, initial_losses=shock)
    raise InputError.single(
        "fire sales need portfolio holdings: run them on the atlas (chips held), not on an "
        "edge list",
        field="--model",
    )


@app.callback()
def stress(
    atlas: Path | None = typer.Option(None, "--atlas", help="Atlas directory (default: shipped)."),
    balance_sheets: Path | None = typer.Option(
        None, "--balance-sheets", help="Sourced balance sheets (CSV; default: shipped, empty)."
    ),
    default: str | None = typer.Option(None, "--default", help="Node that defaults."),
    pay_fraction: float = typer.Option(
        0.0, "--pay-fraction", min=0.0, max=1.0, help="Share of its dues the node still pays."
    ),
    demand_drop: float = typer.Option(
        0.0, "--demand-drop", min=0.0, max=100.0, help="AI demand falls by this many percent."
    ),
    chip_price_shock: float = typer.Option(
        0.0, "--chip-price-shock", min=0.0, max=100.0, help="Chip prices fall by this many %."
    ),
    network: Path | None = typer.Option(
        None, "--network", help="Edge list (debtor, creditor, amount), CSV or Parquet."
    ),
    nodes: Path | None = typer.Option(None, "--nodes", help="Node table for --network."),
    asset_shock: float = typer.Option(
        0.0,
        "--asset-shock",
        min=0.0,
        max=100.0,
        help="--network only: every node loses this many percent of its external assets.",
    ),
    model: str = typer.Option("en", "--model", help=MODEL_HELP),
    seniority: str | None = typer.Option(
        None,
        "--seniority",
        help="External debt 'senior' to or 'pari_passu' with network obligations (EN/RV); "
        "default: the node table's stated convention, else pari_passu.",
    ),
    shocks: Path | None = typer.Option(
        None,
        "--shocks",
        help="--network only: batched scenarios (columns scenario, node, shock), solved together.",
    ),
    assume: list[str] = typer.Option(
        [],
        "--assume",
        help="Atlas: change a mapping assumption, FIELD=VALUE (repeatable; see docs/contagion.md).",
    ),
    alpha: float = typer.Option(
        1.0, "--alpha", min=0.0, max=1.0, help="RV: recovery on external assets of defaulted nodes."
    ),
    beta: float = typer.Option(
        1.0, "--beta", min=0.0, max=1.0, help="RV: recovery on network assets of defaulted nodes."
    ),
    lgd: float = typer.Option(
        1.0, "--lgd", min=0.0, max=1.0, help="Furfine: loss given default (assumption)."
    ),
    debtrank_method: str = typer.Option(
        "original",
        "--debtrank-method",
        help="original (Battiston 2012) or linear (Bardoscia 2015).",
    ),
    price_impact: float | None = typer.Option(
        None,
        "--price-impact",
        min=0.0,
        help="Fire sales: chip-price fall (share) per USD bn sold; required, no sourced default.",
    ),
    horizon: float = typer.Option(
        1.0, "--horizon-years", min=0.01, help="Atlas: obligations due within this many years."
    ),
    term: float | None = typer.Option(
        None,
        "--default-term-years",
        min=0.01,
        help="Atlas: term assumed where none is disclosed (default: median disclosed term).",
    ),
    binding: str = typer.Option(
        "all",
        "--binding",
        help="Atlas: which commitments count: 'all' (headline), 'binding' (non-cancellable "
        "and funded only) or class=weight pairs, e.g. non_binding=0,cancellable=0.5.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON on stdout."),
    out: Path | None = typer.Option(None, "--out", help="Export (.csv/.parquet/.json/.html)."),
) -> None:
    """Stress-test the AI circuit: clearing, DebtRank, fire sales."""
    with handle_errors():
        from kreislauf.contagion.network import Seniority
        from kreislauf.contagion.stress import StressOptions
        from kreislauf.errors import InputError

        sen = None if seniority is None else Seniority.parse(seniority)
        if (network is None) != (nodes is None):
            raise InputError.single("--network and --nodes go together", field="--network")
        if network is not None:
            if (
                demand_drop
                or chip_price_shock
                or atlas
                or balance_sheets
                or assume
                or binding != "all"
            ):
                raise InputError.single(
                    "--demand-drop, --chip-price-shock, --atlas, --balance-sheets, --assume and "
                    "--binding apply to the atlas, not to --network",
                    field="--network",
                )
            if model not in ("en", "rv", "debtrank", "furfine", "firesale"):
                raise InputError.single(f"unknown model {model!r}", field="--model")
            if not default and not asset_shock and not shocks and model in ("en", "rv", "furfine"):
                raise InputError.single(
                    "name --default NODE or an --asset-shock", field="--default"
                )
            result = _network_run(
                network,
                nodes,
                default,
                pay_fraction,
                asset_shock,
                model,
                sen,
                alpha,
                beta,
                lgd,
                debtrank_method,
                shocks,
            )
            emit(result, as_json=as_json, out=out, title=f"stress ({model}, network)")
            return
        if asset_shock or shocks:
            raise InputError.single(
                "--asset-shock and --shocks apply to --network only", field="--asset-shock"
            )
        options = StressOptions(
            model, sen or Seniority.PARI_PASSU, alpha, beta, lgd, debtrank_method, price_impact
        )
        result = _atlas_run(
            atlas,
            balance_sheets,
            default,
            pay_fraction,
            demand_drop,
            chip_price_shock,
            options,
            _assumptions(horizon, term, assume, binding),
        )

        def render(con) -> None:
            s = result.summary()
            s.pop("assumptions")
            con.print(summary_table(s, title="AI-circuit stress test"))
            f = result.to_frame()
            f = f[f["outcome"] != "unaffected"]
            con.print(
                frame_table(
                    f[
                        [
                            "node",
                            "balance_sheet",
                            "realised_loss_usd_bn",
                            "exposure_usd_bn",
                            "outcome",
                        ]
                    ],
                    title="realised loss, exposure and outcome by node",
                )
            )
            if model in ("en", "rv"):
                con.print(frame_table(result.loss_by_holder(), title="who bears the losses"))

        emit(result, as_json=as_json, out=out, render=render)
