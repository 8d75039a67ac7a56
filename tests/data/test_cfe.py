"""CFE per-contract files: current layout, x10 scale, zero settles, SOQ row, bad input."""

from __future__ import annotations

import io
import re
import tarfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from backtest.data.readers import detect_format, read_file
from backtest.errors import DataError, DataRepairWarning

HEADER = "Trade Date,Futures,Open,High,Low,Close,Settle,Change,Total Volume,EFP,Open Interest\n"

# Current CBOE layout: ISO dates, four-digit year in the contract name, 4-decimal prices.
CURRENT = HEADER + (
    "2017-05-22,F (Jan 2018),0.0000,0.0000,0.0000,0.0000,0.0000,0.0000,0,0,0\n"
    "2017-05-23,F (Jan 2018),17.5000,17.5000,17.4000,17.4500,17.4250,0.0000,12,0,12\n"
    "2018-01-16,F (Jan 2018),11.6000,12.0500,11.5500,11.8000,11.7750,0.2000,60000,0,90000\n"
    "2018-01-17,F (Jan 2018),0.0000,0.0000,0.0000,0.0000,11.6600,-0.1150,0,0,0\n"
)

# Old archive layout with the x10 scale before 2007-03-26 and a zero settle.
OLD = HEADER + (
    "02/16/2007,G (Feb 08),0.00,0.00,0.00,0.00,0.00,0.00,0,0,0\n"
    "02/20/2007,G (Feb 08),0.00,0.00,0.00,0.00,153.90,153.90,0,0,0\n"
    "03/23/2007,G (Feb 08),0.00,0.00,0.00,0.00,150.00,0.20,0,0,291\n"
    "3/26/2007,G (Feb 08),15.12,15.12,15.05,15.05,15.01,-134.99,49,0,340\n"
)


def test_current_layout(tmp_path: Path) -> None:
    p = tmp_path / "VX_2018-01-17.csv"
    p.write_text(CURRENT)
    assert detect_format(p) == "cfe-contract"
    with pytest.warns(DataRepairWarning, match="1 row.s. with a zero settle dropped"):
        raw = read_file(p)
    f = raw.frame
    assert raw.symbol == "VX" and raw.format == "cfe-contract"
    assert list(f["trade_date"]) == [pd.Timestamp(d) for d in
                                     ("2017-05-23", "2018-01-16", "2018-01-17")]
    assert (f["expiry"] == pd.Timestamp("2018-01-17")).all()
    assert f["settle"].tolist() == [17.425, 11.775, 11.66]  # no rescale after 2007
    assert f["final"].tolist() == [False, False, True]
    # zero Open/High/Low/Close on a no-trade day are "no trade", not prices
    assert np.isnan(f["open"].iloc[-1]) and f["volume"].iloc[-1] == 0


def test_old_layout_rescale(tmp_path: Path) -> None:
    p = tmp_path / "CFE_G08_VX.csv"
    p.write_text(OLD)
    with pytest.warns(DataRepairWarning):
        raw = read_file(p)
    f = raw.frame.set_index("trade_date")
    assert f["settle"].tolist() == pytest.approx([15.39, 15.0, 15.01], abs=1e-12)
    assert f.loc["2007-03-26", "open"] == 15.12  # on and after 2007-03-26: as written
    assert (f["expiry"] == pd.Timestamp("2008-02-19")).all()
    assert any("divided by 10" in m for m in raw.repairs)


