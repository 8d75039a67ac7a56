"""Event study: SPX forward returns after signal days against those after the other days.

For a boolean signal (``True`` on days whose close shows a VIX extreme) and each
horizon ``h``, the forward return of day ``t`` is what a position filled on the
next trading day (next open by default) earns over ``h`` trading days -- taken
from :func:`backtest.execution.fills.forward_returns`, the project's single
forward-return function.  The sample at horizon ``h`` is every day with a
complete forward window (and, for a strategy, past its warm-up and with its
input columns present).  Per horizon (columns of :data:`COLUMNS`):

* ``signal_days`` and ``episodes`` (runs of signal days at most ``max_gap``
  trading days apart, the same at every horizon; :mod:`.episodes`);
* ``mean_signal``, ``median_signal``, ``hit_rate`` (share > 0) of the signal
  days' forward returns; ``mean_nonsignal``: the mean over the other days;
  ``mean_uncond`` / ``hit_rate_uncond``: over all days of the sample (context);
* ``effect = mean_signal - mean_nonsignal`` -- **the** estimand: the HAC test
  (``se_hac``, ``t_hac``, ``p_raw``: slope of the forward returns on the signal
  dummy, Newey-West with ``hac_lags = h``), the block-bootstrap interval
  (``ci_low``/``ci_high``, blocks of ``max(h, min_block)`` days) and the
  placebo all refer to this same difference;
* ``p_raw``: the one-sided HAC p-value of the direction the signal expects
  (``"higher"`` after fear, ``"lower"`` after complacency).  It is raw -- not
  adjusted for the other tests -- and drives no verdict: words come only from
  :func:`backtest.evidence.judge.judge_table` over a family of rows;
* event-weighted: ``event_effect`` (mean of each episode's *first* day minus
  the other days' mean; the episode's later signal days are left out), with
  its own ``event_se``, ``event_p_raw`` (HAC on that sample) and bootstrap
  interval ``event_ci_low``/``event_ci_high``;
* robustness: ``effect_ex_largest`` / ``t_ex_largest`` -- the day-weighted
  effect and HAC t with the largest episode (most signal days; often 2008-09 or
  2020) left out, every day from its first to its last signal day dropped;
  ``largest_episode`` names its dates and ``largest_episode_days`` its signal days;
* ``placebo_p_raw``: the share of ``n_placebo`` episode-shuffled placebo signals
  (:mod:`.placebo`) whose effect is at least as large in the expected
  direction (NaN when ``n_placebo = 0``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from backtest.evidence.episodes import DEFAULT_MAX_GAP, episodes
from backtest.evidence.eras import era_masks
from backtest.evidence.inference import (
    BootstrapKind,
    bootstrap_day_and_event,
    bootstrap_effects,
    hac_dummy_test,
    hac_lags,
)
from backtest.evidence.judge import DEFAULT_MIN_EPISODES
from backtest.evidence.placebo import placebo_effects, placebo_pvalue
from backtest.execution.basis import RETURNS_MODES, ReturnsMode, describe_basis, return_basis
from backtest.execution.fills import (
    FILL_COLUMNS,
    Fill,
    fallback_share,
    fell_back,
    forward_returns,
)
from backtest.validate import check_market_frame

__all__ = [
    "DEFAULT_HORIZONS",
    "DEFAULT_MIN_EPISODES",
    "EventStudyConfig",
    "EventStudyResult",
    "Expect",
    "event_study",
    "make_rng",
]

Expect = Literal["higher", "lower"]

#: Horizons in trading days that SIGNALS.md asks for.
DEFAULT_HORIZONS: tuple[int, ...] = (1, 5, 10, 21, 63)

#: Columns of :meth:`EventStudyResult.to_frame`, in order.
COLUMNS: tuple[str, ...] = (
    "n_days", "signal_days", "episodes", "mean_signal", "median_signal", "hit_rate",
    "mean_nonsignal", "mean_uncond", "hit_rate_uncond", "effect", "se_hac", "t_hac", "p_raw",
    "hac_lags", "ci_low", "ci_high", "block_size", "n_boot", "event_effect", "event_se",
    "event_p_raw", "event_ci_low", "event_ci_high", "effect_ex_largest", "t_ex_largest",
    "largest_episode", "largest_episode_days", "placebo_p_raw", "n_placebo",
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
        Level of the tests (recorded; verdicts are made by
        :func:`backtest.evidence.judge.judge_table`).
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
        Fewest episodes (see :mod:`.episodes`) a row needs for a verdict
        other than ``"too few"`` (recorded for :func:`judge_table`).
    max_gap : int, default 10
        Episode rule: signal days at most this many trading days apart are one
        episode.
    n_placebo : int, default 0
        Episode-shuffled placebo signals per horizon (0: no placebo p-value).
    returns : {"price", "total"}, default "total"
        Returns mode of the forward returns (total: dividends reinvested where
        ``spxtr`` covers them; :mod:`backtest.execution.basis`).
    """

    horizons: tuple[int, ...] = DEFAULT_HORIZONS
    fill: Fill = "next_open"
    alpha: float = 0.05
    conf: float = 0.95
    n_boot: int = 1000
    bootstrap: BootstrapKind = "circular"
    min_block: int = 21
    min_episodes: int = DEFAULT_MIN_EPISODES
    max_gap: int = DEFAULT_MAX_GAP
    n_placebo: int = 0
    returns: ReturnsMode = "total"

    def __post_init__(self) -> None:
        if self.returns not in RETURNS_MODES:
            raise ValueError(f"returns must be one of {', '.join(RETURNS_MODES)}, "
                             f"got {self.returns!r}")
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
        if int(self.max_gap) < 1:
            raise ValueError(f"max_gap must be >= 1, got {self.max_gap!r}")
        if int(self.n_placebo) < 0:
            raise ValueError(f"n_placebo must be >= 0, got {self.n_placebo!r}")
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


