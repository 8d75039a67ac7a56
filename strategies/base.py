"""The Strategy base class: a frozen dataclass of typed, validated parameters.

A strategy encodes one VIX signal.  Subclasses are frozen dataclasses whose
fields are the parameters (declared with :func:`param`, which records the
allowed range) and whose class variables carry the metadata.  They implement a
single classmethod, :meth:`Strategy.generate`, that computes the signals for
*many* parameter sets at once: every parameter arrives as a 1-D array with one
entry per parameter set, and the method returns ``(T, n)`` boolean arrays.  A
single run is a grid of one, so single runs and sweeps share one code path.

The per-set path
----------------
A strategy may instead implement plain methods over *one* parameter set,
written with ordinary pandas: ``entries(self, data) -> pd.Series`` (the long
side's entries) and optionally ``exits``, ``short_entries`` and
``short_exits``, each returning a boolean Series indexed like ``data``.  The
base class's :meth:`Strategy.generate` then loops over the parameter sets,
building one instance per set.  This is the slow path (one pandas computation
per set; see ``benchmarks/bench_per_set.py``); runs, sweeps, studies and
reports use it unchanged.  The built-in strategies keep their vectorised
``generate``.

Signals are computed only from what is known at each day's close; a strategy
never shifts its own output -- the execution layer applies the fill lag.
"""

from __future__ import annotations

import dataclasses
import difflib
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, Self

import numpy as np
import numpy.typing as npt
import pandas as pd

from backtest.errors import MissingDataError

__all__ = [
    "DEFAULT_PRIMARY_HORIZON",
    "PER_SET_METHODS",
    "GridSignals",
    "ParamArrays",
    "ParamSpec",
    "RawSignals",
    "Reversal",
    "Side",
    "Signals",
    "Strategy",
    "param",
]

Side = Literal["long", "short"]
"""``"long"``: the signal expects SPX to rise (a fear extreme).
``"short"``: the signal expects SPX to fall (a complacency extreme)."""

#: Primary horizon of a side whose strategy declares none: 21 trading days (a month).
DEFAULT_PRIMARY_HORIZON = 21

Reversal = Literal["fear", "complacency"]
"""Which extreme a side responds to: fear -> long, complacency -> short."""

BoolArray = npt.NDArray[np.bool_]

#: Per-set methods and the :class:`RawSignals` field each fills.
PER_SET_METHODS: dict[str, str] = {
    "entries": "long_entries",
    "exits": "long_exits",
    "short_entries": "short_entries",
    "short_exits": "short_exits",
}


@dataclass(frozen=True)
class ParamSpec:
    """Allowed values of one strategy parameter.

    Parameters
    ----------
    doc : str
        One-line description (shown by ``vixbt list``).
    low, high : float or None, default None
        Inclusive bounds (``None``: unbounded).
    low_open, high_open : bool, default False
        Make the corresponding bound exclusive.
    choices : tuple or None, default None
        Allowed values for a categorical parameter.
    """

    doc: str
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    choices: tuple[Any, ...] | None = None

    def describe(self) -> str:
        """Human-readable allowed range, e.g. ``"> 0 and <= 1"``."""
        if self.choices is not None:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        parts = []
        if self.low is not None:
            parts.append(f"{'>' if self.low_open else '>='} {self.low:g}")
        if self.high is not None:
            parts.append(f"{'<' if self.high_open else '<='} {self.high:g}")
        return " and ".join(parts) if parts else "any value"

    def accepts(self, value: Any) -> bool:
        """Whether ``value`` lies in the allowed range."""
        if self.choices is not None:
            return value in self.choices
        v = float(value)
        if not np.isfinite(v):
            return False
        if self.low is not None and (v <= self.low if self.low_open else v < self.low):
            return False
        return not (self.high is not None and (v >= self.high if self.high_open else v > self.high))


def param(default: Any, doc: str, *, low: float | None = None, high: float | None = None,
          low_open: bool = False, high_open: bool = False,
          choices: Sequence[Any] | None = None) -> Any:
    """Declare a strategy parameter: a dataclass field with its allowed range.

    Parameters
    ----------
    default : Any
        Default value (the one SIGNALS.md gives).
    doc : str
        One-line description.
    low, high, low_open, high_open, choices
        See :class:`ParamSpec`.
    """
    spec = ParamSpec(doc=doc, low=low, high=high, low_open=low_open, high_open=high_open,
                     choices=tuple(choices) if choices is not None else None)
    return dataclasses.field(default=default, metadata={"spec": spec})


