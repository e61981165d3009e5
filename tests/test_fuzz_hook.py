"""Fuzzing the live hook with hostile namespace objects.

A strategy builds objects the hook may meet in a user's names: mocks (with
and without a DataFrame/ndarray/estimator spec), classes whose attributes
raise any exception (``SystemExit`` and ``KeyboardInterrupt`` included) or
answer nonsense, DataFrame and ndarray subclasses with their own methods,
and plain frames and arrays with hostile contents (+-1e308, NaN, object
columns holding hostile objects, escape sequences in column names).

Each object flows through a notebook's usual path (read, split, fit, score,
scale) by patched functions that never touch it themselves, so whatever
touches it is the hook. The properties are the hook's contract: the cell's
result stands, the kernel's options and warnings are untouched, unknown
objects are never read (a mock's ``mock_calls`` stays empty), subclasses'
own methods never run, and nothing is mutated.

``HYPOTHESIS_PROFILE=fuzz`` runs 1,000 objects (a tenth of the profile's
examples); ``FUZZ_STATS=path`` records the slowest hook there.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest

pytest.importorskip("sklearn")
np = pytest.importorskip("numpy")
pd = pytest.importorskip("pandas")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from IPython.core.interactiveshell import InteractiveShell  # noqa: E402

from ml_lint_nb.facts.live import safe  # noqa: E402

try:
    import polars as pl
except ImportError:  # polars is an optional extra: its kinds are fuzzed when it is installed
    pl = None

EXCEPTIONS = (
    SystemExit,
    KeyboardInterrupt,
    GeneratorExit,
    RecursionError,
    MemoryError,
    ValueError,
    AttributeError,
    TypeError,
)
ATTRIBUTES = (
    "shape",
    "ndim",
    "columns",
    "dtype",
    "dtypes",
    "index",
    "values",
    "iloc",
    "fit",
    "predict",
    "get_params",
    "n_features_in_",
    "classes_",
)
DUNDERS = ("__len__", "__iter__", "__getattr__", "__array__", "__eq__", "__hash__", "__bool__")
WEIRD_VALUES = (None, float("nan"), -1, 10**30, "shape", (), (10**30, -1), b"\xff")
FRAME_METHODS = ("std", "select_dtypes", "__len__", "isna", "nunique", "duplicated", "copy")

# -- hostile objects -------------------------------------------------------------------------------


class Touched(list):
    """What was asked of a hostile object (by whom is decided by the test's construction)."""


def _raiser(spec: dict[str, Any], touched: Touched) -> Any:
    """An instance of a fresh class whose chosen members raise or answer nonsense."""
    namespace: dict[str, Any] = {}
    for name, (how, what) in spec.items():

        def member(self: Any, *args: Any, _name: str = name, _how: str = how, _what: Any = what):
            touched.append(_name)
            if _how == "raise":
                raise _what(_name)
            return _what

        if name in DUNDERS:
            namespace[name] = member
        else:
            namespace[name] = property(member)
    return type("Hostile", (), namespace)()


def _frame_subclass(data: Any, methods: list[str], raise_: bool, touched: Touched) -> Any:
    namespace: dict[str, Any] = {}
    for name in methods:

        def method(self: Any, *args: Any, _name: str = name, **kwargs: Any) -> Any:
            touched.append(_name)
            if raise_:
                raise SystemExit(_name)
            return getattr(pd.DataFrame, _name)(self, *args, **kwargs)

        namespace[name] = method

    def constructor(self: Any) -> Any:
        touched.append("_constructor")
        return pd.DataFrame

    namespace["_constructor"] = property(constructor)
    cls = type("Mine", (pd.DataFrame,), namespace)
    return cls(data)


class _Element:
    """A value inside an object column; its comparisons may raise (inside a known frame,
    pandas may call them; the contract there is "no crash", not "untouched")."""

    def __init__(self, exc: type[BaseException] | None) -> None:
        self.exc = exc

    def __hash__(self) -> int:
        if self.exc is not None:
            raise self.exc("hash")
        return 1

    def __eq__(self, other: object) -> bool:
        if self.exc is not None:
            raise self.exc("eq")
        return self is other


FLOATS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e308, -1e308, 0.0, 1.0]),
)
COLUMN_NAMES = st.one_of(
    st.sampled_from(["a", "b", "target", "\x1b[31mred\x07", "zip\ud800", "", "a"]),
    st.text(max_size=5),
    st.integers(),
)


