"""The ``vixbt`` command line (entry point :func:`backtest.cli.main.main`)."""
