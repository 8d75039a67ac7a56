"""What :func:`strategies.check.check_strategy` returns: one result per check, one report."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import pandas as pd

__all__ = ["CheckReport", "CheckResult"]


@dataclass(frozen=True)
class CheckResult:
    """Outcome of one check.

    Attributes
    ----------
    name : str
        The check (see the module docstring).
    passed : bool
        Whether the strategy keeps the rule.
    message : str
        What was checked, or the first problem found (naming the parameter
        set, signal and date).
    seconds : float
        Time the check took.
    """

    name: str
    passed: bool
    message: str
    seconds: float = 0.0


@dataclass(frozen=True)
class CheckReport:
    """Every check of one strategy.

    Attributes
    ----------
    strategy : str
        Registry name.
    sets : tuple of dict
        Parameter sets checked.
    start, end : pandas.Timestamp
        Span of the data.
    results : tuple of CheckResult
    notes : tuple of str
        What was left out (parameter sets whose columns the data lacks).
    """

    strategy: str
    sets: tuple[dict[str, Any], ...]
    start: pd.Timestamp
    end: pd.Timestamp
    results: tuple[CheckResult, ...]
    notes: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        """Whether every check passed."""
        return all(r.passed for r in self.results)

    @property
    def failed(self) -> tuple[CheckResult, ...]:
        """The checks that failed."""
        return tuple(r for r in self.results if not r.passed)

    def result(self, name: str) -> CheckResult:
        """The result of the check ``name``."""
        for r in self.results:
            if r.name == name:
                return r
        raise KeyError(name)

    def summary(self) -> str:
        """A short report: one line per check, then the verdict."""
        lines = [f"{self.strategy}: {len(self.sets)} parameter set(s) on "
                 f"{self.start:%Y-%m-%d} .. {self.end:%Y-%m-%d}"]
        lines.extend(f"  note: {n}" for n in self.notes)
        for r in self.results:
            lines.append(f"  {'PASS' if r.passed else 'FAIL'}  {r.name:<16} {r.message}")
        n = len(self.failed)
        lines.append(f"{self.strategy}: " + ("every check passed" if n == 0
                                              else f"{n} check(s) failed"))
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """One row per check: ``passed``, ``message``, ``seconds``."""
        return pd.DataFrame([dataclasses.asdict(r) for r in self.results]).set_index("name")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: strategy, passed, span, parameter sets, checks."""
        return {"strategy": self.strategy, "passed": self.passed,
                "start": f"{self.start:%Y-%m-%d}", "end": f"{self.end:%Y-%m-%d}",
                "sets": [dict(s) for s in self.sets], "notes": list(self.notes),
                "checks": [dataclasses.asdict(r) for r in self.results]}
