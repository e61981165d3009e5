"""The live display survives the front ends: JupyterLab's sanitizer, nbconvert, a browser.

* JupyterLab 4 / Notebook 7 sanitize untrusted ``text/html`` with the
  ``Sanitizer`` of ``packages/apputils/src/sanitizer.ts``; the tag and
  attribute lists and the inline-style regexes below are a (stricter) port
  of the parts we use, so a new declaration that the sanitizer would drop
  fails here instead of silently vanishing in a reopened notebook.
* An offline ``nbconvert`` HTML export shows our ``<details>`` block (and not
  a widget placeholder).
* Headless Chromium renders that export, light and dark, to a non-blank
  screenshot with high-contrast text (skipped when ``chromium`` is absent).
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from render_fixtures import TOOL_VERSION, leak_finding

from ml_lint_nb.findings import Evidence, Finding, Location, Severity
from ml_lint_nb.render.mimebundle import MIME_TYPE, findings_bundle

XSS = "<script>alert(1)</script>"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def _findings() -> list[Finding]:
    live = Finding(
        code="ML402",
        name="accuracy-on-imbalanced-target",
        severity=Severity.WARNING,
        message=f"accuracy 0.97 on a target whose majority class is 97% (column {XSS})",
        location=Location(execution_count=7),
        fix="Report balanced accuracy or compare with a DummyClassifier.",
        pitfalls=(4, 47),
        sources=("live",),
        evidence=(Evidence("live", "majority-rate", "97% of y_test is class 0", {"col": XSS}),),
    )
    info = Finding(
        code="ML304",
        name="no-baseline",
        severity=Severity.INFO,
        message="GradientBoostingClassifier is evaluated with no baseline to compare.",
        location=Location(cell=9, line=3),
        fix="Score a DummyClassifier on the same split.",
        pitfalls=(4,),
    )
    return [leak_finding(), live, info]


def _bundle() -> tuple[dict, dict]:
    still = Finding("ML101", "duplicate-rows", Severity.WARNING, "d", Location(cell=2), "f", (34,))
    return findings_bundle(
        _findings(),
        notebook="demo.ipynb",
        still_present=[still],
        notes=["sampled 100,000 of 1,000,000 rows"],
        tool_version=TOOL_VERSION,
    )


# --- JupyterLab's sanitizer ---------------------------------------------------
#
# Ported from jupyterlab/jupyterlab packages/apputils/src/sanitizer.ts (4.x).
# Python's fullmatch with grouped alternatives is stricter than the original
# (whose '^' + 'a|b' + '$' anchors only the first and last alternative), and
# colour names are a subset: a port can only reject more, never accept more.

_LAB_TAGS = {
    "a", "b", "br", "code", "details", "div", "em", "i", "pre", "small", "span",
    "strong", "summary", "table", "tbody", "td", "th", "thead", "tr",
}  # fmt: skip
_LAB_ATTRS_ANY = {"class", "dir", "hidden", "lang", "style", "title", "translate"}
_LAB_ATTRS = {"a": {"href", "hreflang", "rel", "target", "type"}, "details": {"open"}}

_NUM = r"[+-]?([0-9]*[.])?[0-9]+(e-?[0-9]*)?"
_NUM_POS = r"[+]?([0-9]*[.])?[0-9]+(e-?[0-9]*)?"
_ZERO_FF = r"([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])"
_ZERO_ONE = r"[+]?(1([.][0]+)?|0?([.][0-9]+)?)"
_ZERO_HUNDRED = r"[+]?(([0-9]|[1-9][0-9])([.][0-9]+)?|100)"
_UNITS = "px|em|rem|ex|in|cm|mm|pt|pc"
_LEN_OR_PERC = rf"(0|{_NUM}({_UNITS}|%))"
_LENGTH = rf"({_NUM}({_UNITS})|0)"
_LENGTH_POS = rf"({_NUM_POS}({_UNITS})|0)"
_PERC_POS = rf"{_NUM_POS}%"
_COLOR = (
    r"(\#(0x)?[0-9a-f]+"
    r"|rgb\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*\)"
    rf"|rgba\(\s*(\d{{1,3}})\s*,\s*(\d{{1,3}})\s*,\s*(\d{{1,3}})\s*,\s*({_ZERO_FF}|{_ZERO_ONE}|{_ZERO_HUNDRED}%)\s*\)"
    r"|black|gray|grey|silver|white|transparent)"
)
_BORDER_STYLE = "(none|hidden|dotted|dashed|solid|double|groove|ridge|inset|outset)"
_BORDER_WIDTH = rf"(thin|medium|thick|{_LENGTH})"
_MARGIN_WIDTH = rf"({_LEN_OR_PERC}|auto)"
_PADDING_WIDTH = rf"({_LENGTH_POS}|{_PERC_POS})"
_LAB_STYLES = {
    "background": rf"(({_COLOR})\s*)+",
    "background-color": _COLOR,
    "border": rf"(({_BORDER_WIDTH}|{_BORDER_STYLE}|{_COLOR})\s*){{1,3}}",
    "border-collapse": "(collapse|separate)",
    "border-radius": rf"(({_LEN_OR_PERC})\s*){{1,4}}",
    "color": _COLOR,
    "cursor": "(auto|default|pointer|text|help)",
    "font-size": rf"(xx-small|x-small|small|medium|large|x-large|xx-large|smaller|larger|{_LENGTH_POS}|{_PERC_POS})",
    "font-weight": "(normal|bold|bolder|lighter|[1-9]00)",
    "margin": rf"(({_MARGIN_WIDTH})\s*){{1,4}}",
    "margin-left": _MARGIN_WIDTH,
    "margin-top": _MARGIN_WIDTH,
    "opacity": _ZERO_ONE,
    "overflow-wrap": "(normal|break-word)",
    "padding": rf"(({_PADDING_WIDTH})\s*){{1,4}}",
    "text-align": "(left|right|center|justify)",
    "text-decoration": r"(none|((underline|overline|line-through|blink)\s*)+)",
    "text-transform": "(capitalize|uppercase|lowercase|none)",
    "vertical-align": rf"(baseline|sub|super|top|text-top|middle|bottom|text-bottom|{_LEN_OR_PERC})",
    "white-space": "(normal|pre|nowrap|pre-wrap|pre-line)",
}
# The one declaration we emit knowing the sanitizer drops it (see render/html.py):
# where it survives the link reads in the text colour, else in the theme's link colour.
_DROPPED_ON_PURPOSE = {("a", "color", "inherit")}


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))


def _declarations(style: str) -> list[tuple[str, str]]:
    out = []
    for decl in filter(None, (d.strip() for d in style.split(";"))):
        prop, _, value = decl.partition(":")
        out.append((prop.strip().lower(), value.strip()))
    return out


def _lab_rejections(html: str) -> list[str]:
    """What JupyterLab's sanitizer would strip from ``html`` (tags, attributes, declarations)."""
    parser = _Elements()
    parser.feed(html)
    problems = []
    for tag, attrs in parser.elements:
        if tag not in _LAB_TAGS:
            problems.append(f"<{tag}>")
        for name, value in attrs:
            if name not in _LAB_ATTRS_ANY | _LAB_ATTRS.get(tag, set()):
                problems.append(f"<{tag} {name}>")
            if name == "style":
                for prop, val in _declarations(value or ""):
                    pattern = _LAB_STYLES.get(prop)
                    ok = pattern is not None and re.fullmatch(pattern, val, re.IGNORECASE)
                    if not ok and (tag, prop, val) not in _DROPPED_ON_PURPOSE:
                        problems.append(f"<{tag} style={prop}:{val}>")
    return problems


