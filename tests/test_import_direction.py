"""Imports flow one way: data -> signals -> execution -> sweeps -> evidence -> report -> CLI.

Every ``import`` statement of the two packages is read with :mod:`ast` (module
level, inside functions and under ``TYPE_CHECKING`` alike), so a lazy import
that points upward is caught as well as a top-level one.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Rank of each unit (a top-level module or sub-package).  A unit may import its
#: own modules and units of a strictly lower rank, never one above or beside it.
RANKS: dict[str, int] = {
    "backtest": 0,  # the package root: the version string only
    "backtest.errors": 0,
    "backtest.jsonable": 0,
    "backtest.numbers": 0,
    "backtest.data": 1,
    "backtest.metrics": 1,
    "strategies": 1,
    "backtest.validate": 1,
    "backtest.execution": 2,
    "backtest.payoff": 2,
    "backtest.weekly": 2,
    "backtest.sweep": 3,
    "backtest.evidence": 4,
    "backtest.information": 5,
    "backtest.report": 6,
    "backtest.cli": 7,
}

#: What the strategies package may import from the two packages.
STRATEGIES_MAY_IMPORT = ("strategies", "backtest.errors")


def _modules(root: Path, packages: tuple[str, ...]) -> dict[str, Path]:
    out: dict[str, Path] = {}
    for pkg in packages:
        for path in sorted((root / pkg).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            out[name] = path
    return out


def _imports(path: Path, modules: dict[str, Path]) -> list[tuple[str, int]]:
    """Absolute module names imported by ``path`` (with the line), every kind of import.

    ``from package import name`` counts as an import of ``package.name`` when that
    is a module, else of ``package``.
    """
    out: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.extend((a.name, node.lineno) for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            subs = [f"{node.module}.{a.name}" for a in node.names]
            found = [m for m in subs if m in modules]
            if len(found) < len(subs):
                found.append(node.module)
            out.extend((m, node.lineno) for m in found)
    return out


def _unit(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] == "strategies":
        return "strategies"
    if parts[0] != "backtest":
        return None
    return "backtest" if len(parts) == 1 else f"backtest.{parts[1]}"


def violations(root: Path, packages: tuple[str, ...] = ("backtest", "strategies"),
               ranks: dict[str, int] = RANKS) -> list[str]:
    """Every import that goes upward or sideways, or out of what strategies may use."""
    found: list[str] = []
    mods = _modules(root, packages)
    for module, path in mods.items():
        src = _unit(module)
        if src is None:
            continue
        if src not in ranks:
            found.append(f"{module}: unit {src!r} has no rank in RANKS")
            continue
        for target, line in _imports(path, mods):
            dst = _unit(target)
            if dst is None or dst == src:
                continue
            where = f"{path.relative_to(root)}:{line} imports {target}"
            if src == "strategies":
                if not target.startswith(STRATEGIES_MAY_IMPORT):
                    found.append(f"{where}: strategies may import only strategies and "
                                 "backtest.errors")
            elif dst not in ranks:
                found.append(f"{where}: unit {dst!r} has no rank in RANKS")
            elif ranks[dst] >= ranks[src]:
                found.append(f"{where}: {src} (rank {ranks[src]}) may not import "
                             f"{dst} (rank {ranks[dst]})")
    return found


def module_cycles(root: Path, packages: tuple[str, ...] = ("backtest", "strategies")
                  ) -> list[list[str]]:
    """Strongly connected groups (more than one module) of the module import graph.

    A module importing its own parent package (``backtest.data.load`` ->
    ``backtest.data``) is the package's normal shape and not counted.
    """
    mods = _modules(root, packages)

    def resolve(name: str) -> str | None:
        while name and name not in mods:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = defaultdict(set)
    for module, path in mods.items():
        for target, _ in _imports(path, mods):
            dst = resolve(target)
            if dst and dst != module and not module.startswith(dst + "."):
                graph[module].add(dst)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(mods):
        if v not in index:
            visit(v)
    return groups


def test_imports_flow_one_way() -> None:
    assert violations(ROOT) == []


def test_no_module_import_cycles() -> None:
    assert module_cycles(ROOT) == []


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize(("files", "message"), [
    ({"backtest/payoff.py": "def plot():\n    from backtest.report.charts import c\n"},
     r"backtest/payoff.py:2 imports backtest.report.charts: backtest.payoff \(rank 2\) may "
     r"not import backtest.report \(rank 6\)"),
    ({"strategies/x.py": "from backtest.data.table import MarketTable\n"},
     r"strategies/x.py:1 imports backtest.data.table.*strategies may import only"),
    ({"backtest/weekly.py": "import typing\nif typing.TYPE_CHECKING:\n"
                            "    from backtest.payoff import P\n"},
     r"backtest/weekly.py:3 imports backtest.payoff: .*rank 2.*rank 2"),
])
def test_planted_upward_import_caught(tmp_path: Path, files: dict[str, str],
                                      message: str) -> None:
    _write(tmp_path, {"backtest/__init__.py": "", "strategies/__init__.py": "", **files})
    found = violations(tmp_path)
    assert len(found) == 1
    assert re.search(message, found[0]), found


def test_planted_cycle_caught(tmp_path: Path) -> None:
    _write(tmp_path, {
        "backtest/__init__.py": "",
        "strategies/__init__.py": "",
        "backtest/report/__init__.py": "",
        "backtest/report/a.py": "from backtest.report.b import f\n",
        "backtest/report/b.py": "def f():\n    from backtest.report import a\n",
    })
    assert module_cycles(tmp_path) == [["backtest.report.a", "backtest.report.b"]]
