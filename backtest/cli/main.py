"""The ``vixbt`` command: parse, call the library, print where the report went.

Commands
--------
``vixbt report``                 every registered strategy with its defaults, one report
``vixbt run STRATEGY``           one strategy (``--param name=value``), one report
``vixbt sweep STRATEGY``         a parameter grid (``--grid`` or ``--experiment file.toml``)
``vixbt study [STRATEGY]``       event study / verdict table (all strategies by default)
``vixbt deciles PREDICTOR``      forward SPX returns by real-time decile of a VIX measure
``vixbt list``                   strategies, parameters, defaults, ideas
``vixbt check [STRATEGY|FILE]``  the strategy contract: parameters, warm-up, no look-ahead
``vixbt data info|import|update``  the market data and the data directory
``vixbt weekly``                 the week's VIX change, rank and futures curve
``vixbt payoff``                 payoff at expiration of a VIX option position

Exit status
-----------
0 success; 2 bad input (unknown strategy or parameter, bad value or grid, dates
outside the data, a strategy needing data that is absent, a usage error);
1 a data or download failure, or an unexpected error.  Errors print one line
``vixbt <command>: error: <message>`` on stderr; ``--debug`` shows the traceback.

Strategies of your own
----------------------
``--strategy-file path.py`` (repeatable; on ``report``, ``run``, ``sweep``,
``study``, ``list`` and ``check``) registers the strategies the file defines
for the command; installed packages add theirs through the ``vixbt.strategies``
entry points (:mod:`strategies.registry`).

Warnings
--------
The loader's data repairs (:class:`~backtest.errors.DataRepairWarning`, one per
file repaired) are summarised in one ``vixbt: data: ...`` line on stderr once
the data are loaded; ``--verbose`` prints each file's line instead, ``--quiet``
neither, and ``vixbt data info`` lists them (:mod:`backtest.cli.repairs`).
Other warnings print as one ``vixbt: warning: <message>`` line each.

Heavy libraries (vectorbt, matplotlib, the strategies) are imported inside the
commands, so ``vixbt --help`` and ``vixbt list`` start quickly.  Run as the
program (``main()`` without arguments, as the ``vixbt`` script does), the
process ends as soon as the command is done: exit handlers run and the output
is flushed, but the interpreter does not tear down every imported module one by
one (:func:`finish`), which after vectorbt, numba, scipy and statsmodels would
take most of a second.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from backtest.cli.repairs import RepairLog

__all__ = ["build_parser", "finish", "main"]

Handler = Callable[[argparse.Namespace], int]

_EPILOG_COMMON = (
    "Output: --format table (default, human-readable), json (one JSON document on stdout; "
    "schema documented in backtest/cli/schema.py) or csv (the main table on stdout). "
    "Reports go to a new folder results/<timestamp>-<name>/ under --out."
)


#: Widest help line (terminals narrower than this wrap to their own width).
HELP_WIDTH = 100


class _Formatter(argparse.HelpFormatter):
    """Help wrapped to the terminal (at most :data:`HELP_WIDTH` columns); example
    lines (indented) are kept as written, prose paragraphs are wrapped."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 30,
                 width: int | None = None) -> None:
        import shutil

        cols = width or min(HELP_WIDTH, shutil.get_terminal_size((HELP_WIDTH, 24)).columns)
        super().__init__(prog, indent_increment, max_help_position, max(40, cols - 2))

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        import textwrap

        out = []
        for line in text.splitlines():
            if line.startswith("  ") or len(line) <= width:
                out.append(indent + line)
            else:
                out.extend(textwrap.wrap(line, width, initial_indent=indent,
                                         subsequent_indent=indent))
        return "\n".join(out)


