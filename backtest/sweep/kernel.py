"""The lean sweep kernel: simulate many signal columns, keep only statistics.

One fused, cache-compiled numba function walks every (signal column,
execution setting) combination bar by bar, following the execution rules of
:mod:`backtest.execution.config` exactly as ``vectorbt.Portfolio.from_signals``
applies them (all-in sizing via an infinite order size, vectorbt's cash, debt
and free-cash bookkeeping for shorts; a reversal as an exit followed by an
all-in entry at the same price, which equals vectorbt's single reversing
order), and reduces
each combination to a row of raw aggregates while it goes.  No ``(T, n)``
equity matrix is ever built: each combination keeps a handful of running sums
(and writes its own row of the optional return matrix), so the kernel is safe
to run in parallel over combinations.

The raw aggregates (:data:`RAW_FIELDS`) are turned into the reported
statistics by :func:`backtest.sweep.stats.derive_stats`.

Inputs are already on the *fill* day: callers pass signals through
:func:`backtest.execution.fills.lag_rows` (:func:`~backtest.execution.fills.lag_to_fill`
on the run span) and prices from :func:`backtest.execution.fills.fill_prices`;
nothing here shifts anything.  Signal columns come in Fortran order with a
multiple of 8 rows (all ``False`` past ``T``), so each column can be read as
64-bit words when the kernel looks for the next entry.

Flat stretches: a flat account jumps from one entry signal to the next (see
:func:`_simulate_one`), in price mode exactly, in total mode with the cash
returns' prefix sums (:func:`flat_tables`).  Combinations of one signal
column that differ only in their holding period share their common start
(:func:`_group`): the longest runs from day 0 and saves its state on the day a
shorter one first exits by time; that one resumes from there.  Every row and
daily return is the one the combination would get alone, bit for bit.

Returns mode: like the vectorbt run, the kernel trades the instrument
``P * F / B`` of :mod:`backtest.execution.basis` (the caller passes the
adjusted ``price`` and ``close``) and measures the account in dollars by
multiplying its value by the cash index ``B``; a closed trade's PnL is
``dir * size * (p_exit B_exit - p_entry B_entry) - fees_entry B_entry -
fees_exit B_exit``.  Sharpe and Sortino aggregates use the excess returns
``r - risk_free``.  In price mode ``B = 1`` and ``risk_free = 0``, and every
operation reduces exactly to the plain price computation.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange
from numba.cpython.unsafe.numbers import trailing_zeros

from backtest.execution.tolerance import add as _add
from backtest.execution.tolerance import is_close as _is_close

__all__ = ["RAW_FIELDS", "SIDE_BOTH", "SIDE_LONG", "SIDE_SHORT", "flat_tables", "sweep_kernel",
           "sweep_kernel_serial"]

#: Sides a combination may trade (kernel encoding).
SIDE_LONG = 1
SIDE_SHORT = 2
SIDE_BOTH = 3

#: Columns of the kernel's raw output, in order.
RAW_FIELDS: tuple[str, ...] = (
    "final_value",       # equity at the last close
    "mean_return",       # mean daily return
    "std_return",        # sample std (ddof=1) of daily returns
    "downside_rms",      # sqrt(mean(min(x, 0)^2)) over all days, x = r - risk_free
    "max_drawdown",      # largest fall from a running equity peak, as a fraction (>= 0)
    "max_dd_duration",   # longest run of bars spent below a previous equity peak
    "closed_trades",     # number of closed trades (exit-trade records)
    "winning_trades",    # closed trades with pnl > 0
    "losing_trades",     # closed trades with pnl < 0
    "gross_profit",      # sum of pnl of winning closed trades
    "gross_loss",        # sum of pnl of losing closed trades (<= 0)
    "sum_win_return",    # sum of returns (pnl / capital committed incl. fees) of winners
    "sum_loss_return",   # sum of returns of losing closed trades
    "open_trades",       # 1 if a position is open at the last close
    "bars_in_market",    # bars whose close finds a non-zero position
    "n_bars",            # number of bars
    "wealth_end",        # prod(1 + r) computed sequentially (the wealth index's last value)
    "nan_price_orders",  # orders that would fill on a bar without a fill price (not executed)
    "ruined_shorts",     # short covers the cash could not pay in full (the run is refused)
    "mean_excess",       # mean daily excess return x = r - risk_free
    "std_excess",        # sample std (ddof=1) of x
)
_NF = len(RAW_FIELDS)
_IN_MARKET = RAW_FIELDS.index("bars_in_market")
_NAN_ORDERS = RAW_FIELDS.index("nan_price_orders")

#: A combination's state at the start of a day (:func:`_simulate_one`), saved
#: where a variant with a shorter holding period leaves its path and resumed
#: from there by that variant: account, open trade, trade records, running sums,
#: and the day (``_DAY``).
_STATE_FIELDS: tuple[str, ...] = (
    "cash", "free_cash", "debt", "pos", "entry_bar", "t_size", "t_price", "t_fees", "t_b",
    "closed", "wins", "losses", "gross_profit", "gross_loss", "sum_win_ret", "sum_loss_ret",
    "in_market", "nan_orders", "ruined", "prev_value", "s", "ss", "sx", "ssx", "dd2", "eq",
    "peak", "mdd", "run", "longest", "day")
_NS = len(_STATE_FIELDS)
_DAY = _NS - 1

_ALL_DAYS = np.uint64(0xFFFFFFFFFFFFFFFF)
_NO_DAYS = np.uint64(0)


@njit(cache=True)
def _next_entry(wl: np.ndarray, ws: np.ndarray, i: int, n: int, use_long: bool,
                use_short: bool) -> int:
    """The first day ``>= i`` with an entry signal of a traded side (``n``: none).

    ``wl`` / ``ws`` are the long / short entry columns read as 64-bit words,
    eight days each (day ``8 q + k`` is byte ``k`` of word ``q``, little
    endian): a word without a signal is passed in one test, and the first
    signal of a word is its lowest set bit.  :func:`_simulate_one` does the
    same scan written out in its day loop (a call binding the word arrays
    costs two atomic reference counts and a spill of every register per jump);
    this function states the rule and is what the tests check it against.
    """
    if i >= n:
        return n
    q = i >> 3
    nw = wl.shape[0]
    drop = _ALL_DAYS << np.uint64(8 * (i & 7))  # the word's days before i
    if use_long and use_short:
        w = (wl[q] | ws[q]) & drop
        while w == 0:
            q += 1
            if q >= nw:
                return n
            w = wl[q] | ws[q]
    elif use_long:
        w = wl[q] & drop
        while w == 0:
            q += 1
            if q >= nw:
                return n
            w = wl[q]
    else:
        w = ws[q] & drop
        while w == 0:
            q += 1
            if q >= nw:
                return n
            w = ws[q]
    j = (q << 3) + (int(trailing_zeros(w)) >> 3)  # type: ignore[call-arg]
    return j if j < n else n


@njit(cache=True)
def flat_tables(cash_index: np.ndarray, risk_free: np.ndarray
                ) -> tuple[bool, np.ndarray, np.ndarray, np.ndarray]:
    """What a flat account earns, in forms a jump over a flat stretch can use.

    Returns
    -------
    earns : bool
        False when cash earns nothing (``cash_index`` all 1, ``risk_free`` all 0:
        price mode); then a flat day's return is exactly 0.
    cum1, cum2 : ndarray of float, shape (T + 1,)
        Prefix sums of the cash return ``c`` and of ``c ** 2``
        (``cum1[j] - cum1[i]`` is the sum over days ``i .. j-1``).
    next_neg : ndarray of int64, shape (T + 1,)
        The first day ``>= i`` whose cash return is negative (``T``: none);
        flat stretches are jumped only where the cash index does not fall.
    """
    n = cash_index.shape[0]
    earns = False
    for i in range(n):
        if cash_index[i] != 1.0 or risk_free[i] != 0.0:
            earns = True
            break
    cum1 = np.zeros(n + 1, dtype=np.float64)
    cum2 = np.zeros(n + 1, dtype=np.float64)
    next_neg = np.full(n + 1, n, dtype=np.int64)
    for i in range(n):
        c = risk_free[i]
        cum1[i + 1] = cum1[i] + c
        cum2[i + 1] = cum2[i] + c * c
    for i in range(n - 1, -1, -1):
        fall = risk_free[i] < 0.0 or (i > 0 and cash_index[i] < cash_index[i - 1])
        next_neg[i] = i if fall else next_neg[i + 1]
    return earns, cum1, cum2, next_neg


@njit(cache=True)
def _simulate_one(le: np.ndarray, lx: np.ndarray, se: np.ndarray, sx: np.ndarray,
                  price: np.ndarray, close: np.ndarray, cash_index: np.ndarray,
                  risk_free: np.ndarray, side: int, exit_on_signal: bool,
                  holding: int, fees: float, slippage: float, init_cash: float,
                  rets: np.ndarray, out: np.ndarray, skip_flat: bool, earns: bool,
                  cum1: np.ndarray, cum2: np.ndarray, next_neg: np.ndarray,
                  state: np.ndarray | None, slot: np.ndarray | None,
                  snaps: np.ndarray | None) -> None:
    """Simulate one combination; aggregates to ``out``, daily returns to ``rets``
    when it is ``T`` long (length 0: returns not kept).

    ``state`` (length ``_NS``) resumes a run saved on a day ``d``
    (``state[_DAY]``): the simulation continues from the start of day ``d``
    and writes ``rets`` from ``d`` on (``None``: start on day 0).  While in a
    position opened on ``entry_bar``, on the first day ``i`` with
    ``slot[i - entry_bar] >= 0`` the state at the start of day ``i`` is saved
    to row ``slot[i - entry_bar]`` of ``snaps`` and that slot is cleared (a
    variant whose holding period is ``i - entry_bar`` leaves this path there;
    ``slot`` ``None``: nothing saved).  ``None`` arguments are compiled out
    (numba prunes ``is None`` branches), so a fresh run pays for neither.

    With ``skip_flat`` a flat account jumps to the next day with an entry
    signal of a traded side (found by scanning the signal columns forward),
    doing at once what the skipped days would do one by one.  In price mode
    (``earns`` False) a flat day's return is exactly 0: no sum changes, the
    drawdown run is extended, and the result is identical to walking.  When
    cash earns ``c`` (total mode) a flat account's value in cash units is
    constant, so in dollars it is ``cash * B``: the stretch's returns are the
    cash returns (their sums from the prefix sums ``cum1``/``cum2``), its
    excess returns are 0, the wealth index grows by ``B[j-1] / B[i-1]``, and
    the drawdown run ends on the first day the grown wealth reaches the peak.
    Days where ``B`` falls (negative bill rates) are walked (``next_neg``), so
    the wealth is non-decreasing over a jumped stretch and no drawdown deepens
    in it.  The statistics then equal walking to rounding (1e-12), the daily
    returns exactly."""
    n = price.shape[0]
    use_long = (side & SIDE_LONG) != 0  # SIDE_BOTH = SIDE_LONG | SIDE_SHORT
    use_short = (side & SIDE_SHORT) != 0
    timed = holding > 0
    wl = le.view(np.uint64)
    ws = se.view(np.uint64)
    nw = wl.shape[0]
    cash = init_cash
    free_cash = init_cash
    debt = 0.0
    pos = 0.0
    entry_bar = -1
    # open trade bookkeeping (entry size, price, fees)
    t_size = 0.0
    t_price = 0.0
    t_fees = 0.0
    t_b = 1.0
    closed = 0
    wins = 0
    losses = 0
    gross_profit = 0.0
    gross_loss = 0.0
    sum_win_ret = 0.0
    sum_loss_ret = 0.0
    in_market = 0
    nan_orders = 0
    ruined = 0
    prev_value = init_cash
    keep = rets.shape[0] > 0
    s = 0.0
    ss = 0.0
    sx_ = 0.0
    ssx = 0.0
    dd2 = 0.0
    eq = 1.0
    peak = 1.0
    mdd = 0.0
    run = 0
    longest = 0
    i = -1
    if state is not None:
        cash = state[0]
        free_cash = state[1]
        debt = state[2]
        pos = state[3]
        entry_bar = int(state[4])
        t_size = state[5]
        t_price = state[6]
        t_fees = state[7]
        t_b = state[8]
        closed = int(state[9])
        wins = int(state[10])
        losses = int(state[11])
        gross_profit = state[12]
        gross_loss = state[13]
        sum_win_ret = state[14]
        sum_loss_ret = state[15]
        in_market = int(state[16])
        nan_orders = int(state[17])
        ruined = int(state[18])
        prev_value = state[19]
        s = state[20]
        ss = state[21]
        sx_ = state[22]
        ssx = state[23]
        dd2 = state[24]
        eq = state[25]
        peak = state[26]
        mdd = state[27]
        run = int(state[28])
        longest = int(state[29])
        i = int(state[_DAY]) - 1
    while i + 1 < n:
        i += 1
        if skip_flat and pos == 0.0 and prev_value > 0.0:
            # j = _next_entry(wl, ws, i, n, use_long, use_short), written out:
            # a call binding the word arrays costs reference counts and a spill
            # of every register on each jump
            q = i >> 3
            w = ((wl[q] if use_long else _NO_DAYS) | (ws[q] if use_short else _NO_DAYS)) \
                & (_ALL_DAYS << np.uint64(8 * (i & 7)))
            while w == 0 and q + 1 < nw:
                q += 1
                w = (wl[q] if use_long else _NO_DAYS) | (ws[q] if use_short else _NO_DAYS)
            j = n if w == 0 else min((q << 3) + (int(trailing_zeros(w)) >> 3),  # type: ignore[call-arg]
                                     n)
            if earns and next_neg[i] < j:
                j = next_neg[i]
            if j > i:
                if not earns:
                    # days i .. j-1: value = cash = previous value, r = 0 exactly
                    if keep:
                        rets[i:j] = 0.0
                    if eq >= peak:
                        peak = eq
                        run = 0
                    else:
                        run += j - i
                        if run > longest:
                            longest = run
                else:
                    # days i .. j-1: value = cash * B, r = the cash return, x = 0
                    if keep:
                        pv = prev_value
                        for t in range(i, j):
                            v = cash * cash_index[t]
                            rets[t] = v / pv - 1.0
                            pv = v
                    s += cum1[j] - cum1[i]
                    ss += cum2[j] - cum2[i]
                    b0 = cash_index[i - 1] if i > 0 else 1.0
                    if eq >= peak:
                        eq = eq * (cash_index[j - 1] / b0)
                        peak = eq
                        run = 0
                    else:
                        # first day of the stretch whose wealth reaches the peak
                        # (B does not fall inside a jump: a binary search finds it)
                        level = peak / eq * b0
                        # (i + np.searchsorted(cash_index[i:j], level), written
                        # out: no slice, no call)
                        k = i
                        hi = j
                        while k < hi:
                            mid = (k + hi) >> 1
                            x = cash_index[mid]
                            if x < level or (level != level and x == x):  # NaN last
                                k = mid + 1
                            else:
                                hi = mid
                        run += k - i
                        if run > longest:
                            longest = run
                        eq = eq * (cash_index[j - 1] / b0)
                        if k < j:
                            peak = eq
                            run = 0
                    prev_value = cash * cash_index[j - 1]
                if j >= n:
                    break
                i = j  # the entry day (or a day the cash index falls) is walked
        if (slot is not None and pos != 0.0 and i - entry_bar < slot.shape[0]
                and slot[i - entry_bar] >= 0):
            # a shorter holding period exits here: its variant resumes from this state
            snap = snaps[slot[i - entry_bar]]  # type: ignore[index]  # given with slot
            slot[i - entry_bar] = -1
            snap[0] = cash
            snap[1] = free_cash
            snap[2] = debt
            snap[3] = pos
            snap[4] = entry_bar
            snap[5] = t_size
            snap[6] = t_price
            snap[7] = t_fees
            snap[8] = t_b
            snap[9] = closed
            snap[10] = wins
            snap[11] = losses
            snap[12] = gross_profit
            snap[13] = gross_loss
            snap[14] = sum_win_ret
            snap[15] = sum_loss_ret
            snap[16] = in_market
            snap[17] = nan_orders
            snap[18] = ruined
            snap[19] = prev_value
            snap[20] = s
            snap[21] = ss
            snap[22] = sx_
            snap[23] = ssx
            snap[24] = dd2
            snap[25] = eq
            snap[26] = peak
            snap[27] = mdd
            snap[28] = run
            snap[29] = longest
            snap[_DAY] = i
        b = cash_index[i]
        # a day without an order only values the account: in a long (short)
        # position, no time exit due and no exit signal left standing by rule 3
        # (bitwise, not short-circuit: one branch instead of three)
        if pos > 0.0:
            order = (timed & (i - entry_bar >= holding)) | (exit_on_signal & lx[i] & ~le[i])
        elif pos < 0.0:
            order = (timed & (i - entry_bar >= holding)) | (exit_on_signal & sx[i] & ~se[i])
        else:
            order = True
        if order:
            is_le = use_long and le[i]
            is_lx = use_long and exit_on_signal and lx[i]
            is_se = use_short and se[i]
            is_sx = use_short and exit_on_signal and sx[i]
            if is_le or is_se:
                # rule 3: same-day conflicts cancel first
                if is_le and is_lx:
                    is_le = False
                    is_lx = False
                if is_se and is_sx:
                    is_se = False
                    is_sx = False
                if is_le and is_se:
                    is_le = False
                    is_se = False
            if holding > 0 and pos != 0.0 and i - entry_bar >= holding:
                # time exit (rule 4): the held side is closed at this bar's fill
                # price; a same-side entry is not taken, an opposite one reverses
                if pos > 0.0:
                    is_lx = True
                    is_le = False
                else:
                    is_sx = True
                    is_se = False
            # in a position that does not close, entries are ignored (rule 3)
            if (pos > 0.0 and not is_lx) or (pos < 0.0 and not is_sx):
                is_le = False
                is_se = False
            p = price[i]
            if np.isnan(p):
                if ((pos > 0.0 and is_lx) or (pos < 0.0 and is_sx)
                        or (pos == 0.0 and (is_le or is_se))):
                    nan_orders += 1
            else:
                # exit first; a reversal then opens the other side from flat below
                if pos > 0.0:
                    if is_lx:
                        # sell the whole long position
                        adj = p * (1.0 - slippage)
                        size = pos
                        acq = size * adj
                        fee = acq * fees
                        cash = cash + _add(acq, -fee)
                        free_cash = free_cash + _add(acq, -fee)
                        pos = _add(pos, -size)
                        if _is_close(pos, 0.0):
                            pos = 0.0
                        e_fees = t_fees * size / t_size if size != t_size else t_fees
                        diff = _add(size * adj * b, -(size * t_price * t_b))
                        pnl = diff - e_fees * t_b - fee * b
                        ret = pnl / (size * t_price * t_b + e_fees * t_b)
                        closed += 1
                        won = pnl > 0.0
                        lost = pnl < 0.0
                        wins += won
                        losses += lost
                        gross_profit += pnl if won else 0.0
                        sum_win_ret += ret if won else 0.0
                        gross_loss += pnl if lost else 0.0
                        sum_loss_ret += ret if lost else 0.0
                        t_fees -= e_fees
                        t_size -= size
                elif pos < 0.0 and is_sx:
                    # buy back the short, limited by cash like vectorbt's buy_nb
                    adj = p * (1.0 + slippage)
                    want = -pos
                    req = want * adj
                    req_total = req + req * fees
                    c = cash
                    if _is_close(c, 0.0):
                        c = 0.0
                    if _is_close(req_total, c) or req_total < c:
                        size = want
                        fee = req * fees
                        spent = req_total
                    else:
                        # the short lost more than the account (rule 2): counted,
                        # and the caller refuses the run; partly covered as vectorbt
                        ruined += 1
                        max_req = c / (1.0 + fees)
                        size = max_req / adj
                        fee = c - max_req
                        spent = c
                    if size > 0.0 and not _is_close(size, 0.0):
                        avg_entry = debt / (-pos)
                        debt_diff = size * avg_entry
                        cash = _add(cash, -spent)
                        debt = _add(debt, -debt_diff)
                        free_cash = _add(free_cash + 2.0 * debt_diff, -spent)
                        pos = _add(pos, size)
                        e_fees = t_fees * size / t_size if size != t_size else t_fees
                        diff = _add(size * adj * b, -(size * t_price * t_b))
                        if diff != 0.0:
                            diff = -diff
                        pnl = diff - e_fees * t_b - fee * b
                        ret = pnl / (size * t_price * t_b + e_fees * t_b)
                        closed += 1
                        won = pnl > 0.0
                        lost = pnl < 0.0
                        wins += won
                        losses += lost
                        gross_profit += pnl if won else 0.0
                        sum_win_ret += ret if won else 0.0
                        gross_loss += pnl if lost else 0.0
                        sum_loss_ret += ret if lost else 0.0
                        t_fees -= e_fees
                        t_size -= size
                if pos == 0.0:
                    if is_le:
                        # all in: buy with the whole cash, fees on top (vectorbt size=inf)
                        adj = p * (1.0 + slippage)
                        c = cash
                        if c > 0.0 and not _is_close(c, 0.0):
                            max_req = c / (1.0 + fees)
                            size = max_req / adj
                            fee = c - max_req
                            cash = _add(cash, -c)
                            free_cash = _add(free_cash, -c)
                            pos = size
                            entry_bar = i
                            t_size = size
                            t_price = adj
                            t_fees = fee
                            t_b = b
                    elif is_se:
                        # all in short: notional = free cash / (1 + fees)
                        adj = p * (1.0 - slippage)
                        fc = free_cash
                        if _is_close(fc, 0.0):
                            fc = 0.0
                        if fc > 0.0:
                            size = fc / (adj * (1.0 + fees))
                            if not _is_close(size, 0.0):
                                acq = size * adj
                                fee = acq * fees
                                fin = _add(acq, -fee)
                                cash = cash + fin
                                pos = -size
                                debt = debt + size * adj
                                free_cash = _add(free_cash, _add(fin, -2.0 * size * adj))
                                entry_bar = i
                                t_size = size
                                t_price = adj
                                t_fees = fee
                                t_b = b
        # the account in dollars: its value in cash-account units times B
        value = (cash + pos * close[i] if pos != 0.0 else cash) * b
        if pos != 0.0:
            in_market += 1
        if prev_value != 0.0:
            r = value / prev_value - 1.0
        else:  # wiped-out equity (a ruined short, refused by the caller): NumPy's x / 0
            r = np.nan if value == 0.0 else np.copysign(np.inf, value)
        prev_value = value
        if keep:
            rets[i] = r
        # streaming statistics: independent chains the CPU overlaps
        s += r
        ss += r * r
        x = r - risk_free[i]
        sx_ += x
        ssx += x * x
        xd = min(x, 0.0)
        dd2 += xd * xd
        eq = eq * (1.0 + r)
        up = eq >= peak
        dd = 1.0 - eq / peak
        mdd = dd if (not up and dd > mdd) else mdd
        peak = eq if up else peak
        run = 0 if up else run + 1
        longest = run if run > longest else longest

    mean = s / n
    # sum of squares about the mean; daily returns have |mean| << std, so the
    # one-pass form loses ~3 of 16 digits (far inside the 1e-9 agreement)
    var = (ss - s * mean) / (n - 1) if n > 1 else np.nan
    std = np.sqrt(var) if var > 0.0 else (0.0 if n > 1 else np.nan)
    mean_x = sx_ / n
    var_x = (ssx - sx_ * mean_x) / (n - 1) if n > 1 else np.nan
    std_x = np.sqrt(var_x) if var_x > 0.0 else (0.0 if n > 1 else np.nan)
    out[0] = prev_value
    out[1] = mean
    out[2] = std
    out[3] = np.sqrt(dd2 / n)
    out[4] = mdd
    out[5] = longest
    out[6] = closed
    out[7] = wins
    out[8] = losses
    out[9] = gross_profit
    out[10] = gross_loss
    out[11] = sum_win_ret
    out[12] = sum_loss_ret
    out[13] = 1.0 if pos != 0.0 else 0.0
    out[14] = in_market
    out[15] = n
    out[16] = eq
    out[17] = nan_orders
    out[18] = ruined
    out[19] = mean_x
    out[20] = std_x


@njit(cache=True)
def _combination(le: np.ndarray, lx: np.ndarray, se: np.ndarray, sx: np.ndarray,
                 price: np.ndarray, close: np.ndarray, cash_index: np.ndarray,
                 risk_free: np.ndarray, side: int, exit_on_signal: bool, holding: int,
                 fees: float, slippage: float, init_cash: float, buf: np.ndarray,
                 out: np.ndarray, skip_flat: bool, earns: bool, cum1: np.ndarray,
                 cum2: np.ndarray, next_neg: np.ndarray, state: np.ndarray | None,
                 slot: np.ndarray | None, snaps: np.ndarray | None, flat: np.ndarray) -> None:
    """One (signal column, execution variant) pair, for both builds of the kernel.

    ``flat`` is the walked row of an account that never trades
    (:func:`_never_in_market`; length 0 when not needed)."""
    _simulate_one(le, lx, se, sx, price, close, cash_index, risk_free, side, exit_on_signal,
                  holding, fees, slippage, init_cash, buf, out, skip_flat, earns, cum1, cum2,
                  next_neg, state, slot, snaps)
    if skip_flat and earns and out[_IN_MARKET] == 0.0:
        # never in the market: its excess returns are rounding noise only, and
        # its Sharpe / Sortino a ratio of that noise; the walk's row (every day
        # valued at its initial cash times B, as the jumps wrote its daily
        # returns), with its own count of orders on a day without a price
        nan_orders = out[_NAN_ORDERS]
        out[:] = flat
        out[_NAN_ORDERS] = nan_orders


@njit(cache=True)
def _never_in_market(price: np.ndarray, close: np.ndarray, cash_index: np.ndarray,
                     risk_free: np.ndarray, init_cash: float, earns: bool, cum1: np.ndarray,
                     cum2: np.ndarray, next_neg: np.ndarray) -> np.ndarray:
    """The row of a combination that never holds a position, walked day by day.

    Such an account holds its initial cash every day whatever its signals and
    costs (an order on a day without a price is not executed), so its walk
    is the same for every such combination but for the count of those orders.
    """
    n = price.shape[0]
    none = np.zeros(-(-n // 8) * 8, dtype=np.bool_)
    row = np.empty(_NF, dtype=np.float64)
    _simulate_one(none, none, none, none, price, close, cash_index, risk_free, SIDE_BOTH,
                  False, 0, 0.0, 0.0, init_cash, np.empty(0, dtype=np.float64), row, False,
                  earns, cum1, cum2, next_neg, None, None, None)
    return row


@njit(cache=True)
def _longer(h: int, than: int) -> bool:
    """Holding period ``h`` keeps a position longer than ``than`` (0: no limit)."""
    return than != 0 and (h == 0 or h > than)


@njit(cache=True)
def _holding_groups(sig_col: np.ndarray, side: np.ndarray, exit_on_signal: np.ndarray,
                    holding: np.ndarray, fees: np.ndarray, slippage: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Combinations that differ only in their holding period, gathered.

    Returns
    -------
    order : ndarray of int64, shape (k,)
        Every combination once, each group's members together, its longest
        holding period (0, no limit, before any number) first.
    starts : ndarray of int64, shape (groups + 1,)
        Group ``g`` is ``order[starts[g]:starts[g + 1]]``.
    """
    k = sig_col.shape[0]
    by = np.argsort(sig_col, kind="mergesort")
    order = np.empty(k, dtype=np.int64)
    starts = np.empty(k + 1, dtype=np.int64)
    used = np.zeros(k, dtype=np.bool_)
    ng = 0
    at = 0
    a = 0
    while a < k:
        b = a
        while b < k and sig_col[by[b]] == sig_col[by[a]]:
            b += 1
        for u in range(a, b):
            cu = by[u]
            if used[cu]:
                continue
            starts[ng] = at
            ng += 1
            first = at
            top = at
            for v in range(u, b):
                cv = by[v]
                if (not used[cv] and side[cv] == side[cu]
                        and exit_on_signal[cv] == exit_on_signal[cu]
                        and fees[cv] == fees[cu] and slippage[cv] == slippage[cu]):
                    used[cv] = True
                    order[at] = cv
                    if _longer(holding[cv], holding[order[top]]):
                        top = at
                    at += 1
            order[first], order[top] = order[top], order[first]
        a = b
    starts[ng] = k
    return order, starts[:ng + 1]


