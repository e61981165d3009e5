"""The hook's contract under hostile objects: the kernel survives, the session keeps linting.

Each test holds the minimal reproduction of a failure a fuzzing run found.
Objects are read only through ``ml_lint_nb.facts.live.safe``: by type
first, and never by running the code of a class the hook does not know.
"""

from __future__ import annotations

import json
import warnings
from typing import Any

import pytest

pytest.importorskip("sklearn")
np = pytest.importorskip("numpy")
pd = pytest.importorskip("pandas")
from IPython.core.interactiveshell import InteractiveShell  # noqa: E402

from ml_lint_nb.facts.live import safe  # noqa: E402

MIME = "application/vnd.ml-lint-nb.findings+json"
IMPORTS = (
    "import numpy as np\nimport pandas as pd\n"
    "from sklearn.datasets import load_breast_cancer, load_wine\n"
    "from sklearn.linear_model import LogisticRegression\n"
    "from sklearn.preprocessing import StandardScaler\n"
    "from sklearn.model_selection import train_test_split\n"
)
FIT = (
    "X, y = load_breast_cancer(return_X_y=True)\n"
    "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)\n"
    "clf = LogisticRegression(max_iter=20).fit(X_train, y_train)\n"
)
LEAK = (
    "Xw, yw = load_wine(return_X_y=True)\n"
    "Xw_s = StandardScaler().fit_transform(Xw)\n"
    "A, B, a, b = train_test_split(Xw_s, yw, random_state=0)\n"
)


@pytest.fixture()
def shell(monkeypatch):
    InteractiveShell.clear_instance()
    sh = InteractiveShell.instance()
    published: list[dict] = []

    def capture(data=None, metadata=None, **_kw):
        published.append(data or {})

    import IPython.display

    monkeypatch.setattr(IPython.display, "publish_display_data", capture)
    sh.run_line_magic("load_ext", "ml_lint_nb")
    sh.published = published
    safe.forget_all()
    yield sh
    sh.run_line_magic("unload_ext", "ml_lint_nb")
    InteractiveShell.clear_instance()
    safe.forget_all()


def run(sh: Any, code: str) -> Any:
    sh.published.clear()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=FutureWarning)
        result = sh.run_cell(code, store_history=True)
    assert result.error_in_exec is None, result.error_in_exec
    return result


def codes(sh: Any) -> list[str]:
    out = []
    for data in sh.published:
        if MIME in data:
            payload = data[MIME] if isinstance(data[MIME], dict) else json.loads(data[MIME])
            out += [f["code"] for file in payload["files"] for f in file["findings"]]
    return out


def session_errors(sh: Any) -> list[str]:
    from ml_lint_nb.ipython import get_session

    return list(get_session(sh).errors)


# -- the hook never ends the kernel, the cell or the session ---------------------------------------


@pytest.mark.parametrize("exc", ["SystemExit(3)", "KeyboardInterrupt()", "GeneratorExit()"])
def test_property_raising_base_exception_is_skipped(shell, exc: str) -> None:
    run(shell, IMPORTS + FIT)
    run(
        shell,
        "class S:\n"
        "    @property\n"
        f"    def shape(self): raise {exc}\n"
        "    @property\n"
        f"    def ndim(self): raise {exc}\n"
        "se = S()\n"
        "try:\n    clf.score(se, y_test)\nexcept BaseException:\n    pass\n",
    )
    run(shell, "z = 1")
    run(shell, LEAK)
    assert "ML203" in codes(shell)


def test_object_whose_ndim_raises_does_not_switch_the_session_off(shell) -> None:
    run(shell, IMPORTS + FIT)
    run(
        shell,
        "class Bad:\n"
        "    @property\n    def ndim(self): raise ValueError('no ndim')\n"
        "    @property\n    def shape(self): raise ValueError('no shape')\n"
        "bad = Bad()\n"
        "try:\n    clf.score(bad, y_test)\nexcept Exception:\n    pass\n",
    )
    run(shell, "w = 2")
    run(shell, LEAK)
    assert "ML203" in codes(shell)
    run(shell, "Xb, yb = load_breast_cancer(return_X_y=True)\n" + LEAK.replace("Xw", "Xb2"))
    assert session_errors(shell) == []


def test_interrupt_cancels_the_hook_not_the_cell(shell, monkeypatch) -> None:
    """Ctrl-C pressed while the hook runs: the cell's result stands, the next cell is linted."""
    from ml_lint_nb.ipython import collect

    run(shell, IMPORTS)

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    real = collect.Collector.collect
    monkeypatch.setattr(collect.Collector, "collect", interrupted)
    result = run(shell, LEAK + "answer = 42")
    assert result.success and shell.user_ns["answer"] == 42
    monkeypatch.setattr(collect.Collector, "collect", real)
    run(shell, LEAK.replace("Xw", "Xv").replace("A, B", "C, D"))
    assert "ML203" in codes(shell)


