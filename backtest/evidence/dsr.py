"""The Deflated Sharpe Ratio (Bailey and López de Prado, 2014).

The best of ``N`` backtests has an inflated Sharpe ratio even when no strategy
has skill.  The DSR is the Probabilistic Sharpe Ratio of the selected strategy
against the Sharpe ratio one would expect from the best of ``N`` skill-less
trials:

.. math::

    SR_0 = \\sqrt{V[\\widehat{SR}_n]}\\,\\Big((1-\\gamma) Z^{-1}\\big[1 - \\tfrac1N\\big]
           + \\gamma Z^{-1}\\big[1 - \\tfrac1{N e}\\big]\\Big)

    DSR = Z\\left[\\frac{(\\widehat{SR} - SR_0)\\sqrt{T-1}}
          {\\sqrt{1 - \\hat\\gamma_3 \\widehat{SR} + \\frac{\\hat\\gamma_4 - 1}{4}
          \\widehat{SR}^2}}\\right]

with :math:`\\gamma` the Euler-Mascheroni constant, :math:`Z` the standard
normal CDF, :math:`T` the number of returns, :math:`\\hat\\gamma_3` the
skewness and :math:`\\hat\\gamma_4` the **raw** kurtosis (3 for a normal
distribution).  Using excess kurtosis in this formula (a common mistake) makes
the denominator too small and the DSR too optimistic.  All Sharpe ratios are
per period (not annualised).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import special

__all__ = [
    "EULER_GAMMA",
    "DsrResult",
    "deflated_sharpe",
    "deflated_sharpe_ratio",
    "expected_max_sharpe",
    "probabilistic_sharpe_ratio",
    "sample_moments",
]

#: Euler-Mascheroni constant.
EULER_GAMMA = 0.5772156649015329


def expected_max_sharpe(n_trials: int, var_sharpe: float, mean_sharpe: float = 0.0) -> float:
    """Expected maximum Sharpe ratio of ``n_trials`` skill-less trials (``SR_0``).

    Parameters
    ----------
    n_trials : int
        Number of independent trials ``N``, ``>= 1`` (``N = 1`` gives ``mean_sharpe``).
    var_sharpe : float
        Variance of the trials' Sharpe ratios, ``>= 0`` (per-period units).
    mean_sharpe : float, default 0.0
        Mean Sharpe ratio under the null.

    Returns
    -------
    float
    """
    n = int(n_trials)
    if n < 1:
        raise ValueError(f"n_trials must be >= 1, got {n_trials!r}")
    if not var_sharpe >= 0:
        raise ValueError(f"var_sharpe must be >= 0, got {var_sharpe!r}")
    if n == 1:
        return float(mean_sharpe)
    z = ((1 - EULER_GAMMA) * special.ndtri(1 - 1 / n)  # the normal quantile (norm.ppf)
         + EULER_GAMMA * special.ndtri(1 - 1 / (n * np.e)))
    return float(mean_sharpe + np.sqrt(var_sharpe) * z)


def sample_moments(x: npt.ArrayLike) -> tuple[float, float]:
    """Skewness and raw (Pearson) kurtosis of a sample, with the biased moments.

    The same arithmetic as :func:`scipy.stats.skew` and
    :func:`scipy.stats.kurtosis` (``fisher=False``; ``bias=True``), without
    importing :mod:`scipy.stats`: central moments ``m_k = mean((x - mean(x))^k)``,
    skewness ``m3 / m2^1.5``, kurtosis ``m4 / m2^2``; NaN for a constant sample.

    Parameters
    ----------
    x : array_like of float, shape (T,)

    Returns
    -------
    tuple of float
        ``(skew, kurtosis)``.
    """
    a = np.asarray(x, dtype=np.float64).reshape(-1)
    mean = a.mean()
    d = a - mean
    d2 = d**2
    m2 = d2.mean()
    m3 = (d2 * d).mean()
    m4 = (d2**2).mean()
    if m2 <= (np.finfo(np.float64).eps * mean) ** 2:
        return float("nan"), float("nan")
    return float(m3 / m2**1.5), float(m4 / m2**2.0)


def _check_moments(skew: float, kurtosis: float) -> None:
    # Pearson's inequality: raw kurtosis >= 1 + skew**2 for every distribution.
    if not kurtosis >= 1.0 + skew**2 - 1e-12:
        raise ValueError(
            f"kurtosis={kurtosis!r} is below 1 + skew**2 = {1 + skew**2:.4g}, impossible for a "
            "raw kurtosis; pass the raw (Pearson) kurtosis, 3 for a normal distribution, "
            "not the excess kurtosis")


def probabilistic_sharpe_ratio(sharpe: float, benchmark: float, n_obs: int,
                               skew: float = 0.0, kurtosis: float = 3.0) -> float:
    """Probability that the true Sharpe ratio exceeds ``benchmark`` (PSR).

    Parameters
    ----------
    sharpe : float
        Observed per-period Sharpe ratio.
    benchmark : float
        Benchmark per-period Sharpe ratio (``SR_0`` for the DSR).
    n_obs : int
        Number of returns ``T``, ``>= 2``.
    skew : float, default 0.0
        Skewness of the returns.
    kurtosis : float, default 3.0
        **Raw** kurtosis of the returns (normal = 3).

    Returns
    -------
    float
    """
    if int(n_obs) < 2:
        raise ValueError(f"n_obs must be >= 2, got {n_obs!r}")
    _check_moments(skew, kurtosis)
    denom = 1.0 - skew * sharpe + (kurtosis - 1.0) / 4.0 * sharpe**2
    if denom <= 0:
        raise ValueError(f"the PSR variance term 1 - skew*SR + (kurtosis-1)/4*SR^2 = {denom:.4g} "
                         "is not positive; check the inputs (per-period Sharpe, raw kurtosis)")
    z = (sharpe - benchmark) * np.sqrt(int(n_obs) - 1) / np.sqrt(denom)
    return float(special.ndtr(z))  # the normal CDF (norm.cdf)


def deflated_sharpe_ratio(sharpe: float, n_obs: int, n_trials: int, var_sharpe: float,
                          skew: float = 0.0, kurtosis: float = 3.0,
                          mean_sharpe: float = 0.0) -> float:
    """Deflated Sharpe Ratio from summary statistics.

    Parameters
    ----------
    sharpe : float
        Per-period Sharpe ratio of the selected (best) trial.
    n_obs : int
        Number of returns ``T``.
    n_trials : int
        Number of trials ``N`` the selection was made from.
    var_sharpe : float
        Variance of the per-period Sharpe ratios across the trials.
    skew : float, default 0.0
        Skewness of the selected trial's returns.
    kurtosis : float, default 3.0
        **Raw** kurtosis of the selected trial's returns (normal = 3).
    mean_sharpe : float, default 0.0
        Mean Sharpe ratio of a skill-less trial.

    Returns
    -------
    float
        A probability; above 0.95 the selected strategy's Sharpe ratio is
        significant at 5 % after accounting for the ``N`` trials.
    """
    sr0 = expected_max_sharpe(n_trials, var_sharpe, mean_sharpe)
    return probabilistic_sharpe_ratio(sharpe, sr0, n_obs, skew, kurtosis)


@dataclass(frozen=True)
class DsrResult:
    """Deflated Sharpe Ratio of the best of several trials.

    Attributes
    ----------
    best : str
        Column of the selected trial (highest Sharpe ratio).
    sharpe : float
        Its per-period Sharpe ratio.
    sr0 : float
        Expected maximum Sharpe ratio of ``n_trials`` skill-less trials.
    dsr : float
        Deflated Sharpe Ratio (a probability).
    n_trials, n_obs : int
        Trials and returns per trial.
    var_sharpe, skew, kurtosis : float
        Inputs of the formula (kurtosis raw).
    periods_per_year : int
        Used only to annualise the Sharpe ratios in :meth:`summary`.
    """

    best: str
    sharpe: float
    sr0: float
    dsr: float
    n_trials: int
    n_obs: int
    var_sharpe: float
    skew: float
    kurtosis: float
    periods_per_year: int = 252

    def to_frame(self) -> pd.DataFrame:
        """One row with every figure."""
        return pd.DataFrame([{k: getattr(self, k) for k in (
            "best", "sharpe", "sr0", "dsr", "n_trials", "n_obs", "var_sharpe", "skew",
            "kurtosis")}])

    def summary(self) -> str:
        """One paragraph in words."""
        a = np.sqrt(self.periods_per_year)
        return (f"Best of {self.n_trials} trials: {self.best}, Sharpe {self.sharpe * a:.2f} "
                f"annualised; expected best of {self.n_trials} skill-less trials "
                f"{self.sr0 * a:.2f}.  Deflated Sharpe Ratio {self.dsr:.3f} "
                f"({'significant' if self.dsr > 0.95 else 'not significant'} at 5 %; "
                f"T={self.n_obs}, skew {self.skew:.2f}, kurtosis {self.kurtosis:.2f}).")


def deflated_sharpe(returns: pd.DataFrame, *, n_trials: int | None = None,
                    periods_per_year: int = 252) -> DsrResult:
    """DSR of the best column of a ``(T, n)`` matrix of trial returns.

    Parameters
    ----------
    returns : pandas.DataFrame
        Per-period returns, one column per trial (parameter set), no NaN.  A
        constant column (a set that never trades) counts as a trial with Sharpe
        ratio 0 and is never selected.
    n_trials : int or None, default None
        Number of trials to deflate by (default: the number of columns; pass a
        larger number if more variants were tried than are in the matrix).
    periods_per_year : int, default 252
        For the annualised figures in the summary only.

    Returns
    -------
    DsrResult
    """
    if not isinstance(returns, pd.DataFrame) or returns.shape[1] < 2:
        raise ValueError("returns must be a DataFrame with one column per trial (at least 2)")
    x = returns.to_numpy(dtype=float)
    if not np.isfinite(x).all():
        col = returns.columns[~np.isfinite(x).all(axis=0)][0]
        raise ValueError(f"returns has NaN/inf in column {col!r}; drop warm-up rows first")
    sd = x.std(axis=0, ddof=1)
    if (sd == 0).all():
        raise ValueError("every returns column is constant (no trial ever traded); "
                         "the Sharpe ratios are undefined")
    # a constant column (a parameter set that never trades) is a trial with Sharpe 0
    sr = np.where(sd > 0, x.mean(axis=0) / np.where(sd > 0, sd, 1.0), 0.0)
    i = int(np.argmax(np.where(sd > 0, sr, -np.inf)))
    n = returns.shape[1] if n_trials is None else int(n_trials)
    if n < returns.shape[1]:
        raise ValueError(f"n_trials={n_trials} is below the {returns.shape[1]} columns given")
    var_sr = float(sr.var(ddof=1))
    sk, ku = sample_moments(x[:, i])
    sr0 = expected_max_sharpe(n, var_sr)
    d = probabilistic_sharpe_ratio(float(sr[i]), sr0, x.shape[0], sk, ku)
    label = returns.columns[i]
    best = ", ".join(map(str, label)) if isinstance(label, tuple) else str(label)
    return DsrResult(best=best, sharpe=float(sr[i]), sr0=sr0, dsr=d, n_trials=n,
                     n_obs=x.shape[0], var_sharpe=var_sr, skew=sk, kurtosis=ku,
                     periods_per_year=int(periods_per_year))
