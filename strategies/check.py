"""The strategy contract, checked on any strategy: ``vixbt check`` and the contract tests.

One implementation of the rules every strategy keeps, run on the market data
the caller passes (the real history in the tests, the user's own data from the
command line):

``parameters``
    The defaults are valid and round-trip; every parameter rejects values
    outside its range, text for a number and a fraction for an integer with a
    ``ValueError`` naming ``Class.parameter``; an unknown name is refused with
    a hint; ``10.0`` for an integer parameter is the same strategy as ``10``.
``columns``
    The strategy reads only the columns it declares: its signals on a frame
    holding just those columns equal those on the whole frame.
``boolean_aligned``
    Every signal is a boolean Series indexed like the data; a side the
    strategy does not trade is all ``False``; no day is both an entry and an
    exit of one side.
``deterministic``
    The same data gives the same signals; the data is not modified; a grid's
    column equals the single run of that parameter set, in either order.
``warmup``
    No signal in the first :attr:`~strategies.base.Strategy.warmup` rows from
    the first row where every needed column has a value; a frame shorter than
    the warm-up gives aligned, signal-free output.
``fires``
    The defaults enter at least once on each side the strategy trades (a
    signal that never fires cannot be checked for look-ahead).
``no_look_ahead``
    Signals computed on the data truncated at many dates equal the full-data
    signals up to each date (the cut dates include the days just before and
    on the signal days, where a leak shows).
``self_test``
    The ``no_look_ahead`` check, run on the same strategy with its signals
    moved one day earlier (a planted leak), fails -- so a pass above means
    something on this data.

:func:`check_strategy` runs them all and returns a :class:`CheckReport`.
"""

from __future__ import annotations

import dataclasses
import math
import re
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from backtest.errors import MissingDataError
from strategies.base import GridSignals, ParamArrays, RawSignals, Strategy
from strategies.check_report import CheckReport, CheckResult

__all__ = [
    "CHECKS",
    "SIGNAL_FIELDS",
    "CheckReport",
    "CheckResult",
    "bad_values",
    "check_boolean_aligned",
    "check_columns",
    "check_deterministic",
    "check_fires",
    "check_no_look_ahead",
    "check_parameters",
    "check_self_test",
    "check_strategy",
    "check_warmup",
    "cut_rows",
    "example_sets",
    "first_complete_row",
    "leaky",
]

SIGNAL_FIELDS = ("long_entries", "long_exits", "short_entries", "short_exits")
"""The four signal frames of :class:`~strategies.base.GridSignals`."""


# -- parameter sets -------------------------------------------------------------------


def example_sets(cls: type[Strategy], limit: int = 12) -> list[Strategy]:
    """Parameter sets to check: the defaults, every other choice of each categorical
    parameter, and a smaller and a larger value of each numeric one (others at
    their defaults; combinations the strategy refuses are left out).

    Parameters
    ----------
    cls : type[Strategy]
    limit : int, default 12
        Most sets returned (the defaults always first).
    """
    out: list[Strategy] = [cls()]
    tried: list[dict[str, Any]] = []
    types = {f.name: _type_name(f.type) for f in dataclasses.fields(cls)}
    for name, spec in cls.param_specs().items():
        default = cls.defaults()[name]
        if spec.choices is not None:
            tried.extend({name: c} for c in spec.choices if c != default)
            continue
        if isinstance(default, bool) or not isinstance(default, int | float):
            continue
        for factor in (0.5, 1.5):
            if default:
                value: float = default * factor
            else:  # a zero default: a tenth and a fifth of the upper bound (or of 1)
                value = (spec.high if spec.high is not None else 1.0) * factor / 7.5
            if types[name] == "int":
                value = round(value)
            if spec.low is not None and (value < spec.low or (spec.low_open and value == spec.low)):
                continue
            if spec.high is not None and (value > spec.high
                                          or (spec.high_open and value == spec.high)):
                continue
            tried.append({name: int(value) if types[name] == "int"
                          else float(f"{value:.6g}")})
    for kw in tried:
        if len(out) >= limit:
            break
        try:
            s = cls.from_params(**kw)
        except ValueError:
            continue
        if s not in out:
            out.append(s)
    return out


