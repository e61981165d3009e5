"""Summaries of kernel objects, cached by the object's identity and shape.

Its own module so that the session and the live collector share it without
importing each other (the kernel package's imports form no circle).
"""

from __future__ import annotations

import weakref
from typing import Any

from ml_lint_nb.facts.live import safe

MISS = object()  # a cache miss (None is a valid cached answer)
MAX_ENTRIES = 256


class LiveCache:
    """Entries hold a weak reference, never the object.

    An id can be reused by a new object once the old one is gone, and a weak
    reference tells; the shape catches the common in-place change (rows
    appended) cheaply.
    """

    def __init__(self) -> None:
        """An empty cache: key -> (weak reference, shape, summary)."""
        self._entries: dict[tuple, tuple[Any, str, Any]] = {}

    def get(self, key: tuple, obj: Any) -> Any:
        """The cached summary of ``obj``, or :data:`MISS` unless it is still the very object."""
        entry = self._entries.get(key)
        if entry is None:
            return MISS
        ref, shape, value = entry
        target = ref() if ref is not None else None
        if target is not obj or shape != safe.shape_key(obj):
            return MISS
        return value

    def clear(self) -> None:
        """Forget every summary (the benchmark measures a first look, not a cache hit)."""
        self._entries.clear()

    def put(self, key: tuple, obj: Any, value: Any) -> None:
        """Cache ``value`` for ``obj`` (not at all if ``obj`` takes no weak reference)."""
        try:
            ref = weakref.ref(obj)
        except TypeError:
            return  # cannot tell it apart later: do not cache
        if len(self._entries) > MAX_ENTRIES:
            self._entries.clear()
        self._entries[key] = (ref, safe.shape_key(obj), value)