@njit(cache=True)
def _group(members: np.ndarray, le_t: np.ndarray, lx_t: np.ndarray, se_t: np.ndarray,
           sx_t: np.ndarray, price: np.ndarray, close: np.ndarray, cash_index: np.ndarray,
           risk_free: np.ndarray, sig_col: np.ndarray, side: np.ndarray,
           exit_on_signal: np.ndarray, holding: np.ndarray, fees: np.ndarray,
           slippage: np.ndarray, init_cash: float, returns_out: np.ndarray,
           keep_returns: bool, out: np.ndarray, skip_flat: bool, earns: bool,
           cum1: np.ndarray, cum2: np.ndarray, next_neg: np.ndarray, flat: np.ndarray
           ) -> None:
    """The combinations of one signal column that differ only in their holding
    period (:func:`_holding_groups`), for both builds of the kernel.

    With ``skip_flat`` they share their common start: the first member (the
    longest holding period) runs from day 0 and saves its state on the first
    day one of its positions reaches a shorter member's holding period (the
    shorter one's first time exit; until then both took the same orders on
    the same days); that member resumes from the saved state (its daily
    returns before that day copied), and a member never saved there took the
    first member's path throughout (its row copied).  Without ``skip_flat``
    every member walks every day on its own.
    """
    none = np.empty(0, dtype=np.float64)
    top = members[0]
    c = sig_col[top]
    le, lx, se, sx = le_t[c], lx_t[c], se_t[c], sx_t[c]
    if not skip_flat or members.shape[0] == 1:
        for j in members:
            buf = returns_out[j] if keep_returns else none
            _combination(le, lx, se, sx, price, close, cash_index, risk_free, side[j],
                         exit_on_signal[j], holding[j], fees[j], slippage[j], init_cash, buf,
                         out[j], skip_flat, earns, cum1, cum2, next_neg, None, None, None,
                         flat)
        return
    ht = holding[top]
    longest = 0
    for j in members[1:]:
        if _longer(ht, holding[j]) and holding[j] > longest:
            longest = holding[j]
    slot = np.full(longest + 1 if longest > 0 else 0, -1, dtype=np.int64)
    n_snap = 0
    for j in members[1:]:
        h = holding[j]
        if _longer(ht, h) and slot[h] < 0:
            slot[h] = n_snap
            n_snap += 1
    where = slot.copy()
    snaps = np.empty((n_snap, _NS), dtype=np.float64)
    snaps[:, _DAY] = -1.0
    buf = returns_out[top] if keep_returns else none
    _combination(le, lx, se, sx, price, close, cash_index, risk_free, side[top],
                 exit_on_signal[top], ht, fees[top], slippage[top], init_cash, buf, out[top],
                 skip_flat, earns, cum1, cum2, next_neg, None, slot, snaps, flat)
    for j in members[1:]:
        h = holding[j]
        if _longer(ht, h) and snaps[where[h], _DAY] >= 0.0:
            state = snaps[where[h]]
            d = int(state[_DAY])
            buf = returns_out[j] if keep_returns else none
            if keep_returns:
                buf[:d] = returns_out[top, :d]
            _combination(le, lx, se, sx, price, close, cash_index, risk_free, side[j],
                         exit_on_signal[j], h, fees[j], slippage[j], init_cash, buf, out[j],
                         skip_flat, earns, cum1, cum2, next_neg, state, None, None, flat)
        else:
            out[j] = out[top]
            if keep_returns:
                returns_out[j] = returns_out[top]