def _type_name(ftype: Any) -> str:
    return ftype if isinstance(ftype, str) else getattr(ftype, "__name__", str(ftype))


def bad_values(cls: type[Strategy]) -> list[tuple[str, Any, str]]:
    """(parameter, bad value, regex of the expected ``ValueError``) for every parameter."""
    out: list[tuple[str, Any, str]] = []
    types = {f.name: _type_name(f.type) for f in dataclasses.fields(cls)}
    for name, spec in cls.param_specs().items():
        prefix = re.escape(f"{cls.__name__}.{name}")
        if spec.choices is not None:
            out.append((name, "no_such_choice",
                        prefix + r"='no_such_choice' is not allowed: must be one of"))
            continue
        if spec.low is not None:
            bad = spec.low if spec.low_open else spec.low - 1
            op = ">" if spec.low_open else ">="
            out.append((name, bad, prefix + rf"=.* is not allowed: must be {op} {spec.low:g}"))
        if spec.high is not None:
            bad = spec.high if spec.high_open else spec.high + 1
            op = "<" if spec.high_open else "<="
            out.append((name, bad, prefix + rf"=.* is not allowed: must be .*{op} {spec.high:g}"))
        out.append((name, "abc", prefix + r" must be an? (number|integer), got 'abc'"))
        if types[name] == "int":
            out.append((name, 2.5, prefix + r" must be an integer, got 2.5"))
            out.append((name, float("nan"), prefix + r" must be an integer, got nan"))
        else:
            out.append((name, float("nan"), prefix + r"=nan is not allowed"))
    return out


def first_complete_row(data: pd.DataFrame, sets: Sequence[Strategy]) -> int:
    """First row where every column the sets need has a value (0 if none)."""
    cols = sorted({c for s in sets for c in s.columns_needed()})
    ok = data[cols].notna().all(axis=1).to_numpy()
    return int(np.argmax(ok)) if ok.any() else 0


# -- the checks -----------------------------------------------------------------------


def check_parameters(cls: type[Strategy]) -> CheckResult:
    """Defaults valid, bad values and unknown names refused, numbers normalised."""
    problems: list[str] = []
    try:
        s = cls()
    except Exception as exc:
        return CheckResult("parameters", False, f"the defaults are refused: {_exc(exc)}")
    if s.params() != cls.defaults():
        problems.append(f"params() {s.params()} differ from the defaults {cls.defaults()}")
    if cls.from_params(**cls.defaults()) != s:
        problems.append("from_params(**defaults) differs from the default instance")
    for name, spec in cls.param_specs().items():
        if not spec.doc:
            problems.append(f"parameter {name!r} has no description")
    cases = bad_values(cls)
    for name, value, pattern in cases:
        try:
            cls.from_params(**{name: value})
        except ValueError as exc:
            if not re.search(pattern, str(exc)):
                problems.append(f"{name}={value!r} refused with an unexpected message: {exc}")
        except Exception as exc:
            problems.append(f"{name}={value!r} raised {_exc(exc)} instead of a ValueError")
        else:
            problems.append(f"{name}={value!r} is accepted; it is outside the allowed values")
    if cls.param_specs():
        first = next(iter(cls.param_specs()))
        typo = first[:-1] + "_x"
        try:
            cls.from_params(**{typo: 1})
        except ValueError as exc:
            if f"Did you mean {first!r}" not in str(exc):
                problems.append(f"unknown parameter {typo!r} refused without a hint: {exc}")
        else:
            problems.append(f"unknown parameter {typo!r} is accepted")
    types = {f.name: _type_name(f.type) for f in dataclasses.fields(cls)}
    for name, value in cls.defaults().items():
        alts: list[Any] = []
        if types[name] == "int":
            alts = [float(value), np.int64(value)]
        elif types[name] == "float":
            alts = [np.float64(value)]
        for alt in alts:
            other = cls.from_params(**{name: alt})
            if other != s or type(getattr(other, name)) is not type(value):
                problems.append(f"{name}={alt!r} ({type(alt).__name__}) is not the same "
                                f"strategy as {name}={value!r}")
    if problems:
        return CheckResult("parameters", False, "; ".join(problems[:3]))
    return CheckResult("parameters", True, f"defaults valid; {len(cases)} bad values and an "
                                           "unknown name refused")


