"""What a sweep varies: the parameter grid, and how it is written down.

A grid maps parameter names to the values to try.  Names are either the
strategy's own parameters or one of the execution settings a sweep may vary
(:data:`EXEC_PARAMS`); every combination of all values is one row of the
result.  Grids come from Python (a mapping), from the command line
(``name=v1,v2,...`` or ``name=start:stop:step``, see :func:`parse_assignment`)
or from a TOML experiment file (:func:`load_experiment`).

Values are checked where they are defined: an unknown name is rejected here
with a "did you mean" hint, a value outside a parameter's range by the
strategy's (or :class:`~backtest.execution.config.Execution`'s) own
validation, so the message is the one a single run would give.
"""

from __future__ import annotations

import dataclasses
import difflib
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backtest.execution.config import Execution
from strategies.base import Strategy

__all__ = [
    "EXEC_KINDS",
    "EXEC_PARAMS",
    "Experiment",
    "load_experiment",
    "parse_assignment",
    "parse_grid",
    "parse_values",
    "split_grid",
]

#: Execution settings a sweep may vary, and the type their text parses to.
EXEC_PARAMS: dict[str, str] = {
    "holding_period": "int|none",
    "fees": "float",
    "slippage": "float",
    "side": "str",
    "exit_on_signal": "bool",
}

#: Largest number of values one ``start:stop:step`` range may expand to.
MAX_RANGE_VALUES = 1_000_000

_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


def _kind(strategy: type[Strategy], name: str) -> str:
    """Type tag of a parameter: ``int``, ``float``, ``bool``, ``str``, ``choice`` ..."""
    if name in EXEC_PARAMS and name not in strategy.param_specs():
        return EXEC_PARAMS[name]
    spec = strategy.param_specs()[name]
    if spec.choices is not None:
        return "choice"
    ftype = {f.name: f.type for f in dataclasses.fields(strategy)}[name]
    tname = ftype if isinstance(ftype, str) else getattr(ftype, "__name__", str(ftype))
    if "bool" in tname:
        return "bool"
    if "int" in tname and "float" not in tname:
        return "int"
    return "float"


#: Type of every Execution setting an experiment's ``[execution]`` table may hold.
EXEC_KINDS: dict[str, str] = {**EXEC_PARAMS, "fill": "str", "init_cash": "float"}
_MAX_TOML_BYTES = 1 << 20


def _toml_value(name: str, value: Any, kind: str) -> Any:
    """A TOML value of a parameter, checked against its type (booleans are booleans).

    Raises
    ------
    ValueError
        Naming the parameter, for a nested list or table, or a value of the wrong
        type (``"false"`` for a boolean, ``true`` for a number ...).
    """
    if isinstance(value, list | dict):
        what = "a nested list" if isinstance(value, list) else "a table"
        raise ValueError(f"parameter {name!r}: {what} is not a value; give a value or a list "
                         "of values")
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"parameter {name!r}: {value!r} is not a boolean; write true or "
                             "false without quotes")
        return value
    if isinstance(value, bool) and kind != "any":
        raise ValueError(f"parameter {name!r}: {value!r} is a boolean, not a {kind} value")
    if kind in ("int", "float", "int|none") and isinstance(value, str):
        if kind == "int|none" and value.strip().lower() in {"none", "off"}:
            return None
        raise ValueError(f"parameter {name!r}: {value!r} is text, not a number; write it "
                         "without quotes")
    if kind == "float" and isinstance(value, int):
        return float(value)
    return value


def _unknown(strategy: type[Strategy], name: str) -> ValueError:
    known = [*strategy.param_specs(), *(k for k in EXEC_PARAMS
                                         if k not in strategy.param_specs())]
    hint = difflib.get_close_matches(name, known, n=1)
    extra = f" Did you mean {hint[0]!r}?" if hint else ""
    return ValueError(f"{strategy.__name__} sweep has no parameter {name!r}.{extra} "
                      f"Sweepable: {', '.join(known)}")


def _number(name: str, token: str) -> int | float:
    t = token.strip()
    try:
        return int(t)
    except ValueError:
        pass
    try:
        v = float(t)
    except ValueError:
        raise ValueError(f"parameter {name!r}: {token!r} is not a number") from None
    if not math.isfinite(v):
        raise ValueError(f"parameter {name!r}: {token!r} is not a finite number")
    return v


def _scalar(name: str, token: str, kind: str, choices: tuple[Any, ...] | None) -> Any:
    t = token.strip()
    if not t:
        raise ValueError(f"parameter {name!r}: empty value in the list")
    if kind == "choice":
        assert choices is not None
        for c in choices:
            if str(c) == t:
                return c
        return t  # the strategy rejects it with its own message
    if kind == "bool":
        low = t.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise ValueError(f"parameter {name!r}: {token!r} is not a boolean (true/false)")
    if kind == "str":
        return t
    if kind == "int|none" and t.lower() in {"none", "off", "0"}:
        return None
    v = _number(name, t)
    if kind == "float":
        return float(v)
    return v  # ints stay ints; a float given for an int is rejected by the validator


