"""A small builder for self-contained HTML report pages.

The page has inline CSS, images embedded as base64 ``data:`` URIs and no
network reference, so it opens offline in any browser.  The static page has no
script.  The interactive page (``render(interactive=True)``) replaces the
figures that have an interactive version with Plotly charts, carries plotly.js
once inline and a few lines of script that make tables sortable.  Every piece
of text placed in the page -- headings, paragraphs, table cells, captions, alt
text -- goes through :func:`html.escape`; the only markup not built here is
the Plotly chart markup made by :mod:`plotly` itself from a figure.
"""

from __future__ import annotations

import base64
import html
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = ["VERDICT_COLORS", "HtmlPage", "format_value"]

#: Colours of the verdict words (tables, forest plot, forward-return chart).
VERDICT_COLORS: dict[str, str] = {
    "supports": "#1a9850", "contradicts": "#d73027", "no effect": "#4575b4",
    "inconclusive": "#7f7f7f", "too few": "#c7c7c7",
}

_CSS = """
body{font-family:-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:0;color:#1b1b1b;
background:#fafafa;line-height:1.45}
main{max-width:1180px;margin:0 auto;padding:24px 28px 60px;background:#fff}
h1{font-size:1.7em;margin:0.2em 0 0.3em}h2{font-size:1.35em;margin-top:2em;
border-bottom:2px solid #1f4e9c;padding-bottom:4px}h3{font-size:1.1em;margin-top:1.5em}
p.lead{color:#444;font-size:1.02em}
p.answer{font-size:1.12em;border-left:4px solid #1f4e9c;padding:2px 0 2px 12px;margin:10px 0}
footer{margin-top:3em;font-size:0.85em;color:#555}p.note{color:#555;font-size:0.9em}
nav{background:#f0f3f8;padding:10px 16px;border-radius:6px;font-size:0.92em}
nav a{margin-right:14px;text-decoration:none;color:#1f4e9c;white-space:nowrap}
table{border-collapse:collapse;margin:10px 0 18px;font-size:0.86em}
th,td{border:1px solid #d6d6d6;padding:4px 8px;text-align:right;vertical-align:top}
th{background:#eef1f6}td.t,th.t{text-align:left}
caption{caption-side:top;text-align:left;font-weight:600;padding:4px 0}
tr:nth-child(even) td{background:#fafbfd}
td.supports{background:#d9f0d3 !important}td.contradicts{background:#f8d5d0 !important}
figure{margin:14px 0 26px}figure img{max-width:100%;height:auto;border:1px solid #e3e3e3}
figcaption{font-size:0.88em;color:#444;margin-top:4px}
dl.kv{display:grid;grid-template-columns:max-content auto;gap:2px 14px;font-size:0.9em}
dl.kv dt{font-weight:600;color:#333}dl.kv dd{margin:0;word-break:break-all}
.skip{background:#fff4e0;border-left:4px solid #e08214;padding:6px 12px;margin:8px 0}
.scroll{overflow-x:auto}
figure.plotly{width:100%}
"""


def format_value(value: Any, float_format: str = "{:,.4g}") -> str:
    """Plain-text rendering of one table cell (NaN/None -> empty)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else str(value)
    if isinstance(value, float | int) and not isinstance(value, bool):
        if isinstance(value, float) and math.isnan(value):
            return ""
        if isinstance(value, int):
            return f"{value:,}"
        return float_format.format(value)
    try:
        import numpy as np

        if isinstance(value, np.generic):
            return format_value(value.item(), float_format)
    except ImportError:  # pragma: no cover
        pass
    return str(value)


#: Sorts a table by the clicked column (numbers by value, text alphabetically).
_SORT_JS = """
document.querySelectorAll("table").forEach(function(t){
 t.querySelectorAll("thead th").forEach(function(th,i){
  th.style.cursor="pointer";th.title="sort";
  th.addEventListener("click",function(){
   var b=t.tBodies[0],rows=Array.from(b.rows),asc=th.dataset.asc!=="1";th.dataset.asc=asc?"1":"0";
   function v(r){var x=r.cells[i]?r.cells[i].textContent.trim():"";
    var n=parseFloat(x.replace(/[,%$+\u2212]/g,"").replace(/^<\\s*/,""));
    if(/^[-\u2212]/.test(x)&&n>0)n=-n;return isNaN(n)?x.toLowerCase():n;}
   rows.sort(function(a,c){var p=v(a),q=v(c);
    if(typeof p==="number"&&typeof q==="number")return asc?p-q:q-p;
    return asc?String(p).localeCompare(String(q)):String(q).localeCompare(String(p));});
   rows.forEach(function(r){b.appendChild(r);});});});});
