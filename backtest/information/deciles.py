"""Deciles of one predictor: forward SPX returns by its real-time decile.

Alphalens-style, for one series.  Each day's predictor value is placed in a
bucket by its **real-time** percentile (:func:`strategies.predictors.expanding_percentile`:
among every value up to and including that day, never a later one), bucket
``k = ceil(pct * n_bins)`` (1 = lowest tenth so far, 10 = highest).  Days
before ``min_history`` values exist get no bucket.  Per horizon:

* each bucket's mean forward return with a HAC (Newey-West, ``maxlags = h``)
  standard error and normal interval: the coefficients of an OLS of the
  forward returns on the bucket dummies without a constant;
* the top-minus-bottom spread, with its HAC standard error from the same
  regression's covariance (a linear contrast), t and a raw one-sided p-value
  in the direction the predictor's fear end expects;
* a **monotonicity test: Patton and Timmermann's (2010) MR test**.  The null
  is "no increase" (every step ``mu[k+1] - mu[k] <= 0``), the alternative
  "every step up", statistic ``J = min_k (mu[k+1] - mu[k])``; the p-value is
  the share of circular-block-bootstrap replicates (blocks of
  ``max(h, min_block)`` days, days resampled jointly with their buckets) with
  ``min_k (d*_k - d_k) >= J``.  Chosen over a rank-based trend test on the
  ten decile means because it (a) tests monotonicity itself rather than a
  trend that a single large bucket can create, and (b) draws its null from the
  data with the dependence of overlapping forward windows, where a rank test
  on ten means would treat them as independent, equally precise numbers.
  ``mr_p`` tests the expected direction (increasing when fear is the high end),
  ``mr_p_opposite`` the other.

All p-values here are raw (one predictor, several horizons) and are labelled so.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from backtest.evidence.event_study import DEFAULT_HORIZONS, fmt, make_rng
from backtest.evidence.inference import hac_lags
from backtest.execution.fills import Fill
from backtest.information.regression import hac_ols
from backtest.information.scaling import ReturnScale, scaled_forward_returns
from strategies.predictors import (
    MIN_PERCENTILE_HISTORY,
    Predictor,
    expanding_percentile,
    get_predictor,
)

__all__ = [
    "BUCKET_COLUMNS",
    "SPREAD_COLUMNS",
    "DecileResult",
    "decile_analysis",
    "monotonic_relation_test",
    "realtime_buckets",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Columns of :attr:`DecileResult.buckets` (index ``(horizon, bucket)``).
BUCKET_COLUMNS: tuple[str, ...] = (
    "n_days", "x_low", "x_high", "mean", "se_hac", "ci_low", "ci_high", "hit_rate",
)

#: Columns of :attr:`DecileResult.spread` (index ``horizon``).
SPREAD_COLUMNS: tuple[str, ...] = (
    "n_days", "top", "bottom", "spread", "se_hac", "t_hac", "p_spread_raw", "mr_stat",
    "mr_p", "mr_p_opposite", "block_size", "n_boot",
)


def realtime_buckets(x: npt.ArrayLike, n_bins: int = 10,
                     min_history: int = MIN_PERCENTILE_HISTORY) -> IntArray:
    """Bucket ``1..n_bins`` of each value by its real-time percentile (0: none).

    ``bucket[t] = ceil(pct[t] * n_bins)`` with ``pct`` from
    :func:`strategies.predictors.expanding_percentile`; 0 where the value is
    missing or fewer than ``min_history`` values exist.
    """
    k = int(n_bins)
    if k < 2:
        raise ValueError(f"n_bins must be >= 2, got {n_bins!r}")
    pct = expanding_percentile(x, min_history)
    out = np.zeros(len(pct), dtype=np.int64)
    ok = np.isfinite(pct)
    out[ok] = np.clip(np.ceil(pct[ok] * k - 1e-12), 1, k).astype(np.int64)
    return out


def _bucket_means(y: FloatArray, b: FloatArray, k: int) -> FloatArray:
    idx = b.astype(np.int64) - 1
    n = np.bincount(idx, minlength=k).astype(float)
    s = np.bincount(idx, weights=y, minlength=k)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = np.where(n > 0, s / np.where(n > 0, n, 1.0), np.nan)
    return out


def monotonic_relation_test(y: npt.ArrayLike, buckets: npt.ArrayLike, n_bins: int, *,
                            block_size: int, reps: int, rng: np.random.Generator,
                            increasing: bool = True) -> tuple[float, float]:
    """Patton-Timmermann MR test that bucket means rise (or fall) monotonically.

    Parameters
    ----------
    y : array_like of float
        Forward returns in time order, no NaN.
    buckets : array_like of int
        Bucket ``1..n_bins`` of each day.
    n_bins : int
        Number of buckets.
    block_size : int
        Circular block length of the bootstrap.
    reps : int
        Bootstrap replicates.
    rng : numpy.random.Generator
        Source of randomness.
    increasing : bool, default True
        Alternative: means increase with the bucket (``False``: decrease).

    Returns
    -------
    (stat, p) : tuple of float
        ``J = min_k (mu[k+1] - mu[k])`` (signs flipped for ``increasing=False``)
        and its bootstrap p-value; NaN if a bucket is empty.
    """
    yy = np.asarray(y, dtype=float)
    bb = np.asarray(buckets, dtype=float)
    k = int(n_bins)
    sign = 1.0 if increasing else -1.0
    mu = _bucket_means(yy, bb, k)
    if not np.isfinite(mu).all() or int(reps) < 1:
        return float("nan"), float("nan")
    d = sign * np.diff(mu)
    stat = float(d.min())
    from arch.bootstrap import CircularBlockBootstrap  # imported when used: arch is heavy

    bs = CircularBlockBootstrap(int(block_size), yy, bb, seed=rng)
    draws = np.asarray(bs.apply(lambda yb, bb_: _bucket_means(yb, bb_, k), int(reps)))
    dstar = sign * np.diff(draws, axis=1) - d
    jstar = dstar.min(axis=1)
    ok = np.isfinite(jstar)
    if not ok.any():
        return stat, float("nan")
    return stat, float((jstar[ok] >= stat).mean())


def _horizon(y_all: FloatArray, b_all: IntArray, x_all: FloatArray, h: int, k: int,
             increasing: bool, conf: float, n_boot: int, min_block: int,
             rng: np.random.Generator) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    from scipy import stats  # imported when used: scipy.stats costs about a second

    sample = (b_all > 0) & np.isfinite(y_all)
    y, b, x = y_all[sample], b_all[sample], x_all[sample]
    lags = hac_lags(h)
    block = max(h, int(min_block))
    z = stats.norm.ppf(0.5 + conf / 2.0)
    counts = np.bincount(b - 1, minlength=k) if y.size else np.zeros(k, dtype=np.int64)
    present = counts > 0
    means = np.full(k, np.nan)
    ses = np.full(k, np.nan)
    cov = np.full((k, k), np.nan)
    if present.sum() >= 1 and y.size > present.sum():
        D = (b[:, None] == (np.flatnonzero(present) + 1)[None, :]).astype(float)
        res = hac_ols(y, D, lags)
        pos = np.flatnonzero(present)
        means[pos] = np.asarray(res.params)
        ses[pos] = np.asarray(res.bse)
        cov[np.ix_(pos, pos)] = np.asarray(res.cov_params())
    rows = []
    for j in range(k):
        m = b == j + 1
        rows.append({"bucket": j + 1, "n_days": int(counts[j]),
                     "x_low": float(x[m].min()) if m.any() else np.nan,
                     "x_high": float(x[m].max()) if m.any() else np.nan,
                     "mean": means[j], "se_hac": ses[j],
                     "ci_low": means[j] - z * ses[j], "ci_high": means[j] + z * ses[j],
                     "hit_rate": float((y[m] > 0).mean()) if m.any() else np.nan})
    spread = means[-1] - means[0]
    var = cov[-1, -1] + cov[0, 0] - 2.0 * cov[-1, 0]
    se = math.sqrt(var) if np.isfinite(var) and var > 0 else float("nan")
    t = spread / se if np.isfinite(se) else float("nan")
    right = t > 0 if increasing else t < 0
    p = (float(stats.norm.sf(abs(t))) if right else float(stats.norm.cdf(abs(t)))
         ) if np.isfinite(t) else float("nan")
    if n_boot > 0 and present.all() and y.size > block:
        stat, mr_p = monotonic_relation_test(y, b, k, block_size=block, reps=n_boot, rng=rng,
                                             increasing=increasing)
        _, mr_opp = monotonic_relation_test(y, b, k, block_size=block, reps=n_boot, rng=rng,
                                            increasing=not increasing)
    else:
        stat = mr_p = mr_opp = float("nan")
    summary = {"n_days": int(y.size), "top": means[-1], "bottom": means[0], "spread": spread,
               "se_hac": se, "t_hac": t, "p_spread_raw": p, "mr_stat": stat, "mr_p": mr_p,
               "mr_p_opposite": mr_opp, "block_size": block, "n_boot": int(n_boot)}
    return rows, summary


@dataclass(frozen=True, eq=False)
class DecileResult:
    """Forward returns by real-time bucket of one predictor (module docstring).

    Attributes
    ----------
    predictor : Predictor
        The measure bucketed.
    settings : dict
        ``horizons``, ``n_bins``, ``min_history``, ``fill``, ``scale``,
        ``n_boot``, ``seed``, ``conf``, ``min_block``.
    buckets : pandas.DataFrame
        Index ``(horizon, bucket)``, columns :data:`BUCKET_COLUMNS`.
    spread : pandas.DataFrame
        Index ``horizon``, columns :data:`SPREAD_COLUMNS`.
    data_span : tuple of str
        First and last day with a bucket (ISO dates).
    """

    predictor: Predictor
    settings: dict[str, Any]
    buckets: pd.DataFrame
    spread: pd.DataFrame
    data_span: tuple[str, str]
    _bucket_series: pd.Series = field(repr=False)

    @property
    def bucket_of_day(self) -> pd.Series:
        """Real-time bucket of every day (0: none)."""
        return self._bucket_series.copy()

    def to_frame(self) -> pd.DataFrame:
        """Bucket rows with the horizon's spread figures repeated (the CSV layout)."""
        return self.buckets.copy()

    def to_dict(self) -> dict[str, Any]:
        """The JSON document's ``predictor``, ``settings``, ``buckets`` and ``spread``."""
        p = self.predictor
        return {
            "predictor": {"name": p.name, "title": p.title, "doc": p.doc, "unit": p.unit,
                          "window": p.window, "fear": p.fear, "columns": list(p.columns)},
            "settings": {k: _jsonable(v) for k, v in self.settings.items()},
            "buckets": _records(self.buckets),
            "spread": _records(self.spread),
        }

    def plot(self) -> Any:
        """Bar chart of bucket means with HAC intervals, one panel per horizon."""
        from backtest.information.chart import decile_chart

        return decile_chart(self)

    def summary(self) -> str:
        """Bucket means and the spread per horizon in plain text."""
        s = self.settings
        unit = "vol-scaled" if s["scale"] == "vol" else "simple"
        spec = ".4f" if s["scale"] == "vol" else ".2%"
        lines = [f"{self.predictor.name}: forward SPX returns ({unit}, fill {s['fill']}) by "
                 f"real-time {s['n_bins']}-bucket of {self.predictor.title} "
                 f"(days bucketed {self.data_span[0]}..{self.data_span[1]}, after "
                 f"{s['min_history']} values of history)"]
        for h, sp in self.spread.iterrows():
            lines.append(f"\nhorizon {h}: spread top-bottom {fmt(sp.spread, spec, 0)} "
                         f"(HAC t {fmt(sp.t_hac, '.2f', 0)}, raw one-sided p "
                         f"{fmt(sp.p_spread_raw, '.3f', 0)}); monotonic (Patton-Timmermann "
                         f"MR, raw) p {fmt(sp.mr_p, '.3f', 0)}, opposite p "
                         f"{fmt(sp.mr_p_opposite, '.3f', 0)}")
            lines.append(f"{'bucket':>6} {'days':>6} {'x_low':>10} {'x_high':>10} "
                         f"{'mean':>9} {'ci_low':>9} {'ci_high':>9} {'hit':>5}")
            part = self.buckets.loc[[h]]
            for k, r in zip(part.index.get_level_values("bucket"), part.itertuples(),
                            strict=True):
                lines.append(f"{k:>6} {fmt(r.n_days, '.0f', 6)} {fmt(r.x_low, '.4g', 10)} "
                             f"{fmt(r.x_high, '.4g', 10)} {fmt(r.mean, spec, 9)} "
                             f"{fmt(r.ci_low, spec, 9)} {fmt(r.ci_high, spec, 9)} "
                             f"{fmt(r.hit_rate, '.0%', 5)}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def to_json(self, path: str | Path) -> Path:
        """Write :meth:`to_dict` as JSON; returns the path."""
        out = Path(path)
        out.write_text(json.dumps(self.to_dict(), indent=2, allow_nan=False) + "\n",
                       encoding="utf-8")
        return out


def _jsonable(v: Any) -> Any:
    if isinstance(v, float | np.floating):
        return None if not math.isfinite(float(v)) else float(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, tuple):
        return [_jsonable(x) for x in v]
    return v


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): _jsonable(v) for k, v in rec.items()}
            for rec in frame.reset_index().to_dict(orient="records")]