def test_sanitizer_port_rejects_what_lab_drops() -> None:
    assert _lab_rejections('<div style="color:inherit">x</div>') == ["<div style=color:inherit>"]
    assert _lab_rejections('<div style="color:var(--x)">x</div>')
    assert _lab_rejections('<div id="x">x</div>') == ["<div id>"]
    assert _lab_rejections("<style>b{}</style>") == ["<style>"]
    assert _lab_rejections('<span style="border:1px solid rgba(127,127,127,0.45)">x</span>') == []


def test_html_uses_only_what_jupyterlab_keeps() -> None:
    data, _ = _bundle()
    assert _lab_rejections(data["text/html"]) == []
    only_still, _ = findings_bundle(
        [], notebook=None, still_present=[leak_finding()], notes=["n"], tool_version=TOOL_VERSION
    )
    assert _lab_rejections(only_still["text/html"]) == []


# --- nbconvert ----------------------------------------------------------------


def _notebook(data: dict, metadata: dict) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    output = nbformat.v4.new_output("display_data", data=data, metadata=metadata)
    nb.cells = [nbformat.v4.new_code_cell("scaler.fit(X)", outputs=[output])]
    nbformat.validate(nb)
    return nb


def _export(nb: nbformat.NotebookNode, tmp_path: Path, theme: str = "light") -> str:
    """``jupyter nbconvert --to html`` on a saved file (the widget filter reads its metadata)."""
    nbconvert = pytest.importorskip("nbconvert")
    path = tmp_path / f"saved-{theme}.ipynb"
    nbformat.write(nb, path)
    html, _ = nbconvert.HTMLExporter(theme=theme).from_filename(str(path))
    return html


