"""Event study: SPX forward returns after signal days against the unconditional ones.

For a boolean signal (``True`` on days whose close shows a VIX extreme) and each
horizon ``h``, the forward return of day ``t`` is what a position filled on the
next trading day (next open by default) earns over ``h`` trading days -- taken
from :func:`backtest.execution.fills.forward_returns`, the project's single
forward-return function.  The sample at horizon ``h`` is every day with a
complete forward window (and, for a strategy, past its warm-up and with its
input columns present).  Per horizon the study reports:

* ``n_signal`` signal days and ``n_episodes`` independent episodes (signal days
  fewer than ``h`` rows apart form one episode, see :mod:`.episodes`);
* mean, median and hit rate (share > 0) of the signal days' forward returns;
* ``mean_uncond``: the unconditional mean over the same sample and horizon;
* ``effect = mean_signal - mean_uncond``;
* ``t_hac`` / ``p_two_sided``: Newey-West t-statistic of the slope of the
  forward returns on the signal dummy (signal days minus other days; zero
  exactly when the effect is zero), ``hac_lags = h``;
* ``ci_low`` / ``ci_high``: block-bootstrap percentile interval of ``effect``
  with blocks of ``max(h, min_block)`` days;
* ``p_one_sided``: the HAC p-value of the alternative the signal expects
  (``"higher"`` after fear, ``"lower"`` after complacency) and the verdict:
  ``"supports"`` if ``p_one_sided < alpha``, ``"contradicts"`` if the one-sided
  p-value of the *opposite* direction is below ``alpha``, else
  ``"no evidence"`` -- unless the horizon has fewer than ``min_episodes``
  independent episodes (default 10): then the verdict is ``"too few"`` and no
  direction is claimed, whatever the p-value.  A HAC t-test on one or two
  clusters of overlapping windows measures those few market moves, not a
  repeatable effect; the p-value is still reported for the record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from backtest.evidence.episodes import count_episodes
from backtest.evidence.eras import era_masks
from backtest.evidence.inference import (
    BootstrapKind,
    bootstrap_difference,
    hac_dummy_test,
    hac_lags,
)
from backtest.execution.fills import Fill, forward_returns

__all__ = [
    "DEFAULT_HORIZONS",
    "DEFAULT_MIN_EPISODES",
    "EventStudyConfig",
    "EventStudyResult",
    "Expect",
    "Verdict",
    "event_study",
    "make_rng",
    "verdict_of",
]

Expect = Literal["higher", "lower"]
Verdict = Literal["supports", "no evidence", "contradicts", "too few"]

#: Default smallest number of independent episodes behind a verdict.
DEFAULT_MIN_EPISODES = 10

#: Horizons in trading days that SIGNALS.md asks for.
DEFAULT_HORIZONS: tuple[int, ...] = (1, 5, 10, 21, 63)

#: Columns of :meth:`EventStudyResult.to_frame`, in order.
COLUMNS: tuple[str, ...] = (
    "n_days", "n_signal", "n_episodes", "mean_signal", "median_signal", "hit_rate",
    "mean_uncond", "hit_rate_uncond", "effect", "beta", "t_hac", "p_two_sided",
    "p_one_sided", "hac_lags", "ci_low", "ci_high", "block_size", "n_boot", "verdict",
)


@dataclass(frozen=True)
class EventStudyConfig:
    """Settings of an event study (recorded in every result).

    Parameters
    ----------
    horizons : tuple of int, default (1, 5, 10, 21, 63)
        Forward horizons in trading days.
    fill : {"next_open", "next_close"}, default "next_open"
        Fill timing of the forward returns.
    alpha : float, default 0.05
        Level of the one-sided tests behind the verdict.
    conf : float, default 0.95
        Level of the bootstrap interval.
    n_boot : int, default 1000
        Bootstrap replicates (0 skips the bootstrap; the interval is NaN).
    bootstrap : {"circular", "stationary"}, default "circular"
        Block-bootstrap scheme.
    min_block : int, default 21
        Smallest block length; the block is ``max(h, min_block)``, so it always
        covers the overlap of the forward windows and a typical signal cluster.
    min_episodes : int, default 10
        Fewest independent episodes (see :mod:`.episodes`) a horizon needs
        for a verdict; below it the verdict is ``"too few"``.
    """

    horizons: tuple[int, ...] = DEFAULT_HORIZONS
    fill: Fill = "next_open"
    alpha: float = 0.05
    conf: float = 0.95
    n_boot: int = 1000
    bootstrap: BootstrapKind = "circular"
    min_block: int = 21
    min_episodes: int = DEFAULT_MIN_EPISODES

    def __post_init__(self) -> None:
        hs = tuple(int(h) for h in self.horizons)
        if not hs or any(h < 1 for h in hs) or len(set(hs)) != len(hs):
            raise ValueError(f"horizons must be distinct integers >= 1, got {self.horizons!r}")
        object.__setattr__(self, "horizons", hs)
        if not 0.0 < self.alpha < 0.5:
            raise ValueError(f"alpha must lie in (0, 0.5), got {self.alpha!r}")
        if not 0.0 < self.conf < 1.0:
            raise ValueError(f"conf must lie in (0, 1), got {self.conf!r}")
        if int(self.n_boot) < 0:
            raise ValueError(f"n_boot must be >= 0, got {self.n_boot!r}")
        if int(self.min_block) < 1:
            raise ValueError(f"min_block must be >= 1, got {self.min_block!r}")
        if int(self.min_episodes) < 0:
            raise ValueError(f"min_episodes must be >= 0, got {self.min_episodes!r}")
        if self.bootstrap not in ("circular", "stationary"):
            raise ValueError(f"bootstrap must be 'circular' or 'stationary', "
                             f"got {self.bootstrap!r}")


def make_rng(seed: int | np.random.Generator | None) -> np.random.Generator:
    """A Generator from a seed (an existing Generator is used as is)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is not None and not isinstance(seed, int | np.integer):
        raise TypeError(f"seed must be an int, a numpy Generator or None, got {seed!r}")
    return np.random.default_rng(seed)


