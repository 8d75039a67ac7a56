"""``vixbt list``: every strategy with its parameters, defaults and idea."""

from __future__ import annotations

import argparse
from typing import Any

import pandas as pd

from backtest.cli.common import emit
from backtest.cli.schema import schema_id


def run(args: argparse.Namespace) -> int:
    """Print the registry."""
    from strategies.registry import REGISTRY

    strategies: list[dict[str, Any]] = []
    rows = []
    lines = []
    for name, cls in REGISTRY.items():
        specs = cls.param_specs()
        defaults = cls.defaults()
        params = [{"name": k, "default": defaults[k], "allowed": spec.describe(),
                   "doc": spec.doc} for k, spec in specs.items()]
        primary = {str(k): int(v) for k, v in cls.primary_horizons().items()}
        strategies.append({"name": name, "title": cls.title, "idea": cls.idea,
                           "sides": list(cls.sides), "primary_horizon": primary,
                           "required_columns": list(cls.required_columns), "params": params})
        lines.append(f"{name}  [{', '.join(cls.sides)}; needs {', '.join(cls.required_columns)}; "
                     "primary horizon "
                     + ", ".join(f"{k} {v} days" for k, v in primary.items()) + "]")
        lines.append(f"    {cls.idea}")
        for prm in params:
            assign = f"{prm['name']}={prm['default']}"
            lines.append(f"    {assign:<28} {prm['doc']} ({prm['allowed']})")
            rows.append({"strategy": name, "param": prm["name"], "default": prm["default"],
                         "allowed": prm["allowed"], "doc": prm["doc"]})
        lines.append("")
    doc = {"schema": schema_id("list"), "strategies": strategies}
    frame = pd.DataFrame(rows).set_index(["strategy", "param"]) if rows else pd.DataFrame()
    emit(args, doc, "\n".join(lines), frame)
    return 0
