"""Read evidence from the outputs a notebook was saved with.

A printed ``value_counts()`` is the code showing its class balance; a
printed ``nunique()`` shows a column's cardinality; a ``describe()`` table
shows the features' scales. These parsers read pandas' and NumPy's plain
text reprs and return ``None`` when the text is not what they expect, so a
wrong guess costs a silence, never a false alarm.

Every parser runs in time linear in its input and reads at most
``MAX_TEXT`` characters, with lines of at most ``MAX_LINE`` characters: a
saved output is data the notebook's author did not write by hand (100 KB
of ``<``, a 50 KB ``Counter``), and no backtracking regex may see it whole.
"""

from __future__ import annotations

import math
import re

MAX_TEXT = 100_000
MAX_LINE = 2_000
MAX_DIGITS = 18  # counts and shapes fit in 18 digits; a 5,000-digit integer is no count

_NUM = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_NUM_RE = re.compile(_NUM)
_FOOTER = re.compile(r"^\s*(Name:|dtype:|Length:)")
_TUPLE2 = re.compile(rf"\(\s*(\d{{1,{MAX_DIGITS}}})\s*,\s*(\d{{1,{MAX_DIGITS}}})\s*\)")
_ARRAY = re.compile(r"array\(\[([\d\s,]+)\]")
_COUNTER_OPEN = "Counter({"
_COUNTER_CLOSE = "})"


def _bounded(text: str) -> str:
    return text[:MAX_TEXT]


def _lines(text: str) -> list[str]:
    """The lines of the bounded text; an overlong line is cut (it matches nothing then)."""
    return [line[:MAX_LINE] for line in _bounded(text).splitlines()]


def _number(text: str) -> float | None:
    """``text`` as a finite float if it is one plain number of reasonable length."""
    if len(text) > 64 or not _NUM_RE.fullmatch(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def _row(line: str) -> tuple[str, float] | None:
    """``label   number``: the number is the last whitespace-free token, the label the rest."""
    stripped = line.strip()
    cut = max(stripped.rfind(" "), stripped.rfind("\t"))
    if cut <= 0:
        return None
    label, value = stripped[:cut].strip(), _number(stripped[cut + 1 :])
    if not label or value is None:
        return None
    return label, value


def parse_value_counts(text: str) -> dict[str, float] | None:
    """``label    count`` lines of a Series repr, up to its ``Name:``/``dtype:`` footer."""
    out: dict[str, float] = {}
    saw_footer = False
    for line in _lines(text):
        if not line.strip():
            if out:
                break
            continue
        if _FOOTER.match(line):
            saw_footer = True
            break
        row = _row(line)
        if row is None:
            if out:
                break
            continue  # a header line such as the column name
        out[row[0]] = row[1]
        if len(out) > 100:
            return None
    if len(out) < 2 or len(out) > 100 or not saw_footer:
        return None
    return out


def parse_spark_counts(text: str) -> dict[str, float] | None:
    """``df.groupBy("label").count().show()``: a ``|label|count|`` table between ``+---+`` rules."""
    out: dict[str, float] = {}
    header = False
    for line in _lines(text):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.strip().startswith("|") or len(cells) != 2:
            if out:
                break
            continue
        if not header:
            header = cells[1] == "count"
            continue
        value = _number(cells[1])
        if value is None:
            return None
        out[cells[0]] = value
        if len(out) > 100:
            return None
    return out if len(out) >= 2 else None


def shares_from_counts(counts: dict[str, float]) -> tuple[float, ...] | None:
    total = sum(counts.values())
    if total <= 0 or any(v < 0 for v in counts.values()):
        return None
    return tuple(sorted((v / total for v in counts.values()), reverse=True))


def parse_bincount(text: str) -> dict[str, float] | None:
    m = _ARRAY.search(_bounded(text))
    if not m:
        return None
    nums = [float(x) for x in re.findall(r"\d+", m.group(1)) if len(x) <= MAX_DIGITS]
    if len(nums) < 2:
        return None
    return {str(i): n for i, n in enumerate(nums) if n > 0}


def parse_counter(text: str) -> dict[str, float] | None:
    text = _bounded(text)
    start = text.find(_COUNTER_OPEN)
    if start < 0:
        return None
    start += len(_COUNTER_OPEN)
    end = text.find(_COUNTER_CLOSE, start)
    if end < 0:
        return None
    out = {}
    for item in text[start:end].split(","):  # 'a': 3  (a key holding ',' or ':' is not read)
        key, colon, val = item.partition(":")
        value = _number(val.strip()) if colon else None
        key = key.strip()
        if value is None or not key or any(ch in key for ch in "{}:"):
            continue
        out[key] = value
    return out if len(out) >= 2 else None


def parse_scalar_int(text: str) -> int | None:
    t = text.strip()
    if len(t) <= MAX_DIGITS + 10 and re.fullmatch(rf"(?:np\.int64\()?\d{{1,{MAX_DIGITS}}}\)?", t):
        return int(re.sub(r"\D", "", t))
    return None


def parse_nunique(text: str) -> dict[str, int] | None:
    """A ``df.nunique()`` Series: column name → number of levels."""
    counts = parse_value_counts(text)
    if counts is None:
        return None
    return {k: int(v) for k, v in counts.items()}


def parse_shape(text: str) -> tuple[int, int] | None:
    m = _TUPLE2.search(_bounded(text))
    return (int(m.group(1)), int(m.group(2))) if m else None


def parse_describe_std(text: str) -> list[tuple[str, float]] | None:
    """The ``std`` row of a ``describe()`` table, paired with the column headers.

    pandas wraps wide tables into several blocks; each block has its own
    header line, so headers and values are paired block by block.
    """
    pairs: list[tuple[str, float]] = []
    header: list[str] = []
    seen_stats = False
    for line in _lines(text):
        stripped = line.strip()
        if not stripped:
            header = []
            continue
        first = stripped.split()[0]
        if first in ("count", "mean", "std", "min", "25%", "50%", "75%", "max"):
            seen_stats = True
            if first == "std":
                values = [v for v in _NUM_RE.findall(stripped[3:]) if _number(v) is not None]
                names = (
                    header[-len(values) :]
                    if len(header) >= len(values)
                    else [f"col{i}" for i in range(len(values))]
                )
                pairs.extend((n, float(v)) for n, v in zip(names, values, strict=False) if v)
            continue
        if stripped == "..." or set(stripped) <= {".", " "}:
            continue
        header = stripped.replace("\\", "").split()
    if not seen_stats or len(pairs) < 2:
        return None
    return pairs