def _range(name: str, text: str, kind: str) -> list[Any]:
    parts = text.split(":")
    if len(parts) != 3:
        raise ValueError(f"parameter {name!r}: range {text!r} must be start:stop:step")
    start, stop, step = (_number(name, p) for p in parts)
    if step == 0:
        raise ValueError(f"parameter {name!r}: range {text!r} has step 0")
    if (stop - start) / step < 0:
        raise ValueError(f"parameter {name!r}: range {text!r} is empty "
                         "(step points away from stop)")
    count = math.floor((stop - start) / step + 1e-9) + 1
    if count > MAX_RANGE_VALUES:
        raise ValueError(f"parameter {name!r}: range {text!r} has {count:,} values "
                         f"(more than {MAX_RANGE_VALUES:,})")
    all_int = all(isinstance(v, int) for v in (start, stop, step))
    if all_int and kind != "float":
        return [start + i * step for i in range(count)]
    decimals = max(_decimals(p) for p in parts) + 2
    return [round(start + i * step, decimals) for i in range(count)]


def _decimals(token: str) -> int:
    t = token.strip().lower()
    if "e" in t:
        mant, _, exp = t.partition("e")
        return max(0, _decimals(mant) - int(exp))
    return len(t.partition(".")[2])


def parse_values(strategy: type[Strategy], name: str, text: str) -> list[Any]:
    """Parse the values of one parameter from command-line text.

    Parameters
    ----------
    strategy : type[Strategy]
        Strategy class whose parameter (or sweepable execution setting) it is.
    name : str
        Parameter name.
    text : str
        ``"v1,v2,..."`` (a list) or ``"start:stop:step"`` (an arithmetic range,
        ``stop`` included when the steps land on it, e.g. ``20:100:20`` is 20,
        40, 60, 80, 100).

    Returns
    -------
    list
        Typed values (int, float, bool, str or None for ``holding_period=none``),
        duplicates removed, order kept.

    Raises
    ------
    ValueError
        Naming the parameter, for an unknown name (with a "did you mean"
        hint), a token that does not parse, or a bad range.
    """
    if name not in strategy.param_specs() and name not in EXEC_PARAMS:
        raise _unknown(strategy, name)
    kind = _kind(strategy, name)
    spec = strategy.param_specs().get(name)
    choices = spec.choices if spec is not None else None
    text = text.strip()
    if not text:
        raise ValueError(f"parameter {name!r}: no values given")
    if ":" in text and kind in ("int", "float", "int|none"):
        values = _range(name, text, kind)
    else:
        values = [_scalar(name, tok, kind, choices) for tok in text.split(",")]
    return list(dict.fromkeys(values))


def parse_assignment(strategy: type[Strategy], text: str) -> tuple[str, list[Any]]:
    """Parse ``"name=v1,v2"`` or ``"name=start:stop:step"``.

    Raises
    ------
    ValueError
        If there is no ``=``, or as :func:`parse_values`.
    """
    name, sep, values = text.partition("=")
    if not sep or not name.strip():
        raise ValueError(f"grid assignment {text!r} must look like name=v1,v2,... "
                         "or name=start:stop:step")
    name = name.strip()
    return name, parse_values(strategy, name, values)


def parse_grid(strategy: type[Strategy], assignments: Sequence[str]) -> dict[str, list[Any]]:
    """Parse several command-line assignments into one grid mapping.

    Raises
    ------
    ValueError
        If a parameter is assigned twice, or as :func:`parse_assignment`.
    """
    grid: dict[str, list[Any]] = {}
    for a in assignments:
        name, values = parse_assignment(strategy, a)
        if name in grid:
            raise ValueError(f"parameter {name!r} is given twice in the grid")
        grid[name] = values
    return grid


def split_grid(strategy: type[Strategy], grid: Mapping[str, Sequence[Any]]
               ) -> tuple[dict[str, list[Any]], dict[str, list[Any]]]:
    """Split a grid into the strategy's parameters and the execution settings.

    A name that is both (a strategy parameter shadowing an execution setting)
    goes to the strategy.

    Raises
    ------
    ValueError
        For an unknown name (with a hint) or a parameter without values.
    """
    own: dict[str, list[Any]] = {}
    ex: dict[str, list[Any]] = {}
    specs = strategy.param_specs()
    for name, values in grid.items():
        if isinstance(values, str | bytes) or not isinstance(values, Sequence):
            values = [values]
        vals = list(dict.fromkeys(values))
        if not vals:
            raise ValueError(f"parameter {name!r} has no values in the grid")
        if name in specs:
            own[name] = vals
        elif name in EXEC_PARAMS:
            ex[name] = vals
        else:
            raise _unknown(strategy, name)
    return own, ex


