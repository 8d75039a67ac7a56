"""A strategy from one typed function: the smallest way to add a signal.

::

    import pandas as pd
    from strategies import strategy

    @strategy(name="vix_jump_trend", idea="VIX up 20 % in two days while SPX is above "
              "its 200-day average: expect SPX up", required_columns=("vix_close", "spx_close"))
    def vix_jump_trend(data: pd.DataFrame, rise: float = 0.20, days: int = 2,
                       trend_window: int = 200) -> pd.Series:
        vix, spx = data["vix_close"], data["spx_close"]
        return (vix / vix.shift(days) - 1 >= rise) & (spx > spx.rolling(trend_window).mean())

The function's keyword parameters, with their annotations and defaults, become
the strategy's parameters; it returns the entries of the strategy's one side as
a boolean Series indexed like ``data`` -- or, with ``exits=True`` or two
sides, a mapping of :class:`~strategies.base.RawSignals` field names
(``"long_entries"``, ``"long_exits"``, ``"short_entries"``, ``"short_exits"``)
to such Series.  The decorator builds a frozen-dataclass
:class:`~strategies.base.Strategy` on the per-set path (one call of the
function per parameter set) and registers it, so ``vixbt`` commands and the
library accept its name.  Like every strategy, the function may use only what
is known at each day's close; ``vixbt check`` tests that it does.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import typing
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from strategies.base import PER_SET_METHODS, ParamArrays, Side, Strategy, param
from strategies.registry import register

__all__ = ["strategy"]

SignalFunction = Callable[..., Any]
Range = tuple[float | None, float | None] | Sequence[Any]


def strategy(*, name: str, idea: str, sides: Sequence[Side] = ("long",),
             required_columns: Sequence[str] = ("vix_close",), title: str | None = None,
             ranges: Mapping[str, Range] | None = None, exits: bool = False,
             holding_period: int | None = 21,
             warmup: Callable[..., int] | None = None,
             registered: bool = True) -> Callable[[SignalFunction], type[Strategy]]:
    """Turn a function ``f(data, **params)`` into a registered strategy class.

    Parameters
    ----------
    name : str
        Registry name, snake_case; not a built-in's.
    idea : str
        One-line statement of the idea (``vixbt list``).
    sides : sequence of {"long", "short"}, default ("long",)
        Sides the function's signals trade.
    required_columns : sequence of str, default ("vix_close",)
        Market-table columns the function reads.
    title : str or None, default None
        Display name (default: from ``name``).
    ranges : mapping or None, default None
        Allowed values per parameter: ``(low, high)`` (inclusive, ``None``
        for unbounded) or a list of choices.  Unlisted numeric parameters
        take any finite value; a text or bool parameter needs its choices.
    exits : bool, default False
        Whether the function returns exits (then a mapping, see the module
        docstring); without them positions close after ``holding_period``.
    holding_period : int or None, default 21
        Trading days a position is held when there is no exit rule.
    warmup : callable or None, default None
        ``warmup(**params) -> int``: rows before the first valid signal
        (default: the largest parameter whose name holds ``window`` or
        ``lookback``).
    registered : bool, default True
        Register the class (``False``: only return it).

    Returns
    -------
    callable
        The decorator; it returns the strategy class, whose docstring is the
        function's.

    Raises
    ------
    TypeError
        If a parameter lacks a default or a type the decorator knows (int,
        float, str, bool), or a range does not fit its parameter.
    ValueError
        If a default lies outside its range, or the name is taken.
    """
    def build(fn: SignalFunction) -> type[Strategy]:
        return _build(fn, name=name, idea=idea, sides=tuple(sides),
                      required_columns=tuple(required_columns), title=title,
                      ranges=dict(ranges or {}), exits=exits, holding_period=holding_period,
                      warmup=warmup, registered=registered)

    return build


def _build(fn: SignalFunction, *, name: str, idea: str, sides: tuple[Side, ...],
           required_columns: tuple[str, ...], title: str | None,
           ranges: dict[str, Range], exits: bool, holding_period: int | None,
           warmup: Callable[..., int] | None, registered: bool) -> type[Strategy]:
    where = f"@strategy {fn.__qualname__}"
    if not sides or not set(sides) <= {"long", "short"} or len(set(sides)) != len(sides):
        raise ValueError(f"{where}: sides must be ('long',), ('short',) or ('long', 'short'), "
                         f"got {sides!r}")
    sig = inspect.signature(fn)
    params = list(sig.parameters.values())
    if not params or params[0].kind not in (params[0].POSITIONAL_ONLY,
                                             params[0].POSITIONAL_OR_KEYWORD):
        raise TypeError(f"{where}: the first parameter must be the data frame")
    try:
        hints = typing.get_type_hints(fn)
    except Exception:  # unresolved annotations: fall back to the defaults' types
        hints = {}
    docs = _param_docs(fn.__doc__ or "")
    unknown = set(ranges) - {p.name for p in params[1:]}
    if unknown:
        raise TypeError(f"{where}: ranges names unknown parameter(s) {', '.join(sorted(unknown))}")
    fields: list[tuple[str, Any, Any]] = []
    for p in params[1:]:
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            raise TypeError(f"{where}: *{p.name} is not allowed; name every parameter")
        if p.default is p.empty:
            raise TypeError(f"{where}: parameter {p.name!r} needs a default value")
        kind = _kind(hints.get(p.name), p.default)
        if kind is None:
            raise TypeError(f"{where}: parameter {p.name!r} must be an int, float, str or bool "
                            f"(annotated, or with such a default), got {p.default!r}")
        fields.append((p.name, kind, _param(where, p.name, kind, p.default,
                                            ranges.get(p.name), docs.get(p.name))))
    if not exits and holding_period is None:
        raise ValueError(f"{where}: without exits a holding_period is needed to close positions")
    field_names = [f[0] for f in fields]

    def per_set_signals(self: Strategy, data: pd.DataFrame) -> dict[str, Any]:
        return _split(where, fn(data, **self.params()), sides, exits)

    def warmup_for(cls: type[Strategy], p: ParamArrays) -> np.ndarray:
        if warmup is None:
            return Strategy.warmup_for.__func__(cls, p)  # type: ignore[attr-defined,no-any-return]
        return np.asarray([int(warmup(**{k: _plain(getattr(p, k)[i]) for k in field_names}))
                           for i in range(p.n)], dtype=np.int64)

    namespace: dict[str, Any] = {
        "__doc__": fn.__doc__ or idea,
        "__module__": fn.__module__,
        "__qualname__": fn.__qualname__,
        "name": name,
        "title": title or name.replace("_", " ").capitalize(),
        "idea": idea,
        "required_columns": required_columns,
        "sides": sides,
        "holding_period": None if exits else holding_period,
        "per_set_signals": per_set_signals,
        "warmup_for": classmethod(warmup_for),
        "function": staticmethod(fn),
    }
    for method, field in PER_SET_METHODS.items():
        if field in _fields(sides, exits):
            namespace[method] = _method(field)
    cls = dataclasses.make_dataclass(_class_name(name), fields, bases=(Strategy,), frozen=True,
                                     namespace=namespace)
    cls.__module__ = fn.__module__
    cls.__qualname__ = fn.__qualname__
    cls.__name__ = fn.__name__
    try:
        cls()
    except ValueError as exc:
        raise ValueError(f"{where}: the defaults are refused: {exc}") from None
    if registered:
        code = fn.__code__
        register(cls, origin=f"function {fn.__qualname__} ({Path(code.co_filename).name}, "
                              f"line {code.co_firstlineno})")
    return cls


def _plain(v: Any) -> Any:
    return v.item() if isinstance(v, np.generic) else v


def _method(field: str) -> Callable[[Strategy, pd.DataFrame], pd.Series]:
    def method(self: Strategy, data: pd.DataFrame) -> pd.Series:
        out: pd.Series = self.per_set_signals(data)[field]
        return out

    method.__name__ = next(m for m, f in PER_SET_METHODS.items() if f == field)
    return method


def _split(where: str, out: Any, sides: tuple[Side, ...], exits: bool) -> dict[str, Any]:
    """The function's output as RawSignals fields."""
    if isinstance(out, pd.Series):
        if len(sides) != 1 or exits:
            raise TypeError(f"{where} returned one Series; with sides={sides!r} and "
                            f"exits={exits} it must return a mapping of "
                            f"{', '.join(_fields(sides, exits))}")
        return {"long_entries" if sides == ("long",) else "short_entries": out}
    if not isinstance(out, Mapping):
        raise TypeError(f"{where} returned {type(out).__name__}; it must return a boolean "
                        "pandas Series (or a mapping of them)")
    want = _fields(sides, exits)
    if set(out) != set(want):
        raise TypeError(f"{where} returned keys {sorted(out)}; expected {want}")
    return dict(out)