@njit(cache=True, parallel=True)
def sweep_kernel(le: np.ndarray, lx: np.ndarray, se: np.ndarray, sx: np.ndarray,
                 price: np.ndarray, close: np.ndarray, cash_index: np.ndarray,
                 risk_free: np.ndarray, sig_col: np.ndarray, side: np.ndarray,
                 exit_on_signal: np.ndarray, holding: np.ndarray, fees: np.ndarray,
                 slippage: np.ndarray, init_cash: float, returns_out: np.ndarray,
                 keep_returns: bool, skip_flat: bool) -> np.ndarray:
    """Parallel kernel (``prange`` over combinations).

    Parameters
    ----------
    le, lx, se, sx : ndarray of bool, shape (T, m)
        Long entries/exits and short entries/exits on the fill day, one column per
        signal set (Fortran order is fastest).
    price : ndarray of float, shape (T,)
        Fill price of each bar (in total mode the adjusted ``P * F / B``).
    close : ndarray of float, shape (T,)
        SPX close of each bar (valuation; adjusted like ``price``).
    cash_index : ndarray of float, shape (T,)
        ``B``: the account's value is ``B`` times its value in the traded
        instrument's units (all 1 in price mode).
    risk_free : ndarray of float, shape (T,)
        Daily cash return subtracted for Sharpe/Sortino (all 0 in price mode);
        ``B = cumprod(1 + risk_free)``.
    sig_col : ndarray of int64, shape (k,)
        Signal column of each combination.
    side : ndarray of int64, shape (k,)
        :data:`SIDE_LONG`, :data:`SIDE_SHORT` or :data:`SIDE_BOTH`.
    exit_on_signal : ndarray of bool, shape (k,)
    holding : ndarray of int64, shape (k,)
        Holding period in bars, 0 for none.
    fees, slippage : ndarray of float, shape (k,)
    init_cash : float
    returns_out : ndarray of float, shape (k, T) or (0, T)
        Row ``j`` is filled with combination ``j``'s daily returns when
        ``keep_returns`` (C order, so each row is contiguous).
    keep_returns : bool
    skip_flat : bool
        Jump over flat stretches (:func:`_simulate_one`): identical results in
        price mode, equal to rounding (1e-12) in total mode; ``False`` walks
        every day.

    Returns
    -------
    ndarray of float, shape (k, len(RAW_FIELDS))
    """
    k = sig_col.shape[0]
    out = np.empty((k, _NF), dtype=np.float64)
    if le.shape[0] % 8 != 0 or le.shape[0] < price.shape[0]:
        raise ValueError("signal columns must have a multiple of 8 rows, >= T")
    earns, cum1, cum2, next_neg = flat_tables(cash_index, risk_free)
    # (m, T_pad) C-order views of the Fortran-order columns: row c is column c
    le_t, lx_t, se_t, sx_t = le.T, lx.T, se.T, sx.T
    flat = (_never_in_market(price, close, cash_index, risk_free, init_cash, earns, cum1, cum2,
                             next_neg) if skip_flat and earns else np.empty(0, dtype=np.float64))
    order, starts = _holding_groups(sig_col, side, exit_on_signal, holding, fees, slippage)
    for g in prange(starts.shape[0] - 1):
        _group(order[starts[g]:starts[g + 1]], le_t, lx_t, se_t, sx_t, price, close,
               cash_index, risk_free, sig_col, side, exit_on_signal, holding, fees, slippage,
               init_cash, returns_out, keep_returns, out, skip_flat, earns, cum1, cum2,
               next_neg, flat)
    return out


