"""The interpreter's persistent structures behave like the dicts and sets they replace.

They exist so that a cell of thousands of column assignments stays linear
(``benchmarks/bench_large_cells.py`` prints the growth); here they are held
to the plain-dict semantics by random sequences of operations.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ml_lint_nb.facts.static.persistent import EMPTY, PMap
from ml_lint_nb.facts.static.values import AppliedIds, ColumnIds


class Colliding:
    """A key whose hash collides with every other (the trie's deepest buckets)."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __hash__(self) -> int:
        return 7

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Colliding) and other.n == self.n

    def __repr__(self) -> str:
        return f"Colliding({self.n})"


keys = st.one_of(st.integers(-50, 50), st.text(max_size=3), st.builds(Colliding, st.integers(0, 5)))
ops = st.lists(st.tuples(st.sampled_from(["set", "remove"]), keys, st.integers()), max_size=80)


@settings(max_examples=200, deadline=None)
@given(ops)
def test_pmap_matches_a_dict_and_keeps_old_versions(operations) -> None:
    model: dict = {}
    pmap = EMPTY
    history = [(pmap, dict(model))]
    for op, key, value in operations:
        if op == "set":
            model[key] = value
            pmap = pmap.set(key, value)
        else:
            model.pop(key, None)
            pmap = pmap.remove(key)
        history.append((pmap, dict(model)))
    for version, expected in history:  # every earlier version is unchanged
        assert len(version) == len(expected)
        assert dict(version.items()) == expected
        for key in expected:
            assert key in version and version.get(key) == expected[key]


def test_pmap_spreads_many_keys() -> None:
    pmap = PMap()
    for i in range(5000):
        pmap = pmap.set(f"c{i}", i)
    assert len(pmap) == 5000 and pmap.get("c4321") == 4321 and "c5000" not in pmap


columns = st.sampled_from(["a", "b", "c", "d"])
id_sets = st.frozensets(st.sampled_from(["E1", "E2", "E3", "E4"]), max_size=3)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["assign", "only", "without"]), columns, id_sets)))
def test_column_ids_match_a_dict_of_sets(operations) -> None:
    model: dict[str, frozenset[str]] = {}
    cols = ColumnIds()
    for op, col, ids in operations:
        if op == "assign":
            model[col] = ids
            cols = cols.assign(col, ids)
        elif op == "only":
            model = {c: v for c, v in model.items() if c == col}
            cols = cols.only([col])
        else:
            model = {c: v for c, v in model.items() if c != col}
            cols = cols.without([col])
        union = frozenset().union(*model.values())
        assert set(cols.all_ids()) == union
        assert all(cols.ids_of(c) == v for c, v in model.items())
        whole = frozenset({"W"})
        applied = AppliedIds(whole, cols)
        assert applied == whole | union and len(applied) == len(whole | union)
        assert (applied | {"X"}) == whole | union | {"X"} == ({"X"} | applied)
        assert frozenset({"E1", "Z"}) & applied == frozenset({"E1", "Z"}) & (whole | union)
