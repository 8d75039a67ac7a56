"""Compiled loops of the event study's resampling: block-bootstrap sums and placebo sums.

Two loops the event study runs thousands of times per table, written once in
numba (cached on disk like the sweep kernel):

* :func:`prefix_block_sums` -- each replicate's column sums of a block bootstrap
  as a sum of block sums, each block sum a difference of two prefix sums (rows
  of the prefix table are contiguous, so a block reads two short rows);
* :func:`placebo_sums` -- the sum of ``y`` over the signal days of each
  episode-shuffled placebo, from the episodes' new order, gaps and lead, without
  building the placebo's rows.

The random draws are made by the callers (numpy Generators); these loops only
add.  Sums run in the loop's order, so they may differ from numpy's pairwise
sums in the last bits.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import njit

__all__ = ["circular_sums", "fixed_block_sums", "placebo_sums", "prefix_block_sums"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@njit(cache=True)
def _block_sums(prefix: FloatArray, starts: IntArray, lengths: IntArray,
                out: FloatArray) -> None:  # pragma: no cover - compiled
    reps, nb = starts.shape
    k = prefix.shape[1]
    acc = np.empty(k)
    for r in range(reps):
        acc[:] = 0.0
        for i in range(nb):
            ln = lengths[r, i]
            if ln == 0:
                continue
            s = starts[r, i]
            e = s + ln
            for j in range(k):
                acc[j] += prefix[e, j] - prefix[s, j]
        for j in range(k):
            out[r, j] = acc[j]


@njit(cache=True)
def _fixed_block_sums(prefix: FloatArray, starts: IntArray, b: int, last: int,
                      out: FloatArray) -> None:  # pragma: no cover - compiled
    # every block but the last of a replicate has length b: one row of whole-block sums
    reps, nb = starts.shape
    k = prefix.shape[1]
    m = prefix.shape[0] - 1 - b
    whole = np.empty((m, k))
    for s in range(m):
        for j in range(k):
            whole[s, j] = prefix[s + b, j] - prefix[s, j]
    acc = np.empty(k)
    for r in range(reps):
        acc[:] = 0.0
        for i in range(nb - 1):
            s = starts[r, i]
            for j in range(k):
                acc[j] += whole[s, j]
        s = starts[r, nb - 1]
        for j in range(k):
            out[r, j] = acc[j] + (prefix[s + last, j] - prefix[s, j])


def fixed_block_sums(prefix: FloatArray, starts: IntArray, block: int, last: int
                     ) -> FloatArray:
    """Like :func:`prefix_block_sums` for circular blocks: all of length ``block`` but
    the last of each replicate, of length ``last`` (no lengths array needed).

    ``prefix`` must reach ``starts.max() + block`` (``starts < m``, ``m + block``
    rows of series plus the zero row).
    """
    out = np.empty((starts.shape[0], prefix.shape[1]))
    _fixed_block_sums(np.ascontiguousarray(prefix, dtype=np.float64),
                      np.ascontiguousarray(starts, dtype=np.int64), int(block), int(last), out)
    return out


_GROUP = 8  # columns summed together: one cache line of block sums per start (the
# running sums of _circular_sums are written out for eight)


@njit(cache=True)
def _circular_sums(x: FloatArray, starts: IntArray, b: int, last: int,
                   out: FloatArray) -> None:  # pragma: no cover - compiled
    # Columns in groups of _GROUP: for each start, the sums of the whole block starting
    # there (one row of _GROUP values, from prefix sums), then each replicate reads its
    # starts once per group and adds their rows; the last block comes from the prefix.
    n, k = x.shape
    reps, nb = starts.shape
    prefix = np.empty((n + b + 1, _GROUP))
    whole = np.empty((n, _GROUP))
    acc = np.empty(_GROUP)
    for j0 in range(0, k, _GROUP):
        g = min(_GROUP, k - j0)
        for c in range(g):
            prefix[0, c] = 0.0
            for i in range(n):
                prefix[i + 1, c] = prefix[i, c] + x[i, j0 + c]
            for i in range(n, n + b):
                prefix[i + 1, c] = prefix[i, c] + x[i - n, j0 + c]
        for c in range(g, _GROUP):
            prefix[:, c] = 0.0
        for s in range(n):
            for c in range(_GROUP):
                whole[s, c] = prefix[s + b, c] - prefix[s, c]
        for r in range(reps):
            # eight running sums in registers (an array would be stored and reloaded)
            a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = 0.0
            for i in range(nb - 1):
                s = starts[r, i]
                a0 += whole[s, 0]
                a1 += whole[s, 1]
                a2 += whole[s, 2]
                a3 += whole[s, 3]
                a4 += whole[s, 4]
                a5 += whole[s, 5]
                a6 += whole[s, 6]
                a7 += whole[s, 7]
            acc[0], acc[1], acc[2], acc[3] = a0, a1, a2, a3
            acc[4], acc[5], acc[6], acc[7] = a4, a5, a6, a7
            s = starts[r, nb - 1]
            for c in range(g):
                out[r, j0 + c] = acc[c] + (prefix[s + last, c] - prefix[s, c])


def circular_sums(x: FloatArray, starts: IntArray, block: int, last: int) -> FloatArray:
    """Column sums of circular block-bootstrap replicates of ``x``.

    Every block has length ``block`` but each replicate's last one (``last``);
    blocks wrap around the end of ``x``.  The same sums as
    :func:`fixed_block_sums` on the prefix sums of ``x`` extended by its first
    ``block`` rows, computed for groups of eight columns (a group's block sums
    stay in cache while every replicate reads them, one cache line per start).

    Parameters
    ----------
    x : numpy.ndarray of float, shape (n, k)
        The series.
    starts : numpy.ndarray of int64, shape (reps, n_blocks)
        Block starts, ``0 <= start < n``.
    block, last : int
        Block length and length of each replicate's last block (``<= block``).

    Returns
    -------
    numpy.ndarray of float, shape (reps, k)
    """
    out = np.empty((starts.shape[0], x.shape[1]))
    _circular_sums(np.asfortranarray(x, dtype=np.float64),  # columns contiguous
                   np.ascontiguousarray(starts, dtype=np.int64), int(block), int(last), out)
    return out


def prefix_block_sums(prefix: FloatArray, starts: IntArray, lengths: IntArray) -> FloatArray:
    """Column sums of each block-bootstrap replicate from a prefix-sum table.

    Parameters
    ----------
    prefix : numpy.ndarray of float, shape (m + 1, k)
        Row ``i`` holds the column sums of the first ``i`` rows of the series
        (extended past its end for blocks that wrap around), row 0 zeros.
    starts, lengths : numpy.ndarray of int64, shape (reps, n_blocks)
        Block starts and lengths (``starts + lengths <= m``).

    Returns
    -------
    numpy.ndarray of float, shape (reps, k)
    """
    out = np.empty((starts.shape[0], prefix.shape[1]))
    p = np.ascontiguousarray(prefix, dtype=np.float64)
    st = np.ascontiguousarray(starts, dtype=np.int64)
    ln = np.ascontiguousarray(lengths, dtype=np.int64)
    b = int(ln[0, 0]) if ln.size else 0
    if ln.shape[1] > 1 and b > 0 and bool((ln[:, :-1] == b).all()) and bool(
            (ln[:, -1] == ln[0, -1]).all()) and int(st.max()) + b < p.shape[0]:
        return fixed_block_sums(p, st, b, int(ln[0, -1]))  # circular blocks
    _block_sums(p, st, ln, out)
    return out


@njit(cache=True)
def _placebo_sums(y: FloatArray, active: npt.NDArray[np.bool_], start: IntArray,
                  span: IntArray, order: IntArray, gaps: IntArray, lead: IntArray,
                  out: FloatArray) -> None:  # pragma: no cover - compiled
    reps, k = order.shape
    for b in range(reps):
        pos = lead[b]
        s1 = 0.0
        for i in range(k):
            e = order[b, i]
            src = start[e]
            for off in range(span[e]):
                if active[src + off]:
                    s1 += y[pos + off]
            pos += span[e]
            if i < k - 1:
                pos += gaps[b, i]
        out[b] = s1


def placebo_sums(y: FloatArray, active: npt.NDArray[np.bool_], start: IntArray,
                 span: IntArray, order: IntArray, gaps: IntArray, lead: IntArray
                 ) -> FloatArray:
    """Sum of ``y`` over the active rows of each placebo.

    Placebo ``b`` lays the episodes out in the order ``order[b]``: the first
    starts at row ``lead[b]``, each next one ``gaps[b, i]`` rows after the end
    of the one before; every row keeps its offset from its episode's start and
    counts where the original row (``start[e] + offset``) is active.

    Parameters
    ----------
    y : numpy.ndarray of float, shape (n,)
        Values summed.
    active : numpy.ndarray of bool, shape (n,)
        The real signal.
    start, span : numpy.ndarray of int64, shape (k,)
        First row and length (first to last signal day) of each episode.
    order : numpy.ndarray of int64, shape (reps, k)
        Episode order of each placebo (a permutation of ``range(k)``).
    gaps : numpy.ndarray of int64, shape (reps, k - 1)
        Rows between consecutive episodes of each placebo.
    lead : numpy.ndarray of int64, shape (reps,)
        First row of each placebo's first episode.

    Returns
    -------
    numpy.ndarray of float, shape (reps,)
    """
    out = np.empty(order.shape[0])
    _placebo_sums(np.ascontiguousarray(y, dtype=np.float64),
                  np.ascontiguousarray(active, dtype=np.bool_),
                  np.ascontiguousarray(start, dtype=np.int64),
                  np.ascontiguousarray(span, dtype=np.int64),
                  np.ascontiguousarray(order, dtype=np.int64),
                  np.ascontiguousarray(gaps, dtype=np.int64),
                  np.ascontiguousarray(lead, dtype=np.int64), out)
    return out
