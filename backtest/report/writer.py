"""The report object: an HTML page, its charts and tables, written to a results folder.

A :class:`Report` collects the page (:class:`~backtest.report.html.HtmlPage`),
the PNG charts, the statistics table and a JSON summary.  :meth:`Report.write`
creates a new results folder (:func:`~backtest.report.folder.new_run_folder`)
and writes the files below into a hidden temporary folder beside it, which then
replaces the (still empty) new folder in one rename: a report folder is either
complete or empty, never half written (an interrupted write removes both):

``index.html``
    the self-contained page (charts embedded; no network), ending with its
    provenance: run date, command, version, git commit, data hash;
``<chart>.png``
    every chart as a separate image;
``stats.csv``
    the statistics table;
``summary.json``
    the machine-readable summary (same schema as the command's ``--format json``);
``metadata.json``
    command, parameters, data sources and hash, versions, git commit.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from backtest.data.manifest import current_umask
from backtest.report.folder import new_run_folder, safe_name
from backtest.report.html import HtmlPage
from backtest.report.metadata import dumps
from backtest.report.render import ChartPool, can_fork

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from plotly.graph_objects import Figure as PlotlyFigure

__all__ = ["REPORT_FILES", "Report", "provenance"]

#: Files every results folder contains (besides the chart PNGs).
REPORT_FILES: tuple[str, ...] = ("index.html", "stats.csv", "summary.json", "metadata.json")


def provenance(metadata: Mapping[str, Any]) -> dict[str, str]:
    """The page's provenance lines from ``metadata.json``: run date, command,
    version, git commit and data hash."""
    git = metadata.get("git") or {}
    data = metadata.get("data") or {}
    versions = metadata.get("versions") or {}
    cmd = metadata.get("command")
    commit = "not a git checkout"
    if isinstance(git, Mapping) and git.get("commit"):
        commit = str(git["commit"])[:12] + (" (uncommitted changes)" if git.get("dirty") else "")
    out = {
        "run (UTC)": str(metadata.get("created_utc", "")),
        "command": " ".join(map(str, cmd)) if isinstance(cmd, list | tuple) else str(cmd or ""),
        "vixbt version": str(versions.get("vixbt") or ""),
        "git commit": commit,
    }
    if isinstance(data, Mapping) and data.get("content_hash"):
        out["data"] = (f"{data.get('start')} .. {data.get('end')}, {data.get('rows'):,} rows, "
                       f"content hash {data['content_hash']}")
    return out


@dataclass
class Report:
    """A report being assembled.

    Parameters
    ----------
    title : str
        Page title.
    name : str
        Run name used in the folder name (e.g. ``"report"``, ``"run-bollinger_break"``).
    subtitle : str, default ""
        Lead paragraph under the title.
    basis : str, default ""
        The basis line (return basis, cash rate, costs, fill rule and fallback
        share; :func:`backtest.execution.basis.describe_basis`), shown first.
    jobs : int, default 1
        Processes drawing the charts, this one included
        (:class:`~backtest.report.render.ChartPool`): with ``jobs > 1`` charts
        are drawn in forked processes while the report goes on, and
        :attr:`charts` is complete after :meth:`finish_charts` (called by
        :meth:`html` and :meth:`write`).  The PNGs are the same bytes either way.
    """

    title: str
    name: str
    subtitle: str = ""
    basis: str = ""
    page: HtmlPage = field(init=False)
    charts: dict[str, bytes] = field(default_factory=dict)
    stats: pd.DataFrame = field(default_factory=pd.DataFrame)
    summary: dict[str, Any] = field(default_factory=dict)
    jobs: int = 1
    _pool: ChartPool | None = field(default=None, init=False, repr=False)
    _pending: dict[int, str] = field(default_factory=dict, init=False, repr=False)
    _prefetching: bool = field(default=False, init=False, repr=False)
    _prefetched: dict[str, int] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self.page = HtmlPage(self.title)
        if self.jobs < 1:
            raise ValueError(f"jobs must be at least 1, got {self.jobs}")

    def add_chart(self, fig: Figure | Callable[[], Figure], filename: str, *, alt: str,
                  caption: str = "",
                  interactive: Callable[[], PlotlyFigure] | None = None) -> str:
        """Render ``fig`` to PNG, keep it as ``filename`` and embed it in the page.

        ``fig``: the figure, or a function building it (with ``jobs > 1`` it is
        then built in the process that draws it, not here).

        ``interactive``: a function building the Plotly version of the chart,
        called only when the interactive page is rendered.  Returns the
        (sanitised, unique) file name used.
        """
        from backtest.report.charts import to_png

        stem = safe_name(filename.removesuffix(".png"), max_len=80)
        name, i = f"{stem}.png", 2
        if self._prefetching:
            if self.parallel and name not in self.charts and name not in self._prefetched:
                self._prefetched[name] = self._submit(fig)
            return name
        while name in self.charts:
            name, i = f"{stem}-{i}.png", i + 1
        png: bytes | Callable[[], bytes]
        if self.parallel:
            prefetched = self._prefetched.pop(name, None)
            self._pending[self._submit(fig) if prefetched is None else prefetched] = name
            self.charts[name] = b""  # filled by finish_charts, in this order

            def png() -> bytes:
                self.finish_charts()
                return self.charts[name]
        else:
            png = self.charts[name] = to_png(fig() if callable(fig) else fig)
        live = None
        if interactive is not None:
            build = interactive
            div = name.removesuffix(".png")

            def live() -> str:
                from backtest.report.interactive import to_div

                return to_div(build(), div)

        self.page.image(png, alt=alt, caption=caption, interactive=live)
        return name

    @property
    def parallel(self) -> bool:
        """Whether charts are drawn in other processes (``jobs > 1`` and fork available)."""
        return self.jobs > 1 and can_fork()

    def _submit(self, fig: Figure | Callable[[], Figure]) -> int:
        if self._pool is None:
            self._pool = ChartPool(self.jobs)
        return self._pool.submit(fig)

    @contextlib.contextmanager
    def prefetch(self) -> Iterator[None]:
        """Start drawing charts before their place in the page is known.

        Inside the block, :meth:`add_chart` only hands the figure to the
        processes drawing charts (when :attr:`parallel`; otherwise it does
        nothing), and page changes go to a fragment that is dropped.  A later
        :meth:`add_chart` of the same file name takes that drawing instead of
        a new one, so the figure must be the same (built from the same data);
        a prefetched chart never added is drawn and dropped.  The page, the
        files and their order are those of adding the charts without a
        prefetch.
        """
        main, self._prefetching = self.page, True
        self.page = HtmlPage(main.title)  # its own heading ids: nothing of it is kept
        try:
            yield
        finally:
            self.page, self._prefetching = main, False

    @contextlib.contextmanager
    def fragment(self) -> Iterator[HtmlPage]:
        """Build part of the page out of order: inside the block :attr:`page` is a
        :meth:`~backtest.report.html.HtmlPage.fragment`, which the caller later
        appends with ``report.page.extend(fragment)``; charts added in the block
        are kept (and start drawing) at once."""
        main = self.page
        self.page = frag = main.fragment()
        try:
            yield frag
        finally:
            self.page = main

    def finish_charts(self) -> None:
        """Wait for the charts being drawn in other processes and keep their PNGs."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        pngs = pool.results()
        for i, name in self._pending.items():
            self.charts[name] = pngs[i]
        self._pending, self._prefetched = {}, {}

    def html(self, *, interactive: bool = False,
             provenance: Mapping[str, str] | None = None) -> str:
        """The rendered page (``interactive``: with Plotly charts and sortable tables;
        ``provenance``: the lines of :func:`provenance` at the page's foot)."""
        self.finish_charts()
        return self.page.render(subtitle=" ".join(t for t in (self.basis, self.subtitle) if t),
                                provenance=provenance, interactive=interactive)

    def write(self, metadata: Mapping[str, Any], root: str | Path | None = None, *,
              interactive: bool = False) -> Path:
        """Write the report into a new results folder and return the folder.

        Parameters
        ----------
        metadata : mapping
            Contents of ``metadata.json`` (see :func:`~backtest.report.metadata.run_metadata`).
        root : str, Path or None, default None
            Results root (default ``results/``).
        interactive : bool, default False
            ``index.html`` with Plotly charts for the dense time series (zoom,
            pan, hover), plotly.js inline once (one self-contained file that
            works offline) and sortable tables; the PNGs are written as well.
        """
        self.finish_charts()
        folder = new_run_folder(self.name, root)
        # everything goes into a hidden sibling first; the complete folder then replaces
        # the (empty) reserved one in one rename, so an interruption leaves no half report
        tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".partial",
                                    dir=folder.parent))
        os.chmod(tmp, 0o777 & ~current_umask())  # mkdtemp makes 0700; follow the umask
        try:
            for name, png in self.charts.items():
                _write(tmp / name, png)
            _write(tmp / "stats.csv", self.stats.to_csv().encode("utf-8"))
            meta = dict(metadata)
            meta["files"] = [*REPORT_FILES, *self.charts]
            summary = dict(self.summary)
            if "report" in summary:  # the document names its own folder
                summary["report"] = str(folder)
            _write(tmp / "summary.json", (dumps(summary) + "\n").encode("utf-8"))
            _write(tmp / "metadata.json", (dumps(meta) + "\n").encode("utf-8"))
            html = self.html(interactive=interactive, provenance=provenance(meta))
            _write(tmp / "index.html", html.encode("utf-8"))
            _fsync_dir(tmp)
            try:
                os.replace(tmp, folder)  # POSIX: an empty folder is replaced atomically
            except OSError:
                folder.rmdir()
                os.replace(tmp, folder)
            _fsync_dir(folder.parent)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            with contextlib.suppress(OSError):
                folder.rmdir()  # only if still the empty reservation
            raise
        return folder


def _write(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    if os.name == "nt":  # pragma: no cover - no directory fsync on Windows
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
