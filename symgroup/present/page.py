"""Self-contained HTML pages: one file, every picture an inlined PNG, no requests (the run report and
the study report are built from these)."""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence

import matplotlib.image
import numpy as np
from matplotlib.figure import Figure

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.7em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.pass { color: #17702a; font-weight: bold; } .fail { color: #b00020; font-weight: bold; }
.warn { background: #fff4d6; border-left: 4px solid #e0a800; padding: 0.3em 0.7em; }
.scroll { overflow-x: auto; max-width: 100%; } pre { white-space: pre-wrap; }
dt { font-weight: bold; margin-top: 0.5em; } dd { margin-left: 1.5em; }
img { max-width: 100%; margin: 0.4em 0; image-rendering: pixelated; }
section { border-top: 2px solid #ddd; margin-top: 2em; }
"""


def document(title: str, body: Sequence[str]) -> str:
    """A page titled ``title`` with the HTML fragments of ``body``."""
    return "\n".join(
        [
            f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title>",
            f"<link rel='icon' href='data:,'><style>{STYLE}</style></head><body><h1>{html.escape(title)}</h1>",
            *body,
            "</body></html>",
        ]
    )


def table(rows: Sequence[Sequence[str]], header: Sequence[str], table_id: str) -> str:
    """A table of text cells (escaped), inside a box that scrolls sideways rather than widen the page;
    "PASS" and "FAIL" cells coloured; headers may break after an underscore."""
    head = "".join(f"<th>{html.escape(h).replace('_', '_<wbr>')}</th>" for h in ["", *header])
    body = "".join(
        "<tr>" + "".join(f"<td{_verdict_class(cell)}>{html.escape(cell)}</td>" for cell in row) + "</tr>"
        for row in rows
    )
    return (
        f"<div class='scroll'><table id='{table_id}'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def figure(chart: Figure, alt: str) -> str:
    buffer = io.BytesIO()
    chart.savefig(buffer, format="png", dpi=90)
    return _png(buffer.getvalue(), alt)


def image(picture: np.ndarray, alt: str) -> str:
    """An (H, W, 3) picture, pixels doubled when it is small."""
    scale = 2 if picture.shape[1] < 500 else 1
    buffer = io.BytesIO()
    matplotlib.image.imsave(buffer, np.clip(picture.repeat(scale, 0).repeat(scale, 1), 0, 1), format="png")
    return _png(buffer.getvalue(), alt)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def number(value: float | None) -> str:
    return "-" if value is None or value != value else f"{value:.3f}"


def _verdict_class(cell: str) -> str:
    return f" class='{cell.lower()}'" if cell in ("PASS", "FAIL") else ""


def _png(data: bytes, alt: str) -> str:
    return f"<img alt='{html.escape(alt)}' src='data:image/png;base64,{base64.b64encode(data).decode()}'>"