def check_columns(cls: type[Strategy], data: pd.DataFrame, sets: Sequence[Strategy]
                  ) -> CheckResult:
    """The signals read only the declared columns."""
    declared = sorted({c for s in sets for c in s.columns_needed()})
    full = cls.grid(data, sets)
    try:
        own = cls.grid(data[declared], sets)
    except (KeyError, MissingDataError) as exc:
        return CheckResult("columns", False, f"reads a column it does not declare in "
                                             f"required_columns / columns_needed(): {_exc(exc)}")
    for field in SIGNAL_FIELDS:
        if not getattr(own, field).equals(getattr(full, field)):
            return CheckResult("columns", False, f"{field} change when the frame holds only "
                                                 f"{', '.join(declared)}: it reads other columns")
    return CheckResult("columns", True, f"reads only {', '.join(declared)}")


def check_boolean_aligned(cls: type[Strategy], data: pd.DataFrame,
                          sets: Sequence[Strategy]) -> CheckResult:
    """Boolean, aligned signals; untraded sides empty; no same-day entry and exit."""
    for s in sets:
        sig = s.signals(data)
        if tuple(sig.sides) != tuple(cls.sides):
            return CheckResult("boolean_aligned", False, f"{_label(s)}: sides {sig.sides} "
                                                         f"differ from {cls.sides}")
        for side in ("long", "short"):
            for kind, series in (("entries", sig.entries(side)), ("exits", sig.exits(side))):
                if series.dtype != bool:
                    return CheckResult("boolean_aligned", False, f"{_label(s)}: {side} {kind} "
                                                                 f"have dtype {series.dtype}")
                if not series.index.equals(data.index):
                    return CheckResult("boolean_aligned", False,
                                       f"{_label(s)}: {side} {kind} are not indexed like the "
                                       "data")
                if side not in cls.sides and series.any():
                    return CheckResult("boolean_aligned", False,
                                       f"{_label(s)}: {side} {kind} on "
                                       f"{_day(series.index[series.to_numpy()][0])}, but the "
                                       f"strategy trades {cls.sides}")
            both = sig.entries(side) & sig.exits(side)
            if both.any():
                return CheckResult("boolean_aligned", False,
                                   f"{_label(s)}: {_day(both.index[both.to_numpy()][0])} is both "
                                   f"a {side} entry and a {side} exit")
    return CheckResult("boolean_aligned", True, "boolean, indexed like the data, one signal "
                                                "per side and day")


def check_deterministic(cls: type[Strategy], data: pd.DataFrame,
                        sets: Sequence[Strategy]) -> CheckResult:
    """Same signals twice, data unmodified, grid column = single run, order-free."""
    work = data.copy()
    grid = cls.grid(work, sets)
    if not work.equals(data) or not work.columns.equals(data.columns):
        return CheckResult("deterministic", False, "computing the signals modified the data "
                                                   "frame (work on a copy)")
    again = cls.grid(data.copy(), sets)
    for field in SIGNAL_FIELDS:
        if not getattr(grid, field).equals(getattr(again, field)):
            return CheckResult("deterministic", False, f"{field} differ between two runs on "
                                                       "the same data")
    for i, s in enumerate(sets):
        single = s.signals(data)
        col = grid.column(i)
        for field in SIGNAL_FIELDS:
            a, b = getattr(col, field), getattr(single, field)
            differ = a.to_numpy() != b.to_numpy()
            if differ.any():
                return CheckResult("deterministic", False,
                                   f"{_label(s)}: {field} of the grid column differ from the "
                                   f"single run on {_day(a.index[differ][0])}")
    rev = cls.grid(data, list(sets)[::-1])
    n = len(sets)
    for i in range(n):
        for field in SIGNAL_FIELDS:
            a = getattr(rev, field).iloc[:, n - 1 - i].to_numpy()
            b = getattr(grid, field).iloc[:, i].to_numpy()
            if not np.array_equal(a, b):
                return CheckResult("deterministic", False,
                                   f"{_label(sets[i])}: {field} depend on the order of the "
                                   "parameter sets in the grid")
    return CheckResult("deterministic", True, "same signals twice, data untouched, grid "
                                              "columns equal single runs in any order")