def _nan_row() -> dict[str, Any]:
    return {c: np.nan for c in COLUMNS}


def _ci(draws: npt.NDArray[np.float64], conf: float) -> tuple[float, float]:
    ok = draws[np.isfinite(draws)]
    if ok.size == 0:
        return float("nan"), float("nan")
    tail = (1.0 - conf) / 2.0
    lo, hi = np.quantile(ok, [tail, 1.0 - tail])
    return float(lo), float(hi)


def _horizon_row(y_all: npt.NDArray[np.float64], sig: npt.NDArray[np.bool_],
                 valid: npt.NDArray[np.bool_], h: int, expect: Expect,
                 cfg: EventStudyConfig, n_boot: int, rng: np.random.Generator,
                 dates: pd.Index, n_placebo: int = 0) -> dict[str, Any]:
    sample = valid & np.isfinite(y_all)
    y = y_all[sample]
    d = sig[sample]
    ys = y[d]
    yo = y[~d]
    n1 = int(d.sum())
    ep = episodes(d, cfg.max_gap)
    row = _nan_row()
    row.update({
        "n_days": int(sample.sum()),
        "signal_days": n1,
        "episodes": len(ep),
        "mean_signal": float(ys.mean()) if n1 else np.nan,
        "median_signal": float(np.median(ys)) if n1 else np.nan,
        "hit_rate": float((ys > 0).mean()) if n1 else np.nan,
        "mean_nonsignal": float(yo.mean()) if yo.size else np.nan,
        "mean_uncond": float(y.mean()) if y.size else np.nan,
        "hit_rate_uncond": float((y > 0).mean()) if y.size else np.nan,
    })
    row["effect"] = row["mean_signal"] - row["mean_nonsignal"]
    lags = hac_lags(h)
    test = hac_dummy_test(y, d, lags)
    block = max(h, int(cfg.min_block))
    row.update(se_hac=test.se, t_hac=test.t_stat, p_raw=test.p_one_sided(expect),
               hac_lags=lags, block_size=block, n_boot=int(n_boot),
               n_placebo=int(n_placebo))
    boot = n_boot > 0 and n1 > 0 and y.size > block
    first = ep.first_days(y.size) if len(ep) else None
    if boot:
        if first is None:
            day = bootstrap_effects(y, d, block_size=block, reps=n_boot, rng=rng,
                                    kind=cfg.bootstrap)
        else:
            day, event = bootstrap_day_and_event(y, d, first, block_size=block, reps=n_boot,
                                                 rng=rng, kind=cfg.bootstrap)
            row["event_ci_low"], row["event_ci_high"] = _ci(event, cfg.conf)
        row["ci_low"], row["ci_high"] = _ci(day, cfg.conf)
    if first is not None:
        keep = first | ~d
        te = hac_dummy_test(y[keep], first[keep], lags)
        row.update(event_effect=(float(y[first].mean()) - row["mean_nonsignal"]),
                   event_se=te.se, event_p_raw=te.p_one_sided(expect))
        j = ep.largest()
        lo_, hi_ = int(ep.start[j]), int(ep.end[j])
        rest = np.ones(y.size, dtype=bool)
        rest[lo_:hi_ + 1] = False
        tl = hac_dummy_test(y[rest], d[rest], lags)
        when = dates[sample]
        a, b = y[rest & d], y[rest & ~d]
        ex = float(a.mean() - b.mean()) if a.size and b.size else np.nan
        row.update(effect_ex_largest=ex, t_ex_largest=tl.t_stat,
                   largest_episode=f"{when[lo_]:%Y-%m-%d}..{when[hi_]:%Y-%m-%d}",
                   largest_episode_days=int(ep.signal_days[j]))
    else:
        row["largest_episode"] = ""
        row["largest_episode_days"] = 0
    if n_placebo > 0 and n1 > 0:
        pl = placebo_effects(y, d, n_placebo, rng, cfg.max_gap)
        row["placebo_p_raw"] = placebo_pvalue(row["effect"], pl, expect)
    return row