def verdict_of(p_one_sided: float, alpha: float, n_episodes: int | None = None,
               min_episodes: int = 0) -> Verdict:
    """One word from the one-sided p-value in the expected direction.

    ``"too few"`` if ``n_episodes < min_episodes``; else ``"supports"`` if
    ``p < alpha``; ``"contradicts"`` if ``1 - p < alpha`` (the opposite
    one-sided test rejects); otherwise (and for NaN) ``"no evidence"``.
    """
    if n_episodes is not None and int(n_episodes) < int(min_episodes):
        return "too few"
    if not np.isfinite(p_one_sided):
        return "no evidence"
    if p_one_sided < alpha:
        return "supports"
    if 1.0 - p_one_sided < alpha:
        return "contradicts"
    return "no evidence"


def fmt(value: Any, spec: str, width: int) -> str:
    """``value`` formatted with ``spec`` and right-aligned to ``width``; NaN as ``"n/a"``."""
    try:
        text = "n/a" if not np.isfinite(float(value)) else format(value, spec)
    except (TypeError, ValueError):
        text = str(value)
    return text.rjust(width)


def _check_expect(expect: str) -> Expect:
    if expect not in ("higher", "lower"):
        raise ValueError(f"expect must be 'higher' or 'lower', got {expect!r}")
    return expect  # type: ignore[return-value]


def _align_signal(signal: pd.Series, data: pd.DataFrame, what: str) -> npt.NDArray[np.bool_]:
    if not isinstance(signal, pd.Series):
        raise TypeError(f"{what} must be a pandas Series of bool, got {type(signal).__name__}")
    if not signal.index.equals(data.index):
        raise ValueError(f"{what} must be indexed exactly like the market data "
                         f"({len(signal)} rows vs {len(data)}); reindex it first")
    if signal.dtype != bool:
        vals = signal.dropna().unique()
        if signal.isna().any() or not set(vals.tolist()) <= {0, 1}:
            raise ValueError(f"{what} must hold only True/False (dtype {signal.dtype}); "
                             "no NaN or other values")
    return signal.to_numpy(dtype=bool)