def test_nbconvert_export_shows_the_details_block(tmp_path: Path) -> None:
    data, metadata = _bundle()
    html = _export(_notebook(data, metadata), tmp_path)
    assert '<details class="ml-lint-nb" style="border:1px solid' in html
    assert "<b>ml-lint-nb</b>: 1 error, 1 warning, 1 info</summary>" in html
    assert "<code>ML203</code> preprocessing-before-split" in html
    assert "ML101 still present (cell 2)" in html
    assert "sampled 100,000 of 1,000,000 rows" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert XSS not in html
    assert "jupyter-widgets" not in html and "widget-view" not in html
    assert MIME_TYPE not in html  # our JSON is for the labextension, not the page


def test_nbconvert_prefers_a_saved_widget_view(tmp_path: Path) -> None:
    """Why widgets are never in the default bundle: with saved widget state, nbconvert
    renders the widget placeholder (blank offline) instead of our HTML."""
    data, metadata = _bundle()
    model_id = "0" * 32
    data = {**data, WIDGET_MIME: {"model_id": model_id, "version_major": 2, "version_minor": 0}}
    nb = _notebook(data, metadata)
    nb.metadata["widgets"] = {
        "application/vnd.jupyter.widget-state+json": {
            "state": {model_id: {"model_name": "AccordionModel", "state": {}}},
            "version_major": 2,
            "version_minor": 0,
        }
    }
    html = _export(nb, tmp_path)
    assert '<details class="ml-lint-nb"' not in html
    assert "jupyter-widgets" in html


# --- a browser ----------------------------------------------------------------


