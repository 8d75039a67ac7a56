"""Bad command-line input ends in one clear line (exit 2), never an internal error,
and never after the computation was done."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from backtest.sweep.spec import load_experiment

Vixbt = Callable[..., Any]


@pytest.mark.parametrize(("args", "fragments"), [
    (["study", "bollinger_break", "--seed", "-1"], ["--seed", "'-1' is negative"]),
    (["data", "update", "--timeout", "nan"], ["--timeout", "finite number of seconds"]),
    (["data", "update", "--timeout", "inf"], ["--timeout", "finite number of seconds"]),
    (["data", "update", "--deadline", "-3"], ["--deadline", "finite number of seconds > 0"]),
])
def test_bad_numbers_are_usage_errors(vixbt: Vixbt, capsys: pytest.CaptureFixture[str],
                                      args: list[str], fragments: list[str]) -> None:
    res = vixbt(*args)
    assert res.code == 2 and "Traceback" not in res.err
    for f in fragments:
        assert f in res.err


def test_out_being_a_file_fails_before_the_computation(vixbt: Vixbt, tmp_path: Path,
                                                      one_line_error: Callable[..., None]
                                                      ) -> None:
    out = tmp_path / "results-file"
    out.write_text("x")
    res = vixbt("run", "bollinger_break", "--fill", "next_close", "--out", str(out))
    one_line_error(res, 2, f"--out {out}: exists and is not a folder")
    res = vixbt("run", "bollinger_break", "--fill", "next_close", "--out", str(out / "sub"))
    one_line_error(res, 2, f"--out {out / 'sub'}: {out} is not a folder")
    res = vixbt("list", "--format", "json")
    assert res.code == 0 and not (tmp_path / "results").exists()


@pytest.mark.parametrize(("body", "what"), [
    (b'strategy = "bollinger_break"\n[grid]\nwindow = [[21, 63]]\n', "a nested list"),
    (b'strategy = "bollinger_break"\n[grid]\nwindow = {a = 1}\n', "a table is not a value"),
    (b'strategy = "bollinger_break"\n[grid]\nexit_on_signal = ["false"]\n',
     "'false' is not a boolean"),
    (b'strategy = "bollinger_break"\n[grid]\nexit_on_signal = ["maybe"]\n',
     "'maybe' is not a boolean"),
    (b'strategy = "bollinger_break"\n[execution]\nexit_on_signal = "false"\n',
     "'false' is not a boolean"),
    (b'strategy = "bollinger_break"\n[grid]\nwindow = ["21"]\n', "is text, not a number"),
    (b'strategy = "bollinger_break"\n[grid]\nnum_std = [true]\n', "is a boolean"),
    ('strategy = "bollinger_break"\n'.encode("utf-16"), "is UTF-16 encoded"),
    (b'strategy = "bollinger_break"\n\xff\xfe\x00\x01', "line 2: not UTF-8 text"),
])
def test_toml_values_are_typed(tmp_path: Path, body: bytes, what: str) -> None:
    p = tmp_path / "exp.toml"
    p.write_bytes(body)
    with pytest.raises(ValueError) as info:
        load_experiment(p)
    assert str(p) in str(info.value) and what in str(info.value)


def test_toml_folder_and_good_booleans(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="is a folder"):
        load_experiment(tmp_path)
    p = tmp_path / "exp.toml"
    p.write_text('strategy = "bollinger_break"\n[grid]\nexit_on_signal = [true, false]\n'
                 "holding_period = [5]\n[execution]\nfees = 0\n", encoding="utf-8")
    exp = load_experiment(p)
    assert exp.grid["exit_on_signal"] == [True, False]
    assert exp.execution.fees == 0.0 and isinstance(exp.execution.fees, float)


def test_mirror_keeps_a_path_prefix() -> None:
    from backtest.data.sources import BaseUrls

    b = BaseUrls.on_host("http://proxy:8080/mirror/")
    assert b.cboe_index.startswith("http://proxy:8080/mirror/api/global/us_indices/")
    assert BaseUrls.on_host("http://h:1").cboe_index.startswith("http://h:1/api/")
    with pytest.raises(ValueError, match="origin must look like"):
        BaseUrls.on_host("file:///etc")