def _horizon_row(y_all: npt.NDArray[np.float64], sig: npt.NDArray[np.bool_],
                 valid: npt.NDArray[np.bool_], h: int, expect: Expect,
                 cfg: EventStudyConfig, n_boot: int,
                 rng: np.random.Generator) -> dict[str, Any]:
    sample = valid & np.isfinite(y_all)
    y = y_all[sample]
    d = sig[sample]
    ys = y[d]
    n1 = int(d.sum())
    row: dict[str, Any] = {
        "n_days": int(sample.sum()),
        "n_signal": n1,
        "n_episodes": count_episodes(sig & sample, h),
        "mean_signal": float(ys.mean()) if n1 else np.nan,
        "median_signal": float(np.median(ys)) if n1 else np.nan,
        "hit_rate": float((ys > 0).mean()) if n1 else np.nan,
        "mean_uncond": float(y.mean()) if y.size else np.nan,
        "hit_rate_uncond": float((y > 0).mean()) if y.size else np.nan,
    }
    row["effect"] = row["mean_signal"] - row["mean_uncond"]
    lags = hac_lags(h)
    test = hac_dummy_test(y, d, lags)
    p1 = test.p_one_sided(expect)
    block = max(h, int(cfg.min_block))
    if n_boot > 0 and n1 > 0 and y.size > block:
        ci = bootstrap_difference(y, d, block_size=block, reps=n_boot, rng=rng,
                                  conf=cfg.conf, kind=cfg.bootstrap)
        lo, hi = ci.low, ci.high
    else:
        lo = hi = np.nan
    row.update(beta=test.beta, t_hac=test.t_stat, p_two_sided=test.p_two_sided,
               p_one_sided=p1, hac_lags=lags, ci_low=lo, ci_high=hi, block_size=block,
               n_boot=int(n_boot),
               verdict=verdict_of(p1, cfg.alpha, row["n_episodes"], cfg.min_episodes))
    return row


def _study_table(fwd: pd.DataFrame, sig: npt.NDArray[np.bool_], valid: npt.NDArray[np.bool_],
                 expect: Expect, cfg: EventStudyConfig, n_boot: int,
                 rng: np.random.Generator) -> pd.DataFrame:
    rows = [_horizon_row(fwd[h].to_numpy(dtype=float), sig, valid, h, expect, cfg, n_boot, rng)
            for h in cfg.horizons]
    table = pd.DataFrame(rows, index=pd.Index(list(cfg.horizons), name="horizon"))
    return table.loc[:, list(COLUMNS)]


