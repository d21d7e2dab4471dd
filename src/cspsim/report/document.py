"""A report as a list of blocks, rendered to Markdown and to self-contained HTML.

Figures are PNG files beside ``report.md`` (linked) and embedded as base64 data in
``report.html``, so the HTML file can be mailed or archived on its own.
"""

from __future__ import annotations

import base64
import contextlib
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;
margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{border-bottom:2px solid #444}h2{border-bottom:1px solid #bbb;margin-top:2em}
table{border-collapse:collapse;margin:1em 0;font-size:0.88em}
th,td{border:1px solid #ccc;padding:3px 7px;text-align:right}
th{background:#f0f0f0}td:first-child,th:first-child{text-align:left}
img{max-width:100%;border:1px solid #ddd;margin:0.5em 0}
.caption{color:#555;font-size:0.9em;margin-bottom:1.5em}.note{color:#555;font-size:0.9em}
code{background:#f5f5f5;padding:0 3px}
"""


#: Heading kinds of :class:`Document` blocks.
HEADINGS = ("h1", "h2", "h3", "h4", "h5")


@dataclass
class Document:
    """Blocks of a report: ``(kind, payload)`` with kinds h1-h5, p, list, table, img.

    Attributes:
        blocks: The blocks, in order.
        depth: Levels added to ``h2`` and ``h3`` (sections inside a section, e.g. one per
            city): see :meth:`nested`.
    """

    blocks: list[tuple[str, object]] = field(default_factory=list)
    depth: int = 0

    @contextlib.contextmanager
    def nested(self) -> Iterator[None]:
        """Sections written inside the block are one level deeper (``h2`` becomes ``h3``)."""
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1

    def h1(self, text: str) -> None:
        """Title."""
        self.blocks.append(("h1", text))

    def h2(self, text: str) -> None:
        """Section heading."""
        self.blocks.append((f"h{min(2 + self.depth, 5)}", text))

    def h3(self, text: str) -> None:
        """Subsection heading."""
        self.blocks.append((f"h{min(3 + self.depth, 5)}", text))

    def p(self, text: str) -> None:
        """A paragraph (Markdown inline syntax: ``code``, **bold**, *italic*)."""
        self.blocks.append(("p", text))

    def items(self, lines: list[str]) -> None:
        """A bulleted list."""
        self.blocks.append(("list", list(lines)))

    def table(self, df: pd.DataFrame, floatfmt: str | None = None) -> None:
        """A table; floats as ``floatfmt`` (default: 3 significant digits, or whole)."""
        self.blocks.append(("table", _format(df, floatfmt)))

    def img(self, path: Path, caption: str) -> None:
        """A figure (a PNG file in the report directory) with its caption."""
        self.blocks.append(("img", (Path(path), caption)))

    # ----- rendering -------------------------------------------------------------------
    def markdown(self, base: Path) -> str:
        """Markdown text; figure paths relative to ``base``."""
        out: list[str] = []
        for kind, payload in self.blocks:
            if kind in HEADINGS:
                out += ["#" * int(kind[1]) + " " + str(payload), ""]
            elif kind == "p":
                out += [str(payload), ""]
            elif kind == "list":
                out += [f"- {line}" for line in payload] + [""]  # type: ignore[union-attr]
            elif kind == "table":
                out += [_md_table(payload), ""]  # type: ignore[arg-type]
            elif kind == "img":
                path, caption = payload  # type: ignore[misc]
                out += [f"![{caption}]({_rel(path, base)})", "", f"*{caption}*", ""]
        return "\n".join(out)

    def html(self, title: str) -> str:
        """A self-contained HTML page (figures embedded)."""
        body: list[str] = []
        for kind, payload in self.blocks:
            if kind in HEADINGS:
                body.append(f"<{kind}>{_inline(str(payload))}</{kind}>")
            elif kind == "p":
                body.append(f"<p>{_inline(str(payload))}</p>")
            elif kind == "list":
                lis = "".join(f"<li>{_inline(x)}</li>" for x in payload)  # type: ignore[union-attr]
                body.append(f"<ul>{lis}</ul>")
            elif kind == "table":
                body.append(_html_table(payload))  # type: ignore[arg-type]
            elif kind == "img":
                path, caption = payload  # type: ignore[misc]
                data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
                body.append(
                    f'<img alt="{html.escape(caption)}" src="data:image/png;base64,{data}">'
                    f'<div class="caption">{_inline(caption)}</div>'
                )
        return (
            f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
            f"</title><style>{_CSS}</style></head><body>{''.join(body)}</body></html>\n"
        )


def _auto(v: float) -> str:
    if abs(v) < 1e-9:
        return "0"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) >= 100:
        return f"{v:.0f}"
    return f"{v:.3g}"


def _format(df: pd.DataFrame, floatfmt: str | None) -> pd.DataFrame:
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_float_dtype(out[c]):
            fmt = floatfmt.format if floatfmt else _auto
            out[c] = out[c].map(lambda v, f=fmt: "n/a" if pd.isna(v) else f(v))
    return out.astype(str)


def markdown_table(df: pd.DataFrame, floatfmt: str | None = None) -> str:
    """A DataFrame as a GitHub Markdown table, floats formatted as :meth:`Document.table`."""
    return _md_table(_format(df, floatfmt))


def _md_table(df: pd.DataFrame) -> str:
    cols = [str(c) for c in df.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for row in df.itertuples(index=False):
        lines.append("| " + " | ".join(str(v).replace("|", "/") for v in row) + " |")
    return "\n".join(lines)


def _html_table(df: pd.DataFrame) -> str:
    head = "".join(f"<th>{_inline(str(c))}</th>" for c in df.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{_inline(str(v))}</td>" for v in row) + "</tr>"
        for row in df.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _inline(text: str) -> str:
    t = html.escape(text)
    t = re.sub(r"`([^`]+)`", r"<code>\1</code>", t)
    t = re.sub(r"\*\*([^*]+)\*\*", r"<b>\1</b>", t)
    return re.sub(r"(?<![\w*])\*([^*]+)\*(?![\w*])", r"<i>\1</i>", t)


def _rel(path: Path, base: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path(base).resolve()))
    except ValueError:
        return str(path)