@njit(cache=True)
def sweep_kernel_serial(le: np.ndarray, lx: np.ndarray, se: np.ndarray, sx: np.ndarray,
                        price: np.ndarray, close: np.ndarray, cash_index: np.ndarray,
                        risk_free: np.ndarray, sig_col: np.ndarray, side: np.ndarray,
                        exit_on_signal: np.ndarray, holding: np.ndarray, fees: np.ndarray,
                        slippage: np.ndarray, init_cash: float, returns_out: np.ndarray,
                        keep_returns: bool, skip_flat: bool) -> np.ndarray:
    """Single-threaded build of :func:`sweep_kernel` (same arguments).

    A separate function, not a second ``njit`` of the same one: numba's disk
    cache is keyed by the function, so two builds of one function would share
    a cache entry and the second would silently load the first's build.
    """
    k = sig_col.shape[0]
    out = np.empty((k, _NF), dtype=np.float64)
    if le.shape[0] % 8 != 0 or le.shape[0] < price.shape[0]:
        raise ValueError("signal columns must have a multiple of 8 rows, >= T")
    earns, cum1, cum2, next_neg = flat_tables(cash_index, risk_free)
    # (m, T_pad) C-order views of the Fortran-order columns: row c is column c
    le_t, lx_t, se_t, sx_t = le.T, lx.T, se.T, sx.T
    flat = (_never_in_market(price, close, cash_index, risk_free, init_cash, earns, cum1, cum2,
                             next_neg) if skip_flat and earns else np.empty(0, dtype=np.float64))
    order, starts = _holding_groups(sig_col, side, exit_on_signal, holding, fees, slippage)
    for g in range(starts.shape[0] - 1):
        _group(order[starts[g]:starts[g + 1]], le_t, lx_t, se_t, sx_t, price, close,
               cash_index, risk_free, sig_col, side, exit_on_signal, holding, fees, slippage,
               init_cash, returns_out, keep_returns, out, skip_flat, earns, cum1, cum2,
               next_neg, flat)
    return out
