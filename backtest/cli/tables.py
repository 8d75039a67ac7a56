"""Terminal tables of the command line: at most :data:`WIDTH` characters a line.

Numbers follow :mod:`backtest.numbers` (percentages with fixed decimals,
p-values to three decimals).  Prose lines longer than the width are wrapped;
table rows are built to fit.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from backtest.numbers import pct, pval

if TYPE_CHECKING:
    import pandas as pd

    from backtest.evidence.strategy_study import StrategyStudy
    from backtest.evidence.verdict import VerdictTable

__all__ = ["WIDTH", "fit", "samples_text", "study_text", "verdict_text"]

#: Widest line the commands print (a terminal of 100 columns).
WIDTH = 100


def fit(text: str, width: int = WIDTH) -> str:
    """``text`` with every line longer than ``width`` wrapped (continuations indented)."""
    out: list[str] = []
    for line in text.splitlines():
        if len(line) <= width:
            out.append(line)
            continue
        indent = " " * (len(line) - len(line.lstrip()))
        out.extend(textwrap.wrap(line, width=width, subsequent_indent=indent + "  ",
                                 break_long_words=False, break_on_hyphens=False) or [""])
    return "\n".join(out)


def samples_text(samples: pd.DataFrame) -> str:
    """One line per strategy: its sample (first .. last signal-eligible day, days)."""
    lines = ["Samples (first .. last signal-eligible day of each strategy)"]
    for name, r in zip(samples.index, samples.to_dict(orient="records"), strict=True):
        if r["days"]:
            lines.append(f"  {name!s:<22} {r['first']:%Y-%m-%d} .. {r['last']:%Y-%m-%d}  "
                         f"{int(r['days']):>6,} days")
        else:
            lines.append(f"  {name!s:<22} no data for its columns")
    return "\n".join(lines)


def verdict_text(vt: VerdictTable, samples: pd.DataFrame | None = None) -> str:
    """The verdict table in at most 100 columns, each strategy's sample above it."""
    s = vt.settings
    head = (f"Verdict table: fill {s['fill']}, one-sided alpha {s['alpha']:g} after Holm over "
            f"both directions of {int(vt.table['p_holm'].notna().sum())} rows with >= "
            f"{s.get('min_episodes', 0)} episodes")
    lines = [samples_text(samples), ""] if samples is not None else []
    lines += [head,
              f"{'strategy':<17} {'side':<5} {'h':>3} {'days':>5} {'epis':>4} {'effect':>7} "
              f"{'ci_low':>7} {'ci_high':>7} {'p_raw':>6} {'p_holm':>6} {'p_opp':>6}  verdict"]
    for r in vt.table.to_dict(orient="records"):
        lines.append(f"{str(r['strategy'])[:17]:<17} {r['side']:<5} {int(r['horizon']):>3} "
                     f"{int(r['n_signal']):>5} {int(r['n_episodes']):>4} "
                     f"{pct(r['effect'], na='na'):>7} "
                     f"{pct(r['ci_low'], na='na'):>7} {pct(r['ci_high'], na='na'):>7} "
                     f"{pval(r['p_raw'], na='na'):>6} {pval(r['p_holm'], na='na'):>6} "
                     f"{pval(r['p_opposite_holm'], na='na'):>6}  {r['verdict']}")
    for name, reason in vt.skipped:
        lines.append(f"skipped {name}: {reason}")
    return fit("\n".join(lines))


def study_text(study: StrategyStudy) -> str:
    """One strategy's event study in at most 100 columns."""
    return fit(study.summary())
