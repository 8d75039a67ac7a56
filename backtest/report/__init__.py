"""Reports: charts, self-contained HTML pages and results folders.

Import the submodules directly (``backtest.report.charts`` pulls in
matplotlib; the rest does not).
"""

from backtest.report.folder import new_run_folder, safe_name
from backtest.report.html import HtmlPage
from backtest.report.metadata import run_metadata
from backtest.report.writer import REPORT_FILES, Report

__all__ = ["REPORT_FILES", "HtmlPage", "Report", "new_run_folder", "run_metadata", "safe_name"]