def _common(data: bool = True, out: bool = True, fmt: bool = True,
            repairs: bool = True, quiet: bool = True) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    g = p.add_argument_group("common options")
    if data:
        g.add_argument("--data-dir", metavar="DIR",
                       help="data directory with a manifest.csv (default: $VIXBT_DATA_DIR, "
                            "else the embedded SPX/VIX sample)")
        g.add_argument("--start", metavar="YYYY-MM-DD", help="first date to use")
        g.add_argument("--end", metavar="YYYY-MM-DD", help="last date to use")
    if out:
        g.add_argument("--out", metavar="DIR", default="results",
                       help="results root; each run writes a new folder in it "
                            "(default: results)")
        g.add_argument("--no-report", action="store_true",
                       help="print the results only; write no results folder")
        g.add_argument("--interactive", action="store_true",
                       help="report page with interactive (Plotly) charts for the dense time "
                            "series and sortable tables; still one self-contained offline file")
    if fmt:
        g.add_argument("--format", choices=("table", "json", "csv"), default="table",
                       help="output on stdout (default: table)")
    if quiet:
        g.add_argument("--quiet", action="store_true",
                       help="no progress bar" + (", no summary of data repairs" if repairs
                                                 else ""))
    if repairs:
        g.add_argument("--verbose", action="store_true",
                       help="one line per data file repaired while loading, instead of the "
                            "one-line summary (also with --quiet)")
    g.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    return p


def _basis_options(g: argparse._ArgumentGroup) -> None:
    g.add_argument("--returns", choices=("price", "total"), default="total",
                   help="total: dividends (longs earn, shorts pay), cash and short proceeds "
                        "earn the 3-month T-bill, Sharpe/Sortino in excess of it -- price "
                        "return where the total-return index does not reach; price: SPX "
                        "price only, cash earns 0 (default: total)")
    g.add_argument("--market", choices=("spx", "ndx"), default="spx",
                   help="underlying and its volatility index: spx (S&P 500 with VIX/VXO) or "
                        "ndx (Nasdaq-100 with VXN; term-structure strategies are skipped) "
                        "(default: spx)")
    g.add_argument("--vol", choices=("vix", "vxo", "vxo_vix", "vxn"), default=None,
                   help="volatility index the signals watch: vix, vxo (from 1986) or vxo_vix "
                        "(VXO before 1990, VIX after, unscaled) for spx; vxn for ndx "
                        "(default: vix for spx, vxn for ndx)")


def _execution_options(p: argparse.ArgumentParser) -> None:
    from backtest.execution.costs import COSTS_NOTE, DEFAULT_FEES, DEFAULT_SLIPPAGE

    g = p.add_argument_group("execution")
    g.add_argument("--fill", choices=("next_open", "next_close"), default="next_open",
                   help="fill timing (default: next_open, or that day's close where the "
                        "day has no real open; never the signal day)")
    g.add_argument("--fees", type=float, default=DEFAULT_FEES,
                   help=f"fraction of value per fill; {COSTS_NOTE} (default: {DEFAULT_FEES:g})")
    g.add_argument("--slippage", type=float, default=DEFAULT_SLIPPAGE,
                   help=f"adverse fraction of price per fill (default: {DEFAULT_SLIPPAGE:g})")
    _basis_options(g)
    g.add_argument("--side", choices=("long", "short", "both"), default=None,
                   help="sides to trade (default: the strategy's own)")
    g.add_argument("--holding-period", type=int, default=None, metavar="DAYS",
                   help="close positions after DAYS trading days")


def _study_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("event study")
    g.add_argument("--horizons", default="1,5,10,21,63", metavar="H,H,...",
                   help="forward horizons in trading days (default: 1,5,10,21,63)")
    g.add_argument("--n-boot", type=int, default=1000, metavar="N",
                   help="bootstrap replications (default: 1000)")
    g.add_argument("--seed", type=_seed, default=0, help="bootstrap seed (default: 0)")


def _strategy_files() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--strategy-file", action="append", default=[], metavar="FILE.py",
                   help="register the strategies this Python file defines (repeatable); "
                        "their names must differ from the built-ins'")
    return p