class ParamArrays:
    """Parameters of ``n`` parameter sets, one 1-D array per field.

    ``p.window`` is an array of shape ``(n,)``; ``p.col("window")`` the same with
    shape ``(1, n)``, ready to broadcast against ``(T, 1)`` series.
    """

    def __init__(self, values: Mapping[str, np.ndarray]) -> None:
        lengths = {len(v) for v in values.values()}
        if len(lengths) > 1:
            raise ValueError(f"parameter arrays differ in length: {lengths}")
        self._values = {k: np.asarray(v) for k, v in values.items()}
        self.n = lengths.pop() if lengths else 1

    def __getattr__(self, name: str) -> np.ndarray:
        try:
            return self.__dict__["_values"][name]  # type: ignore[no-any-return]
        except KeyError:
            raise AttributeError(name) from None

    def col(self, name: str) -> np.ndarray:
        """Parameter ``name`` as a ``(1, n)`` row for broadcasting."""
        return self._values[name].reshape(1, -1)

    def names(self) -> tuple[str, ...]:
        """Parameter names."""
        return tuple(self._values)

    def take(self, idx: npt.ArrayLike) -> ParamArrays:
        """The parameter sets at positions ``idx`` (a subset of the grid's columns)."""
        i = np.asarray(idx, dtype=np.intp)
        taken = ParamArrays({k: v[i] for k, v in self._values.items()})
        taken.n = len(i)
        return taken


@dataclass(frozen=True)
class RawSignals:
    """Boolean ``(T, n)`` signal arrays as produced by :meth:`Strategy.generate`.

    A side the strategy does not have is ``None``.
    """

    long_entries: BoolArray | None = None
    long_exits: BoolArray | None = None
    short_entries: BoolArray | None = None
    short_exits: BoolArray | None = None


@dataclass(frozen=True)
class Signals:
    """Signals of one parameter set, indexed like the market data.

    Attributes
    ----------
    long_entries, long_exits : pandas.Series of bool
        Fear-extreme side: enter expecting SPX to rise / leave that position.
    short_entries, short_exits : pandas.Series of bool
        Complacency side: enter expecting SPX to fall / leave.
    sides : tuple of {"long", "short"}
        Sides the strategy actually has; the others are all ``False``.
    """

    long_entries: pd.Series
    long_exits: pd.Series
    short_entries: pd.Series
    short_exits: pd.Series
    sides: tuple[Side, ...]

    def entries(self, side: Side) -> pd.Series:
        """Entries of one side."""
        return self.long_entries if side == "long" else self.short_entries

    def exits(self, side: Side) -> pd.Series:
        """Exits of one side."""
        return self.long_exits if side == "long" else self.short_exits


@dataclass(frozen=True)
class GridSignals:
    """Signals of many parameter sets: one column per set.

    Columns are a ``MultiIndex`` whose level names are the strategy's parameter
    names, in field order; otherwise as :class:`Signals`.
    """

    long_entries: pd.DataFrame
    long_exits: pd.DataFrame
    short_entries: pd.DataFrame
    short_exits: pd.DataFrame
    sides: tuple[Side, ...]

    def entries(self, side: Side) -> pd.DataFrame:
        """Entries of one side."""
        return self.long_entries if side == "long" else self.short_entries

    def exits(self, side: Side) -> pd.DataFrame:
        """Exits of one side."""
        return self.long_exits if side == "long" else self.short_exits

    def column(self, i: int) -> Signals:
        """Signals of the ``i``-th parameter set."""
        return Signals(
            long_entries=self.long_entries.iloc[:, i].rename(None),
            long_exits=self.long_exits.iloc[:, i].rename(None),
            short_entries=self.short_entries.iloc[:, i].rename(None),
            short_exits=self.short_exits.iloc[:, i].rename(None),
            sides=self.sides,
        )