def _study_table(fwd: pd.DataFrame, sig: npt.NDArray[np.bool_], valid: npt.NDArray[np.bool_],
                 expect: Expect, cfg: EventStudyConfig, n_boot: int,
                 rng: np.random.Generator, n_placebo: int = 0) -> pd.DataFrame:
    rows = [_horizon_row(fwd[h].to_numpy(dtype=float), sig, valid, h, expect, cfg, n_boot, rng,
                         fwd.index, n_placebo)
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
    fallback_share : float
        Share of the signal days in the sample whose entry fill took the
        close for want of a real open
        (:func:`backtest.execution.fills.fallback_share`; ``nan`` without
        signal days).
    basis_line : str
        The one-line statement of return basis and fill rule
        (:func:`backtest.execution.basis.describe_basis`).
    fills : int
        Entry fills behind ``fallback_share`` (signal days in the sample
        with a next day).
    """

    name: str
    expect: Expect
    config: EventStudyConfig
    table: pd.DataFrame
    _forward: pd.DataFrame = field(repr=False)
    _signal: npt.NDArray[np.bool_] = field(repr=False)
    _valid: npt.NDArray[np.bool_] = field(repr=False)
    fallback_share: float = float("nan")
    basis_line: str = ""
    fills: int = 0

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
        """Plain-text table of the main figures per horizon (raw p-values, no verdict).

        Verdicts come from a family of rows (:func:`backtest.evidence.judge.judge_table`,
        e.g. through :func:`backtest.evidence.verdict.verdict_table`), never from one
        row's raw p-value.
        """
        t = self.table
        lines = [f"Event study: {self.name}  (expects SPX {self.expect}; fill "
                 f"{self.config.fill}; effect = signal days minus other days; p_raw "
                 "one-sided HAC, not adjusted)",
                 f"{'h':>4} {'sig_days':>8} {'episodes':>8} {'mean':>8} {'other':>8} "
                 f"{'effect':>8} {'ci_low':>8} {'ci_high':>8} {'se_hac':>7} {'t_hac':>6} "
                 f"{'p_raw':>6} {'event':>8} {'ex_lrg':>8}"]
        for h, r in t.iterrows():
            lines.append(
                f"{h:>4} {r.signal_days:>8} {r.episodes:>8} {fmt(r.mean_signal, '.2%', 8)} "
                f"{fmt(r.mean_nonsignal, '.2%', 8)} {fmt(r.effect, '.2%', 8)} "
                f"{fmt(r.ci_low, '.2%', 8)} {fmt(r.ci_high, '.2%', 8)} "
                f"{fmt(r.se_hac, '.2%', 7)} {fmt(r.t_hac, '.2f', 6)} "
                f"{fmt(r.p_raw, '.3f', 6)} {fmt(r.event_effect, '.2%', 8)} "
                f"{fmt(r.effect_ex_largest, '.2%', 8)}")
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
    max_gap: int = DEFAULT_MAX_GAP,
    n_placebo: int = 0,
    valid: pd.Series | None = None,
    name: str | None = None,
    returns: ReturnsMode = "total",
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
        Level of the tests (recorded in the config).
    conf : float, default 0.95
        Level of the bootstrap interval.
    bootstrap : {"circular", "stationary"}, default "circular"
        Block-bootstrap scheme.
    min_block : int, default 21
        Smallest bootstrap block; the block is ``max(h, min_block)``.
    min_episodes : int, default 10
        Fewest episodes for a verdict other than ``"too few"`` (recorded).
    max_gap : int, default 10
        Episode rule (:mod:`backtest.evidence.episodes`).
    n_placebo : int, default 0
        Placebo signals per horizon for ``placebo_p_raw`` (0: none).
    valid : pandas.Series of bool or None, default None
        Days allowed in the sample (e.g. past a strategy's warm-up); ``None``:
        every day with a complete forward window.
    name : str or None, default None
        Label for reports (default: the signal's name or ``"signal"``).
    returns : {"price", "total"}, default "total"
        Returns mode of the forward returns.
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
                           min_episodes=min_episodes, max_gap=max_gap, n_placebo=n_placebo,
                           returns=returns)
    exp = _check_expect(expect)
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    fill_col = FILL_COLUMNS.get(cfg.fill, "spx_close")
    check_market_frame(data, prices=dict.fromkeys(["spx_close", fill_col]))
    sig = _align_signal(signal, data, "signal")
    ok = (np.ones(len(data), dtype=bool) if valid is None
          else _align_signal(valid, data, "valid"))
    if forward is None:
        fwd = forward_returns(data, cfg.horizons, cfg.fill, cfg.returns)
    elif not forward.index.equals(data.index) or set(cfg.horizons) - set(forward.columns):
        raise ValueError("forward must be indexed like data with a column per horizon")
    else:
        fwd = forward.loc[:, list(cfg.horizons)]
    rng = make_rng(seed)
    table = _study_table(fwd, sig, ok, exp, cfg, int(cfg.n_boot), rng, int(cfg.n_placebo))
    label = name if name is not None else (str(signal.name) if signal.name is not None
                                           else "signal")
    share, line, fills = _fill_basis(data, sig & ok, ok, cfg)
    return EventStudyResult(label, exp, cfg, table, fwd, sig, ok, share, line, fills)


def _fill_basis(data: pd.DataFrame, events: npt.NDArray[np.bool_],
                valid: npt.NDArray[np.bool_], cfg: EventStudyConfig
                ) -> tuple[float, str, int]:
    """Fallback share of the events' entry fills, and the basis line of the sample."""
    days = np.flatnonzero(events)
    bars = days[days + 1 < len(data)] + 1
    share = fallback_share(bars, fell_back(data, cfg.fill).to_numpy(dtype=bool))
    if "spx_close" not in data.columns or len(data) == 0:
        return share, "", int(bars.size)
    ok = np.flatnonzero(data["spx_close"].notna().to_numpy() & valid)
    if ok.size == 0:  # an empty sample (e.g. a regime or era the data do not reach)
        return share, "", int(bars.size)
    rows = slice(int(ok[0]), int(ok[-1]) + 1)
    line = describe_basis(return_basis(data, cfg.returns, rows), fill=cfg.fill, fees=0.0,
                          slippage=0.0, fallback_share=share, kind="study")
    return share, line, int(bars.size)
