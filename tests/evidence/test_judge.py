"""The one verdict rule: words, families, TOST, power and MDE (exact and by simulation)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from backtest.evidence.inference import hac_dummy_test
from backtest.evidence.judge import (
    JUDGED_COLUMNS,
    VERDICTS,
    equivalence_bound,
    family_level,
    judge_table,
    minimum_detectable_effect,
    power_at,
    power_statement,
    tost_pvalue,
    verdict,
)


def test_words_in_order() -> None:
    assert VERDICTS == ("supports", "contradicts", "no effect", "inconclusive", "too few")
    assert verdict(0.01, 0.99, 0.001, 10) == "supports"
    assert verdict(0.99, 0.01, 0.001, 10) == "contradicts"
    assert verdict(0.5, 0.5, 0.049, 10) == "no effect"
    assert verdict(0.5, 0.5, 0.05, 10) == "inconclusive"
    assert verdict(0.001, 0.999, 0.001, 9) == "too few"
    assert verdict(float("nan"), float("nan"), float("nan"), 50) == "inconclusive"


def test_bound_level_mde_power_exact() -> None:
    assert equivalence_bound(5) == pytest.approx(0.001)
    assert equivalence_bound(63) == pytest.approx(0.0126)
    assert equivalence_bound(10, 0.002) == pytest.approx(0.004)
    with pytest.raises(ValueError, match="delta_per_5d must be > 0"):
        equivalence_bound(5, 0.0)
    assert family_level(0.05, 110) == pytest.approx(0.05 / 110)
    c4 = 1 + 1 / 2 + 1 / 3 + 1 / 4
    assert family_level(0.05, 4, "by") == pytest.approx(0.05 / (4 * c4))
    # the example: se 0.14 %, Holm over 110 one-sided tests -> MDE about 0.58 %
    mde = minimum_detectable_effect(0.0014, 0.05 / 110)
    assert mde == pytest.approx((stats.norm.isf(0.05 / 110) + stats.norm.ppf(0.8)) * 0.0014)
    assert 0.0056 < mde < 0.0060
    assert power_at(mde, 0.0014, 0.05 / 110) == pytest.approx(0.8)
    assert power_at(0.0, 1.0, 0.05) == pytest.approx(0.05)
    # TOST: effect 0, se such that delta is 2.5 se -> p = sf(2.5)
    assert tost_pvalue(0.0, 0.0004, 0.001) == pytest.approx(stats.norm.sf(2.5))
    assert tost_pvalue(0.002, 0.0004, 0.001) > 0.5


def _rows() -> pd.DataFrame:
    return pd.DataFrame({
        "strategy": ["a", "a", "b", "b", "c"],
        "expect": ["higher", "higher", "lower", "lower", "higher"],
        "horizon": [21, 5, 21, 5, 21],
        "effect": [0.02, 0.0002, 0.0, -0.004, 0.05],
        "se_hac": [0.004, 0.0001, 0.0005, 0.001, 0.01],
        "p_raw": [stats.norm.sf(5.0), stats.norm.sf(2.0), 0.5, stats.norm.sf(4.0),
                  stats.norm.sf(5.0)],
        "episodes": [40, 40, 40, 40, 3],
        "primary": [True, False, True, False, True],
    })


def test_judge_table_families_and_words() -> None:
    out = judge_table(_rows())
    assert list(out.columns[-len(JUDGED_COLUMNS):]) == list(JUDGED_COLUMNS)
    # primary family: rows 0 and 2 (row 4 too few) -> 4 hypotheses, Holm
    assert out["family"].tolist() == ["primary", "exploratory", "primary", "exploratory",
                                      "primary"]
    p0 = stats.norm.sf(5.0)
    assert out.loc[0, "p_holm"] == pytest.approx(4 * p0)
    assert out.loc[0, "level"] == pytest.approx(0.05 / 4)
    assert np.isnan(out.loc[0, "p_by"]) and np.isnan(out.loc[4, "p_holm"])
    # row 1: a tiny effect measured precisely is inside the bound (raw p 0.023 is no claim)
    assert out["verdict"].tolist() == ["supports", "no effect", "no effect", "supports",
                                       "too few"]
    # row 2: TOST raw = sf(0.0042 / 0.0005), Holm over the 2 primary TOST p-values
    assert out.loc[2, "p_tost_raw"] == pytest.approx(stats.norm.sf(0.0042 / 0.0005))
    # row 3 (expects lower, effect -0.4 %): power counts the expected direction as positive
    assert out.loc[3, "power"] > 0.5
    assert "can detect effects of" in power_statement(out)


def test_judge_table_rejects_missing_columns() -> None:
    with pytest.raises(ValueError, match=r"judge_table needs columns \['primary'\]"):
        judge_table(_rows().drop(columns="primary"))


def _sim_rows(rng: np.random.Generator, effect: float, n: int = 1500, share: float = 0.1,
              sd: float = 0.01) -> tuple[float, float]:
    d = rng.random(n) < share
    y = rng.normal(0.0, sd, n) + effect * d
    t = hac_dummy_test(y, d, 1)
    return t.beta, t.se


def test_power_and_mde_match_simulation() -> None:
    """Plant the 80 %-power MDE of a 10-test Holm family: rejected in ~80 % of 300 runs."""
    rng = np.random.default_rng(7)
    level = family_level(0.05, 10)
    n, share, sd = 1500, 0.1, 0.01
    se_true = sd * np.sqrt(1 / (n * share) + 1 / (n * (1 - share)))
    mde = minimum_detectable_effect(se_true, level)
    z = stats.norm.isf(level)
    hits, powers = 0, []
    for _ in range(300):
        b, se = _sim_rows(rng, mde, n, share)
        hits += b / se > z
        powers.append(power_at(b, se, level))
    assert abs(hits / 300 - 0.80) < 0.06
    # at half the MDE the stated power matches the simulated one
    planted = mde / 2
    expect = power_at(planted, se_true, level)
    hits2 = sum(b / se > z for b, se in (_sim_rows(rng, planted, n, share) for _ in range(300)))
    assert abs(hits2 / 300 - expect) < 0.06


def test_tost_has_nominal_size_at_the_bound() -> None:
    """True effect exactly at +delta: TOST claims equivalence in ~5 % of 400 runs.

    (With delta about 6 standard errors, so the interval can fit inside the bound;
    when it cannot, TOST never claims equivalence and is conservative.)"""
    rng = np.random.default_rng(11)
    delta = 0.001
    claims = 0
    for _ in range(400):
        b, se = _sim_rows(rng, delta, sd=0.002)
        claims += tost_pvalue(b, se, delta) < 0.05
    assert abs(claims / 400 - 0.05) < 0.03
    # and far inside the bound it does claim it most of the time
    inside = sum(tost_pvalue(*_sim_rows(rng, 0.0, sd=0.002), delta) < 0.05 for _ in range(50))
    assert inside > 35