"""


def _interactive_assets() -> tuple[str, str]:
    """plotly.js inline (once per page) and the table-sorting script."""
    from plotly.offline import get_plotlyjs

    return (f'<script type="text/javascript">{get_plotlyjs()}</script>',
            f"<script>{_SORT_JS}</script>")


def _slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s or "section"


def _img(png: bytes, *, alt: str, caption: str, scale: int) -> str:
    """A PNG as a ``<figure>`` with a base64 data URI, shown at 1/``scale`` of its
    pixel width (at most the column)."""
    if not png.startswith(b"\x89PNG"):
        raise ValueError("image expects PNG bytes")
    data = base64.b64encode(png).decode("ascii")
    cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    width = int.from_bytes(png[16:20], "big") // max(1, scale)
    return (f'<figure><img src="data:image/png;base64,{data}" '
            f'style="width:{width}px" alt="{html.escape(alt)}">{cap}</figure>')


@dataclass
class HtmlPage:
    """Accumulates escaped page parts and renders one self-contained HTML page.

    Parameters
    ----------
    title : str
        Page title (``<title>`` and the top heading).
    """

    title: str
    _parts: list[str | tuple[str | Callable[[], str], Callable[[], str] | None]] = field(
        default_factory=list)
    _toc: list[tuple[str, str]] = field(default_factory=list)
    _ids: set[str] = field(default_factory=set)

    def _anchor(self, text: str) -> str:
        base = _slug(text)
        anchor, i = base, 2
        while anchor in self._ids:
            anchor, i = f"{base}-{i}", i + 1
        self._ids.add(anchor)
        return anchor

    def fragment(self) -> HtmlPage:
        """An empty page whose parts go into this one later (:meth:`extend`): built
        out of order, e.g. while other parts are still being computed.  It shares
        this page's heading ids, so every anchor stays unique."""
        return HtmlPage(self.title, _ids=self._ids)

    def extend(self, other: HtmlPage) -> None:
        """Append the parts and contents entries of ``other`` (a :meth:`fragment`)."""
        self._parts.extend(other._parts)
        self._toc.extend(other._toc)

    def heading(self, text: str, level: int = 2, *, toc: bool | None = None) -> str:
        """Add a heading; level-2 headings go into the contents bar. Returns its id."""
        if level not in (2, 3, 4):
            raise ValueError(f"heading level must be 2, 3 or 4, got {level}")
        anchor = self._anchor(text)
        if toc if toc is not None else level == 2:
            self._toc.append((anchor, text))
        self._parts.append(f'<h{level} id="{anchor}">{html.escape(text)}</h{level}>')
        return anchor

    def paragraph(self, text: str, *, css: str = "") -> None:
        """Add a paragraph of plain text (``css``: "lead" or "note")."""
        cls = f' class="{html.escape(css)}"' if css else ""
        self._parts.append(f"<p{cls}>{html.escape(text)}</p>")

    def callout(self, text: str) -> None:
        """Add a highlighted notice (e.g. a strategy skipped for missing data)."""
        self._parts.append(f'<div class="skip">{html.escape(text)}</div>')

    def bullets(self, items: Sequence[str]) -> None:
        """Add a bulleted list of plain-text items."""
        lis = "".join(f"<li>{html.escape(str(i))}</li>" for i in items)
        self._parts.append(f"<ul>{lis}</ul>")

    def key_values(self, items: Mapping[str, Any]) -> None:
        """Add a two-column list of labels and values."""
        rows = "".join(f"<dt>{html.escape(str(k))}</dt><dd>{html.escape(format_value(v))}</dd>"
                       for k, v in items.items())
        self._parts.append(f'<dl class="kv">{rows}</dl>')

    def table(self, frame: pd.DataFrame, *, caption: str = "", index: bool = True,
              float_format: str = "{:,.4g}",
              formats: Mapping[str, str] | None = None,
              verdict_column: str | None = None) -> None:
        """Add a DataFrame as an HTML table; every cell and label is escaped.

        Parameters
        ----------
        frame : pandas.DataFrame
            The table (MultiIndex rows are shown as several label columns).
        caption : str, default ""
            Table caption.
        index : bool, default True
            Show the index as leading label columns.
        float_format : str, default "{:,.4g}"
            Format of float cells.
        formats : mapping, optional
            Per-column format strings overriding ``float_format``.
        verdict_column : str or None, default None
            Column whose "supports" / "contradicts" cells are coloured (``"*"``:
            every column).
        """
        formats = formats or {}
        idx_names = [str(n) if n is not None else "" for n in frame.index.names] if index else []
        head = "".join(f'<th class="t">{html.escape(n)}</th>' for n in idx_names)
        head += "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
        body = []
        text_cols = {c for c in frame.columns
                     if not pd.api.types.is_numeric_dtype(frame[c].dtype)}
        for key, row in zip(frame.index, frame.itertuples(index=False, name=None), strict=True):
            cells = []
            if index:
                keys = key if isinstance(key, tuple) else (key,)
                cells += [f'<td class="t">{html.escape(format_value(k))}</td>' for k in keys]
            for col, v in zip(frame.columns, row, strict=True):
                text = html.escape(format_value(v, formats.get(str(col), float_format)))
                classes = []
                if col in text_cols:
                    classes.append("t")
                if verdict_column is not None and verdict_column in ("*", col) and \
                        str(v) in ("supports", "contradicts"):
                    classes.append(str(v))
                cls = f' class="{" ".join(classes)}"' if classes else ""
                cells.append(f"<td{cls}>{text}</td>")
            body.append("<tr>" + "".join(cells) + "</tr>")
        cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
        self._parts.append(f'<div class="scroll"><table>{cap}<thead><tr>{head}</tr></thead>'
                           f'<tbody>{"".join(body)}</tbody></table></div>')

    def image(self, png: bytes | Callable[[], bytes], *, alt: str, caption: str = "",
              scale: int = 2, interactive: Callable[[], str] | None = None) -> None:
        """Embed a PNG as a base64 data URI with alt text and a caption.

        ``png``: the bytes, or a function returning them when the page is
        rendered (a chart still being drawn in another process).  ``scale``:
        the PNG's pixels per CSS pixel (charts are rendered at 2x and sized
        back, so they stay sharp on high-density screens).  ``interactive``: a
        function returning the Plotly markup of the same chart, used instead of
        the image by ``render(interactive=True)``."""
        if isinstance(png, bytes):
            static: str | Callable[[], str] = _img(png, alt=alt, caption=caption, scale=scale)
        else:
            get = png

            def static() -> str:
                return _img(get(), alt=alt, caption=caption, scale=scale)

        if interactive is None:
            self._parts.append((static, None))
            return
        cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""

        def live() -> str:
            return f'<figure class="plotly">{interactive()}{cap}</figure>'

        self._parts.append((static, live))

    def render(self, *, subtitle: str = "", provenance: Mapping[str, str] | None = None,
               interactive: bool = False) -> str:
        """The complete HTML document.

        Parameters
        ----------
        subtitle : str, default ""
            Lead paragraph under the title.
        provenance : mapping or None, default None
            "How this page was made" lines (run date, command, version, git
            commit, data hash), shown in the page's footer.
        interactive : bool, default False
            Plotly charts where a figure has them, plotly.js inline once, and
            sortable tables (click a column heading).
        """
        head = tail = ""
        parts = []
        for part in self._parts:
            if isinstance(part, tuple):
                static, live = part
                if interactive and live is not None:
                    parts.append(live())
                else:
                    parts.append(static if isinstance(static, str) else static())
            else:
                parts.append(part)
        if interactive:
            head, tail = _interactive_assets()
        nav = ""
        if self._toc:
            links = "\n".join(f'<a href="#{a}">{html.escape(t)}</a>' for a, t in self._toc)
            nav = f"<nav>{links}</nav>"
        sub = f'<p class="lead">{html.escape(subtitle)}</p>' if subtitle else ""
        foot = ""
        if provenance:
            rows = "".join(f"<dt>{html.escape(str(k))}</dt><dd>{html.escape(str(v))}</dd>"
                           for k, v in provenance.items())
            foot = (f'<footer id="provenance"><h2>How this page was made</h2>'
                    f'<dl class="kv">{rows}</dl></footer>')
        return (
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{html.escape(self.title)}</title><style>{_CSS}</style>{head}</head>"
            f"<body><main><h1>{html.escape(self.title)}</h1>{sub}{nav}"
            + "\n".join(parts)
            + foot
            + f"</main>{tail}</body></html>\n"
        )
