"""Read evidence from the outputs a notebook was saved with.

A printed ``value_counts()`` is the code showing its class balance; a
printed ``nunique()`` shows a column's cardinality; a ``describe()`` table
shows the features' scales. These parsers read pandas' and NumPy's plain
text reprs and return ``None`` when the text is not what they expect, so a
wrong guess costs a silence, never a false alarm.
"""

from __future__ import annotations

import re

_NUM = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_ROW = re.compile(rf"^\s*(\S.*?)\s+({_NUM})\s*$")
_FOOTER = re.compile(r"^\s*(Name:|dtype:|Length:)")
_TUPLE2 = re.compile(r"\(\s*(\d+)\s*,\s*(\d+)\s*\)")
_ARRAY = re.compile(r"array\(\[([\d\s,]+)\]")
_COUNTER = re.compile(r"Counter\(\{(.*?)\}\)", re.S)


def parse_value_counts(text: str) -> dict[str, float] | None:
    """``label    count`` lines of a Series repr, up to its ``Name:``/``dtype:`` footer."""
    out: dict[str, float] = {}
    saw_footer = False
    for line in text.splitlines():
        if not line.strip():
            if out:
                break
            continue
        if _FOOTER.match(line):
            saw_footer = True
            break
        m = _ROW.match(line)
        if not m:
            if out:
                break
            continue  # a header line such as the column name
        out[m.group(1).strip()] = float(m.group(2))
    if len(out) < 2 or len(out) > 100 or not saw_footer:
        return None
    return out


def shares_from_counts(counts: dict[str, float]) -> tuple[float, ...] | None:
    total = sum(counts.values())
    if total <= 0 or any(v < 0 for v in counts.values()):
        return None
    return tuple(sorted((v / total for v in counts.values()), reverse=True))


def parse_bincount(text: str) -> dict[str, float] | None:
    m = _ARRAY.search(text)
    if not m:
        return None
    nums = [float(x) for x in re.findall(r"\d+", m.group(1))]
    if len(nums) < 2:
        return None
    return {str(i): n for i, n in enumerate(nums) if n > 0}


def parse_counter(text: str) -> dict[str, float] | None:
    m = _COUNTER.search(text)
    if not m:
        return None
    out = {}
    for key, val in re.findall(rf"([^:,{{}}]+):\s*({_NUM})", m.group(1)):
        out[key.strip()] = float(val)
    return out if len(out) >= 2 else None


def parse_scalar_int(text: str) -> int | None:
    t = text.strip()
    if re.fullmatch(r"(?:np\.int64\()?\d+\)?", t):
        return int(re.sub(r"\D", "", t))
    return None


def parse_nunique(text: str) -> dict[str, int] | None:
    """A ``df.nunique()`` Series: column name → number of levels."""
    counts = parse_value_counts(text)
    if counts is None:
        return None
    return {k: int(v) for k, v in counts.items()}


def parse_shape(text: str) -> tuple[int, int] | None:
    m = _TUPLE2.search(text)
    return (int(m.group(1)), int(m.group(2))) if m else None


def parse_describe_std(text: str) -> list[tuple[str, float]] | None:
    """The ``std`` row of a ``describe()`` table, paired with the column headers.

    pandas wraps wide tables into several blocks; each block has its own
    header line, so headers and values are paired block by block.
    """
    pairs: list[tuple[str, float]] = []
    header: list[str] = []
    seen_stats = False
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            header = []
            continue
        first = stripped.split()[0]
        if first in ("count", "mean", "std", "min", "25%", "50%", "75%", "max"):
            seen_stats = True
            if first == "std":
                values = re.findall(_NUM, stripped[3:])
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
