"""Reports in one call, from Python or a notebook: the same pages the commands write.

>>> from backtest.report import headline_page, run_page
>>> out = run_page("bollinger_break", params={"num_std": 2.5})   # doctest: +SKIP
>>> out.folder                                                    # doctest: +SKIP
PosixPath('results/20260101-120000-run-bollinger_break')

:func:`run_page` is ``vixbt run STRATEGY`` and :func:`headline_page` is ``vixbt
report``: data loaded from ``VIXBT_DATA_DIR`` (else the embedded sample) unless a
table is given, the report written to a new folder under ``out`` with its
metadata, ``interactive=True`` for the Plotly version.  Both return a
:class:`PageOutput` (the report object, its folder, and the results behind it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from backtest.data.table import MarketTable
    from backtest.evidence.verdict import VerdictTable
    from backtest.execution.config import Execution
    from backtest.report.strategy_report import StrategyEvaluation
    from backtest.report.writer import Report
    from strategies.base import Strategy

__all__ = ["PageOutput", "headline_page", "run_page"]


@dataclass(frozen=True)
class PageOutput:
    """A written (or only built) report page.

    Attributes
    ----------
    report : Report
        The page with its charts, tables and summary.
    folder : pathlib.Path or None
        The results folder (``None`` when ``write=False``).
    evaluations : list of StrategyEvaluation
        The strategies behind it.
    verdicts : VerdictTable or None
        The verdict table (headline page only).
    """

    report: Report
    folder: Path | None
    evaluations: list[StrategyEvaluation] = field(default_factory=list)
    verdicts: VerdictTable | None = None

    @property
    def index(self) -> Path | None:
        """The page's ``index.html`` (``None`` when not written)."""
        return self.folder / "index.html" if self.folder is not None else None

    def _repr_html_(self) -> str:  # a notebook shows where the page is
        import html

        where = html.escape(str(self.index)) if self.index else "not written"
        return f"<p>Report: <code>{where}</code></p>"


def _table(data: MarketTable | str | Path | None) -> MarketTable:
    from backtest.data.load import load_market_data
    from backtest.data.table import MarketTable

    if isinstance(data, MarketTable):
        return data
    return load_market_data(data)


def _write(rep: Report, command: list[str], parameters: Mapping[str, Any],
           table: MarketTable, out: str | Path | None, interactive: bool) -> Path:
    from backtest.report.metadata import run_metadata

    meta = run_metadata(command, parameters, table)
    return rep.write(meta, out, interactive=interactive)


def run_page(strategy: Strategy | str, data: MarketTable | str | Path | None = None, *,
             params: Mapping[str, Any] | None = None, execution: Execution | None = None,
             horizons: Sequence[int] = (1, 5, 10, 21, 63), n_boot: int = 1000, seed: int = 0,
             out: str | Path | None = None, interactive: bool = False,
             write: bool = True) -> PageOutput:
    """One strategy's report, as ``vixbt run`` writes it.

    Parameters
    ----------
    strategy : Strategy or str
        A parameter set, or a registry name (with ``params``).
    data : MarketTable, path or None, default None
        The market table, a data directory, or ``None`` (``VIXBT_DATA_DIR``,
        else the embedded sample).
    params : mapping or None
        Parameters when ``strategy`` is a name.
    execution : Execution or None
        Fills and costs (default: next open, no costs).
    horizons, n_boot, seed
        Event-study settings.
    out : str, Path or None, default None
        Results root (``results/``).
    interactive : bool, default False
        Also write the Plotly version (``index-interactive.html``).
    write : bool, default True
        Write the folder (``False``: build the page only).

    Returns
    -------
    PageOutput
    """
    from backtest.errors import MissingDataError
    from backtest.execution.config import Execution
    from backtest.report.answer import (
        EMBEDDED_WARNING,
        is_embedded,
        sample_text,
        strategy_samples,
    )
    from backtest.report.data_section import add_data_section
    from backtest.report.strategy_report import add_strategy_section, evaluate, stats_table
    from backtest.report.writer import Report

    if isinstance(strategy, str):
        from strategies.registry import get_strategy

        strategy = get_strategy(strategy).from_params(**dict(params or {}))
    elif params:
        raise ValueError("params are for a strategy given by name; pass the parameter set "
                         "itself otherwise")
    execution = execution or Execution()
    table = _table(data)
    ev = evaluate(strategy, table.frame, execution, n_boot=n_boot, seed=seed,
                  horizons=tuple(horizons))
    if ev.skipped is not None or ev.result is None:
        raise MissingDataError(ev.skipped or f"{strategy.name} could not run")
    rep = Report(title=f"vixbt run: {strategy.title or strategy.name}",
                 name=f"run-{strategy.name}",
                 subtitle=f"Sample {sample_text(strategy_samples([strategy], table.frame))} "
                          "(first and last signal-eligible day); signals at the close, fills "
                          f"at the {execution.fill.replace('_', ' ')}.")
    if is_embedded(table):
        rep.page.callout(EMBEDDED_WARNING)
    section = add_strategy_section(rep, ev, table.frame)
    add_data_section(rep, table, term_structure_note=False)
    rep.stats = stats_table(ev.result)
    rep.summary = {"schema": "vixbt.run/1", "report": None, "strategy": section}
    folder = None
    if write:
        folder = _write(rep, ["python: backtest.report.run_page", strategy.name],
                        {"strategy": strategy.name, "params": strategy.params(),
                         "execution": execution, "horizons": list(horizons), "n_boot": n_boot,
                         "seed": seed}, table, out, interactive)
    return PageOutput(rep, folder, [ev])


def headline_page(data: MarketTable | str | Path | None = None, *,
                  strategies: Sequence[Strategy | str] | None = None,
                  execution: Execution | None = None,
                  horizons: Sequence[int] = (1, 5, 10, 21, 63), n_boot: int = 1000,
                  seed: int = 0, out: str | Path | None = None, interactive: bool = False,
                  write: bool = True, jobs: int = 1) -> PageOutput:
    """The headline report of every strategy, as ``vixbt report`` writes it.

    Parameters
    ----------
    data : MarketTable, path or None, default None
        As in :func:`run_page`.
    strategies : sequence of Strategy or str, or None
        Parameter sets or registry names (default: every registered strategy
        with its defaults).
    execution, horizons, n_boot, seed, out, interactive, write
        As in :func:`run_page`.
    jobs : int, default 1
        Processes drawing the charts, this one included (``vixbt report
        --jobs``; forked on Linux); the charts are the same bytes for every value.

    Returns
    -------
    PageOutput
    """
    from backtest.execution.config import Execution
    from backtest.report.combined import headline_report
    from strategies.registry import REGISTRY, get_strategy

    chosen = ([cls() for cls in REGISTRY.values()] if strategies is None
              else [get_strategy(s)() if isinstance(s, str) else s for s in strategies])
    execution = execution or Execution()
    table = _table(data)
    rep, vt, evaluations = headline_report(table, chosen, execution, horizons=horizons,
                                           n_boot=n_boot, seed=seed, jobs=jobs)
    folder = None
    if write:
        folder = _write(rep, ["python: backtest.report.headline_page"],
                        {"strategies": [s.name for s in chosen], "execution": execution,
                         "horizons": list(horizons), "n_boot": n_boot, "seed": seed},
                        table, out, interactive)
    return PageOutput(rep, folder, evaluations, vt)
