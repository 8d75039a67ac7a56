"""The ``vixbt`` command: parse, call the library, print where the report went.

Commands
--------
``vixbt report``                 every registered strategy with its defaults, one report
``vixbt run STRATEGY``           one strategy (``--param name=value``), one report
``vixbt sweep STRATEGY``         a parameter grid (``--grid`` or ``--experiment file.toml``)
``vixbt study [STRATEGY]``       event study / verdict table (all strategies by default)
``vixbt list``                   strategies, parameters, defaults, ideas
``vixbt data info|import|update``  the market data and the data directory
``vixbt weekly``                 the week's VIX change, rank and futures curve
``vixbt payoff``                 payoff at expiration of a VIX option position

Exit status
-----------
0 success; 2 bad input (unknown strategy or parameter, bad value or grid, dates
outside the data, a strategy needing data that is absent, a usage error);
1 a data or download failure, or an unexpected error.  Errors print one line
``vixbt <command>: error: <message>`` on stderr; ``--debug`` shows the traceback.

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
import sys
from collections.abc import Callable, Sequence
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


class _Formatter(argparse.RawDescriptionHelpFormatter):
    pass


def _common(data: bool = True, out: bool = True, fmt: bool = True) -> argparse.ArgumentParser:
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
    if fmt:
        g.add_argument("--format", choices=("table", "json", "csv"), default="table",
                       help="output on stdout (default: table)")
    g.add_argument("--quiet", action="store_true",
                   help="no progress bar, no summary of data repairs")
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
    g.add_argument("--vol", choices=("vix", "vxo", "vxo_vix"), default="vix",
                   help="volatility index of the spx market: vix, vxo (from 1986) or vxo_vix "
                        "(VXO before 1990, VIX after) (default: vix)")


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
    g.add_argument("--seed", type=int, default=0, help="bootstrap seed (default: 0)")


def _examples(*lines: str) -> str:
    return "examples:\n" + "\n".join(f"  {ln}" for ln in lines) + "\n\n" + _EPILOG_COMMON


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

    p = sub.add_parser("report", parents=[data_out], formatter_class=_Formatter,
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
    _execution_options(p)
    _study_options(p)

    p = sub.add_parser("run", parents=[data_out], formatter_class=_Formatter,
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

    p = sub.add_parser("sweep", parents=[data_out], formatter_class=_Formatter,
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
    p.add_argument("--metric", default="sharpe", help="statistic to rank by (default: sharpe)")
    p.add_argument("--x", metavar="PARAM", help="heatmap x parameter (default: first swept)")
    p.add_argument("--y", metavar="PARAM", help="heatmap y parameter (default: second swept)")
    p.add_argument("--n-boot", type=int, default=1000, metavar="N",
                   help="bootstrap replications of SPA/StepM (default: 1000)")
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed (default: 0)")
    p.add_argument("--dry-run", action="store_true",
                   help="print the planned work (sets x days x replicates) with its time and "
                        "memory estimate, and stop")
    p.add_argument("--cluster", metavar="local:N|tcp://HOST:PORT",
                   help="run the chunks on a Dask cluster: N local worker processes, or a "
                        "running scheduler (workers receive the data from this process)")
    _execution_options(p)

    p = sub.add_parser("study", parents=[data_out], formatter_class=_Formatter,
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
    p.add_argument("--eras", action="store_true", help="add per-decade results (one strategy)")
    _basis_options(p.add_argument_group("returns and market"))
    _study_options(p)

    p = sub.add_parser("list", parents=[_common(data=False, out=False)],
                       formatter_class=_Formatter,
                       help="strategies with their parameters, defaults and ideas",
                       description="Every registered strategy: name, sides, one-line idea, "
                                   "and each parameter with its default and allowed values.",
                       epilog=_examples("vixbt list", "vixbt list --format json"))

    p = sub.add_parser("data", formatter_class=_Formatter, help="market data: info, import, update",
                       description="Inspect the market data and manage a data directory.",
                       epilog=_examples("vixbt data info", "vixbt data info --data-dir ~/vixdata",
                                        "vixbt data import ~/Downloads/VIX_History.csv "
                                        "--data-dir ~/vixdata",
                                        "vixbt data update --data-dir ~/vixdata --symbols VIX,SPX"))
    dsub = p.add_subparsers(dest="data_command", metavar="SUBCOMMAND")
    dsub.required = True
    d = dsub.add_parser("info", parents=[_common(out=False)], formatter_class=_Formatter,
                        help="every column's source, span, rows, gaps and repairs",
                        description="Show every column of the aligned market table with its "
                                    "source, span, rows, gaps and repairs.",
                        epilog=_examples("vixbt data info", "vixbt data info --format json"))
    d = dsub.add_parser("import", parents=[_common(data=False, out=False)],
                        formatter_class=_Formatter,
                        help="bring a data file into a data directory",
                        description="Validate a data file (format detected from its header) "
                                    "and copy it into the data directory, adding it to the "
                                    "manifest.",
                        epilog=_examples("vixbt data import VIX_History.csv --data-dir ~/vixdata",
                                         "vixbt data import prices.csv --symbol SPX "
                                         "--data-dir ~/vixdata"))
    d.add_argument("path", help="file to import")
    d.add_argument("--data-dir", metavar="DIR",
                   help="data directory (default: $VIXBT_DATA_DIR; created if absent)")
    d.add_argument("--symbol", help="what the file holds (SPX, VIX, VIX3M, VXV, VIX9D, VIX6M, "
                                    "VVIX, VX); default: from the file name")
    d.add_argument("--file-format", metavar="LAYOUT",
                   help="reader layout (default: detected from the header)")
    d = dsub.add_parser("update", parents=[_common(data=False, out=False)],
                        formatter_class=_Formatter,
                        help="download or refresh the public data files",
                        description="Download CBOE index histories, VIX futures contract "
                                    "files and long SPX history into the data directory. "
                                    "Incremental and resumable; a failed download keeps the "
                                    "previous copy.",
                        epilog=_examples("vixbt data update --data-dir ~/vixdata",
                                         "vixbt data update --data-dir ~/vixdata --symbols VIX,VX"))
    d.add_argument("--data-dir", metavar="DIR",
                   help="data directory (default: $VIXBT_DATA_DIR; created if absent)")
    d.add_argument("--symbols", metavar="SYM,SYM",
                   help="subset of SPX,VIX,VIX3M,VIX9D,VIX6M,VVIX,VX")
    d.add_argument("--force", action="store_true", help="request every file again")
    d.add_argument("--mirror", metavar="ORIGIN",
                   help="download from this host instead (e.g. http://proxy:8080), keeping "
                        "the public URL paths")
    d.add_argument("--timeout", type=float, default=30.0,
                   help="seconds before a stalled request fails (default: 30)")

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

    warnings.showwarning = show  # type: ignore[assignment]
    # every repair reaches the log (it removes repeats itself)
    warnings.simplefilter("always", DataRepairWarning)
    # numerical noise (NaN comparisons during warm-up) is not something a user can act on
    warnings.filterwarnings("ignore", category=RuntimeWarning)


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