@dataclass(frozen=True, eq=False)
class EventStudyResult:
    """Event study of one boolean signal (one side of a strategy).

    Attributes
    ----------
    name : str
        Label of the signal (e.g. ``"bollinger_break:long"``).
    expect : {"higher", "lower"}
        Direction the signal predicts for SPX forward returns.
    config : EventStudyConfig
        Settings used.
    table : pandas.DataFrame
        One row per horizon, columns :data:`COLUMNS` (see the module docstring).
    """

    name: str
    expect: Expect
    config: EventStudyConfig
    table: pd.DataFrame
    _forward: pd.DataFrame = field(repr=False)
    _signal: npt.NDArray[np.bool_] = field(repr=False)
    _valid: npt.NDArray[np.bool_] = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The per-horizon table (a copy)."""
        return self.table.copy()

    @property
    def signal_days(self) -> pd.DatetimeIndex:
        """Dates of the signal days inside the study's sample."""
        idx = self._forward.index[self._signal & self._valid]
        return pd.DatetimeIndex(idx)

    def by_era(self, eras: str | Sequence[str] = "decade", *, n_boot: int = 0,
               seed: int | np.random.Generator | None = None) -> pd.DataFrame:
        """The same study inside each era (unconditional mean taken within the era).

        Parameters
        ----------
        eras : "decade", "2008" or sequence of break dates, default "decade"
            See :func:`backtest.evidence.eras.era_masks`.  An era holds the
            signal days *dated* inside it; their forward windows may end later.
        n_boot : int, default 0
            Bootstrap replicates per era and horizon (0: HAC only, fast).
        seed : int, Generator or None
            Seed of the bootstrap.

        Returns
        -------
        pandas.DataFrame
            Index ``(era, horizon)``, columns as :meth:`to_frame`; only eras
            holding days of the study's sample (unless none does).
        """
        rng = make_rng(seed)
        masks = era_masks(pd.DatetimeIndex(self._forward.index), eras)
        # eras before the signal's data exist (e.g. SPX decades before the VIX) are left out
        masks = {k: m for k, m in masks.items() if (self._valid & m).any()} or masks
        parts = {label: _study_table(self._forward, self._signal, self._valid & m,
                                     self.expect, self.config, int(n_boot), rng)
                 for label, m in masks.items()}
        return pd.concat(parts, names=["era", "horizon"])

    def summary(self) -> str:
        """Plain-text table of the main figures per horizon."""
        t = self.table
        lines = [f"Event study: {self.name}  (expects SPX {self.expect}; fill "
                 f"{self.config.fill}; one-sided alpha {self.config.alpha:g}; verdict "
                 f"needs {self.config.min_episodes} episodes)",
                 f"{'h':>4} {'days':>6} {'epis':>5} {'mean':>8} {'uncond':>8} {'effect':>8} "
                 f"{'ci_low':>8} {'ci_high':>8} {'hit':>5} {'t_hac':>6} {'p1':>6}  verdict"]
        for h, r in t.iterrows():
            lines.append(
                f"{h:>4} {r.n_signal:>6} {r.n_episodes:>5} {fmt(r.mean_signal, '.2%', 8)} "
                f"{fmt(r.mean_uncond, '.2%', 8)} {fmt(r.effect, '.2%', 8)} "
                f"{fmt(r.ci_low, '.2%', 8)} {fmt(r.ci_high, '.2%', 8)} "
                f"{fmt(r.hit_rate, '.0%', 5)} {fmt(r.t_hac, '.2f', 6)} "
                f"{fmt(r.p_one_sided, '.3f', 6)}  {r.verdict}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def event_study(
    signal: pd.Series,
    data: pd.DataFrame,
    horizons: Sequence[int] = DEFAULT_HORIZONS,
    fill: Fill = "next_open",
    expect: Expect = "higher",
    *,
    n_boot: int = 1000,
    seed: int | np.random.Generator | None = None,
    alpha: float = 0.05,
    conf: float = 0.95,
    bootstrap: BootstrapKind = "circular",
    min_block: int = 21,
    min_episodes: int = DEFAULT_MIN_EPISODES,
    valid: pd.Series | None = None,
    name: str | None = None,
    forward: pd.DataFrame | None = None,
) -> EventStudyResult:
    """Forward SPX returns after the signal days against the unconditional ones.

    Parameters
    ----------
    signal : pandas.Series of bool
        ``True`` on days whose close triggers the signal; indexed like ``data``.
    data : pandas.DataFrame
        Market table frame with the fill price column (``spx_open`` for
        ``"next_open"``, ``spx_close`` for ``"next_close"``).
    horizons : sequence of int, default (1, 5, 10, 21, 63)
        Forward horizons in trading days.
    fill : {"next_open", "next_close"}, default "next_open"
        Fill timing (see :mod:`backtest.execution.fills`).
    expect : {"higher", "lower"}, default "higher"
        Direction the signal predicts: ``"higher"`` after a fear extreme,
        ``"lower"`` after complacency.
    n_boot : int, default 1000
        Bootstrap replicates per horizon (0 skips the bootstrap).
    seed : int, numpy.random.Generator or None, default None
        Seed of the bootstrap; the same int gives the same intervals.
    alpha : float, default 0.05
        Level of the one-sided test behind the verdict.
    conf : float, default 0.95
        Level of the bootstrap interval.
    bootstrap : {"circular", "stationary"}, default "circular"
        Block-bootstrap scheme.
    min_block : int, default 21
        Smallest bootstrap block; the block is ``max(h, min_block)``.
    min_episodes : int, default 10
        Fewest independent episodes for a verdict; fewer gives ``"too few"``.
    valid : pandas.Series of bool or None, default None
        Days allowed in the sample (e.g. past a strategy's warm-up); ``None``:
        every day with a complete forward window.
    name : str or None, default None
        Label for reports (default: the signal's name or ``"signal"``).
    forward : pandas.DataFrame or None, default None
        Forward returns to study instead of
        :func:`~backtest.execution.fills.forward_returns` (e.g. scaled by
        ex-ante volatility, :func:`backtest.information.scaling.scaled_forward_returns`):
        one column per horizon, indexed like ``data``.

    Returns
    -------
    EventStudyResult
    """
    cfg = EventStudyConfig(horizons=tuple(horizons), fill=fill, alpha=alpha, conf=conf,
                           n_boot=n_boot, bootstrap=bootstrap, min_block=min_block,
                           min_episodes=min_episodes)
    exp = _check_expect(expect)
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    sig = _align_signal(signal, data, "signal")
    ok = (np.ones(len(data), dtype=bool) if valid is None
          else _align_signal(valid, data, "valid"))
    if forward is None:
        fwd = forward_returns(data, cfg.horizons, cfg.fill)
    elif not forward.index.equals(data.index) or set(cfg.horizons) - set(forward.columns):
        raise ValueError("forward must be indexed like data with a column per horizon")
    else:
        fwd = forward.loc[:, list(cfg.horizons)]
    rng = make_rng(seed)
    table = _study_table(fwd, sig, ok, exp, cfg, int(cfg.n_boot), rng)
    label = name if name is not None else (str(signal.name) if signal.name is not None
                                           else "signal")
    return EventStudyResult(label, exp, cfg, table, fwd, sig, ok)
