"""Incremental information: does a VIX signal predict SPX beyond SPX's own past?

For each horizon ``h``, the forward SPX return of day ``t`` (from the fill,
:func:`backtest.execution.fills.forward_returns`; optionally vol-scaled, see
:mod:`.scaling`) is regressed by OLS on

* the signal alone: ``y = a + b x``, and
* the signal with the controls: ``y = a + b x + c' Z`` (:mod:`.controls`),

on **the same days** (every day of the sample where ``y``, ``x`` and every
control are defined), with Newey-West (HAC) standard errors, ``maxlags = h``
(:func:`backtest.evidence.inference.hac_lags`: the overlap of ``h``-day windows).
``x`` is a strategy side's entry dummy (1 on signal days) or a continuous predictor
(:mod:`strategies.predictors`).

Columns of :meth:`InformationResult.to_frame` (one row per horizon)
--------------------------------------------------------------------
``n_obs`` (days in both regressions), ``signal_days`` and ``episodes`` (a
dummy's signal days and episodes in the sample, by the event study's rule,
:func:`backtest.evidence.episodes.count_episodes`; NaN for a predictor),
``coef_alone``, ``se_alone``, ``t_alone``, ``p_alone_raw``
(coefficient of ``x`` without controls, HAC standard error, t, one-sided raw
p-value in the expected direction), the same four for ``*_controlled``,
``partial_r2`` (share of the controls-only regression's residual variance that
``x`` explains: ``1 - SSR_full / SSR_controls``), ``r2_controls`` (R^2 of the
controls alone), ``n_controls`` (controls used: a control constant in the
sample, or a linear combination of the constant and the controls before it, is
dropped; if the signal itself is such a combination the ``*_controlled`` fields
and ``partial_r2`` are NaN) and ``hac_lags``.  For a dummy, ``coef_alone`` is the mean
forward return on signal days minus that on the other days -- the event
study's effect on the same sample.

p-values here are raw (``*_raw``); the word a row gets is decided in one
place, :func:`backtest.information.answer.adds_information`.

The regressions are :func:`hac_ols`: statsmodels' ``OLS(...).fit(cov_type="HAC")``
written out in numpy (importing ``statsmodels.api`` costs seconds); statsmodels
is the reference the tests hold it to (1e-10).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from backtest.evidence.episodes import count_episodes
from backtest.evidence.event_study import DEFAULT_HORIZONS, fmt
from backtest.evidence.inference import hac_lags
from backtest.evidence.normal import ndtr  # the normal cdf (no scipy import)
from backtest.evidence.strategy_study import expect_of, resolve_strategy, strategy_sample
from backtest.execution.fills import Fill
from backtest.information.controls import control_frame, parse_controls
from backtest.information.scaling import ReturnScale, scaled_forward_returns
from strategies.base import Strategy
from strategies.predictors import Predictor, get_predictor

__all__ = [
    "INFO_COLUMNS",
    "HacOls",
    "InformationResult",
    "StrategyInformation",
    "hac_ols",
    "incremental_table",
    "predictor_information",
    "signal_information",
    "strategy_information",
]

Expect = Literal["higher", "lower"]
FloatArray = npt.NDArray[np.float64]

#: Columns of :meth:`InformationResult.to_frame`, in order.
INFO_COLUMNS: tuple[str, ...] = (
    "n_obs", "signal_days", "episodes",
    "coef_alone", "se_alone", "t_alone", "p_alone_raw",
    "coef_controlled", "se_controlled", "t_controlled", "p_controlled_raw",
    "partial_r2", "r2_controls", "n_controls", "hac_lags",
)


@dataclass(frozen=True, eq=False)
class HacOls:
    """An OLS fit with Newey-West (HAC) standard errors (:func:`hac_ols`).

    The attributes statsmodels' ``RegressionResults`` has under the same names.

    Attributes
    ----------
    params : numpy.ndarray of float, shape (k,)
        Coefficients.
    bse : numpy.ndarray of float, shape (k,)
        HAC standard errors.
    tvalues : numpy.ndarray of float, shape (k,)
        ``params / bse``.
    pvalues : numpy.ndarray of float, shape (k,)
        Two-sided p-values, normal reference.
    ssr : float
        Sum of squared residuals.
    rsquared : float
        ``1 - ssr / centered total sum of squares`` (the regressions here have a
        constant; statsmodels' value for a model with a constant).
    cov : numpy.ndarray of float, shape (k, k)
        HAC covariance of ``params``.
    """

    params: FloatArray
    bse: FloatArray
    tvalues: FloatArray
    pvalues: FloatArray
    ssr: float
    rsquared: float
    cov: FloatArray = field(repr=False)

    def cov_params(self) -> FloatArray:
        """The HAC covariance of the coefficients (statsmodels' ``cov_params()``)."""
        return self.cov


RANK_RTOL = 1e-10
"""An eigenvalue of the Gram matrix of unit-norm columns below ``RANK_RTOL`` times
the largest counts as zero (singular values 1e-5 apart: a condition number no
regression here could be read at)."""


def gram_rank(G: FloatArray) -> int:
    """Numerical rank of a Gram matrix ``X'X`` of unit-norm columns.

    Parameters
    ----------
    G : numpy.ndarray of float, shape (k, k)

    Returns
    -------
    int
        Eigenvalues above :data:`RANK_RTOL` times the largest.
    """
    if G.shape[0] == 0:
        return 0
    ev = np.linalg.eigvalsh(G)
    top = float(ev[-1])
    return int((ev > RANK_RTOL * top).sum()) if top > 0 else 0


def _unit(a: FloatArray) -> FloatArray:
    n = np.sqrt(np.einsum("ij,ij->j", a, a))
    return np.asarray(a / np.where(n == 0, 1.0, n), dtype=np.float64)


def independent_controls(base: FloatArray, Z: FloatArray) -> list[int]:
    """Columns of ``Z`` kept, in order, each one raising the rank of ``[base, kept]``.

    A control that is constant in the sample, or a linear combination of ``base``
    and the controls kept before it, adds nothing a regression can identify and is
    left out (:func:`gram_rank`).

    Parameters
    ----------
    base : numpy.ndarray of float, shape (n, b)
        Columns always in the regression (the constant).
    Z : numpy.ndarray of float, shape (n, m)
        Candidate controls.

    Returns
    -------
    list of int
        Indices of the kept columns of ``Z``.
    """
    A = _unit(np.column_stack([base, Z]))
    G = A.T @ A.copy()
    b = base.shape[1]
    cols = list(range(b))
    rank = gram_rank(G[np.ix_(cols, cols)])
    keep: list[int] = []
    for j in range(Z.shape[1]):
        trial = [*cols, b + j]
        r = gram_rank(G[np.ix_(trial, trial)])
        if r > rank:
            keep.append(j)
            cols, rank = trial, r
    return keep


def hac_ols(y: npt.ArrayLike, X: npt.ArrayLike, lags: int) -> HacOls:
    """OLS of ``y`` on ``X`` with Newey-West standard errors, ``maxlags = lags``.

    Equal to ``sm.OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": lags})`` of
    statsmodels (Bartlett kernel, no small-sample factor, normal reference) --
    the tests hold the two to 1e-10 -- computed in numpy.

    Parameters
    ----------
    y : array_like of float, shape (n,)
        Dependent variable, no NaN.
    X : array_like of float, shape (n, k)
        Regressors (include the constant column), full column rank.
    lags : int
        Newey-West maximum lag.

    Returns
    -------
    HacOls
    """
    yy = np.asarray(y, dtype=np.float64)
    XX = np.asarray(X, dtype=np.float64)
    if XX.ndim == 1:
        XX = XX[:, None]
    # normal equations on unit-norm columns; every product is a general matrix product of
    # two distinct buffers (``a.T @ a`` of one buffer goes to a multi-threaded BLAS
    # routine that is slow on a busy machine for these thin matrices)
    norm = np.sqrt(np.einsum("ij,ij->j", XX, XX))
    norm[norm == 0] = 1.0
    Xs = XX / norm
    gram = Xs.T @ Xs.copy()
    rank = gram_rank(gram)
    if rank < XX.shape[1]:
        raise ValueError(f"hac_ols: the regressors are not of full column rank ({rank} of "
                         f"{XX.shape[1]} columns independent over {XX.shape[0]} rows); "
                         "drop the collinear columns first")
    inv = np.linalg.inv(gram)
    beta = inv @ (Xs.T @ yy)
    beta += inv @ (Xs.T @ (yy - Xs @ beta))  # one step of refinement: least-squares accuracy
    params = beta / norm
    resid = yy - XX @ params
    bread = inv / np.outer(norm, norm)  # (X'X)^-1
    u = XX * resid[:, None]
    s = u.T @ u.copy()
    n, L = yy.size, int(lags)
    for lag in range(1, min(L, n - 1) + 1):
        g = u[lag:].T @ u[:-lag]
        s += (1.0 - lag / (L + 1.0)) * (g + g.T)
    cov = bread @ s @ bread
    bse = np.sqrt(np.diag(cov))
    with np.errstate(divide="ignore", invalid="ignore"):
        tvalues = params / bse
    pvalues = 2.0 * ndtr(-np.abs(tvalues))
    ssr = float(resid @ resid)
    centred = yy - yy.mean()
    tss = float(centred @ centred)
    rsq = 1.0 - ssr / tss if tss > 0 else float("nan")
    return HacOls(params, bse, tvalues, np.asarray(pvalues, dtype=np.float64), ssr, rsq, cov)


def _one_sided(t: float, p_two: float, expect: Expect) -> float:
    if not np.isfinite(t):
        return float("nan")
    right = t > 0 if expect == "higher" else t < 0
    return p_two / 2.0 if right else 1.0 - p_two / 2.0


def _nan_row(n: int, lags: int) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(INFO_COLUMNS, float("nan"))
    row.update(n_obs=n, hac_lags=lags, n_controls=0)
    return row


def _horizon_row(y: FloatArray, x: FloatArray, Z: FloatArray, ok: npt.NDArray[np.bool_],
                 lags: int, expect: Expect, dummy: bool, h: int) -> dict[str, Any]:
    sample = ok & np.isfinite(y) & np.isfinite(x) & np.isfinite(Z).all(axis=1)
    yy, xx, ZZ = y[sample], x[sample], Z[sample]
    n = int(sample.sum())
    row = _nan_row(n, lags)
    if dummy:
        row["signal_days"] = int((xx > 0).sum())
        row["episodes"] = count_episodes(xx > 0)  # the event study's rule, sample rows
    if n < 3 or np.ptp(xx) == 0 or (dummy and min((xx > 0).sum(), (xx == 0).sum()) < 2):
        return row
    one = np.ones((n, 1))
    keep = independent_controls(one, ZZ)
    ZZ = ZZ[:, keep]
    row["n_controls"] = len(keep)
    alone = hac_ols(yy, np.column_stack([one, xx]), lags)
    X_full = np.column_stack([one, xx, ZZ])
    # the signal is identified beyond the controls only if it is not a linear
    # combination of them and a residual degree of freedom is left; otherwise the
    # controlled fields stay NaN (not "no information": nothing could be measured)
    unit_full = _unit(X_full)
    identified = (n > X_full.shape[1]
                  and gram_rank(unit_full.T @ unit_full.copy()) == X_full.shape[1])
    full = hac_ols(yy, X_full, lags) if identified else None
    ctrl = hac_ols(yy, np.column_stack([one, ZZ]), lags) if ZZ.shape[1] else None
    ssr_c = float(ctrl.ssr) if ctrl is not None else float(((yy - yy.mean()) ** 2).sum())
    row["r2_controls"] = float(ctrl.rsquared) if ctrl is not None else 0.0
    for tag, res in (("alone", alone), ("controlled", full)):
        if res is None:
            continue
        t = float(res.tvalues[1])
        row[f"coef_{tag}"] = float(res.params[1])
        row[f"se_{tag}"] = float(res.bse[1])
        row[f"t_{tag}"] = t
        row[f"p_{tag}_raw"] = _one_sided(t, float(res.pvalues[1]), expect)
    if full is not None and ssr_c > 0:
        row["partial_r2"] = 1.0 - float(full.ssr) / ssr_c
    return row


def incremental_table(forward: pd.DataFrame, x: pd.Series, controls: pd.DataFrame,
                      valid: pd.Series | None = None, expect: Expect = "higher",
                      dummy: bool = False) -> pd.DataFrame:
    """The per-horizon regressions of the module docstring.

    Parameters
    ----------
    forward : pandas.DataFrame
        Forward returns, one column per horizon (named by the integer).
    x : pandas.Series
        Signal dummy (bool or 0/1) or continuous predictor, indexed like ``forward``.
    controls : pandas.DataFrame
        Control columns, indexed like ``forward`` (may have no columns).
    valid : pandas.Series of bool or None, default None
        Days allowed in the sample (``None``: all).
    expect : {"higher", "lower"}, default "higher"
        Direction of the one-sided p-values.
    dummy : bool, default False
        ``x`` is a 0/1 signal (counts signal days and episodes).

    Returns
    -------
    pandas.DataFrame
        Index ``horizon``, columns :data:`INFO_COLUMNS`.
    """
    if expect not in ("higher", "lower"):
        raise ValueError(f"expect must be 'higher' or 'lower', got {expect!r}")
    for what, obj in (("x", x), ("controls", controls)):
        if not obj.index.equals(forward.index):
            raise ValueError(f"{what} must be indexed exactly like the forward returns")
    xv = x.to_numpy(dtype=np.float64)
    Z = controls.to_numpy(dtype=np.float64).reshape(len(forward), -1)
    ok = (np.ones(len(forward), dtype=bool) if valid is None
          else valid.reindex(forward.index, fill_value=False).to_numpy(dtype=bool))
    rows = {int(h): _horizon_row(forward[h].to_numpy(dtype=np.float64), xv, Z, ok,
                                 hac_lags(int(h)), expect, dummy, int(h))
            for h in forward.columns}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "horizon"
    return table.loc[:, list(INFO_COLUMNS)]


@dataclass(frozen=True, eq=False)
class InformationResult:
    """Coefficients of one signal or predictor with and without the controls.

    Attributes
    ----------
    name : str
        Label (``"spike_reversal:long"``, ``"vrp"``).
    kind : {"signal", "predictor"}
        A 0/1 signal or a continuous predictor.
    expect : {"higher", "lower"}
        Direction the one-sided p-values test.
    controls : tuple of str
        Control names (:mod:`.controls`).
    fill : str
        Fill timing of the forward returns.
    scale : {"raw", "vol"}
        Raw or vol-scaled forward returns.
    table : pandas.DataFrame
        Index ``horizon``, columns :data:`INFO_COLUMNS`.
    """

    name: str
    kind: Literal["signal", "predictor"]
    expect: Expect
    controls: tuple[str, ...]
    fill: str
    scale: ReturnScale
    table: pd.DataFrame = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The per-horizon table (a copy)."""
        return self.table.copy()

    def summary(self) -> str:
        """The table in plain text."""
        unit = "vol-scaled" if self.scale == "vol" else "simple"
        lines = [f"{self.name}: forward SPX returns ({unit}, fill {self.fill}) on the "
                 f"{self.kind}, alone and with controls "
                 f"({', '.join(self.controls) or 'none'}); HAC lags = horizon; "
                 f"p raw, one-sided ({self.expect})",
                 f"{'h':>4} {'days':>6} {'coef':>9} {'t':>6} {'p_raw':>6} "
                 f"{'coef|ctl':>9} {'t':>6} {'p_raw':>6} {'pR2':>7}"]
        pct = self.kind == "signal" and self.scale == "raw"
        spec = ".2%" if pct else ".4g"
        for h, r in self.table.iterrows():
            lines.append(f"{h:>4} {fmt(r.signal_days, '.0f', 6)} {fmt(r.coef_alone, spec, 9)} "
                         f"{fmt(r.t_alone, '.2f', 6)} {fmt(r.p_alone_raw, '.3f', 6)} "
                         f"{fmt(r.coef_controlled, spec, 9)} {fmt(r.t_controlled, '.2f', 6)} "
                         f"{fmt(r.p_controlled_raw, '.3f', 6)} {fmt(r.partial_r2, '.4f', 7)}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def signal_information(signal: pd.Series, data: pd.DataFrame,
                       horizons: Sequence[int] = DEFAULT_HORIZONS,
                       controls: Sequence[str] | str | None = None, *,
                       fill: Fill = "next_open", expect: Expect = "higher",
                       valid: pd.Series | None = None, scale: ReturnScale = "raw",
                       name: str | None = None) -> InformationResult:
    """Incremental information of a boolean signal (module docstring).

    Parameters
    ----------
    signal : pandas.Series of bool
        ``True`` on signal days, indexed like ``data``.
    data : pandas.DataFrame
        Market table frame.
    horizons : sequence of int, default (1, 5, 10, 21, 63)
        Forward horizons in trading days.
    controls : sequence of str, str or None, default None
        Control names; ``None``: :data:`~backtest.information.controls.DEFAULT_CONTROLS`.
    fill : {"next_open", "next_close"}, default "next_open"
        Fill timing of the forward returns.
    expect : {"higher", "lower"}, default "higher"
        Direction the signal predicts.
    valid : pandas.Series of bool or None
        Days allowed in the sample (e.g. a strategy's warm-up passed).
    scale : {"raw", "vol"}, default "raw"
        Raw or vol-scaled forward returns (:mod:`.scaling`).
    name : str or None
        Label.

    Returns
    -------
    InformationResult
    """
    if not isinstance(signal, pd.Series) or not signal.index.equals(data.index):
        raise ValueError("signal must be a pandas Series indexed exactly like the market data")
    names = parse_controls(controls)
    fwd = scaled_forward_returns(data, horizons, fill, scale)
    return _signal_information(signal, fwd, control_frame(data, names), names, fill, expect,
                               valid, scale, name)


def _signal_information(signal: pd.Series, fwd: pd.DataFrame, ctrl: pd.DataFrame,
                        names: tuple[str, ...], fill: Fill, expect: Expect,
                        valid: pd.Series | None, scale: ReturnScale, name: str | None
                        ) -> InformationResult:
    """:func:`signal_information` given the forward returns and the control frame."""
    table = incremental_table(fwd, signal.astype(float), ctrl, valid, expect, dummy=True)
    label = name if name is not None else str(signal.name or "signal")
    return InformationResult(label, "signal", expect, names, fill, scale, table)


def predictor_information(predictor: Predictor | str, data: pd.DataFrame,
                          horizons: Sequence[int] = DEFAULT_HORIZONS,
                          controls: Sequence[str] | str | None = None, *,
                          fill: Fill = "next_open", scale: ReturnScale = "raw",
                          ) -> InformationResult:
    """Incremental information of a continuous predictor (coefficient per unit of it).

    The one-sided p-values test the direction the predictor's fear end
    expects (``fear == "high"``: higher values, higher SPX returns).

    Parameters
    ----------
    predictor : Predictor or str
        A predictor or its registry name (:mod:`strategies.predictors`).
    data, horizons, controls, fill, scale
        As in :func:`signal_information`.

    Returns
    -------
    InformationResult
    """
    pred = get_predictor(predictor) if isinstance(predictor, str) else predictor
    names = parse_controls(controls)
    x = pred.compute(data)
    fwd = scaled_forward_returns(data, horizons, fill, scale)
    expect: Expect = "higher" if pred.fear == "high" else "lower"
    table = incremental_table(fwd, x, control_frame(data, names), None, expect)
    return InformationResult(pred.name, "predictor", expect, names, fill, scale, table)


@dataclass(frozen=True, eq=False)
class StrategyInformation:
    """Incremental information of every side of one strategy parameter set.

    Attributes
    ----------
    strategy : str
        Registry name.
    params : dict
        Parameter values.
    sides : dict of str to InformationResult
        ``"long"`` / ``"short"``.
    """

    strategy: str
    params: dict[str, Any]
    sides: dict[str, InformationResult]

    def to_frame(self) -> pd.DataFrame:
        """Both sides stacked: index ``(side, horizon)``, with an ``expect`` column."""
        parts = {s: r.to_frame().assign(expect=r.expect) for s, r in self.sides.items()}
        return pd.concat(parts, names=["side", "horizon"])

    def summary(self) -> str:
        """Both sides in plain text."""
        return "\n\n".join(r.summary() for r in self.sides.values())

    def __str__(self) -> str:
        return self.summary()


def strategy_information(strategy: Strategy | type[Strategy] | str, data: pd.DataFrame,
                         horizons: Sequence[int] = DEFAULT_HORIZONS,
                         controls: Sequence[str] | str | None = None, *,
                         fill: Fill = "next_open", scale: ReturnScale = "raw",
                         ) -> StrategyInformation:
    """Incremental information of each side's entry signal, on the strategy's sample.

    The sample is the event study's (:func:`backtest.evidence.strategy_study.strategy_sample`:
    the strategy's columns present and its warm-up passed), further limited to
    days where every control is defined.

    Parameters
    ----------
    strategy : Strategy, Strategy subclass or str
        Parameter set (a class or registry name: defaults).
    data, horizons, controls, fill, scale
        As in :func:`signal_information`.

    Returns
    -------
    StrategyInformation

    Raises
    ------
    MissingDataError
        If ``data`` lacks a column the strategy or a control needs.
    """
    strat = resolve_strategy(strategy)
    names = parse_controls(controls)
    sig = strat.signals(data)
    entries: dict[str, pd.Series] = {side: sig.entries(side) for side in strat.sides}
    sample = strategy_sample(strat, data)
    return _strategy_information(strat, data, horizons, names, fill, scale,
                                 control_frame(data, names),
                                 scaled_forward_returns(data, horizons, fill, scale),
                                 entries, sample)


def _strategy_information(strat: Strategy, data: pd.DataFrame, horizons: Sequence[int],
                          names: tuple[str, ...], fill: Fill, scale: ReturnScale,
                          ctrl: pd.DataFrame, fwd: pd.DataFrame, entries: dict[str, pd.Series],
                          sample: pd.Series) -> StrategyInformation:
    """:func:`strategy_information` given the control frame, the forward returns (any
    superset of ``horizons``), each side's entries and the strategy's sample."""
    f = fwd.loc[:, [int(h) for h in horizons]]
    sides: dict[str, InformationResult] = {}
    for side in strat.sides:
        sides[side] = _signal_information(entries[side], f, ctrl, names, fill, expect_of(side),
                                          sample, scale, f"{strat.name}:{side}")
    return StrategyInformation(strat.name, strat.params(), sides)