def decile_analysis(
    predictor: Predictor | str,
    data: pd.DataFrame,
    horizons: Sequence[int] = DEFAULT_HORIZONS,
    *,
    n_bins: int = 10,
    min_history: int = MIN_PERCENTILE_HISTORY,
    fill: Fill = "next_open",
    scale: ReturnScale = "raw",
    n_boot: int = 1000,
    seed: int | np.random.Generator | None = 0,
    conf: float = 0.95,
    min_block: int = 21,
) -> DecileResult:
    """Forward SPX returns by real-time bucket of a predictor.

    Parameters
    ----------
    predictor : Predictor or str
        A predictor or its registry name (:data:`strategies.predictors.PREDICTORS`).
    data : pandas.DataFrame
        Market table frame.
    horizons : sequence of int, default (1, 5, 10, 21, 63)
        Forward horizons in trading days.
    n_bins : int, default 10
        Buckets (10: deciles).
    min_history : int, default 252
        Predictor values needed before the first bucket.
    fill : {"next_open", "next_close"}, default "next_open"
        Fill timing of the forward returns.
    scale : {"raw", "vol"}, default "raw"
        Raw or vol-scaled forward returns (:mod:`.scaling`).
    n_boot : int, default 1000
        Bootstrap replicates of the monotonicity test (0: skip it).
    seed : int, Generator or None, default 0
        Seed of the bootstrap.
    conf : float, default 0.95
        Level of the per-bucket HAC intervals.
    min_block : int, default 21
        Smallest bootstrap block; the block is ``max(h, min_block)``.

    Returns
    -------
    DecileResult

    Raises
    ------
    MissingDataError
        If the data lack a column the predictor reads.
    """
    pred = get_predictor(predictor) if isinstance(predictor, str) else predictor
    if not 0.0 < conf < 1.0:
        raise ValueError(f"conf must lie in (0, 1), got {conf!r}")
    if int(n_boot) < 0:
        raise ValueError(f"n_boot must be >= 0, got {n_boot!r}")
    hs = tuple(int(h) for h in horizons)
    x = pred.compute(data).to_numpy(dtype=np.float64)
    b = realtime_buckets(x, n_bins, min_history)
    fwd = scaled_forward_returns(data, hs, fill, scale)
    rng = make_rng(seed)
    increasing = pred.fear == "high"
    bucket_rows: list[dict[str, Any]] = []
    spread_rows: dict[int, dict[str, Any]] = {}
    for h in hs:
        rows, summary = _horizon(fwd[h].to_numpy(dtype=np.float64), b, x, h, int(n_bins),
                                 increasing, conf, int(n_boot), min_block, rng)
        bucket_rows.extend({"horizon": h, **r} for r in rows)
        spread_rows[h] = summary
    buckets = pd.DataFrame(bucket_rows).set_index(["horizon", "bucket"])
    spread = pd.DataFrame.from_dict(spread_rows, orient="index")
    spread.index.name = "horizon"
    settings = {"horizons": list(hs), "n_bins": int(n_bins), "min_history": int(min_history),
                "fill": fill, "scale": scale, "n_boot": int(n_boot),
                "seed": seed if isinstance(seed, int) else None, "conf": float(conf),
                "min_block": int(min_block), "hac_lags": "horizon",
                "monotonicity": "Patton-Timmermann (2010) MR test, circular block bootstrap "
                                "of days with their buckets, block max(horizon, min_block); "
                                "raw p-values"}
    idx = data.index[b > 0]
    span = (f"{idx[0]:%Y-%m-%d}", f"{idx[-1]:%Y-%m-%d}") if len(idx) else ("", "")
    return DecileResult(pred, settings, buckets.loc[:, list(BUCKET_COLUMNS)],
                        spread.loc[:, list(SPREAD_COLUMNS)], span,
                        pd.Series(b, index=data.index, name="bucket"))