def check_warmup(cls: type[Strategy], data: pd.DataFrame, sets: Sequence[Strategy]
                 ) -> CheckResult:
    """No signal inside the warm-up; short frames give aligned, empty output."""
    start = first_complete_row(data, sets)
    frame = data.iloc[start:]
    grid = cls.grid(frame, sets)
    for i, s in enumerate(sets):
        wu = int(cls.warmup_for(_params(cls, [s]))[0])
        if wu < 0 or s.warmup != wu:
            return CheckResult("warmup", False, f"{_label(s)}: warm-up {s.warmup} "
                                                f"(warmup_for: {wu}) is not a count of rows")
        col = grid.column(i)
        for field in SIGNAL_FIELDS:
            head = getattr(col, field).iloc[:wu]
            if head.any():
                first = head.index[head.to_numpy()][0]
                return CheckResult("warmup", False,
                                   f"{_label(s)}: {field} on {_day(first)},"
                                   f" inside the warm-up of {wu} rows from {_day(frame.index[0])}"
                                   " (declare a longer warm-up with warmup_for)")
    for length in (1, 2, 5):
        part = frame.iloc[:length]
        g = cls.grid(part, sets)
        for i, s in enumerate(sets):
            col = g.column(i)
            if len(col.long_entries) != len(part):
                return CheckResult("warmup", False, f"{_label(s)}: {length}-row frame gives "
                                                    f"{len(col.long_entries)} rows")
            if s.warmup >= length and any(getattr(col, f).any() for f in SIGNAL_FIELDS):
                return CheckResult("warmup", False, f"{_label(s)}: a signal in a {length}-row "
                                                    "frame, shorter than the warm-up")
    wus = sorted({s.warmup for s in sets})
    return CheckResult("warmup", True, f"no signal in the warm-up ({', '.join(map(str, wus))} "
                                       "rows); 1-, 2- and 5-row frames handled")


def check_fires(cls: type[Strategy], data: pd.DataFrame) -> CheckResult:
    """The defaults enter on every side the strategy trades."""
    sig = cls().signals(data)
    counts = {side: int(sig.entries(side).sum()) for side in cls.sides}
    text = ", ".join(f"{n} {side} entries" for side, n in counts.items())
    if min(counts.values()) == 0:
        return CheckResult("fires", False, f"the defaults give {text} on this data")
    return CheckResult("fires", True, f"the defaults give {text}")


def cut_rows(data: pd.DataFrame, sets: Sequence[Strategy], full: GridSignals,
             n_spread: int = 30, n_signal: int = 20) -> np.ndarray:
    """Rows at which :func:`check_no_look_ahead` truncates the data.

    ``n_spread`` rows evenly over the span where every needed column has a
    value, the first rows after the warm-up, and for up to ``n_signal`` signal
    days (entries or exits, any set; evenly chosen) the day itself and the day
    before it.
    """
    t = len(data)
    start = first_complete_row(data, sets)
    warm = max(s.warmup for s in sets)
    rows = [np.linspace(start + 1, t - 2, n_spread).astype(int),
            start + warm + np.arange(3)]
    fired = np.zeros(t, dtype=bool)
    for field in SIGNAL_FIELDS:
        fired |= getattr(full, field).to_numpy().any(axis=1)
    days = np.flatnonzero(fired)
    if len(days):
        pick = days[np.unique(np.linspace(0, len(days) - 1, min(n_signal, len(days))).astype(int))]
        rows.extend([pick, pick - 1])
    cuts = np.unique(np.concatenate(rows))
    return cuts[(cuts > start) & (cuts < t - 1)]