@dataclass(frozen=True)
class Strategy:
    """Base class of every VIX signal.

    Subclasses are ``@dataclass(frozen=True)`` with parameters declared by
    :func:`param`, set the class variables below and implement either
    :meth:`generate` (vectorised over parameter sets) or the per-set methods
    ``entries``/``exits``/``short_entries``/``short_exits`` (the slow path, see
    the module docstring), and :meth:`warmup_for` when the warm-up is not
    simply the largest window-like parameter.

    Class variables
    ---------------
    name : str
        Registry name, snake_case (``"bollinger_break"``).
    title : str
        Display name.
    idea : str
        One-line statement of the idea (shown by ``vixbt list``).
    required_columns : tuple of str
        Market-table columns the signal reads with default parameters.
    sides : tuple of {"long", "short"}
        Sides the strategy trades; ``"long"`` answers a fear extreme and expects
        SPX to rise, ``"short"`` answers complacency and expects SPX to fall.
    holding_period : int or None
        Natural holding period (trading days) of the idea, used when a
        parameter set has no exit rule (see :attr:`default_holding_period`);
        ``None``: the idea always has one.
    primary_horizon : mapping of side to int
        The one pre-specified forward horizon (trading days) of each side whose
        test is the side's primary hypothesis (the headline family of the
        evidence); a side not listed uses :data:`DEFAULT_PRIMARY_HORIZON`.
        Read it through :meth:`primary_horizons`.
    published : int or None
        Year the idea was published in the commentary behind the project
        (SIGNALS.md); results before and after it are compared as McLean and
        Pontiff did (:mod:`backtest.information.publication`).  ``None``: unknown.
    signals_on_complete_rows : bool
        ``True`` declares that each parameter set's signals are computed on
        the rows where the columns it reads (:meth:`columns_needed`) all have
        a value, and only on them (as :func:`~strategies.indicators.complete_rows`
        and :func:`~strategies.gridtools.by_group` do: windows and recursive
        filters alike count complete rows), ``False`` on the others.  Rows
        before a set's first complete row then change none of its signals,
        and a sweep leaves them out of its signal computation (on the full
        data: the SPX-only rows from 1927 to 1990).  Default ``False``: every
        row of the data is passed.  A subclass
        inherits the declaration; one that overrides ``generate`` restates it.
    """

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    idea: ClassVar[str] = ""
    required_columns: ClassVar[tuple[str, ...]] = ("vix_close",)
    sides: ClassVar[tuple[Side, ...]] = ("long",)
    holding_period: ClassVar[int | None] = None
    primary_horizon: ClassVar[Mapping[str, int]] = {}
    published: ClassVar[int | None] = None
    signals_on_complete_rows: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.is_per_set():
            return
        have = set(cls.per_set_methods())
        for side, method in (("long", "entries"), ("short", "short_entries")):
            if side in cls.sides and method not in have:
                raise TypeError(f"{cls.__name__} trades the {side} side (sides={cls.sides!r}) "
                                f"but defines no {method}(self, data) method")
        for method in have:
            side = "short" if method.startswith("short") else "long"
            if side not in cls.sides:
                raise TypeError(f"{cls.__name__} defines {method}() but sides={cls.sides!r} "
                                f"has no {side!r}: add it to sides or remove the method")

    # -- parameters ---------------------------------------------------------------

    def __post_init__(self) -> None:
        cls = type(self)
        for f in dataclasses.fields(self):
            spec = f.metadata.get("spec")
            if spec is None:
                continue
            value = getattr(self, f.name)
            _check_value(cls.__name__, f.name, value, f.type, spec)
            normal = _normalise(value, f.type, spec)
            if normal is not value:
                object.__setattr__(self, f.name, normal)
        self.validate()

    def validate(self) -> None:
        """Cross-field checks (override); raise ``ValueError`` naming the fields."""

    @classmethod
    def primary_horizons(cls) -> dict[Side, int]:
        """Side -> its pre-specified primary horizon in trading days.

        Every side of :attr:`sides`, from :attr:`primary_horizon` or else
        :data:`DEFAULT_PRIMARY_HORIZON` (21 trading days, about a month).
        """
        out: dict[Side, int] = {}
        for side in cls.sides:
            h = int(cls.primary_horizon.get(side, DEFAULT_PRIMARY_HORIZON))
            if h < 1:
                raise ValueError(f"{cls.__name__}.primary_horizon[{side!r}] must be >= 1, "
                                 f"got {h}")
            out[side] = h
        return out

    @classmethod
    def param_specs(cls) -> dict[str, ParamSpec]:
        """Parameter name -> allowed values, in field order."""
        return {f.name: f.metadata["spec"] for f in dataclasses.fields(cls)
                if "spec" in f.metadata}

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        """Parameter name -> default value."""
        return {f.name: f.default for f in dataclasses.fields(cls)
                if "spec" in f.metadata}

    @classmethod
    def from_params(cls, **params: Any) -> Self:
        """Build from keyword parameters, rejecting unknown names with a hint."""
        known = cls.param_specs()
        for key in params:
            if key not in known:
                hint = difflib.get_close_matches(key, list(known), n=1)
                extra = f" Did you mean {hint[0]!r}?" if hint else ""
                raise ValueError(
                    f"{cls.__name__} has no parameter {key!r}.{extra} "
                    f"Parameters: {', '.join(known)}"
                )
        return cls(**params)

    def params(self) -> dict[str, Any]:
        """This instance's parameter values."""
        return {k: getattr(self, k) for k in self.param_specs()}

    # -- metadata -----------------------------------------------------------------

    @property
    def warmup(self) -> int:
        """Bars of history needed before the first valid signal."""
        return int(self.warmup_for(ParamArrays({k: np.asarray([v])
                                                for k, v in self.params().items()})).max())

    @classmethod
    def warmup_for(cls, p: ParamArrays) -> np.ndarray:
        """Warm-up (bars) of each parameter set; default: the largest ``*window*``
        or ``*lookback*`` parameter."""
        w = np.zeros(p.n, dtype=np.int64)
        for k in p.names():
            if "window" in k or "lookback" in k:
                w = np.maximum(w, np.asarray(getattr(p, k), dtype=np.int64))
        return w

    @property
    def has_exit_rule(self) -> bool:
        """Whether this parameter set emits exit signals (override: ``False`` for
        ideas without an exit, or a parameter such as ``exit_style="none"``).

        A per-set strategy has one when it defines ``exits`` or ``short_exits``.
        """
        cls = type(self)
        if cls.is_per_set():
            return any(m in ("exits", "short_exits") for m in cls.per_set_methods())
        return True

    @property
    def default_holding_period(self) -> int | None:
        """Holding period the execution applies when ``Execution.holding_period``
        is ``None``: the class's :attr:`holding_period` for a parameter set
        without an exit rule, else ``None`` (positions close on exit signals)."""
        return None if self.has_exit_rule else type(self).holding_period

    def columns_needed(self) -> tuple[str, ...]:
        """Columns this parameter set reads (override when a parameter picks the
        source, e.g. the term-structure pair)."""
        return self.required_columns

    # -- signals ------------------------------------------------------------------

    @classmethod
    def generate(cls, data: pd.DataFrame, p: ParamArrays) -> RawSignals:
        """Compute ``(T, n)`` signals for ``n`` parameter sets at once.

        Parameters
        ----------
        data : pandas.DataFrame
            Market table frame; the value at row ``t`` is known at day ``t``'s
            close.  Row ``t`` of the output may depend only on rows ``<= t``.
        p : ParamArrays
            One array entry per parameter set.

        Returns
        -------
        RawSignals

        Notes
        -----
        The base implementation is the per-set path: it builds one instance
        per parameter set and calls its per-set methods (see the module
        docstring), one pandas computation per set.
        """
        if not cls.is_per_set():
            raise NotImplementedError(
                f"{cls.__name__} implements neither generate(cls, data, p) nor the per-set "
                "method entries(self, data) (or short_entries)")
        names = p.names()
        out: dict[str, BoolArray] = {}
        for i in range(p.n):
            inst = cls(**{k: getattr(p, k)[i] for k in names})
            for field, series in inst.per_set_signals(data).items():
                if field not in out:
                    out[field] = np.zeros((len(data), p.n), dtype=bool)
                out[field][:, i] = _per_set_column(cls, field, series, data)
        return RawSignals(**out)

    @classmethod
    def is_per_set(cls) -> bool:
        """Whether signals come from the per-set methods (``generate`` not overridden)."""
        return (getattr(cls.generate, "__func__", None) is _BASE_GENERATE
                and bool(cls.per_set_methods()))

    @classmethod
    def per_set_methods(cls) -> tuple[str, ...]:
        """The per-set methods (``entries``, ``exits``, ...) this class defines."""
        return tuple(m for m in PER_SET_METHODS if callable(getattr(cls, m, None)))

    def per_set_signals(self, data: pd.DataFrame) -> dict[str, Any]:
        """This parameter set's signals from its per-set methods.

        Returns
        -------
        dict
            :class:`RawSignals` field name (``"long_entries"`` ...) -> the
            method's output, for every per-set method the class defines.
        """
        return {field: getattr(self, m)(data) for m, field in PER_SET_METHODS.items()
                if m in type(self).per_set_methods()}

    def signals(self, data: pd.DataFrame) -> Signals:
        """Signals of this parameter set on ``data``.

        Raises
        ------
        MissingDataError
            If ``data`` lacks a column the strategy needs.
        """
        return self.grid(data, [self]).column(0)

    @classmethod
    def grid(cls, data: pd.DataFrame, strategies: Sequence[Strategy]) -> GridSignals:
        """Signals of several instances of this class as columns of one computation."""
        if not strategies:
            raise ValueError("grid needs at least one parameter set")
        needed: list[str] = []
        for s in strategies:
            if type(s) is not cls:
                raise TypeError(f"{cls.__name__}.grid got a {type(s).__name__}")
            needed.extend(c for c in s.columns_needed() if c not in needed)
        _require(cls, data, needed)
        names = list(cls.param_specs())
        values = {k: np.asarray([getattr(s, k) for s in strategies]) for k in names}
        raw = cls.generate(data, ParamArrays(values))
        if names:
            columns = pd.MultiIndex.from_arrays([values[k] for k in names], names=names)
        else:
            columns = pd.MultiIndex.from_arrays([np.arange(len(strategies))], names=["set"])
        n = len(strategies)

        def frame(a: BoolArray | None) -> pd.DataFrame:
            arr = np.zeros((len(data), n), dtype=bool) if a is None else np.asarray(a, bool)
            if arr.shape != (len(data), n):
                raise ValueError(f"{cls.__name__}.generate returned shape {arr.shape}, "
                                 f"expected {(len(data), n)}")
            return pd.DataFrame(arr, index=data.index, columns=columns, copy=False)

        return GridSignals(frame(raw.long_entries), frame(raw.long_exits),
                           frame(raw.short_entries), frame(raw.short_exits), cls.sides)

    @classmethod
    def product(cls, **grid: Sequence[Any]) -> list[Self]:
        """Every combination of the given parameter values (others at default)."""
        keys = list(grid)
        return [cls.from_params(**dict(zip(keys, combo, strict=True)))
                for combo in itertools.product(*(list(grid[k]) for k in keys))]


