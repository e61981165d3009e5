"""Persistent (immutable, structure-sharing) maps for the interpreter's bookkeeping.

A frame's abstract value is copied at every statement that changes it, and
old versions stay alive (earlier bindings, alternatives of a loop). A plain
``dict`` copied per statement makes a cell of 10,000 column assignments
quadratic. :class:`PMap` is a hash trie whose ``set`` copies one path of
32-slot nodes, so each version costs O(log n) and shares the rest.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

_BITS = 5
_MASK = (1 << _BITS) - 1
_WIDTH = 1 << _BITS
_MAX_SHIFT = 60  # past this depth keys whose hashes agree share a dict bucket


class _Leaf:
    __slots__ = ("key", "value", "hash")

    def __init__(self, key: Any, value: Any, h: int) -> None:
        self.key = key
        self.value = value
        self.hash = h


def _hash(key: Any) -> int:
    return hash(key) & 0xFFFFFFFFFFFFFFFF


def _set(node: list | None, shift: int, h: int, key: Any, value: Any) -> tuple[list, bool]:
    """A copy of ``node`` with ``key`` set; the flag says whether the key is new."""
    out = list(node) if node is not None else [None] * _WIDTH
    i = (h >> shift) & _MASK
    slot = out[i]
    if slot is None:
        out[i] = _Leaf(key, value, h)
        return out, True
    if type(slot) is list:
        out[i], added = _set(slot, shift + _BITS, h, key, value)
        return out, added
    if type(slot) is dict:  # a bucket past the deepest level
        bucket = dict(slot)
        added = key not in bucket
        bucket[key] = value
        out[i] = bucket
        return out, added
    if slot.key == key:
        out[i] = _Leaf(key, value, h)
        return out, False
    if shift + _BITS > _MAX_SHIFT:
        out[i] = {slot.key: slot.value, key: value}
        return out, True
    child, _ = _set(None, shift + _BITS, slot.hash, slot.key, slot.value)
    out[i], _ = _set(child, shift + _BITS, h, key, value)
    return out, True


def _remove(node: list, shift: int, h: int, key: Any) -> list | None:
    """A copy of ``node`` without ``key`` (the node itself when the key is absent)."""
    i = (h >> shift) & _MASK
    slot = node[i]
    if slot is None:
        return node
    if type(slot) is list:
        child = _remove(slot, shift + _BITS, h, key)
        if child is slot:
            return node
        out = list(node)
        out[i] = child if child is not None and any(s is not None for s in child) else None
        return out
    if type(slot) is dict:
        if key not in slot:
            return node
        bucket = {k: v for k, v in slot.items() if k != key}
        out = list(node)
        out[i] = bucket or None
        return out
    if slot.key != key:
        return node
    out = list(node)
    out[i] = None
    return out


def _items(node: list) -> Iterator[tuple[Any, Any]]:
    for slot in node:
        if slot is None:
            continue
        if type(slot) is list:
            yield from _items(slot)
        elif type(slot) is dict:
            yield from slot.items()
        else:
            yield slot.key, slot.value


class PMap:
    """An immutable mapping whose ``set``/``remove`` return a new map sharing structure."""

    __slots__ = ("_root", "_len")

    def __init__(self, root: list | None = None, length: int = 0) -> None:
        self._root = root
        self._len = length

    def __len__(self) -> int:
        return self._len

    def __bool__(self) -> bool:
        return self._len > 0

    def get(self, key: Any, default: Any = None) -> Any:
        node, shift, h = self._root, 0, _hash(key)
        while node is not None:
            slot = node[(h >> shift) & _MASK]
            if slot is None:
                return default
            if type(slot) is list:
                node, shift = slot, shift + _BITS
                continue
            if type(slot) is dict:
                return slot.get(key, default)
            return slot.value if slot.key == key else default
        return default

    def __contains__(self, key: Any) -> bool:
        return self.get(key, _MISSING) is not _MISSING

    def set(self, key: Any, value: Any) -> PMap:
        root, added = _set(self._root, 0, _hash(key), key, value)
        return PMap(root, self._len + (1 if added else 0))

    def remove(self, key: Any) -> PMap:
        if self._root is None or key not in self:
            return self
        return PMap(_remove(self._root, 0, _hash(key), key), self._len - 1)

    def items(self) -> Iterator[tuple[Any, Any]]:
        return _items(self._root) if self._root is not None else iter(())

    def keys(self) -> Iterator[Any]:
        return (k for k, _ in self.items())

    def __iter__(self) -> Iterator[Any]:
        return self.keys()

    def __repr__(self) -> str:
        return f"PMap({dict(self.items())!r})"


_MISSING = object()
EMPTY = PMap()