def check_no_look_ahead(cls: type[Strategy], data: pd.DataFrame, sets: Sequence[Strategy],
                        cuts: np.ndarray | None = None, name: str = "no_look_ahead"
                        ) -> CheckResult:
    """Signals on data truncated at each cut equal the full-data signals up to the cut.

    The message of a failure names the earliest cut date at which a signal
    changed, the first date that changed, the signal and the parameter set.
    """
    full = cls.grid(data, sets)
    rows = cut_rows(data, sets, full) if cuts is None else np.asarray(cuts)
    for t in rows:
        part = cls.grid(data.iloc[:t + 1], sets)
        for field in SIGNAL_FIELDS:
            got = getattr(part, field).to_numpy()
            want = getattr(full, field).to_numpy()[:t + 1]
            diff = got != want
            if diff.any():
                r, c = np.argwhere(diff)[0]
                return CheckResult(
                    name, False,
                    f"look-ahead: {field} of {_label(sets[c])} on {_day(data.index[r])} change "
                    f"when the data end on {_day(data.index[t])} ({bool(want[r, c])} with the "
                    f"full data, {bool(got[r, c])} without the later days): the signal of "
                    f"{_day(data.index[r])} uses data after that day's close")
    return CheckResult(name, True, f"signals unchanged when the data end at any of {len(rows)} "
                                   f"dates ({_day(data.index[rows[0]])} .. "
                                   f"{_day(data.index[rows[-1]])})")


def leaky(cls: type[Strategy]) -> type[Strategy]:
    """``cls`` with a planted leak: each day carries the next day's signals."""
    def generate(leak: type[Strategy], data: pd.DataFrame, p: ParamArrays) -> RawSignals:
        raw = cls.generate(data, p)

        def ahead(a: Any) -> Any:
            if a is None:
                return None
            arr = np.asarray(a, dtype=bool)
            out = np.zeros_like(arr)
            out[:-1] = arr[1:]
            return out

        return RawSignals(*(ahead(getattr(raw, f)) for f in SIGNAL_FIELDS))

    return type(f"{cls.__name__}WithPlantedLeak", (cls,),
                {"generate": classmethod(generate), "__module__": cls.__module__})


def check_self_test(cls: type[Strategy], data: pd.DataFrame, sets: Sequence[Strategy]
                    ) -> CheckResult:
    """The look-ahead check fails on the strategy with a planted one-day leak."""
    leak = leaky(cls)
    leak_sets = [leak(**s.params()) for s in sets]
    full = cls.grid(data, sets)
    res = check_no_look_ahead(leak, data, leak_sets, cut_rows(data, sets, full))
    if res.passed:
        return CheckResult("self_test", False, "a planted one-day leak went unnoticed: the "
                                               "look-ahead check has no power on this data")
    when = re.search(r"on (\d{4}-\d\d-\d\d) change", res.message)
    return CheckResult("self_test", True, "a planted one-day leak is caught"
                                          + (f" (first on {when.group(1)})" if when else ""))


CHECKS: tuple[str, ...] = ("parameters", "columns", "boolean_aligned", "deterministic",
                           "warmup", "fires", "no_look_ahead", "self_test")
"""Every check, in the order :func:`check_strategy` runs them."""


