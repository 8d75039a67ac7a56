"""Reports: charts, self-contained HTML pages and results folders.

One call writes a page from Python: :func:`run_page` (as ``vixbt run``) and
:func:`headline_page` (as ``vixbt report``).  Import the submodules directly for
the parts (``backtest.report.charts`` pulls in matplotlib; the rest does not).
"""

from backtest.report.api import PageOutput, headline_page, run_page
from backtest.report.folder import new_run_folder, safe_name
from backtest.report.html import HtmlPage
from backtest.report.metadata import run_metadata
from backtest.report.writer import REPORT_FILES, Report

__all__ = [
           "REPORT_FILES",
           "HtmlPage",
           "PageOutput",
           "Report",
           "headline_page",
           "new_run_folder",
           "run_metadata",
           "run_page",
           "safe_name",
]
