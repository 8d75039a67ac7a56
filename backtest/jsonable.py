"""Plain JSON values from pandas, NumPy and dataclass objects.

One conversion for every JSON document vixbt writes (metadata files, result
objects' ``to_dict``, the command line's ``--json``): dates as ISO text,
non-finite floats as ``None``, frames as lists of records.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["frame_records", "to_jsonable"]


def to_jsonable(obj: Any) -> Any:
    """Convert pandas/numpy/dataclass values to plain JSON types (NaN -> None)."""
    if obj is None or isinstance(obj, bool | str | int):
        return obj
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, np.generic):
        return to_jsonable(obj.item())
    if isinstance(obj, pd.Timestamp):
        if pd.isna(obj):
            return None
        return obj.strftime("%Y-%m-%d") if obj == obj.normalize() else obj.isoformat()
    if isinstance(obj, datetime | date):
        return obj.isoformat()
    if isinstance(obj, Path):
        return str(obj)
    if isinstance(obj, Mapping):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, np.ndarray):
        return [to_jsonable(v) for v in obj.tolist()]
    if isinstance(obj, pd.Series):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, pd.DataFrame):
        return frame_records(obj)
    if is_dataclass(obj) and not isinstance(obj, type):
        return to_jsonable(asdict(obj))
    if isinstance(obj, Sequence | set | frozenset):
        return [to_jsonable(v) for v in obj]
    if obj is pd.NaT:
        return None
    return str(obj)


def frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A DataFrame as a list of records, index levels included as fields."""
    flat = frame.reset_index() if _has_named_index(frame) else frame
    return [{str(k): to_jsonable(v) for k, v in row.items()}
            for row in flat.to_dict(orient="records")]


def _has_named_index(frame: pd.DataFrame) -> bool:
    return any(n is not None for n in frame.index.names)