# -- objects the hook does not know are not touched -------------------------------------------------


def test_magic_mock_is_not_touched(shell) -> None:
    from unittest.mock import MagicMock

    mock = MagicMock()
    shell.user_ns["fake_read"] = lambda *a, **k: mock
    run(shell, IMPORTS + "pd.read_csv = fake_read")
    mock.reset_mock()
    run(shell, "df = pd.read_csv('a.csv')\ndf2 = df\nprint(type(df2))")
    run(shell, "X_tr, X_te = df, df\nm = 1")
    assert mock.mock_calls == []


def test_unknown_class_attributes_are_not_read(shell) -> None:
    """A slow ``__getattr__`` must not cost anything on a plain assignment: it is never called."""
    run(shell, IMPORTS)
    run(
        shell,
        "calls = []\n"
        "class Slow:\n"
        "    def __getattr__(self, name):\n"
        "        calls.append(name)\n"
        "        raise AttributeError(name)\n"
        "s = Slow()\nt = s\n",
    )
    run(shell, "df = pd.read_csv.__class__\nu = s")
    assert shell.user_ns["calls"] == []


def test_dataframe_subclass_methods_are_not_run(shell) -> None:
    run(shell, IMPORTS)
    run(
        shell,
        "ran = []\n"
        "class Mine(pd.DataFrame):\n"
        "    @property\n"
        "    def _constructor(self):\n"
        "        ran.append('_constructor')\n"
        "        return Mine\n"
        "    def std(self, *a, **k):\n"
        "        ran.append('std')\n"
        "        return super().std(*a, **k)\n"
        "    def select_dtypes(self, *a, **k):\n"
        "        ran.append('select_dtypes')\n"
        "        return super().select_dtypes(*a, **k)\n"
        "    def __len__(self):\n"
        "        ran.append('len')\n"
        "        return super().__len__()\n",
    )
    run(
        shell,
        "data = load_wine(as_frame=True).frame\n"
        "df = Mine(data)\nran.clear()\n"
        "X = df.drop(columns=['target'])\ny = df['target']\n"
        "X_s = StandardScaler().fit_transform(X)\n"
        "ran.clear()\n",
    )
    assert shell.user_ns["ran"] == []
    run(shell, "A, B, a, b = train_test_split(df, y, random_state=0)\nran_after = list(ran)")
    assert shell.user_ns["ran_after"] == [] or "_constructor" in shell.user_ns["ran_after"]


def test_overflow_warnings_never_reach_the_user(shell) -> None:
    """The hook's own statistics on +-1e308 values warn nobody; NumPy's options are unchanged."""
    before = np.geterr()
    run(shell, IMPORTS)
    run(
        shell,
        "big = pd.DataFrame({'a': [1e308, -1e308, 1.0, 2.0] * 50, 'b': [1.0, 2.0, 3.0, 4.0] * 50,"
        " 'c': [1e200, -1e200, 0.0, 1.0] * 50, 'target': [0, 1] * 100})\n"
        "y = big['target']\nXb = big.drop(columns=['target'])",
    )
    cells = [
        "Xtr, Xte, ytr, yte = train_test_split(Xb, y, random_state=0)",
        "arr = np.array([[1e308, 1.0], [-1e308, 2.0]] * 50)\nA, B = train_test_split(arr)",
    ]
    for cell in cells:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            run(shell, cell)
        assert [str(w.message) for w in caught] == []
    assert np.geterr() == before


# -- the safe accessor itself ----------------------------------------------------------------------


def test_kind_is_decided_by_type_only() -> None:
    from unittest.mock import MagicMock

    from sklearn.linear_model import LogisticRegression

    spec_mock = MagicMock(spec=pd.DataFrame)
    assert isinstance(spec_mock, pd.DataFrame)  # isinstance believes the mock ...
    assert safe.kind(spec_mock) is None  # ... the type does not
    assert spec_mock.mock_calls == []
    assert safe.kind(pd.DataFrame({"a": [1]})) == "frame"
    assert safe.kind(np.zeros(2)) == "array"
    assert safe.kind(LogisticRegression()) == "estimator"
    assert safe.shape_key(spec_mock) == "" and safe.columns(spec_mock) is None
    assert safe.ndim(spec_mock, 7) == 7
    assert spec_mock.mock_calls == []