_BASE_GENERATE = Strategy.__dict__["generate"].__func__


def _per_set_column(cls: type[Strategy], field: str, series: Any, data: pd.DataFrame
                    ) -> BoolArray:
    """One per-set output checked and as a boolean array: a bool Series indexed like ``data``."""
    method = next(m for m, f in PER_SET_METHODS.items() if f == field)
    where = f"{cls.__name__}.{method}"
    if not isinstance(series, pd.Series):
        raise TypeError(f"{where} returned {type(series).__name__}; it must return a boolean "
                        "pandas Series indexed like the data")
    if series.dtype != bool:
        raise TypeError(f"{where} returned a Series of dtype {series.dtype}; it must be bool "
                        "(a comparison such as `x > y`; after shift(), add .fillna(False)"
                        ".astype(bool))")
    if not series.index.equals(data.index):
        raise ValueError(f"{where} returned a Series whose index differs from the data's "
                         f"({len(series)} rows against {len(data)}); keep the data's index "
                         "(no dropna(), no resampling)")
    return series.to_numpy(dtype=bool)


def _require(cls: type[Strategy], data: pd.DataFrame, needed: Sequence[str]) -> None:
    missing = tuple(c for c in needed if c not in data.columns or not data[c].notna().any())
    if missing:
        raise MissingDataError(
            f"strategy {cls.name!r} needs column(s) {', '.join(missing)}, which the data "
            "does not have; load a data directory that holds them (see `vixbt data info`)",
            missing,
        )