def _examples(*lines: str, reports: bool = True) -> str:
    tail = _EPILOG_COMMON if reports else _EPILOG_COMMON.split(" Reports go to")[0]
    return "examples:\n" + "\n".join(f"  {ln}" for ln in lines) + "\n\n" + tail


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    top = argparse.ArgumentParser(
        prog="vixbt", formatter_class=_Formatter,
        description="When the VIX hits an extreme, does the S&P 500 reverse? Backtests, "
                    "event studies and reports of VIX signals.",
        epilog=_examples("vixbt report                      # the headline report",
                         "vixbt list",
                         "vixbt run bollinger_break --param num_std=2.5",
                         "vixbt sweep bollinger_break --grid window=21,63 "
                         "--grid num_std=1.5:3:0.5",
                         "vixbt study --format json",
                         "vixbt data info --data-dir ../shared/data",
                         "vixbt weekly --date 2015-08-21",
                         "vixbt payoff --leg short:1:call:14:5.15 --leg long:1:call:30:0.85"))
    top.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    top.add_argument("--version", action="version", version=_version())
    sub = top.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    data_out = _common()
    files = _strategy_files()

    p = sub.add_parser("report", parents=[data_out, files], formatter_class=_Formatter,
                       help="every strategy with defaults: one combined report",
                       description="Run every registered strategy with its default "
                                   "parameters on the configured data and write one combined "
                                   "report: the verdict table, then per strategy its statistics "
                                   "against buy-and-hold and its charts. Strategies whose data "
                                   "is absent are listed with the reason.",
                       epilog=_examples("vixbt report",
                                        "vixbt report --data-dir ../shared/data --start 2000-01-01",
                                        "vixbt report --strategies spike_reversal,bollinger_break"))
    p.add_argument("--strategies", metavar="NAME,NAME",
                   help="only these strategies (default: all registered)")
    p.add_argument("--jobs", type=_jobs, default=None, metavar="N",
                   help="processes drawing the charts, this one included (forked while the "
                        "report is computed; Linux): 1 draws them one after the other; the "
                        "images are the same either way (default: the available cores)")
    _execution_options(p)
    _study_options(p)

    p = sub.add_parser("run", parents=[data_out, files], formatter_class=_Formatter,
                       help="one strategy: backtest, event study, report",
                       description="Backtest one strategy with the given parameters, study "
                                   "its signals and write a report.",
                       epilog=_examples("vixbt run bollinger_break",
                                        "vixbt run spike_reversal --param variant=zscore "
                                        "--param z_threshold=2.5",
                                        "vixbt run bollinger_break --holding-period 10 "
                                        "--fees 0.0005",
                                        "vixbt run bollinger_break --format json --no-report"))
    p.add_argument("strategy", help="registered strategy name (see `vixbt list`)")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="set a parameter (repeatable)")
    _execution_options(p)
    _study_options(p)

    p = sub.add_parser("sweep", parents=[data_out, files], formatter_class=_Formatter,
                       help="a parameter grid, with SPA/StepM on timing skill",
                       description="Run every combination of a parameter grid on the lean "
                                   "sweep path, rank them, draw heatmaps, and test whether "
                                   "any set's timing beats its exposure-matched benchmark "
                                   "(its own average exposure to SPX, the rest in cash) with "
                                   "Hansen's SPA, Romano-Wolf StepM and the Deflated Sharpe "
                                   "Ratio (data-snooping corrections); CAPM alpha and raw "
                                   "returns against buy-and-hold are shown beside. Grid syntax: "
                                   "name=v1,v2,... or name=start:stop:step (inclusive).",
                       epilog=_examples("vixbt sweep bollinger_break --grid window=21,42,63 "
                                        "--grid num_std=1.5:3:0.25",
                                        "vixbt sweep bollinger_break --grid window=21,63 "
                                        "--grid holding_period=5,10,21 --metric sortino",
                                        "vixbt sweep --experiment experiments/bollinger.toml"))
    p.add_argument("strategy", nargs="?", help="strategy name (or give --experiment)")
    p.add_argument("--grid", action="append", default=[], metavar="NAME=VALUES",
                   help="values of one parameter: a,b,c or start:stop:step (repeatable)")
    p.add_argument("--experiment", metavar="FILE.toml", help="read the sweep from a TOML file")
    p.add_argument("--metric", default="sharpe",
                   help="statistic to rank by (default: sharpe, the annualised Sharpe ratio)")
    p.add_argument("--x", metavar="PARAM", help="heatmap x parameter (default: first swept)")
    p.add_argument("--y", metavar="PARAM", help="heatmap y parameter (default: second swept)")
    p.add_argument("--n-boot", type=int, default=1000, metavar="N",
                   help="bootstrap replications of SPA/StepM (default: 1000)")
    p.add_argument("--seed", type=_seed, default=0, help="bootstrap seed (default: 0)")
    p.add_argument("--dry-run", action="store_true",
                   help="print the planned work (sets x days x replicates) with its time and "
                        "memory estimate, and stop")
    p.add_argument("--cluster", metavar="local:N|tcp://HOST:PORT",
                   help="run the chunks on a Dask cluster: N local worker processes, or a "
                        "running scheduler (workers receive the data from this process)")
    p.add_argument("--spill-dir", metavar="DIR",
                   help="keep the per-set evidence (means, variances, Sharpe ratios, PBO "
                        "block sums) in memory-mapped files in a temporary folder inside DIR, "
                        "deleted at the end (default: in the system temporary folder when the "
                        "planned memory exceeds the available memory; same results)")
    _execution_options(p)

    p = sub.add_parser("study", parents=[data_out, files], formatter_class=_Formatter,
                       help="event study of one strategy, or the verdict table of all",
                       description="Forward SPX returns after signal days against the "
                                   "unconditional ones, HAC t-statistics, block-bootstrap "
                                   "intervals and a one-word verdict per side and horizon. "
                                   "Without STRATEGY: the verdict table across every "
                                   "registered strategy (defaults), Holm/BY-adjusted.",
                       epilog=_examples("vixbt study", "vixbt study spike_reversal",
                                        "vixbt study bollinger_break --param window=21 "
                                        "--horizons 5,21",
                                        "vixbt study --format csv > verdicts.csv"))
    p.add_argument("strategy", nargs="?", help="strategy name (default: all)")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="set a parameter (repeatable; needs STRATEGY)")
    p.add_argument("--fill", choices=("next_open", "next_close"), default="next_open",
                   help="fill timing the forward returns start from (default: next_open, or "
                        "that day's close where the day has no real open)")
    p.add_argument("--eras", action="store_true",
                   help="with STRATEGY: add the per-era results (each decade, before/after "
                        "2008) to the output, the JSON (eras), the CSV and the report")
    p.add_argument("--controls", nargs="?", const="default", default=None, metavar="NAME,NAME",
                   help="also regress forward returns on the entries with controls for what "
                        "SPX already tells (default set: spx_ret_1,spx_ret_5,spx_ret_21,"
                        "spx_rv_21,vix_level,spx_above_200); without STRATEGY, the set behind "
                        "the 'adds information beyond SPX?' column")
    p.add_argument("--regimes", action="store_true",
                   help="add the event study inside regimes: SPX above/below its 200-day "
                        "average, real-time VIX terciles (one strategy)")
    p.add_argument("--vol-scaled", action="store_true",
                   help="add the event study on forward returns divided by the ex-ante "
                        "21-day realised volatility (one strategy)")
    _basis_options(p.add_argument_group("returns and market"))
    _study_options(p)

    p = sub.add_parser("deciles", parents=[data_out], formatter_class=_Formatter,
                       help="forward SPX returns by real-time decile of a VIX measure",
                       description="Bucket each day by the real-time percentile of a VIX "
                                   "measure (among all its values so far) and show forward "
                                   "SPX returns per bucket with HAC intervals, the "
                                   "top-minus-bottom spread and a Patton-Timmermann "
                                   "monotonicity test. Predictors: vix_level, vix_percentile, "
                                   "vix_pct_above_sma, vix_zscore, vix_change, vrp, vix_vix3m, "
                                   "vx1_vx2, vvix, skew, vix_surprise.",
                       epilog=_examples("vixbt deciles vrp", "vixbt deciles vix_change "
                                        "--window 2 --horizons 5,21",
                                        "vixbt deciles vix_vix3m --format json --no-report"))
    p.add_argument("predictor", help="predictor name (e.g. vrp, vix_percentile)")
    p.add_argument("--window", type=int, default=None, metavar="DAYS",
                   help="the measure's look-back window (default: its own)")
    p.add_argument("--bins", type=int, default=10, help="buckets (default: 10, deciles)")
    p.add_argument("--min-history", type=int, default=252, metavar="DAYS",
                   help="values needed before the first bucket (default: 252)")
    p.add_argument("--fill", choices=("next_open", "next_close"), default="next_open",
                   help="fill timing the forward returns start from (default: next_open)")
    p.add_argument("--vol-scaled", action="store_true",
                   help="forward returns divided by the ex-ante 21-day realised volatility")
    _study_options(p)

    p = sub.add_parser("list", parents=[_common(data=False, out=False, repairs=False,
                                                quiet=False), files],
                       formatter_class=_Formatter,
                       help="strategies with their parameters, defaults and ideas",
                       description="Every registered strategy: name, sides, one-line idea, "
                                   "and each parameter with its default and allowed values.",
                       epilog=_examples("vixbt list", "vixbt list --format json",
                                        reports=False))

    p = sub.add_parser("check", parents=[_common(out=False), files], formatter_class=_Formatter,
                       help="check a strategy: parameters, warm-up, no look-ahead",
                       description="Run the strategy contract on a strategy (a registered name "
                                   "or a Python file of strategies; default: every registered "
                                   "strategy) on the configured data: parameter validation, "
                                   "boolean aligned signals, declared columns, determinism, "
                                   "warm-up, and no look-ahead (signals on the data truncated "
                                   "at many dates equal the full-data signals up to each "
                                   "date), with a planted one-day leak as the look-ahead "
                                   "check's self-test. Exit status 0 when every check passes, "
                                   "1 when one fails, 2 for bad input.",
                       epilog=_examples("vixbt check bollinger_break",
                                        "vixbt check my_signals.py",
                                        "vixbt check --data-dir ../shared/data",
                                        "vixbt check my_signals.py --only no_look_ahead,"
                                        "self_test --format json"))
    p.add_argument("target", nargs="?", metavar="STRATEGY|FILE",
                   help="registered strategy name or a .py file (default: all registered)")
    p.add_argument("--only", metavar="CHECK,CHECK",
                   help="run only these checks (parameters, columns, boolean_aligned, "
                        "deterministic, warmup, fires, no_look_ahead, self_test)")

    p = sub.add_parser("data", formatter_class=_Formatter, help="market data: info, import, update",
                       description="Inspect the market data and manage a data directory.",
                       epilog=_examples("vixbt data info", "vixbt data info --data-dir ~/vixdata",
                                        "vixbt data import ~/Downloads/VIX_History.csv "
                                        "--data-dir ~/vixdata",
                                        "vixbt data update --data-dir ~/vixdata --symbols VIX,SPX",
                                        reports=False))
    dsub = p.add_subparsers(dest="data_command", metavar="SUBCOMMAND")
    dsub.required = True
    d = dsub.add_parser("info", parents=[_common(out=False, quiet=False)],
                        formatter_class=_Formatter,
                        help="every column's source, span, rows, gaps and repairs",
                        description="Show every column of the aligned market table with its "
                                    "source, span, rows, gaps and repairs.",
                        epilog=_examples("vixbt data info", "vixbt data info --format json",
                                         reports=False))
    d = dsub.add_parser("import", parents=[_common(data=False, out=False, repairs=False,
                                                  quiet=False)],
                        formatter_class=_Formatter,
                        help="bring a data file into a data directory",
                        description="Validate a data file (format detected from its header) "
                                    "and copy it into the data directory, adding it to the "
                                    "manifest.",
                        epilog=_examples("vixbt data import VIX_History.csv --data-dir ~/vixdata",
                                         "vixbt data import prices.csv --symbol SPX "
                                         "--data-dir ~/vixdata", reports=False))
    d.add_argument("path", help="file to import")
    d.add_argument("--data-dir", metavar="DIR",
                   help="data directory (default: $VIXBT_DATA_DIR; created if absent)")
    d.add_argument("--symbol", help="what the file holds (SPX, VIX, VIX3M, VXV, VIX9D, VIX6M, "
                                    "VVIX, VX); default: from the file name")
    d.add_argument("--file-format", metavar="LAYOUT",
                   help="reader layout (default: detected from the header)")
    d = dsub.add_parser("update", parents=[_common(data=False, out=False, repairs=False)],
                        formatter_class=_Formatter,
                        help="download or refresh the public data files",
                        description="Download CBOE index histories, VIX futures contract "
                                    "files and long SPX history into the data directory. "
                                    "Incremental and resumable; a failed download keeps the "
                                    "previous copy.",
                        epilog=_examples("vixbt data update --data-dir ~/vixdata",
                                         "vixbt data update --data-dir ~/vixdata --symbols VIX,VX",
                                         reports=False))
    d.add_argument("--data-dir", metavar="DIR",
                   help="data directory (default: $VIXBT_DATA_DIR; created if absent)")
    d.add_argument("--symbols", metavar="SYM,SYM",
                   help="subset of SPX,VIX,VIX3M,VIX9D,VIX6M,VVIX,VX")
    d.add_argument("--force", action="store_true", help="request every file again")
    d.add_argument("--mirror", metavar="ORIGIN",
                   help="download from this host instead (e.g. http://proxy:8080), keeping "
                        "the public URL paths")
    d.add_argument("--timeout", type=_seconds, default=30.0,
                   help="seconds before a stalled request fails (default: 30)")
    d.add_argument("--deadline", type=_seconds, default=600.0,
                   help="seconds allowed for one file, retries included (default: 600)")
    d.add_argument("--max-size", type=_megabytes, default=None, metavar="MB",
                   help="size cap of one file in MB (default: 64 per index file, 256 for "
                        "Yahoo's SPX, 16 per futures file)")

    p = sub.add_parser("weekly", parents=[_common()], formatter_class=_Formatter,
                       help="the week's VIX change, its rank in history, the futures curve",
                       description="Friday-to-Friday change of the VIX (the week's last "
                                   "trading day when Friday is a holiday), its rank among all "
                                   "weeks in the data, SPX's change, and where futures data "
                                   "exist the curve that week.",
                       epilog=_examples("vixbt weekly", "vixbt weekly --date 2015-08-21",
                                        "vixbt weekly --date 2020-03-13 --data-dir ../shared/data"))
    p.add_argument("--date", metavar="YYYY-MM-DD",
                   help="any day of the week to show (default: the last week in the data)")

    p = sub.add_parser("payoff", parents=[_common(data=False)], formatter_class=_Formatter,
                       help="payoff at expiration of a VIX option position",
                       description="Payoff at expiration of a multi-leg VIX option position "
                                   "over a range of settlement values: breakevens, maximum "
                                   "gain and loss (or unbounded), net credit or debit, chart. "
                                   "Leg syntax: side:quantity:call|put:strike:premium.",
                       epilog=_examples(
                           "vixbt payoff --leg short:1:call:14:5.15 --leg short:1:call:20:2.55 "
                           "--leg long:1:call:30:0.85",
                           "vixbt payoff --leg long:1:call:20:2 --range 10:40"))
    p.add_argument("--leg", action="append", default=[], metavar="SIDE:QTY:TYPE:STRIKE:PREMIUM",
                   help="one option leg (repeatable), e.g. short:1:call:14:5.15")
    p.add_argument("--range", metavar="LOW:HIGH", help="settlement values to tabulate and chart")
    p.add_argument("--multiplier", type=float, default=100.0,
                   help="dollars per point per contract (default: 100)")
    return top


