"""Signals to portfolio: the one place that simulates a run's orders.

Nothing else in the project calls ``vectorbt.Portfolio.from_signals`` (or
``from_orders``) or the project's own simulator
(:mod:`backtest.execution.simulator`).  :func:`run` takes a strategy (or
several parameter sets of one strategy class), :func:`run_signals` takes
signals already computed.  Both follow the rules in
:mod:`backtest.execution.config`:

* signals move to their fill bar with :func:`~backtest.execution.fills.lag_to_fill`
  and fill at :func:`~backtest.execution.fills.fill_prices` (the close where a
  day has no real open); equity is marked at ``spx_close``;
* the returns mode (:mod:`backtest.execution.basis`) enters as a change of
  numeraire: vectorbt trades the dividend-adjusted price in units of the cash
  account, ``P * F / B``, and the result multiplies values back by ``B``, so
  dividends accrue to positions and the T-bill to cash (vectorbt itself has
  no interest on cash);
* :func:`~backtest.execution.positions.resolve_positions` decides which signals
  trade (holding-period exits, conflicts, no pyramiding, reversals), so vectorbt receives
  only effective orders;
* every order is all-in (``size=np.inf``), fees and slippage are fractions;
* the orders are executed (:func:`simulate`) by default by the project's
  numba simulator (``engine="numba"``), which reproduces vectorbt's order
  arithmetic without importing vectorbt (importing it costs 1.9-3.3 s of a
  cold ``vixbt run``), or by vectorbt itself, the reference:
  ``Portfolio.from_orders`` (``engine="orders"``) or ``Portfolio.from_signals``
  (``engine="signals"``), which vectorbt recompiles in every new process
  (about 5 s); all three give identical results (tested).

Parameter sets become columns of one simulation; ``fees``, ``slippage`` and
``holding_period`` may also be given as sequences, which multiplies the columns
(a cost sweep is one call).  The benchmark -- buy-and-hold SPX bought at the
first bar's fill price with the same costs -- is run alongside.

The run period is the span of rows on which every column the strategy reads
has a value (signals are computed on the whole frame first, so warm-up uses all
history).  vectorbt is imported only by its engines: importing this module is
cheap.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from backtest.errors import DataError, MissingDataError
from backtest.execution.basis import return_basis
from backtest.execution.config import Execution, PositionSide
from backtest.execution.fills import FILL_COLUMNS, fell_back, fill_prices, lag_to_fill
from backtest.execution.positions import resolve_positions
from backtest.execution.result import RunResult
from backtest.execution.simulator import Simulation, order_codes, simulate_orders
from backtest.validate import check_market_frame
from strategies.base import GridSignals, Side, Signals, Strategy

__all__ = ["Engine", "active_sides", "check_exits", "run", "run_signals", "run_span",
           "simulate"]

Engine = Literal["numba", "orders", "signals"]


def _frame(data: Any) -> pd.DataFrame:
    frame = getattr(data, "frame", data)
    if not isinstance(frame, pd.DataFrame):
        raise TypeError("data must be a MarketTable or a pandas DataFrame, "
                        f"got {type(data).__name__}")
    return frame


def run_span(data: Any, columns: Sequence[str]) -> slice:
    """Rows on which every one of ``columns`` (and ``spx_close``) has a value.

    Parameters
    ----------
    data : MarketTable or pandas.DataFrame
        Market data.
    columns : sequence of str
        Columns the strategy reads.

    Returns
    -------
    slice
        Positional slice from the first to the last row where all of them are
        present.

    Raises
    ------
    MissingDataError
        If a column is absent or never has a value together with the others.
    """
    frame = _frame(data)
    cols = list(dict.fromkeys(["spx_close", *columns]))
    missing = tuple(c for c in cols if c not in frame.columns)
    if missing:
        raise MissingDataError(f"the data has no column(s) {', '.join(missing)}", missing)
    ok = frame[cols].notna().all(axis=1).to_numpy()
    if not ok.any():
        raise MissingDataError(f"no row of the data has all of {', '.join(cols)}", tuple(cols))
    first = int(np.argmax(ok))
    last = len(ok) - int(np.argmax(ok[::-1]))
    return slice(first, last)


def active_sides(own: Sequence[Side], side: PositionSide | None) -> tuple[Side, ...]:
    """Sides that trade: ``side`` (``"both"``: long and short) or, if ``None``, ``own``.

    Raises
    ------
    ValueError
        If the requested side is not one the signals have.
    """
    if side is None:
        return tuple(own)
    wanted: tuple[Side, ...] = ("long", "short") if side == "both" else (side,)
    sides = tuple(s for s in wanted if s in own)
    if not sides:
        raise ValueError(f"Execution.side={side!r}, but the signals only have side(s) "
                         f"{', '.join(own) or 'none'}")
    return sides


def run(
    strategy: Strategy | Sequence[Strategy] | type[Strategy] | str,
    data: Any,
    execution: Execution | Mapping[str, Any] | None = None,
    *,
    fees: Sequence[float] | None = None,
    slippage: Sequence[float] | None = None,
    holding_period: Sequence[int | None] | None = None,
    engine: Engine = "numba",
) -> RunResult:
    """Backtest a strategy (or several parameter sets of one class) on ``data``.

    Parameters
    ----------
    strategy : Strategy, sequence of Strategy, Strategy subclass or str
        One instance, or instances of one class (a grid: one column each); a
        class or a registry name (``"bollinger_break"``) means its default
        parameters.
    data : MarketTable or pandas.DataFrame
        Market data with ``spx_close``, the fill column and the strategy's
        columns, checked by :func:`backtest.validate.check_market_frame` (a
        sorted, unique, daily, time-zone naive DatetimeIndex; numeric columns;
        finite, positive prices).
    execution : Execution, mapping or None, default None
        Fill, costs, sides and exits; ``None``: ``Execution()``; a mapping:
        ``Execution(**mapping)``.
    fees, slippage, holding_period : sequence or None, default None
        Several values of that :class:`Execution` field: every signal column is
        run with every combination (extra column levels ``fees``,
        ``slippage``, ``holding_period``).  A scalar is refused with a
        ``TypeError`` (one value belongs in ``Execution(fees=...)``).
    engine : {"numba", "orders", "signals"}, default "numba"
        Order simulator, see :func:`simulate`; the results are identical.

    Returns
    -------
    RunResult

    Raises
    ------
    TypeError
        For a strategy, execution or cost sweep of the wrong type, or data that
        is not a daily DatetimeIndex frame with numeric columns.
    ValueError
        For an unsorted, duplicated, time-zone aware or non-daily index, or an
        infinite or non-positive price (naming the first offending date).
    MissingDataError
        If the data lacks a column the strategy or the fill needs.
    DataError
        If an order would fill on a day without a fill price.
    """
    strategies = _strategies(strategy)
    execution = _execution(execution)
    for name, values in (("fees", fees), ("slippage", slippage),
                         ("holding_period", holding_period)):
        if values is not None and (isinstance(values, str | bytes)
                                   or not isinstance(values, Iterable)):
            raise TypeError(f"run({name}=...) takes a sequence of values to run side by side, "
                            f"got {values!r}; for one value use "
                            f"Execution({name}={values!r})")
    cls = type(strategies[0])
    needed: list[str] = []
    for s in strategies:
        needed.extend(c for c in s.columns_needed() if c not in needed)
    frame = check_market_frame(data, needed, prices=dict.fromkeys(
        ["spx_close", FILL_COLUMNS[execution.fill]]))
    grid = cls.grid(frame, strategies)
    span = run_span(frame, needed)
    return run_signals(grid, frame, execution, name=cls.name or cls.__name__, span=span,
                       fees=fees, slippage=slippage, holding_period=holding_period,
                       engine=engine,
                       default_holding=[s.default_holding_period for s in strategies],
                       require_exits=True)


def _strategies(strategy: Any) -> list[Strategy]:
    """Instances from an instance, a class (default parameters), a registry name or a
    sequence of instances of one class."""
    if isinstance(strategy, str):
        from strategies.registry import get_strategy

        return [get_strategy(strategy)()]
    if isinstance(strategy, type) and issubclass(strategy, Strategy):
        return [strategy()]
    if isinstance(strategy, Strategy):
        return [strategy]
    if isinstance(strategy, Sequence) and not isinstance(strategy, bytes):
        items = list(strategy)
        if not items:
            raise ValueError("run needs at least one strategy")
        bad = next((s for s in items if not isinstance(s, Strategy)), None)
        if bad is not None:
            raise TypeError(f"run: every strategy in the sequence must be a Strategy "
                            f"instance, got {type(bad).__name__}")
        kinds = {type(s) for s in items}
        if len(kinds) > 1:
            raise TypeError("run: the strategies of one run must be parameter sets of one "
                            f"class, got {', '.join(sorted(k.__name__ for k in kinds))}")
        return items
    raise TypeError(f"run needs a Strategy instance, a Strategy class, a registry name or a "
                    f"sequence of instances, got {type(strategy).__name__}")


def _execution(execution: Any) -> Execution:
    """An Execution from ``None`` (defaults), an Execution or a mapping of its fields."""
    if execution is None:
        return Execution()
    if isinstance(execution, Execution):
        return execution
    if isinstance(execution, Mapping):
        names = {f.name for f in dataclasses.fields(Execution)}
        unknown = sorted(str(k) for k in execution if k not in names)
        if unknown:
            raise TypeError(f"execution has no setting(s) {', '.join(unknown)}; known: "
                            f"{', '.join(sorted(names))}")
        return Execution(**execution)
    raise TypeError(f"execution must be an Execution, a mapping of its settings or None, got "
                    f"{type(execution).__name__}")


def _as_frames(signals: Signals | GridSignals) -> tuple[list[pd.DataFrame], pd.Index]:
    if isinstance(signals, Signals):
        frames = [pd.DataFrame({0: p}) for p in (signals.long_entries, signals.long_exits,
                                                 signals.short_entries, signals.short_exits)]
        columns: pd.Index = pd.Index([0], name="set")
    else:
        frames = [signals.long_entries, signals.long_exits, signals.short_entries,
                  signals.short_exits]
        columns = signals.long_entries.columns
    return frames, columns


def _variants(execution: Execution, fees: Sequence[float] | None,
              slippage: Sequence[float] | None,
              holding_period: Sequence[int | None] | None) -> tuple[list[Execution], list[str]]:
    axes: dict[str, list[Any]] = {}
    for name, values in (("fees", fees), ("slippage", slippage),
                         ("holding_period", holding_period)):
        if values is not None:
            vals = list(values)
            if not vals:
                raise ValueError(f"{name} was given an empty sequence")
            axes[name] = vals
    if not axes:
        return [execution], []
    combos = itertools.product(*axes.values())
    # dataclasses.replace re-runs Execution's validation on every value
    return ([dataclasses.replace(execution, **dict(zip(axes, c, strict=True))) for c in combos],
            list(axes))


def run_signals(
    signals: Signals | GridSignals,
    data: Any,
    execution: Execution | None = None,
    sides: PositionSide | None = None,
    *,
    name: str = "signals",
    span: slice | None = None,
    fees: Sequence[float] | None = None,
    slippage: Sequence[float] | None = None,
    holding_period: Sequence[int | None] | None = None,
    engine: Engine = "numba",
    default_holding: Sequence[int | None] | None = None,
    require_exits: bool = False,
) -> RunResult:
    """Backtest precomputed signals.

    Parameters
    ----------
    signals : Signals or GridSignals
        Raw (un-lagged) signals indexed like ``data``.
    data : MarketTable or pandas.DataFrame
        Market data.
    execution : Execution or None, default None
        ``None``: ``Execution()``.
    sides : {"long", "short", "both"} or None, default None
        Overrides ``execution.side``; ``None`` uses ``execution.side``, and if
        that is ``None`` too, the signals' own sides.
    name : str, default "signals"
        Label of the result.
    span : slice or None, default None
        Positional rows to trade on (see :func:`run_span`); ``None``: all rows.
    fees, slippage, holding_period : sequence or None, default None
        See :func:`run`.
    engine : {"numba", "orders", "signals"}, default "numba"
        Order simulator, see :func:`simulate`; the results are identical.
    default_holding : sequence of (int or None), or None, default None
        Holding period of each signal column used where the execution's
        ``holding_period`` is ``None`` (a strategy's
        ``default_holding_period``); ``None``: no time exit there.
    require_exits : bool, default False
        Refuse a traded side that has entries but can never close (no exit
        signal in the run and no holding period) -- :func:`run` sets it, as
        a strategy's position must end by its own rule.  Hand-made signals
        are taken as given: a position open at the end is valued at the last
        close (rule 1).

    Returns
    -------
    RunResult

    Raises
    ------
    ValueError
        With ``require_exits``, if a traded side has entries but can never
        close (no exit signal of that side in the run and no holding period);
        or if a short's loss exceeds the account (rule 2 of
        :mod:`backtest.execution.config`).
    """
    execution = _execution(execution)
    frame = check_market_frame(data, prices=dict.fromkeys(
        ["spx_close", FILL_COLUMNS[execution.fill]]))
    side = execution.side if sides is None else sides
    if side is not None:
        execution = dataclasses.replace(execution, side=side)
    trade_sides = active_sides(signals.sides, execution.side)
    frames, sig_columns = _as_frames(signals)
    if not frames[0].index.equals(frame.index):
        raise ValueError("signals are not indexed like the data: compute them from the same frame")
    fill_col = FILL_COLUMNS[execution.fill]
    for col in ("spx_close", fill_col):
        if col not in frame.columns or not frame[col].notna().any():
            hint = (" (data without SPX opens, e.g. the embedded sample, can trade with "
                    "Execution(fill='next_close'))") if col == "spx_open" else ""
            raise MissingDataError(f"fill {execution.fill!r} needs column {col!r}, which the "
                                   f"data does not have{hint}", (col,))
    variants, levels = _variants(execution, fees, slippage, holding_period)

    # lag on the whole frame, then cut to the run span
    lagged = []
    for k, f in enumerate(frames):
        side_of = "long" if k < 2 else "short"
        arr = lag_to_fill(f, execution.fill).to_numpy(dtype=bool)
        if side_of not in trade_sides:
            arr = np.zeros_like(arr)
        lagged.append(arr)
    rows = span if span is not None else slice(0, len(frame))
    index = frame.index[rows]
    if len(index) == 0:
        raise ValueError("the run span is empty")
    lagged = [a[rows] for a in lagged]
    close = frame["spx_close"].to_numpy(dtype=float)[rows]
    price = fill_prices(frame, execution.fill).to_numpy(dtype=float)[rows]
    fallback = fell_back(frame, execution.fill).to_numpy(dtype=bool)[rows]
    basis = return_basis(frame, execution.returns, rows)
    if np.isnan(close).any():
        bad = index[np.isnan(close)][0]
        raise DataError(f"spx_close is missing on {bad.date()} inside the run span; "
                        "equity cannot be valued")

    n, k_var = lagged[0].shape[1], len(variants)
    defaults = np.zeros(n, dtype=np.int64)
    if default_holding is not None:
        if len(default_holding) != n:
            raise ValueError(f"default_holding has {len(default_holding)} value(s) for {n} "
                             "signal column(s)")
        defaults[:] = [h or 0 for h in default_holding]
    hp = np.concatenate([defaults if v.holding_period is None
                         else np.full(n, v.holding_period, dtype=np.int64) for v in variants])
    tiled = [np.tile(a, (1, k_var)) for a in lagged]
    le, lx, se, sx, state = resolve_positions(tiled[0], tiled[1], tiled[2], tiled[3],
                                          holding_period=hp,
                                          exit_on_signal=execution.exit_on_signal)
    orders = le | lx | se | sx
    no_price = orders & np.isnan(price)[:, None]
    if no_price.any():
        bad = index[int(np.argmax(no_price.any(axis=1)))]
        raise DataError(f"an order fills on {bad.date()}, where {fill_col} and spx_close "
                        "are missing; use another fill or a period with that column")
    if require_exits:
        check_exits(name, lagged, trade_sides, hp.reshape(k_var, n),
                    execution.exit_on_signal, sig_columns)
    bench_entries = np.zeros((len(index), k_var), dtype=bool)
    bench_entries[0] = True
    if np.isnan(price[0]):
        raise DataError(f"the benchmark buys on {index[0].date()}, where {fill_col} is missing")

    if levels:
        var_frame = pd.DataFrame([[getattr(v, lv) or 0 if lv == "holding_period"
                                   else getattr(v, lv) for lv in levels] for v in variants],
                                 columns=levels)
        columns: pd.Index = _product_columns(sig_columns, var_frame)
        bench_columns: pd.Index = pd.MultiIndex.from_frame(var_frame)
    else:
        columns = sig_columns
        bench_columns = pd.Index([0], name="set")
    fee_row = np.repeat([v.fees for v in variants], n)[None, :]
    slip_row = np.repeat([v.slippage for v in variants], n)[None, :]

    # the returns mode as a change of numeraire (identity in price mode)
    close_t, price_t = basis.adjust(close), basis.adjust(price)
    sim = simulate(le, lx, se, sx, index=index, columns=columns, close=close_t, price=price_t,
                  fees=fee_row, slippage=slip_row, init_cash=execution.init_cash, engine=engine)
    _check_positions(sim, state, index, columns)
    no = np.zeros_like(bench_entries)
    bench = simulate(bench_entries, no, no, no, index=index, columns=bench_columns,
                     close=close_t, price=price_t,
                     fees=np.asarray([v.fees for v in variants])[None, :],
                     slippage=np.asarray([v.slippage for v in variants])[None, :],
                     init_cash=execution.init_cash, engine=engine)
    return RunResult.from_simulations(
        name=name, execution=execution, sides=trade_sides, portfolio=sim, benchmark=bench,
        benchmark_of=np.repeat(np.arange(k_var), n),
        signal_days=pd.DatetimeIndex([pd.NaT, *frame.index])[rows],
        basis=basis, fell_back=fallback, close=close,
    )


def simulate(
    long_entries: np.ndarray,
    long_exits: np.ndarray,
    short_entries: np.ndarray,
    short_exits: np.ndarray,
    *,
    index: pd.Index,
    columns: pd.Index,
    close: np.ndarray,
    price: np.ndarray,
    fees: np.ndarray,
    slippage: np.ndarray,
    init_cash: float,
    engine: Engine = "numba",
) -> Simulation:
    """Run effective orders (from :func:`resolve_positions`) through a simulator.

    Every order is all in: a long entry buys with the whole cash, a short entry
    sells short for the whole free cash, an exit closes the whole position.

    Parameters
    ----------
    long_entries, long_exits, short_entries, short_exits : ndarray of bool, shape (T, k)
        Effective orders on their fill bars.
    index, columns : pandas.Index
        Row and column labels.
    close, price : ndarray, shape (T,)
        Valuation (SPX close) and fill prices (in total mode the adjusted
        prices ``P * F / B``).
    fees, slippage : ndarray, shape (1, k)
        Costs of each column.
    init_cash : float
        Starting cash of every column.
    engine : {"numba", "orders", "signals"}, default "numba"
        ``"numba"``: the project's simulator
        (:func:`backtest.execution.simulator.simulate_orders`), vectorbt's
        order arithmetic for exactly these orders without importing vectorbt
        (the cold start of ``vixbt run``); tested equal to ``"orders"``.
        ``"signals"``: ``vectorbt.Portfolio.from_signals`` with ``size=np.inf``,
        no accumulation, every conflict mode ``"ignore"`` and
        ``upon_opposite_entry="reverse"`` (effective orders carry an opposite
        entry only on a reversal bar, together with the exit).  ``"orders"``:
        ``vectorbt.Portfolio.from_orders`` with the same orders as infinite
        sizes (``+inf`` buys with all cash, ``-inf`` shorts with all free cash,
        ``-inf`` in a one-direction mode closes that direction).  A reversal is
        one order in direction Both: ``+inf`` covers the short and buys long
        with the rest of the cash, ``-inf`` sells the long and shorts with the
        proceeds; with proportional costs this equals closing, then opening
        all in at the same price, each leg paying its fee and slippage.  Both run
        vectorbt's own order execution and give identical results (tested); the
        orders engine is cached by numba, whereas vectorbt compiles its
        signal simulator afresh in every process (about 5 s).

    Returns
    -------
    Simulation
        Values, units held and trade records (with the vectorbt portfolio for
        the vectorbt engines).
    """
    if engine == "numba":
        return simulate_orders(order_codes(long_entries, long_exits, short_entries,
                                           short_exits),
                               index=index, columns=columns, close=close, price=price,
                               fees=fees, slippage=slippage, init_cash=init_cash)
    if engine not in ("orders", "signals"):
        raise ValueError(f"engine must be 'numba', 'orders' or 'signals', got {engine!r}")
    import vectorbt as vbt

    shape = long_entries.shape

    def df(a: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(a, index=index, columns=columns)

    common: dict[str, Any] = dict(
        close=df(np.broadcast_to(close[:, None], shape)),
        price=df(np.broadcast_to(price[:, None], shape)),
        size_type="amount", fees=fees, fixed_fees=0.0, slippage=slippage, min_size=0.0,
        max_size=np.inf, size_granularity=np.nan, reject_prob=0.0, lock_cash=False,
        allow_partial=True, raise_reject=False, log=False, init_cash=init_cash,
        cash_sharing=False, ffill_val_price=True, update_value=False,
    )
    if engine == "signals":
        return Simulation.from_portfolio(vbt.Portfolio.from_signals(
            entries=df(long_entries), exits=df(long_exits),
            short_entries=df(short_entries), short_exits=df(short_exits), size=np.inf,
            accumulate=False, upon_long_conflict="ignore", upon_short_conflict="ignore",
            upon_dir_conflict="ignore", upon_opposite_entry="reverse", use_stops=False,
            **common,
        ))
    size = np.full(shape, np.nan)
    direction = np.full(shape, 2, dtype=np.int64)  # vectorbt Direction.Both
    size[long_exits] = -np.inf
    direction[long_exits] = 0  # LongOnly: -inf sells the whole long position
    size[short_exits] = -np.inf
    direction[short_exits] = 1  # ShortOnly: -inf buys back the whole short position
    # entries last: on a reversal bar (exit and opposite entry) the one order in
    # direction Both closes the position and opens the opposite one all in
    size[long_entries] = np.inf
    direction[long_entries] = 2
    size[short_entries] = -np.inf
    direction[short_entries] = 2
    return Simulation.from_portfolio(
        vbt.Portfolio.from_orders(size=df(size), direction=df(direction), **common))


def check_exits(name: str, lagged: Sequence[np.ndarray], sides: Sequence[Side],
                holding: np.ndarray, exit_on_signal: bool, columns: pd.Index) -> None:
    """Refuse a side that opens positions it can never close (rule 4).

    Parameters
    ----------
    name : str
        Strategy name for the message.
    lagged : sequence of 4 ndarray of bool, shape (T, n)
        Long entries/exits, short entries/exits on the fill bars of the run.
    sides : sequence of {"long", "short"}
        Traded sides.
    holding : ndarray of int, shape (k, n)
        Holding period of every (variant, signal column) pair; 0: none.
    exit_on_signal : bool
        Whether exit signals close positions.
    columns : pandas.Index
        Labels of the signal columns.

    Raises
    ------
    ValueError
        Naming the strategy, side and parameter set, and the fix.
    """
    for k, side in ((0, "long"), (2, "short")):
        if side not in sides:
            continue
        entries = np.asarray(np.any(lagged[k], axis=0), dtype=bool)
        exits = (np.asarray(np.any(lagged[k + 1], axis=0), dtype=bool) if exit_on_signal
                 else np.zeros_like(entries))
        stuck = np.asarray(entries[None, :] & ~exits[None, :] & (holding == 0))
        if stuck.any():
            j = int(np.argwhere(stuck)[0][1])
            raise ValueError(
                f"{name}: the {side} side of parameter set {columns[j]!r} has entries but no "
                f"exit signal and no holding period, so its positions would never close; "
                f"pass Execution(holding_period=N) or give the strategy a "
                f"default_holding_period (a holding_period class variable)")


def _check_positions(sim: Simulation, state: np.ndarray, index: pd.Index,
                     columns: pd.Index) -> None:
    """Fail if the simulator did not execute an order in full (a ruined account)."""
    held = np.sign(sim.assets)
    bad = held != state
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise ValueError(
            f"column {columns[j]!r}: on {index[i].date()} an order could not be filled in "
            "full -- a short position lost more than the account's equity, so it cannot be "
            "covered all in (a ruined short); such a run is refused by every simulator "
            "(trade long only or add a holding period)"
        )


def _product_columns(sig_columns: pd.Index, var_frame: pd.DataFrame) -> pd.MultiIndex:
    """Columns ``(variant, signal column)``: variant-major, like the tiled arrays."""
    sig = sig_columns.to_frame(index=False)
    n = len(sig)
    rows = []
    for v in range(len(var_frame)):
        block = sig.copy()
        for lv in var_frame.columns:
            block[lv] = var_frame[lv].iloc[v]
        rows.append(block)
    return pd.MultiIndex.from_frame(pd.concat(rows, ignore_index=True).iloc[: n * len(var_frame)])