def _normalise(value: Any, ftype: Any, spec: ParamSpec) -> Any:
    """Plain Python scalars: ``10.0`` or ``np.int64(10)`` for an int field become ``10``."""
    if spec.choices is not None:
        return value.item() if isinstance(value, np.generic) else value
    tname = ftype if isinstance(ftype, str) else getattr(ftype, "__name__", str(ftype))
    if "int" in tname and "float" not in tname:
        return value if type(value) is int else int(value)
    if "float" in tname:
        return value if type(value) is float else float(value)
    return value


def _check_value(owner: str, name: str, value: Any, ftype: Any, spec: ParamSpec) -> None:
    tname = ftype if isinstance(ftype, str) else getattr(ftype, "__name__", str(ftype))
    if spec.choices is None:
        if isinstance(value, bool) and "bool" not in tname:
            raise ValueError(f"{owner}.{name} must be a number, got {value!r}")
        if "int" in tname and "float" not in tname:
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            if not isinstance(value, int | np.integer):
                raise ValueError(f"{owner}.{name} must be an integer, got {value!r}")
        elif not isinstance(value, int | float | np.integer | np.floating):
            raise ValueError(f"{owner}.{name} must be a number, got {value!r}")
    if not spec.accepts(value):
        raise ValueError(f"{owner}.{name}={value!r} is not allowed: must be {spec.describe()}")
