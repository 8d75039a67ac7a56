"""``vixbt study [STRATEGY]``: event study of one strategy, or the verdict table of all."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from backtest.cli.common import (
    CliError,
    basis_line,
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
from backtest.cli.tables import fit, study_text, verdict_text
from backtest.numbers import pct, pval, ratio

if TYPE_CHECKING:
    import pandas as pd


def _era_text(eras: pd.DataFrame) -> str:
    """The era table in plain text: one line per side, era and horizon."""
    lines = ["By era (each era on its own; raw one-sided HAC p, not adjusted for the number",
             "of eras, so no verdict words)",
             f"{'side':<5} {'era':<12} {'h':>3} {'days':>5} {'epis':>5} {'signal':>8} "
             f"{'other':>8} {'effect':>8} {'t_hac':>6} {'p_raw':>6}"]
    for (side, era, h), r in zip(eras.index.tolist(), eras.to_dict(orient="records"),
                                 strict=True):
        lines.append(f"{side:<5} {era:<12} {h:>3} {int(r['signal_days']):>5} "
                     f"{int(r['episodes']):>5} {pct(r['mean_signal'], na='na'):>8} "
                     f"{pct(r['mean_nonsignal'], na='na'):>8} {pct(r['effect'], na='na'):>8} "
                     f"{ratio(r['t_hac'], na='na'):>6} {pval(r['p_raw'], na='na'):>6}")
    return "\n".join(lines)


def _verdicts(args: argparse.Namespace, horizons: tuple[int, ...]) -> int:
    from backtest.evidence.verdict import verdict_table
    from backtest.report.answer import (
        EMBEDDED_WARNING,
        is_embedded,
        sample_text,
        strategy_samples,
    )
    from backtest.report.combined import (
        add_answer_section,
        samples_display,
        verdict_display,
        verdict_matrix,
    )
    from backtest.report.writer import Report
    from strategies.registry import REGISTRY

    table = load_table(args)
    status(args, f"event studies of every registered strategy ({args.n_boot} bootstrap "
                 "replications each) ...")
    vt = verdict_table(table.frame, None, horizons, args.fill, n_boot=args.n_boot,
                       seed=args.seed, returns=args.returns)
    basis = basis_line(table.frame, returns=args.returns, fill=args.fill, study=True,
                       studies=[r for st in vt.studies.values() for r in st.sides.values()])
    doc: dict[str, Any] = {**vt.to_dict(), "report": None,  # schema vixbt.verdict_table/2
                           "basis": basis}
    samples = strategy_samples([cls() for cls in REGISTRY.values()], table.frame)
    from backtest.cli.information import answers_column, headline_information

    # the "adds information?" column, with the verdict table's signals
    info = headline_information(args, table, vt.to_frame(), doc, vt.studies)
    folder = None
    if not args.no_report:
        rep = Report(title="Verdict table: do VIX extremes predict SPX reversals?",
                     name="study-verdicts",
                     subtitle=f"Every registered strategy with defaults, each on its own "
                              f"sample, {sample_text(samples)}; fills at the "
                              f"{args.fill.replace('_', ' ')}.", basis=basis)
        if is_embedded(table):
            rep.page.callout(EMBEDDED_WARNING)
        add_answer_section(rep, vt)
        rep.page.heading("Verdicts")
        rep.page.paragraph(vt.power_statement)
        rep.page.table(verdict_matrix(vt), caption="Verdict by horizon (trading days)",
                       verdict_column="*")
        for name, reason in vt.skipped:
            rep.page.callout(f"{name} skipped: {reason}")
        rep.page.table(samples_display(samples), caption="The sample of each strategy")
        rep.page.heading("Adds information beyond SPX?")
        rep.page.table(info.table, index=False, verdict_column="verdict_controlled",
                       caption=info.settings["rule"])
        rep.page.heading("Full table")
        rep.page.table(verdict_display(vt.table), index=False, verdict_column="verdict",
                       caption="One row per strategy, side and horizon; every column is in "
                               "verdicts.csv")
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
    emit(args, doc, fit(basis + "\n" + verdict_text(vt, samples) + "\n\n" + info.summary()),
         answers_column(vt.to_frame(), info).set_index(["strategy", "side", "horizon"]), folder)
    return 0


def run(args: argparse.Namespace) -> int:
    """Study one strategy (with a report) or every strategy (the verdict table)."""
    horizons = parse_horizons(args.horizons)
    if args.strategy is None:
        if args.param:
            raise CliError("--param needs a STRATEGY")
        if args.eras:
            raise CliError("--eras needs a STRATEGY (the verdict table's eras: "
                           "VerdictTable.by_era in Python)")
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
    from backtest.report.answer import (
        EMBEDDED_WARNING,
        is_embedded,
        sample_text,
        strategy_samples,
        study_sentences,
    )
    from backtest.report.strategy_report import forward_table
    from backtest.report.writer import Report

    st, _ = family_study(strategy, table.frame, horizons, args.fill, n_boot=args.n_boot,
                         seed=args.seed, returns=args.returns)
    assert st.judged is not None
    basis = st.sides[next(iter(st.sides))].basis_line if len(st.sides) == 1 else basis_line(
        table.frame, returns=args.returns, fill=args.fill, study=True,
        studies=st.sides.values())
    frame = st.judged  # the strategy's rows of its family's verdict table
    # per decade and before/after 2008, HAC only: with --eras
    eras = st.era_table() if args.eras else None
    samples = strategy_samples([strategy], table.frame)
    sample = sample_text(samples)
    from backtest.cli.information import study_extras

    # --controls, --regimes, --vol-scaled and before/after publication
    extras = study_extras(args, strategy, table, horizons)
    doc: dict[str, Any] = {"schema": schema_id("study"), "report": None,
                           "data": data_doc(table), "strategy": strategy.name,
                           "params": strategy.params(), "basis": basis,
                           "fallback_share": {s: r.fallback_share for s, r in st.sides.items()},
                           "rows": frame, "eras": eras,
                           **extras.doc()}
    folder = None
    if not args.no_report:
        from backtest.report.charts import event_path_chart, forward_returns_chart
        from backtest.report.event_paths import event_paths
        from backtest.report.strategy_report import sentence, study_display

        rep = Report(title=f"Event study: {strategy.title or strategy.name}",
                     name=f"study-{strategy.name}",
                     subtitle=f"{sentence(strategy.idea)} Forward SPX returns from the "
                              f"{args.fill.replace('_', ' ')} fill after signal days; sample "
                              f"{sample} (first and last signal-eligible day).",
                     basis=basis)
        if is_embedded(table):
            rep.page.callout(EMBEDDED_WARNING)
        rep.page.heading("The answer")
        for line in study_sentences(st):
            rep.page.paragraph(line, css="answer")
        rep.page.heading("Forward returns by horizon")
        rep.add_chart(forward_returns_chart(forward_table(st),
                                            title=f"{strategy.name}: SPX after signal days "
                                                  "minus the other days"),
                      f"{strategy.name}-forward-returns", alt="forward returns by horizon",
                      caption="Points: the effect (after signal days minus the other days); lines: "
                              "its 95% block-bootstrap interval; labels: signal days and "
                              "independent episodes.")
        rep.page.table(study_display(frame), caption="Event study by side and horizon (p raw: "
                                                     "one-sided HAC p-value in the expected "
                                                     "direction, before any adjustment)",
                       verdict_column="verdict")
        from backtest.evidence.strategy_study import strategy_sample

        smp = strategy_sample(strategy, table.frame)
        sig = strategy.signals(table.frame)
        rep.page.heading("SPX around the fill")
        for side in st.sides:
            entries = sig.long_entries if side == "long" else sig.short_entries
            rep.add_chart(event_path_chart(event_paths(entries, table.frame, sample=smp,
                                                       fill=args.fill),
                                           title=f"{strategy.name}, "
                                                 f"{'fear' if side == 'long' else 'complacency'}"
                                                 f" side ({side}): SPX around the fill"),
                          f"{strategy.name}-path-{side}", alt=f"{side} event path",
                          caption="Mean cumulative SPX return from the fill price: solid, per "
                                  "episode start with its 95% band; dashed, per signal day; "
                                  "grey, every day of the sample.")
        extras.add_sections(rep)
        if eras is not None:
            rep.page.heading("By era")
            rep.page.table(study_display(eras),
                           caption="Each era on its own (per decade, then before/after "
                                   "2008): HAC test only, raw one-sided p-values not "
                                   "adjusted for the number of eras, so no verdict words")
        from backtest.report.data_section import add_data_section

        add_data_section(rep, table, term_structure_note=False)
        rep.stats = frame
        rep.summary = doc
        folder = write_report(rep, args, {"strategy": strategy.name,
                                          "params": strategy.params(), "horizons": horizons,
                                          "fill": args.fill, "n_boot": args.n_boot,
                                          "seed": args.seed, "eras": bool(args.eras)}, table)
        if folder is not None and eras is not None:
            eras.to_csv(folder / "eras.csv")
        doc["report"] = str(folder) if folder else None
    text = (f"{basis}\nSample {sample} (first and last signal-eligible day)\n\n"
            + study_text(st))
    if eras is not None:
        text += "\n\n" + _era_text(eras)
    text += extras.text()
    # --format csv: the full-sample rows, and with --eras the era rows below them (era "all")
    csv_frame = (pd.concat([frame.assign(era="all").set_index("era", append=True)
                            .reorder_levels(["side", "era", "horizon"]),
                            eras.reindex(columns=frame.columns)])
                 if eras is not None else frame)
    emit(args, doc, fit(text), csv_frame, folder)
    return 0
