"""Pre-specified primary horizons: declared on every strategy class, shown by `vixbt list`."""

from __future__ import annotations

import json
from typing import ClassVar

import pytest

from backtest.cli.main import main
from strategies.base import DEFAULT_PRIMARY_HORIZON, Strategy
from strategies.registry import REGISTRY


def test_every_registered_side_declares_its_primary_horizon() -> None:
    for name, cls in REGISTRY.items():
        # declared on the class itself, not inherited from the base
        assert "primary_horizon" in vars(cls), name
        assert set(cls.primary_horizon) == set(cls.sides), name
        assert cls.primary_horizons() == {s: int(cls.primary_horizon[s]) for s in cls.sides}
    assert DEFAULT_PRIMARY_HORIZON == 21


def test_a_side_without_a_declaration_uses_the_default_and_bad_values_fail() -> None:
    class Bare(Strategy):
        sides = ("long", "short")
        primary_horizon: ClassVar[dict[str, int]] = {"long": 5}

    assert Bare.primary_horizons() == {"long": 5, "short": 21}

    class Bad(Strategy):
        primary_horizon: ClassVar[dict[str, int]] = {"long": 0}

    with pytest.raises(ValueError, match=r"Bad.primary_horizon\['long'\] must be >= 1, got 0"):
        Bad.primary_horizons()


def test_vixbt_list_shows_primary_horizons(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    got = {s["name"]: s["primary_horizon"] for s in doc["strategies"]}
    assert got == {n: {str(k): v for k, v in c.primary_horizons().items()}
                   for n, c in REGISTRY.items()}
    assert main(["list"]) == 0
    assert "primary horizon long 21 days" in capsys.readouterr().out