def _png_rgb(path: Path) -> tuple[int, int, list[bytes]]:
    """Decode an 8-bit RGB/RGBA PNG into rows of RGB bytes (enough for Chromium's screenshots)."""
    blob = path.read_bytes()
    assert blob[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", b""
    while pos < len(blob):
        (length,) = struct.unpack(">I", blob[pos : pos + 4])
        kind, body = blob[pos + 4 : pos + 8], blob[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
    width, height, depth, color = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and color in (2, 6) and header[12] == 0, "unsupported PNG layout"
    bpp = 3 if color == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        _unfilter(kind, line, prev, bpp)
        rows.append(
            bytes(b for i, b in enumerate(line) if i % bpp < 3) if bpp == 4 else bytes(line)
        )
        prev = line
    return width, height, rows


def _unfilter(kind: int, line: bytearray, prev: bytearray, bpp: int) -> None:
    """Undo one scanline's PNG filter in place (None, Sub, Up, Average, Paeth)."""
    if kind == 0:
        return
    for i in range(len(line)):
        left = line[i - bpp] if i >= bpp else 0
        up = prev[i]
        if kind == 1:
            pred = left
        elif kind == 2:
            pred = up
        elif kind == 3:
            pred = (left + up) >> 1
        else:
            corner = prev[i - bpp] if i >= bpp else 0
            p = left + up - corner
            pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
            pred = left if pa <= pb and pa <= pc else (up if pb <= pc else corner)
        line[i] = (line[i] + pred) & 0xFF


def _luma(rgb: bytes) -> float:
    return (0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]) / 255


def _contrast_pixels(path: Path) -> tuple[int, float]:
    """(pixels far from the dominant colour in luminance, that colour's luminance)."""
    _, _, rows = _png_rgb(path)
    pixels = [row[i : i + 3] for row in rows for i in range(0, len(row), 3)]
    background = Counter(pixels).most_common(1)[0][0]
    bg = _luma(background)
    far = sum(1 for p in pixels if abs(_luma(p) - bg) > 0.45)
    return far, bg


def _screenshot(html: str, tmp_path: Path, name: str) -> Path:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip(
            "no chromium binary on this machine (apt-get install -y chromium); "
            "CI installs it, so the browser checks run there"
        )
    page, png = tmp_path / f"{name}.html", tmp_path / f"{name}.png"
    page.write_text(html, encoding="utf-8")
    cmd = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={tmp_path / 'profile'}",
        f"--screenshot={png}",
        "--window-size=1000,700",
        page.as_uri(),
    ]
    subprocess.run(cmd, capture_output=True, timeout=120, check=False)
    assert png.exists() and png.stat().st_size > 0, "chromium wrote no screenshot"
    return png


def _opened(html: str) -> str:
    """Every ``<details>`` open, so the screenshot shows the findings, not just the summary."""
    return html.replace("<details ", "<details open ")


@pytest.mark.parametrize(("theme", "dark"), [("light", False), ("dark", True)])
def test_export_renders_readable_in_a_browser(tmp_path: Path, theme: str, dark: bool) -> None:
    data, metadata = _bundle()
    html = _opened(_export(_notebook(data, metadata), tmp_path, theme=theme))
    far, bg = _contrast_pixels(_screenshot(html, tmp_path, f"nbconvert-{theme}"))
    assert (bg < 0.3) if dark else (bg > 0.7), f"unexpected page background luminance {bg:.2f}"
    assert far > 2000, "the findings block is blank or low-contrast"


@pytest.mark.parametrize(
    ("body", "dark"),
    [
        ('<body style="background:#ffffff;color:#1f1f1f">', False),
        ('<body style="background:#1e1e1e;color:#dddddd">', True),
    ],
)
def test_bare_block_reads_on_light_and_dark_hosts(tmp_path: Path, body: str, dark: bool) -> None:
    """A host with no Jupyter CSS at all: only inherited colours and our inline styles."""
    data, _ = _bundle()
    page = f'<!DOCTYPE html><html><head><meta charset="utf-8"></head>{body}{_opened(data["text/html"])}</body></html>'
    far, bg = _contrast_pixels(_screenshot(page, tmp_path, "bare-dark" if dark else "bare-light"))
    assert (bg < 0.3) if dark else (bg > 0.7)
    assert far > 2000, "the findings block is blank or low-contrast"


def test_collapsed_block_still_shows_its_summary(tmp_path: Path) -> None:
    data, metadata = _bundle()
    page = '<!DOCTYPE html><html><body style="background:#1e1e1e;color:#dddddd">'
    png = _screenshot(page + data["text/html"] + "</body></html>", tmp_path, "collapsed")
    far, _ = _contrast_pixels(png)
    assert far > 200, "the collapsed summary line is not visible"