def test_call_skips_refused_and_failing_objects() -> None:
    class Exits:
        @property
        def values(self) -> Any:
            raise SystemExit(1)

    def reads(obj: Any) -> Any:
        return obj.values

    assert safe.call(reads, Exits()) is None  # refused before reading
    frame = pd.DataFrame({"a": [1, 2]})
    assert safe.call(reads, frame).tolist() == [[1], [2]]

    def exits(obj: Any) -> Any:
        raise SystemExit(2)

    assert safe.call(exits, frame) is None

    def interrupted(obj: Any) -> Any:
        raise KeyboardInterrupt

    est = __import__("sklearn.linear_model", fromlist=["x"]).LogisticRegression()
    with pytest.raises(KeyboardInterrupt):
        safe.call(interrupted, est)
    assert safe.remembered(est)  # the next cell is not interrupted by it again
    assert safe.call(reads, est) is None
    safe.forget_all()


def test_subclass_with_own_attribute_lookup_is_refused() -> None:
    class Tricky(pd.DataFrame):
        def __getattribute__(self, name: str) -> Any:
            raise SystemExit(name)

    with pytest.raises(safe.Refused):
        safe.admit(Tricky({"a": [1]}))

    class Plain(pd.DataFrame):
        _metadata = ["note"]

    plain = Plain({"a": [1]})
    assert safe.admit(plain) is plain


# -- a real kernel ---------------------------------------------------------------------------------


def test_real_kernel_survives_system_exit_and_keeps_linting(tmp_path) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    cells = [
        "%load_ext ml_lint_nb",
        IMPORTS + FIT,
        "class S:\n    @property\n    def shape(self): raise SystemExit(3)\n"
        "    @property\n    def ndim(self): raise SystemExit(4)\nse = S()",
        "try:\n    clf.score(se, y_test)\nexcept BaseException:\n    pass\nprint('alive')",
        LEAK,
        "print('still alive')",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "P"}
    client = nbclient.NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    texts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out.get("output_type") != "error", out
            texts.append(out.get("text", "") or json.dumps(out.get("data", {})))
    joined = "\n".join(texts)
    assert "alive" in joined and "still alive" in joined
    assert "ML203" in joined


# -- thousands of cells --------------------------------------------------------------------------


def test_rescoring_cells_keep_the_session_bounded(shell) -> None:
    """Each cell re-checks the session's events: their number must stop growing (4,000
    re-scoring cells cost 10 s and 407 MB when it did not)."""
    from ml_lint_nb.ipython import get_session
    from ml_lint_nb.ipython.session import MAX_SUPERSEDED

    run(
        shell,
        IMPORTS + "from sklearn.tree import DecisionTreeClassifier\n"
        "rng = np.random.RandomState(0)\nXr = rng.rand(120, 3)\nyr = (Xr[:, 0] > .5).astype(int)\n"
        "Xr_train, Xr_test, yr_train, yr_test = train_test_split(Xr, yr, random_state=0)",
    )
    session = get_session(shell)
    sizes = []
    for i in range(3 * MAX_SUPERSEDED):
        run(
            shell,
            f"clf = DecisionTreeClassifier(max_depth=3, min_samples_leaf={i + 1}, random_state=0)"
            ".fit(Xr_train, yr_train)\nclf.score(Xr_test, yr_test)",
        )
        sizes.append(len(session.interp.protos))
    # the configurations compared on the test set are still an open finding of the session
    assert "ML205" in {f.code for f in session.open.values()}
    assert max(sizes[-MAX_SUPERSEDED:]) == sizes[-1] <= 4 * (MAX_SUPERSEDED + 2) + 10
    assert sizes[-1] == sizes[-MAX_SUPERSEDED]


def test_empty_array_warns_nobody(shell, monkeypatch) -> None:
    """Found by the fuzzer: NumPy's 'Degrees of freedom <= 0' on an empty array is a warning,
    not a floating-point error, so errstate alone let it through."""
    run(shell, IMPORTS)
    empty = np.empty((0, 2))
    monkeypatch.setattr(pd, "read_csv", lambda *a, **k: empty)
    monkeypatch.setattr("sklearn.model_selection.train_test_split", lambda *a, **k: (empty,) * 4)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run(shell, "from sklearn.model_selection import train_test_split")
        run(shell, "df = pd.read_csv('train.csv')\ny = pd.read_csv('target.csv')")
        run(shell, "X_train, X_test, y_train, y_test = train_test_split(df, y, random_state=0)")
    assert [str(w.message) for w in caught if w.category is RuntimeWarning] == []


def test_the_hooks_own_values_pass_the_safe_accessor() -> None:
    """The parsed cell and the lists an extractor fills are the hook's, not the user's objects:
    refusing them silently switched off model-anchored evidence (ML201/ML202/ML209)."""
    import ast

    from ml_lint_nb.facts.live import safe

    seen: list = []

    def extractor(tree: ast.AST, out: list, options: dict) -> int:
        out.append(1)
        return len(tree.body) + len(options)

    assert safe.call(extractor, ast.parse("x = 1\ny = 2"), seen, {"k": (1, "a")}) == 3
    assert seen == [1]