def execution_variants(execution: Execution, exec_grid: Mapping[str, Sequence[Any]]
                       ) -> list[Execution]:
    """Every combination of the execution grid applied to ``execution``.

    ``dataclasses.replace`` re-runs :class:`Execution`'s validation, so a bad
    value raises its own ``ValueError``.
    """
    keys = list(exec_grid)
    return [dataclasses.replace(execution, **dict(zip(keys, combo, strict=True)))
            for combo in itertools.product(*(list(exec_grid[k]) for k in keys))]


@dataclass(frozen=True)
class Experiment:
    """A sweep read from a TOML experiment file.

    Attributes
    ----------
    strategy : type[Strategy]
        The strategy class (from the registry).
    grid : dict
        Parameter name -> values (strategy parameters and execution settings).
    execution : Execution
        Base execution settings.
    path : pathlib.Path
        The file it was read from.
    """

    strategy: type[Strategy]
    grid: dict[str, list[Any]]
    execution: Execution
    path: Path


def load_experiment(path: str | Path) -> Experiment:
    """Read a sweep from a TOML experiment file.

    The file names the strategy, the grid and (optionally) execution settings::

        strategy = "bollinger_break"

        [grid]                      # lists, single values or "start:stop:step"
        window = [21, 63, 126]
        num_std = "1.5:3.0:0.5"
        holding_period = [5, 10, 21]   # execution settings may be swept too

        [execution]                 # fixed settings (fields of Execution)
        fees = 0.0005

    Parameters
    ----------
    path : str or pathlib.Path
        The ``.toml`` file.

    Returns
    -------
    Experiment

    Raises
    ------
    ValueError
        Naming the file and the offending key: invalid TOML, no ``strategy``,
        an unknown strategy, section or parameter, or a bad value.
    FileNotFoundError
        If the file does not exist.
    """
    import tomllib

    p = Path(path)
    if p.is_dir():
        raise ValueError(f"{p}: is a folder, not a TOML experiment file")
    if p.exists() and not p.is_file():
        raise ValueError(f"{p}: is not a regular file")
    data = p.read_bytes()[: _MAX_TOML_BYTES + 1]
    if len(data) > _MAX_TOML_BYTES:
        raise ValueError(f"{p}: larger than {_MAX_TOML_BYTES >> 10} KiB; not an experiment file")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise ValueError(f"{p}: is UTF-16 encoded; save it as UTF-8 (TOML files are UTF-8)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ValueError(f"{p}, line {line}: not UTF-8 text (binary content?); TOML files are "
                         "UTF-8") from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{p}: not valid TOML: {exc}") from None
    unknown = set(doc) - {"strategy", "grid", "execution", "name", "description"}
    if unknown:
        raise ValueError(f"{p}: unknown top-level key(s) {', '.join(sorted(unknown))}; "
                         "expected strategy, grid, execution")
    if "strategy" not in doc or not isinstance(doc["strategy"], str):
        raise ValueError(f"{p}: needs a line strategy = \"<registry name>\"")
    from strategies.registry import get_strategy

    try:
        cls = get_strategy(doc["strategy"])
    except ValueError as exc:
        raise ValueError(f"{p}: {exc}") from None
    raw_grid = doc.get("grid", {})
    if not isinstance(raw_grid, dict):
        raise ValueError(f"{p}: [grid] must be a table of name = values")
    grid: dict[str, list[Any]] = {}
    for name, value in raw_grid.items():
        try:
            if isinstance(value, str):
                grid[name] = parse_values(cls, name, value)
            else:
                if name not in cls.param_specs() and name not in EXEC_PARAMS:
                    raise _unknown(cls, name)
                vals = value if isinstance(value, list) else [value]
                if not vals:
                    raise ValueError(f"parameter {name!r} has no values in the grid")
                kind = _kind(cls, name)
                grid[name] = list(dict.fromkeys(_toml_value(name, v, kind) for v in vals))
        except ValueError as exc:
            raise ValueError(f"{p}: [grid] {exc}") from None
    raw_exec = doc.get("execution", {})
    if not isinstance(raw_exec, dict):
        raise ValueError(f"{p}: [execution] must be a table of Execution settings")
    fields = {f.name for f in dataclasses.fields(Execution)}
    for key in raw_exec:
        if key not in fields:
            hint = difflib.get_close_matches(key, sorted(fields), n=1)
            extra = f" Did you mean {hint[0]!r}?" if hint else ""
            raise ValueError(f"{p}: [execution] has no setting {key!r}.{extra}")
    try:
        checked = {k: _toml_value(k, v, EXEC_KINDS.get(k, "any")) for k, v in raw_exec.items()}
        execution = Execution(**checked)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{p}: [execution] {exc}") from None
    return Experiment(strategy=cls, grid=grid, execution=execution, path=p)