def _version() -> str:
    from backtest import __version__

    return f"vixbt {__version__}"


def _handler(args: argparse.Namespace) -> Handler:
    import importlib

    name = args.command if args.command != "data" else f"data_{args.data_command}"
    module = importlib.import_module(f"backtest.cli.commands.{name}")
    fn: Handler = module.run
    return fn


def _one_line_warnings(log: RepairLog) -> None:
    """Route warnings: data repairs to ``log``, others as one ``vixbt: warning:`` line each.

    Call inside :func:`warnings.catch_warnings`, which restores the previous
    handling when the command is done.
    """
    import warnings

    from backtest.errors import DataRepairWarning

    seen: set[str] = set()

    def show(message: Warning | str, category: type[Warning], filename: str, lineno: int,
             file: object = None, line: str | None = None) -> None:
        if issubclass(category, DataRepairWarning):
            log.record(message)
            return
        text = " ".join(str(message).split())
        if text not in seen:  # each distinct message once
            seen.add(text)
            print(f"vixbt: warning: {text}", file=sys.stderr)

    warnings.showwarning = show
    # every repair reaches the log (it removes repeats itself)
    warnings.simplefilter("always", DataRepairWarning)
    # numerical noise (NaN comparisons during warm-up) is not something a user can act on
    warnings.filterwarnings("ignore", category=RuntimeWarning)