@st.composite
def frames(draw: st.DrawFn) -> Any:
    n_rows = draw(st.integers(0, 30))
    names = draw(st.lists(COLUMN_NAMES, min_size=1, max_size=4))
    columns = {}
    for i, _name in enumerate(names):
        kind = draw(st.sampled_from(["float", "int", "object", "bool", "category", "hostile"]))
        if kind == "float":
            values: Any = draw(st.lists(FLOATS, min_size=n_rows, max_size=n_rows))
        elif kind == "int":
            values = draw(st.lists(st.integers(-(2**62), 2**62), min_size=n_rows, max_size=n_rows))
        elif kind == "object":
            values = draw(st.lists(st.text(max_size=3), min_size=n_rows, max_size=n_rows))
        elif kind == "bool":
            values = draw(st.lists(st.booleans(), min_size=n_rows, max_size=n_rows))
        elif kind == "category":
            values = pd.Categorical(["x", "y"] * (n_rows // 2) + ["x"] * (n_rows % 2))
        else:
            exc = draw(st.sampled_from((None, *EXCEPTIONS)))
            values = [_Element(exc) for _ in range(n_rows)]
        columns[i] = values
    frame = pd.DataFrame(columns)
    frame.columns = names  # duplicates and odd names allowed
    return frame


POLARS_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=3)  # no surrogates


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@st.composite
def polars_frames(draw: st.DrawFn) -> Any:
    """A polars frame with hostile contents: inf/NaN/null floats, huge ints, odd strings,
    categoricals, and Object columns whose elements raise."""
    n_rows = draw(st.integers(0, 30))
    names = draw(
        st.lists(
            POLARS_TEXT | COLUMN_NAMES.map(str).filter(_utf8), min_size=1, max_size=4, unique=True
        )
    )
    columns = []
    for name in names:
        kind = draw(st.sampled_from(["float", "int", "str", "bool", "category", "object"]))
        if kind == "float":
            values = draw(st.lists(st.one_of(FLOATS, st.none()), min_size=n_rows, max_size=n_rows))
            columns.append(pl.Series(name, values, dtype=pl.Float64))
        elif kind == "int":
            ints = st.one_of(st.integers(-(2**62), 2**62), st.none())
            columns.append(pl.Series(name, draw(st.lists(ints, min_size=n_rows, max_size=n_rows))))
        elif kind in ("str", "category"):
            text = st.one_of(POLARS_TEXT, st.sampled_from(["", "NA", "?"]), st.none())
            values = draw(st.lists(text, min_size=n_rows, max_size=n_rows))
            dtype = pl.String if kind == "str" else pl.Categorical
            columns.append(pl.Series(name, values, dtype=dtype))
        elif kind == "bool":
            flags = st.one_of(st.booleans(), st.none())
            values = draw(st.lists(flags, min_size=n_rows, max_size=n_rows))
            columns.append(pl.Series(name, values, dtype=pl.Boolean))
        else:
            exc = draw(st.sampled_from((None, *EXCEPTIONS)))
            values = [_Element(exc) for _ in range(n_rows)]
            columns.append(pl.Series(name, values, dtype=pl.Object))
    return pl.DataFrame(columns)


def _polars_subclass(methods: list[str], touched: Touched) -> Any:
    """A polars frame subclass whose own methods record being called: none may run."""
    namespace: dict[str, Any] = {}
    for name in methods:

        def method(self: Any, *args: Any, _name: str = name, **kwargs: Any) -> Any:
            touched.append(_name)
            raise SystemExit(_name)

        namespace[name] = method
    cls = type("MinePolars", (pl.DataFrame,), namespace)
    return cls({"a": [1.0, 2.0, 1e308], "b": [0, 1, 0]})


POLARS_METHODS = ("to_series", "get_column", "__getitem__", "select", "to_numpy", "__len__")


@st.composite
def arrays(draw: st.DrawFn) -> Any:
    kind = draw(st.sampled_from(["float", "0d", "3d", "object", "empty", "int", "structured"]))
    if kind == "float":
        rows = draw(st.lists(st.lists(FLOATS, min_size=2, max_size=2), max_size=20))
        return np.array(rows, dtype=float).reshape(-1, 2)
    if kind == "0d":
        return np.array(draw(FLOATS))
    if kind == "3d":
        return np.zeros((2, 3, 4))
    if kind == "object":
        exc = draw(st.sampled_from((None, *EXCEPTIONS)))
        return np.array([_Element(exc), _Element(exc)], dtype=object)
    if kind == "empty":
        return np.empty((0, 3))
    if kind == "int":
        return np.array(draw(st.lists(st.integers(-(2**62), 2**62), max_size=20)), dtype=np.int64)
    return np.zeros(3, dtype=[("a", "i4"), ("b", "f8")])


@st.composite
def hostile(draw: st.DrawFn) -> tuple[str, Any, Touched]:
    """(kind, object, touched): ``touched`` must stay empty for kinds the hook may not read."""
    touched = Touched()
    kinds = ["mock", "raiser", "frame-subclass", "frame", "array", "estimator"]
    if pl is not None:
        kinds += ["polars-frame", "polars-subclass"]
    kind = draw(st.sampled_from(kinds))
    if kind == "polars-frame":
        return kind, draw(polars_frames()), touched
    if kind == "polars-subclass":
        methods = draw(st.lists(st.sampled_from(POLARS_METHODS), min_size=1, unique=True))
        return kind, _polars_subclass(methods, touched), touched
    if kind == "mock":
        spec = draw(st.sampled_from([None, pd.DataFrame, np.ndarray, "estimator"]))
        if spec == "estimator":
            from sklearn.linear_model import LogisticRegression

            spec = LogisticRegression
        factory = draw(st.sampled_from([mock.MagicMock, mock.NonCallableMagicMock, mock.Mock]))
        return kind, factory(spec=spec) if spec is not None else factory(), touched
    if kind == "raiser":
        names = draw(st.lists(st.sampled_from(ATTRIBUTES + DUNDERS), min_size=1, unique=True))
        spec = {}
        for name in names:
            if draw(st.booleans()):
                spec[name] = ("raise", draw(st.sampled_from(EXCEPTIONS)))
            else:
                spec[name] = ("return", draw(st.sampled_from(WEIRD_VALUES)))
        return kind, _raiser(spec, touched), touched
    if kind == "frame-subclass":
        methods = draw(st.lists(st.sampled_from(FRAME_METHODS), min_size=1, unique=True))
        data = {"a": [1.0, 2.0, 1e308], "b": [0, 1, 0]}
        return kind, _frame_subclass(data, methods, draw(st.booleans()), touched), touched
    if kind == "frame":
        return kind, draw(frames()), touched
    if kind == "array":
        return kind, draw(arrays()), touched
    from sklearn.base import BaseEstimator

    exc = draw(st.sampled_from(EXCEPTIONS))

    class Odd(BaseEstimator):
        def fit(self, X: Any, y: Any = None) -> Any:
            return self

        @property
        def coef_(self) -> Any:
            raise exc("coef_")

    return kind, Odd(), touched


# -- the session under test ------------------------------------------------------------------------

SETUP = (
    "import numpy as np\nimport pandas as pd\n"
    "from sklearn.model_selection import train_test_split\n"
    "from sklearn.linear_model import LogisticRegression\n"
    "from sklearn.preprocessing import StandardScaler\n"
)
# The object reaches every place the hook reads from; the user's code itself never touches it.
CELLS = (
    "df = pd.read_csv('train.csv')",
    "y = pd.read_csv('target.csv')",
    "X_train, X_test, y_train, y_test = train_test_split(df, y, random_state=0)",
    "clf = LogisticRegression().fit(X_train, y_train)",
    "clf.score(X_test, y_test)",
    "scaler = StandardScaler().fit(df)\nX_s = scaler.transform(df)",
    "model = est\nmodel.fit(X_train, y_train)",
    "df2 = df\nhostile_again = df",
)
_SLOWEST_HOOK_MS: list[float] = [0.0]
_OBJECTS: list[int] = [0]


@pytest.fixture(scope="module")
def shell() -> Iterator[Any]:
    InteractiveShell.clear_instance()
    sh = InteractiveShell.instance()
    import IPython.display

    patcher = mock.patch.object(IPython.display, "publish_display_data", lambda *a, **k: None)
    patcher.start()
    sh.run_line_magic("load_ext", "ml_lint_nb")
    assert sh.run_cell(SETUP).error_in_exec is None
    yield sh
    sh.run_line_magic("unload_ext", "ml_lint_nb")
    patcher.stop()
    InteractiveShell.clear_instance()
    safe.forget_all()
    stats = os.environ.get("FUZZ_STATS")
    if stats:
        with open(stats, "a", encoding="utf-8") as fh:
            fh.write(f"hook: {_OBJECTS[0]} objects, slowest hook {_SLOWEST_HOOK_MS[0]:.1f} ms\n")


def _snapshot(kind: str, obj: Any) -> Any:
    if kind in ("polars-frame", "polars-subclass"):
        return (pl.DataFrame.clone(obj), list(pl.DataFrame.__dict__["columns"].__get__(obj)))
    if kind in ("frame", "frame-subclass"):
        return (
            pd.DataFrame.copy(obj, deep=True),
            list(pd.DataFrame.__dict__["columns"].__get__(obj)),
            dict(obj.attrs),
        )
    if kind == "array":
        return (np.ndarray.copy(obj), obj.flags.writeable, obj.dtype, obj.shape)
    return None


def _unchanged(kind: str, obj: Any, before: Any) -> bool:
    if kind in ("polars-frame", "polars-subclass"):
        data, columns = before
        same = list(pl.DataFrame.__dict__["columns"].__get__(obj)) == columns
        if any(dtype == pl.Object for dtype in data.dtypes):
            return same  # elements compared by identity would raise; the columns must stand
        return same and pl.DataFrame.equals(obj, data, null_equal=True)
    if kind in ("frame", "frame-subclass"):
        data, columns, attrs = before
        same_columns = list(pd.DataFrame.__dict__["columns"].__get__(obj)) == columns
        plain = pd.DataFrame(obj, copy=False)
        return same_columns and dict(obj.attrs) == attrs and _frame_equal(plain, data)
    if kind == "array":
        data, writeable, dtype, shape = before
        return (
            obj.flags.writeable == writeable
            and obj.dtype == dtype
            and obj.shape == shape
            and (obj.dtype == object or np.array_equal(obj, data, equal_nan=obj.dtype.kind == "f"))
        )
    return True


def _frame_equal(a: Any, b: Any) -> bool:
    if a.shape != b.shape or list(map(str, a.dtypes)) != list(map(str, b.dtypes)):
        return False
    for i in range(a.shape[1]):
        left, right = a.iloc[:, i], b.iloc[:, i]
        if left.dtype == object:
            if any(x is not y and x != y for x, y in zip(left, right, strict=True)):
                return False
        elif not left.equals(right):
            return False
    return True


MAX_OBJECTS = max(10, settings().max_examples // 10)


@given(case=hostile())
@settings(
    max_examples=MAX_OBJECTS,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
def test_hostile_objects_cannot_hurt_the_session(shell, case) -> None:
    kind, obj, touched = case
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    from ml_lint_nb.ipython import get_session

    session = get_session(shell)
    errors_before = len(session.errors)
    before = _snapshot(kind, obj)
    touched.clear()  # the snapshot's own reads; from here on only the hook reads the object
    options = (np.geterr(), list(warnings.filters), pd.get_option("mode.chained_assignment"))
    est = obj if kind == "estimator" else LogisticRegression()
    shell.user_ns["est"] = est

    def fit(self: Any, *a: Any, **k: Any) -> Any:
        return self

    def split(*a: Any, **k: Any) -> Any:
        return obj, obj, obj, obj

    with (
        mock.patch.object(pd, "read_csv", lambda *a, **k: obj),
        mock.patch("sklearn.model_selection.train_test_split", split),
        mock.patch.object(LogisticRegression, "fit", fit),
        mock.patch.object(LogisticRegression, "score", lambda self, *a, **k: 0.5),
        mock.patch.object(StandardScaler, "fit", fit),
        mock.patch.object(StandardScaler, "transform", lambda self, X, *a, **k: obj),
        warnings.catch_warnings(record=True) as caught,
    ):
        warnings.simplefilter("always")
        shell.run_cell("from sklearn.model_selection import train_test_split")
        for cell in CELLS:
            result = shell.run_cell(cell, store_history=True)
            assert result.error_in_exec is None, (cell, result.error_in_exec)
            _SLOWEST_HOOK_MS[0] = max(_SLOWEST_HOOK_MS[0], session.last_hook_ms)
    _OBJECTS[0] += 1
    assert [str(w.message) for w in caught if w.category is RuntimeWarning] == []
    assert (np.geterr(), list(warnings.filters), pd.get_option("mode.chained_assignment")) == (
        options
    )
    if kind == "mock":
        assert obj.mock_calls == []
    if kind in ("mock", "raiser", "frame-subclass", "polars-subclass"):
        assert list(touched) == []
    assert _unchanged(kind, obj, before)
    new_errors = session.errors[errors_before:]
    assert new_errors == [], new_errors[-1]
