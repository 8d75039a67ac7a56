"""``vixbt study [STRATEGY]``: event study of one strategy, or the verdict table of all."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from backtest.cli.common import (
    CliError,
    data_doc,
    emit,
    load_family_table,
    load_table,
    parse_horizons,
    parse_params,
    require_columns,
    resolve_strategy,
    status,
    write_report,
)
from backtest.cli.schema import schema_id

if TYPE_CHECKING:
    import pandas as pd


def _era_text(eras: pd.DataFrame) -> str:
    """The era table in plain text: one line per side, era and horizon."""
    from backtest.evidence.event_study import fmt

    lines = ["By era (each era on its own; raw one-sided HAC p, not adjusted for the "
             "number of eras, no verdict words)",
             f"{'side':<5} {'era':<12} {'h':>3} {'days':>5} {'epis':>5} {'mean':>8} "
             f"{'other':>8} {'effect':>8} {'t_hac':>6} {'p_raw':>6}"]
    for (side, era, h), r in zip(eras.index.tolist(), eras.itertuples(index=False),
                                 strict=True):
        lines.append(f"{side:<5} {era:<12} {h:>3} {r.signal_days:>5} {r.episodes:>5} "
                     f"{fmt(r.mean_signal, '.2%', 8)} {fmt(r.mean_nonsignal, '.2%', 8)} "
                     f"{fmt(r.effect, '.2%', 8)} {fmt(r.t_hac, '.2f', 6)} "
                     f"{fmt(r.p_raw, '.3f', 6)}")
    return "\n".join(lines)


def _verdicts(args: argparse.Namespace, horizons: tuple[int, ...]) -> int:
    from backtest.evidence.verdict import verdict_table
    from backtest.report.combined import verdict_matrix
    from backtest.report.writer import Report

    table = load_table(args)
    status(args, f"event studies of every registered strategy ({args.n_boot} bootstrap "
                 "replications each) ...")
    vt = verdict_table(table.frame, None, horizons, args.fill, n_boot=args.n_boot,
                       seed=args.seed)
    doc: dict[str, Any] = {**vt.to_dict(), "report": None}  # schema vixbt.verdict_table/2
    from backtest.cli.information import answers_column, headline_information

    info = headline_information(args, table, vt.to_frame(), doc)  # "adds information?" column
    folder = None
    if not args.no_report:
        rep = Report(title="Verdict table: do VIX extremes predict SPX reversals?",
                     name="study-verdicts",
                     subtitle=f"Every registered strategy with defaults, data "
                              f"{vt.data_span[0]} .. {vt.data_span[1]}, fills at the "
                              f"{args.fill.replace('_', ' ')}.")
        rep.page.heading("Verdicts")
        rep.page.paragraph(vt.power_statement)
        rep.page.table(verdict_matrix(vt), caption="Verdict by horizon (trading days)",
                       verdict_column="*")
        for name, reason in vt.skipped:
            rep.page.callout(f"{name} skipped: {reason}")
        rep.page.heading("Adds information beyond SPX?")
        rep.page.table(info.table, index=False, verdict_column="verdict_controlled",
                       caption=info.settings["rule"])
        rep.page.heading("Full table")
        rep.page.table(vt.table, index=False, verdict_column="verdict",
                       caption="One row per strategy, side and horizon")
        from backtest.report.data_section import add_data_section

        add_data_section(rep, table)
        rep.stats = vt.to_frame()
        rep.summary = doc
        folder = write_report(rep, args, {"horizons": horizons, "fill": args.fill,
                                          "n_boot": args.n_boot, "seed": args.seed}, table)
        if folder is not None:
            vt.to_csv(folder / "verdicts.csv")
            vt.to_json(folder / "verdicts.json")
        doc["report"] = str(folder) if folder else None
    emit(args, doc, vt.summary() + "\n\n" + info.summary(),
         answers_column(vt.to_frame(), info).set_index(["strategy", "side", "horizon"]), folder)
    return 0


def run(args: argparse.Namespace) -> int:
    """Study one strategy (with a report) or every strategy (the verdict table)."""
    horizons = parse_horizons(args.horizons)
    if args.strategy is None:
        if args.param:
            raise CliError("--param needs a STRATEGY")
        return _verdicts(args, horizons)
    cls = resolve_strategy(args.strategy)
    own, ex = parse_params(cls, args.param)
    if ex:
        raise CliError(f"study takes strategy parameters only; {', '.join(ex)} "
                       "belong to `vixbt run`")
    strategy = cls.from_params(**own)
    table = load_family_table(args, strategy)
    require_columns(args, table, strategy)

    import pandas as pd

    from backtest.evidence.verdict import family_study
    from backtest.report.strategy_report import forward_table
    from backtest.report.writer import Report

    st, _ = family_study(strategy, table.frame, horizons, args.fill, n_boot=args.n_boot,
                         seed=args.seed)
    assert st.judged is not None
    frame = st.judged  # the strategy's rows of its family's verdict table
    # per decade and before/after 2008, HAC only: cheap, so always shown
    eras = st.era_table()
    from backtest.cli.information import study_extras

    # --controls, --regimes, --vol-scaled and before/after publication
    extras = study_extras(args, strategy, table, horizons)
    doc: dict[str, Any] = {"schema": schema_id("study"), "report": None,
                           "data": data_doc(table), "strategy": strategy.name,
                           "params": strategy.params(), "rows": frame, "eras": eras,
                           **extras.doc()}
    folder = None
    if not args.no_report:
        from backtest.report.charts import forward_returns_chart

        rep = Report(title=f"Event study: {strategy.title or strategy.name}",
                     name=f"study-{strategy.name}",
                     subtitle=f"{strategy.idea} Forward SPX returns from the "
                              f"{args.fill.replace('_', ' ')} fill after signal days.")
        rep.page.heading("Forward returns by horizon")
        rep.add_chart(forward_returns_chart(forward_table(st),
                                            title=f"{strategy.name}: SPX after signal days"),
                      f"{strategy.name}-forward-returns", alt="forward returns by horizon")
        rep.page.table(frame, caption="Event study by side and horizon (fractions)",
                       verdict_column="verdict")
        extras.add_sections(rep)
        rep.page.heading("By era")
        rep.page.table(eras, caption="Each era on its own (per decade, then before/after "
                                     "2008): HAC test only, raw one-sided p-values (p_raw) "
                                     "not adjusted for the number of eras, so no verdict "
                                     "words")
        from backtest.report.data_section import add_data_section

        add_data_section(rep, table)
        rep.stats = frame
        rep.summary = doc
        folder = write_report(rep, args, {"strategy": strategy.name,
                                          "params": strategy.params(), "horizons": horizons,
                                          "fill": args.fill, "n_boot": args.n_boot,
                                          "seed": args.seed}, table)
        if folder is not None:
            eras.to_csv(folder / "eras.csv")
        doc["report"] = str(folder) if folder else None
    text = st.summary() + "\n\n" + _era_text(eras) + extras.text()
    # --format csv: the full-sample rows, and with --eras the era rows below them (era "all")
    csv_frame = (pd.concat([frame.assign(era="all").set_index("era", append=True)
                            .reorder_levels(["side", "era", "horizon"]),
                            eras.reindex(columns=frame.columns)])
                 if args.eras else frame)
    emit(args, doc, text, csv_frame, folder)
    return 0