@contextlib.contextmanager
def _registered_files(args: argparse.Namespace) -> Iterator[None]:
    """Register the ``--strategy-file`` strategies for the command, undone afterwards."""
    paths = getattr(args, "strategy_file", None) or []
    if not paths:
        yield
        return
    from strategies.registry import load_strategy_file, restored

    with restored():
        for path in paths:
            load_strategy_file(path)
        yield


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def finish(code: int) -> NoReturn:
    """End the process with status ``code`` without the interpreter's teardown.

    The :mod:`atexit` handlers run, then stdout and stderr are flushed, then
    :func:`os._exit`.  What is skipped is the module-by-module teardown of
    interpreter shutdown (objects of finished work are not finalised one by
    one).  If other threads are still running, the normal exit is used instead
    (``sys.exit``), so they are waited for as usual.
    """
    import atexit
    import contextlib
    import os
    import threading

    if threading.active_count() > 1:
        sys.exit(code)
    try:
        atexit._run_exitfuncs()
    finally:
        for stream in (sys.stdout, sys.stderr):
            # a closed pipe or stream: nothing more can be said
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
    os._exit(code)


def _jobs(text: str) -> int:
    """``--jobs``: a positive integer."""
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: the number of processes is at least 1")
    return v


def _seed(text: str) -> int:
    """``--seed``: a non-negative integer."""
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if v < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is negative; a seed is an integer >= 0")
    return v