def check_strategy(cls: type[Strategy], data: pd.DataFrame,
                   sets: Sequence[Strategy] | Sequence[Mapping[str, Any]] | None = None,
                   *, only: Sequence[str] | None = None,
                   progress: Callable[[str], None] | None = None) -> CheckReport:
    """Run the contract checks on a strategy class.

    Parameters
    ----------
    cls : type[Strategy]
        The strategy.
    data : pandas.DataFrame
        Market frame with (at least) the columns the sets need.
    sets : sequence of Strategy or of dict, or None
        Parameter sets (instances, or parameter overrides of the defaults);
        default :func:`example_sets`.
    only : sequence of str or None
        Run only these checks (names from :data:`CHECKS`).
    progress : callable or None
        Called with each check's name before it runs.

    Returns
    -------
    CheckReport

    Raises
    ------
    MissingDataError
        If ``data`` lacks a column the sets need.
    ValueError
        If a set's parameters are refused or a check name is unknown.
    """
    names = tuple(only) if only is not None else CHECKS
    unknown = [n for n in names if n not in CHECKS]
    if unknown:
        raise ValueError(f"unknown check(s) {', '.join(unknown)}; checks: {', '.join(CHECKS)}")
    notes: list[str] = []
    if sets is None:
        chosen = example_sets(cls)
        usable = [s for s in chosen if not _absent(data, s.columns_needed())]
        if usable and usable[0] == chosen[0] and len(usable) < len(chosen):
            gone = sorted({c for s in chosen for c in _absent(data, s.columns_needed())})
            notes.append(f"{len(chosen) - len(usable)} example set(s) left out: they need "
                         f"{', '.join(gone)}, which the data does not have")
            chosen = usable
    else:
        chosen = [s if isinstance(s, Strategy) else cls.from_params(**dict(s)) for s in sets]
    if not chosen:
        raise ValueError("check_strategy needs at least one parameter set")
    missing = _absent(data, sorted({c for s in chosen for c in s.columns_needed()}))
    if missing:
        raise MissingDataError(f"strategy {cls.name!r} needs column(s) {', '.join(missing)}, "
                               "which the data does not have; load a data directory that "
                               "holds them (see `vixbt data info`)", missing)
    # each check gets its own copy: a strategy that modifies its input cannot hide it
    runs: dict[str, Callable[[], CheckResult]] = {
        "parameters": lambda: check_parameters(cls),
        "columns": lambda: check_columns(cls, data.copy(), chosen),
        "boolean_aligned": lambda: check_boolean_aligned(cls, data.copy(), chosen),
        "deterministic": lambda: check_deterministic(cls, data.copy(), chosen),
        "warmup": lambda: check_warmup(cls, data.copy(), chosen),
        "fires": lambda: check_fires(cls, data.copy()),
        "no_look_ahead": lambda: check_no_look_ahead(cls, data.copy(), chosen),
        "self_test": lambda: check_self_test(cls, data.copy(), chosen),
    }
    results = []
    for name in names:
        if progress is not None:
            progress(name)
        t0 = time.perf_counter()
        try:
            res = runs[name]()
        except MissingDataError:
            raise
        except Exception as exc:
            res = CheckResult(name, False, f"raised {_exc(exc)}")
        results.append(dataclasses.replace(res, seconds=time.perf_counter() - t0))
    return CheckReport(strategy=cls.name, sets=tuple(s.params() for s in chosen),
                       start=pd.Timestamp(data.index[0]), end=pd.Timestamp(data.index[-1]),
                       results=tuple(results), notes=tuple(notes))


# -- helpers --------------------------------------------------------------------------


def _params(cls: type[Strategy], sets: Sequence[Strategy]) -> ParamArrays:
    return ParamArrays({k: np.asarray([getattr(s, k) for s in sets]) for k in cls.param_specs()})


def _absent(data: pd.DataFrame, columns: Sequence[str]) -> tuple[str, ...]:
    return tuple(c for c in columns if c not in data.columns or not data[c].notna().any())


def _label(s: Strategy) -> str:
    p = s.params()
    return "(" + ", ".join(f"{k}={_fmt(v)}" for k, v in p.items()) + ")" if p else "(defaults)"


def _fmt(v: Any) -> str:
    return f"{v:g}" if isinstance(v, float) and math.isfinite(v) else repr(v)


def _day(ts: Any) -> str:
    return f"{pd.Timestamp(ts):%Y-%m-%d}"


def _exc(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