def _fields(sides: tuple[Side, ...], exits: bool) -> list[str]:
    return [f for f in PER_SET_METHODS.values()
            if ("short" if f.startswith("short") else "long") in sides
            and (f.endswith("entries") or exits)]


def _class_name(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_")) or "Signal"


def _kind(hint: Any, default: Any) -> type | None:
    kinds: tuple[type, ...] = (bool, int, float, str)
    given = hint if hint is not None else type(default)
    return next((t for t in kinds if t is given), None)


def _param(where: str, name: str, kind: type, default: Any, rng: Range | None,
           doc: str | None) -> Any:
    text = doc or name.replace("_", " ")
    if kind is bool:
        choices: Sequence[Any] = rng if rng is not None else (False, True)
        return param(default, text, choices=list(choices))
    if kind is str:
        if rng is None or (isinstance(rng, tuple) and len(rng) == 2
                           and all(v is None or isinstance(v, int | float) for v in rng)):
            raise TypeError(f"{where}: text parameter {name!r} needs its choices in ranges, "
                            f"e.g. ranges={{{name!r}: [{default!r}, ...]}}")
        return param(default, text, choices=list(rng))
    if rng is None:
        return param(kind(default), text)
    if isinstance(rng, tuple) and len(rng) == 2 and all(
            v is None or isinstance(v, int | float) for v in rng):
        low, high = rng
        return param(kind(default), text, low=low, high=high)
    return param(kind(default), text, choices=list(rng))


def _param_docs(doc: str) -> dict[str, str]:
    """First description line of each parameter in a numpydoc ``Parameters`` section."""
    out: dict[str, str] = {}
    lines = inspect.cleandoc(doc).splitlines()
    current: str | None = None
    for line in lines:
        m = re.match(r"(\w+)\s*:", line)
        if m and not line.startswith(" "):
            current = m.group(1)
            continue
        if current and line.startswith(" ") and line.strip() and current not in out:
            out[current] = line.strip()
        elif not line.strip():
            current = None
    return out