def _seconds(text: str) -> float:
    """A finite, positive number of seconds."""
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(v) or v <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be a finite number of seconds > 0")
    return v


def _megabytes(text: str) -> int:
    """A positive size in MB, as bytes."""
    v = _seconds(text)
    return max(1, int(v * (1 << 20)))


def main(argv: Sequence[str] | None = None, *, exit: bool | None = None) -> int:
    """Run the ``vixbt`` command; returns the exit status.

    Parameters
    ----------
    argv : sequence of str or None, default None
        Arguments without the program name (``None``: ``sys.argv[1:]``).
    exit : bool or None, default None
        End the process when done (:func:`finish`) instead of returning.
        ``None``: when ``argv`` is ``None``, i.e. when running as the program.
    """
    code = _main(argv)
    if exit if exit is not None else argv is None:
        finish(code)
    return code


def _main(argv: Sequence[str] | None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:  # argparse: --help, --version or a usage error (code 2)
        return int(exc.code) if isinstance(exc.code, int) else 2
    args.argv = args_list  # recorded in metadata.json
    import warnings

    from backtest.cli.repairs import RepairLog

    log = RepairLog(verbose=bool(getattr(args, "verbose", False)),
                    quiet=bool(getattr(args, "quiet", False)))
    args.repair_log = log  # load_table prints the summary once the data are loaded
    with warnings.catch_warnings():
        _one_line_warnings(log)
        code = _run(args, args_list)
        if code == 0:
            log.flush()  # repairs met after loading; after an error, only the error line
    return code


def _run(args: argparse.Namespace, args_list: list[str]) -> int:
    from backtest.cli.common import CliError
    from backtest.errors import MissingDataError, VixbtError

    debug = bool(getattr(args, "debug", False)) or "--debug" in args_list
    label = "vixbt " + args.command + (f" {args.data_command}" if args.command == "data" else "")
    try:
        from backtest.cli.common import check_out

        check_out(args)  # before any work, so none is lost
        with _registered_files(args):
            return _handler(args)(args)
    except KeyboardInterrupt:
        print(f"{label}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except (CliError, MissingDataError, ValueError, TypeError, FileNotFoundError) as exc:
        if debug:
            raise
        print(f"{label}: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except VixbtError as exc:
        if debug:
            raise
        print(f"{label}: error: {_one_line(exc)}", file=sys.stderr)
        return 1
    except Exception as exc:
        if debug:
            raise
        print(f"{label}: internal error: {type(exc).__name__}: {_one_line(exc)} "
              "(rerun with --debug for the traceback)", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    finish(main(exit=False))
