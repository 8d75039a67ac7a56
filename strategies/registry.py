"""The registry of strategies: the built-ins, and strategies added at run time.

Adding a built-in strategy is one new module in :mod:`strategies` plus one line
in :data:`BUILTINS` (its name and ``"module:Class"``: a built-in's module is
imported when the strategy is first looked up, so a command that runs one
strategy imports only that one).  Strategies of your own join the registry in three ways:

- :func:`register` (or the :func:`strategies.decorator.strategy` decorator,
  which registers the class it builds), e.g. in a notebook;
- a file: :func:`load_strategy_file` (``vixbt ... --strategy-file path.py``)
  registers every strategy class the file defines;
- another installed package, through the entry-point group
  ``vixbt.strategies`` (:data:`ENTRY_POINT_GROUP`): each entry point names a
  strategy class, and its name is the strategy's name::

      [project.entry-points."vixbt.strategies"]
      vix_jump_trend = "my_package.signals:VixJumpTrend"

  They are loaded once, on the first look-up (:func:`get_strategy`,
  :func:`list_strategies`).

A built-in's name is never taken by another strategy, and two different
strategies never share a name: both are refused with a message naming the two.
Registering the same class again (or a class of the same module and name, as
when a notebook cell runs twice) replaces the earlier one.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import importlib.util
import re
import sys
import warnings
from collections.abc import Iterator, MutableMapping
from importlib import import_module, metadata
from pathlib import Path

from strategies.base import Strategy

__all__ = [
    "BUILTINS",
    "ENTRY_POINT_GROUP",
    "REGISTRY",
    "LazyRegistry",
    "entry_point_strategies",
    "get_strategy",
    "list_strategies",
    "load_entry_points",
    "load_strategy_file",
    "register",
    "restored",
    "unregister",
]

ENTRY_POINT_GROUP = "vixbt.strategies"
"""Entry-point group through which other packages provide strategies."""

class LazyRegistry(MutableMapping[str, type[Strategy]]):
    """Registry name -> strategy class, importing a built-in's module on first use.

    A built-in is held as ``"module:Class"`` until it is looked up, so finding
    one strategy imports that strategy's module only (``vixbt run`` starts
    faster); iterating over the names imports nothing, over the classes
    (``values()``, ``items()``) imports every module.
    """

    def __init__(self, entries: dict[str, type[Strategy] | str]) -> None:
        self._entries = dict(entries)

    def __getitem__(self, name: str) -> type[Strategy]:
        value = self._entries[name]
        if isinstance(value, str):
            module, _, attr = value.partition(":")
            cls = getattr(import_module(module), attr)
            if not (isinstance(cls, type) and issubclass(cls, Strategy)) or cls.name != name:
                raise TypeError(f"built-in strategy {name!r}: {value} is not a Strategy class "
                                f"named {name!r}")
            self._entries[name] = value = cls
        return value

    def __setitem__(self, name: str, cls: type[Strategy]) -> None:
        self._entries[name] = cls

    def __delitem__(self, name: str) -> None:
        del self._entries[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def snapshot(self) -> dict[str, type[Strategy] | str]:
        """The entries as they are (nothing imported), for :meth:`restore`."""
        return dict(self._entries)

    def restore(self, entries: dict[str, type[Strategy] | str]) -> None:
        """Put back the entries of a :meth:`snapshot`."""
        self._entries = dict(entries)


BUILTINS = LazyRegistry({
    "spike_reversal": "strategies.spike_reversal:SpikeReversal",
    "bollinger_break": "strategies.bollinger_break:BollingerBreak",
    "contango_flip": "strategies.contango_flip:ContangoFlip",
    "vol_of_vol": "strategies.vol_of_vol:VolOfVol",
    "complacency_low": "strategies.complacency_low:ComplacencyLow",
    "ma_cross": "strategies.ma_cross:MaCross",
    "divergence": "strategies.divergence:Divergence",
    "residual_surprise": "strategies.residual_surprise:ResidualSurprise",
})
"""The built-in strategies, in display order (each module imported when first used)."""

REGISTRY = LazyRegistry(BUILTINS.snapshot())
"""Registry name -> strategy class: the built-ins first, then those registered."""

_ORIGINS: dict[str, str] = {}
_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")
_entry_points_loaded = False


def _origin(cls: type[Strategy]) -> str:
    where = getattr(sys.modules.get(cls.__module__), "__file__", None)
    return f"{cls.__module__}.{cls.__qualname__}" + (f" ({where})" if where else "")


def register(cls: type[Strategy], *, origin: str | None = None) -> type[Strategy]:
    """Add a strategy class to the registry (usable as a class decorator).

    Parameters
    ----------
    cls : type[Strategy]
        A frozen-dataclass subclass of :class:`~strategies.base.Strategy`
        with a snake_case ``name`` and an ``idea``.
    origin : str or None, default None
        Where it comes from, for messages (default: its module and file).

    Returns
    -------
    type[Strategy]
        ``cls`` itself.

    Raises
    ------
    TypeError
        If ``cls`` is not a Strategy dataclass.
    ValueError
        If the name is not snake_case, has no idea, is a built-in's name, or
        is taken by a different strategy.
    """
    if not (isinstance(cls, type) and issubclass(cls, Strategy)):
        raise TypeError(f"register() takes a Strategy subclass, got {cls!r}")
    if not dataclasses.is_dataclass(cls) or not cls.__dataclass_params__.frozen:  # type: ignore[attr-defined]
        raise TypeError(f"{cls.__name__} must be a @dataclass(frozen=True)")
    name = cls.name
    where = origin or _origin(cls)
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"strategy {cls.__name__} ({where}) needs a snake_case name "
                         f"(letters, digits, _), got {name!r}")
    if not cls.idea:
        raise ValueError(f"strategy {name!r} ({where}) needs a one-line idea")
    if name in BUILTINS and BUILTINS[name] is not cls:
        raise ValueError(f"strategy {name!r} from {where} has the name of a built-in strategy; "
                         "choose another name")
    old = REGISTRY.get(name)
    if old is not None and old is not cls and (old.__module__, old.__qualname__) != (
            cls.__module__, cls.__qualname__):
        raise ValueError(f"strategy name {name!r} from {where} is already taken by "
                         f"{_ORIGINS.get(name, _origin(old))}; choose another name")
    REGISTRY[name] = cls
    _ORIGINS[name] = where
    return cls


def unregister(name: str) -> None:
    """Remove a registered (not built-in) strategy; ``ValueError`` for a built-in."""
    if name in BUILTINS:
        raise ValueError(f"{name!r} is a built-in strategy and cannot be removed")
    REGISTRY.pop(name, None)
    _ORIGINS.pop(name, None)


@contextlib.contextmanager
def restored() -> Iterator[LazyRegistry]:
    """Context in which registrations are undone on exit (the registry is restored)."""
    saved, origins = REGISTRY.snapshot(), dict(_ORIGINS)
    try:
        yield REGISTRY
    finally:
        REGISTRY.restore(saved)
        _ORIGINS.clear()
        _ORIGINS.update(origins)


def entry_point_strategies() -> list[tuple[str, type[Strategy]]]:
    """Strategies other installed packages provide in :data:`ENTRY_POINT_GROUP`.

    Returns
    -------
    list of (str, type[Strategy])
        Where each comes from (``"entry point <name> = <value> (<distribution>)"``)
        and the class.

    Raises
    ------
    ValueError
        If an entry point fails to import, names no Strategy subclass, or its
        name differs from the strategy's ``name``.
    """
    found: list[tuple[str, type[Strategy]]] = []
    for ep in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        dist = getattr(ep, "dist", None)
        where = f"entry point {ep.name} = {ep.value}" + (
            f" (package {dist.name})" if dist is not None else "")
        try:
            obj = ep.load()
        except Exception as exc:
            raise ValueError(f"{ENTRY_POINT_GROUP} {where} failed to load: "
                             f"{type(exc).__name__}: {exc}") from exc
        if not (isinstance(obj, type) and issubclass(obj, Strategy)):
            raise ValueError(f"{ENTRY_POINT_GROUP} {where} names {obj!r}, not a Strategy "
                             "subclass")
        if obj.name != ep.name:
            raise ValueError(f"{ENTRY_POINT_GROUP} {where}: the entry point's name must be the "
                             f"strategy's name {obj.name!r}")
        found.append((where, obj))
    return found


def load_entry_points(*, force: bool = False) -> list[type[Strategy]]:
    """Register the entry-point strategies (once per process unless ``force``).

    A plugin that fails to load or clashes with a registered name is skipped
    with a warning naming it, so the other strategies stay usable.

    Returns
    -------
    list of type[Strategy]
        The classes registered by this call.
    """
    global _entry_points_loaded
    if _entry_points_loaded and not force:
        return []
    _entry_points_loaded = True
    added: list[type[Strategy]] = []
    try:
        found = entry_point_strategies()
    except ValueError as exc:
        warnings.warn(f"strategy plugins not loaded: {exc}", stacklevel=2)
        return added
    for where, cls in found:
        try:
            added.append(register(cls, origin=where))
        except (TypeError, ValueError) as exc:
            warnings.warn(f"strategy plugin skipped: {exc}", stacklevel=2)
    return added


def load_strategy_file(path: str | Path) -> list[type[Strategy]]:
    """Import a Python file and register every strategy class it defines.

    Classes built by :func:`strategies.decorator.strategy` count as defined
    by the file; classes the file imports from elsewhere do not.

    Parameters
    ----------
    path : str or Path
        A ``.py`` file.

    Returns
    -------
    list of type[Strategy]
        The strategies of the file, in definition order.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        If it is not a ``.py`` file, fails to import (the message names the
        file and the error), defines no strategy, or a name clashes.
    """
    p = Path(path).expanduser()
    if not p.is_file():
        raise FileNotFoundError(f"strategy file {str(path)!r} does not exist")
    if p.suffix != ".py":
        raise ValueError(f"strategy file {str(path)!r} must be a Python file (.py)")
    resolved = p.resolve()
    modname = "vixbt_strategy_file_" + re.sub(r"\W", "_", resolved.stem) + (
        f"_{abs(hash(str(resolved))) % 10**8}")
    spec = importlib.util.spec_from_file_location(modname, resolved)
    if spec is None or spec.loader is None:  # pragma: no cover - .py files always have one
        raise ValueError(f"strategy file {str(path)!r} cannot be imported")
    module = importlib.util.module_from_spec(spec)
    sys.modules[modname] = module
    try:
        with restored():  # what the file registers itself is registered below, checked
            spec.loader.exec_module(module)
    except Exception as exc:
        sys.modules.pop(modname, None)
        line = ""
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == str(resolved):
                line = f", line {tb.tb_lineno}"
            tb = tb.tb_next
        raise ValueError(f"strategy file {str(path)!r}{line}: {type(exc).__name__}: "
                         f"{exc}") from exc
    classes = [obj for obj in vars(module).values()
               if isinstance(obj, type) and issubclass(obj, Strategy) and obj is not Strategy
               and obj.__module__ == modname and obj.name]
    if not classes:
        raise ValueError(f"strategy file {str(path)!r} defines no strategy (a Strategy "
                         "subclass with a name, or a function decorated with @strategy)")
    for cls in classes:
        register(cls, origin=f"{cls.__qualname__} in {path}")
    return classes


def get_strategy(name: str) -> type[Strategy]:
    """The strategy class registered as ``name``.

    Parameters
    ----------
    name : str
        Registry name, e.g. ``"bollinger_break"`` (``-`` is read as ``_``).

    Returns
    -------
    type[Strategy]

    Raises
    ------
    ValueError
        If no strategy has that name; the message suggests the closest names
        and lists every registered one.
    """
    load_entry_points()
    key = str(name).strip().lower().replace("-", "_")
    try:
        return REGISTRY[key]
    except KeyError:
        hint = difflib.get_close_matches(key, list(REGISTRY), n=2, cutoff=0.5)
        extra = f" Did you mean {' or '.join(repr(h) for h in hint)}?" if hint else ""
        raise ValueError(f"unknown strategy {name!r}.{extra} "
                         f"Known strategies: {', '.join(REGISTRY)}") from None


def list_strategies() -> list[type[Strategy]]:
    """Every registered strategy class: the built-ins, then the others in order of
    registration (entry-point strategies are loaded first)."""
    load_entry_points()
    return list(REGISTRY.values())
