"""The registry of strategies: one line per strategy class.

Adding a strategy is one new module in :mod:`strategies` plus one line in
:data:`REGISTRY`.
"""

from __future__ import annotations

import difflib

from strategies.base import Strategy
from strategies.bollinger_break import BollingerBreak
from strategies.complacency_low import ComplacencyLow
from strategies.contango_flip import ContangoFlip
from strategies.divergence import Divergence
from strategies.ma_cross import MaCross
from strategies.residual_surprise import ResidualSurprise
from strategies.spike_reversal import SpikeReversal
from strategies.vol_of_vol import VolOfVol

__all__ = ["REGISTRY", "get_strategy", "list_strategies"]

REGISTRY: dict[str, type[Strategy]] = {
    SpikeReversal.name: SpikeReversal,
    BollingerBreak.name: BollingerBreak,
    ContangoFlip.name: ContangoFlip,
    VolOfVol.name: VolOfVol,
    ComplacencyLow.name: ComplacencyLow,
    MaCross.name: MaCross,
    Divergence.name: Divergence,
    ResidualSurprise.name: ResidualSurprise,
}
"""Registry name -> strategy class, in display order."""


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
    key = str(name).strip().lower().replace("-", "_")
    try:
        return REGISTRY[key]
    except KeyError:
        hint = difflib.get_close_matches(key, list(REGISTRY), n=2, cutoff=0.5)
        extra = f" Did you mean {' or '.join(repr(h) for h in hint)}?" if hint else ""
        raise ValueError(f"unknown strategy {name!r}.{extra} "
                         f"Known strategies: {', '.join(REGISTRY)}") from None


def list_strategies() -> list[type[Strategy]]:
    """Every registered strategy class, in registry order."""
    return list(REGISTRY.values())