def test_archive_of_members(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for name, text in (("d/CFE_G08_VX.csv", OLD), ("d/VX_2018-01-17.csv", CURRENT)):
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    p = tmp_path / "contracts.tar.gz"
    p.write_bytes(buf.getvalue())
    assert detect_format(p) == "cfe-contracts-archive"
    with pytest.warns(DataRepairWarning, match="2 row.s. with a zero settle dropped"):
        raw = read_file(p)
    assert len(raw.frame) == 6 and raw.frame["expiry"].nunique() == 2
    assert raw.repair_counts["settle"] == 2


def test_weekly_contract_rejected(tmp_path: Path) -> None:
    p = tmp_path / "VX_weekly.csv"
    p.write_text(HEADER + "2018-01-02,VX01 (Jan 2018),11,11,11,11,11.1,0,1,0,1\n")
    with pytest.raises(DataError, match=re.escape(
            f"{p}, line 2: column 'Futures': 'VX01 (Jan 2018)' is not a monthly VX contract")):
        read_file(p)


def test_trade_after_expiry_rejected(tmp_path: Path) -> None:
    p = tmp_path / "VX_bad.csv"
    p.write_text(HEADER + "2018-01-18,F (Jan 2018),11,11,11,11,11.1,0,1,0,1\n")
    with pytest.raises(DataError, match=re.escape(
            f"{p}, line 2: trade date 2018-01-18 is after the final settlement date "
            "2018-01-17 of F (Jan 2018)")):
        read_file(p)


def test_missing_settle_column(tmp_path: Path) -> None:
    p = tmp_path / "VX_bad.csv"
    p.write_text("Trade Date,Futures,Open,Close\n2018-01-02,F (Jan 2018),11,11\n")
    with pytest.raises(DataError, match=re.escape(
            f"{p}: layout 'cfe-contract' needs column(s) Settle")):
        read_file(p)


def test_conflicting_duplicate_rows(tmp_path: Path) -> None:
    p = tmp_path / "VX_dup.csv"
    p.write_text(HEADER + "2018-01-02,F (Jan 2018),11,11,11,11,11.1,0,1,0,1\n"
                 "2018-01-02,F (Jan 2018),11,11,11,11,11.3,0,1,0,1\n")
    with pytest.raises(DataError, match=re.escape(
            f"{p}, lines 2 and 3: date 2018-01-02, F (Jan 2018) appears twice with different "
            "values in column 'settle' (11.1 vs 11.3)")):
        read_file(p)


def test_empty_archive(tmp_path: Path) -> None:
    d = tmp_path / "contracts"
    d.mkdir()
    with pytest.raises(DataError, match=re.escape(f"{d}: archive holds no .csv files")):
        read_file(d, "cfe-contracts-archive")


def _both_ways(path: Path, monkeypatch: pytest.MonkeyPatch
               ) -> tuple[pd.DataFrame, dict[str, int], pd.DataFrame, dict[str, int]]:
    """The archive read at once and file by file (the path taken when a member needs
    a message): frames and repair counts of each."""
    import warnings

    from backtest.data.readers import cfe
    from backtest.data.readers._text import Repairs

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataRepairWarning)
        r1 = Repairs("a")
        fast = cfe.read_cfe_archive(path, r1)
        with monkeypatch.context() as m:
            m.setattr(cfe, "_read_members_at_once", lambda texts: None)
            r2 = Repairs("b")
            slow = cfe.read_cfe_archive(path, r2)
    return fast, r1.counts, slow, r2.counts


def test_archive_read_at_once_equals_file_by_file(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Both layouts, a disclaimer line, a blank line, CRLF ends, a member whose columns
    come in another order: one parse for all gives the file-by-file frame exactly."""
    from backtest.data.readers import cfe

    folder = tmp_path / "members"
    folder.mkdir()
    (folder / "a_old.csv").write_text("CFE data is compiled for the convenience\n" + OLD)
    lines = CURRENT.splitlines()
    (folder / "b_current.csv").write_bytes(
        ("\r\n".join([*lines[:3], "", *lines[3:]]) + "\r\n").encode())
    cols = HEADER.strip().split(",")
    perm = [0, 1, 6, 2, 3, 4, 5, 7, 8, 9, 10]
    body = ["06/17/2008,N (Jul 08),22.10,22.50,21.90,22.40,22.35,0.15,1500,0,12000",
            "06/18/2008,N (Jul 08),0.00,0.00,0.00,0.00,0.00,0.00,0,0,0",
            "07/16/2008,N (Jul 08),25.00,25.50,24.80,25.20,25.31,2.96,900,0,1000"]
    text = ",".join(cols[i] for i in perm) + "\n" + "\n".join(
        ",".join(r.split(",")[i] for i in perm) for r in body) + "\n"
    (folder / "c_reordered.csv").write_text(text)
    texts = [(str(p), p.read_text()) for p in sorted(folder.glob("*.csv"))]
    assert cfe._read_members_at_once(texts) is not None  # the fast path is taken
    fast, n1, slow, n2 = _both_ways(folder, monkeypatch)
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)
    assert n1 == n2 == {"settle": 3}
    assert len(fast) == 3 + 3 + 2 and fast["contract"].nunique() == 3


def test_archive_member_with_quotes_read_file_by_file(tmp_path: Path) -> None:
    """A quoted cell sends the archive down the file-by-file path, with the same result."""
    from backtest.data.readers import cfe

    folder = tmp_path / "members"
    folder.mkdir()
    (folder / "a.csv").write_text(CURRENT.replace("F (Jan 2018)", '"F (Jan 2018)"'))
    texts = [(str(p), p.read_text()) for p in sorted(folder.glob("*.csv"))]
    assert cfe._read_members_at_once(texts) is None
    with pytest.warns(DataRepairWarning, match="1 row.s. with a zero settle dropped"):
        f = read_file(folder, "cfe-contracts-archive").frame
    assert f["settle"].tolist() == [17.425, 11.775, 11.66]


@pytest.mark.slow
def test_real_archive_read_at_once_equals_file_by_file(monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    """The 96-file CFE archive of the shared data: identical frame and repair counts."""
    import os

    root = Path(os.environ.get("VIXBT_DATA_DIR", "../shared/data"))
    path = root / "vx_futures" / "cfe_vx_contracts_2008_2015.tar.gz"
    if not path.is_file():
        pytest.skip("the full data directory is not available")
    fast, n1, slow, n2 = _both_ways(path, monkeypatch)
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)
    assert n1 == n2 and n1["settle"] > 0 and len(fast) > 15000
