"""The chained showwarning wrapper: sees what the user sees, changes nothing else."""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression

from ml_lint_nb.facts.live.warnings_capture import WarningRecorder, module_of


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """A stand-in for the front end's showwarning, and filters that show everything."""
    seen: list[str] = []

    def user_visible(message, category, filename, lineno, file=None, line=None):  # noqa: ANN001
        seen.append(f"{category.__name__}: {message}")

    monkeypatch.setattr(warnings, "showwarning", user_visible)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        yield seen


def test_records_and_still_shows(shown: list[str]) -> None:
    rec = WarningRecorder()
    rec.install()
    warnings.warn("careful", UserWarning, stacklevel=1)
    assert shown == ["UserWarning: careful"]
    assert rec.drain() == [("UserWarning", "careful", __name__)]  # the module that warned
    assert rec.drain() == []
    rec.uninstall()


def test_install_twice_is_one_wrapper(shown: list[str]) -> None:
    original = warnings.showwarning
    rec = WarningRecorder()
    rec.install()
    wrapper = warnings.showwarning
    rec.install()
    assert warnings.showwarning is wrapper and wrapper.previous is original  # type: ignore[attr-defined]
    warnings.warn("once", UserWarning, stacklevel=1)
    assert len(rec.drain()) == 1 and shown == ["UserWarning: once"]
    assert rec.uninstall() is True
    assert warnings.showwarning is original
    assert rec.uninstall() is False  # idempotent


def test_user_replacement_installed_after_ours_is_left_alone(shown: list[str]) -> None:
    original = warnings.showwarning
    rec = WarningRecorder()
    rec.install()
    ours = warnings.showwarning
    theirs_saw: list[str] = []

    def theirs(message, category, filename, lineno, file=None, line=None):  # noqa: ANN001
        theirs_saw.append(str(message))
        ours(message, category, filename, lineno, file, line)  # they chain to us

    warnings.showwarning = theirs
    assert rec.uninstall() is False
    assert warnings.showwarning is theirs  # not clobbered
    warnings.warn("after", UserWarning, stacklevel=1)
    assert theirs_saw == ["after"] and shown == ["UserWarning: after"]  # still delegates
    assert rec.drain() == []  # but no longer records
    rec.install()  # a fresh wrapper on top; the old one stays inert
    warnings.warn("again", UserWarning, stacklevel=1)
    assert [m for _c, m, _mod in rec.drain()] == ["again"]  # recorded once, not twice
    rec.uninstall()
    assert warnings.showwarning is theirs
    warnings.showwarning = original


def test_filters_are_never_changed(shown: list[str]) -> None:
    warnings.simplefilter("ignore", DeprecationWarning)
    before = list(warnings.filters)
    rec = WarningRecorder()
    rec.install()
    warnings.warn("hidden", DeprecationWarning, stacklevel=1)
    warnings.warn("visible", UserWarning, stacklevel=1)
    rec.uninstall()
    assert list(warnings.filters) == before
    # a filtered warning never reaches showwarning: not seen, by design
    assert [m for _c, m, _mod in rec.drain()] == ["visible"]
    assert shown == ["UserWarning: visible"]


def test_catch_warnings_record_inside_user_code(shown: list[str]) -> None:
    rec = WarningRecorder()
    rec.install()
    ours = warnings.showwarning
    with warnings.catch_warnings(record=True) as caught:
        warnings.warn("theirs", UserWarning, stacklevel=1)
    assert len(caught) == 1 and rec.drain() == []
    assert warnings.showwarning is ours  # restored by catch_warnings
    warnings.warn("ours", UserWarning, stacklevel=1)
    assert len(rec.drain()) == 1
    rec.uninstall()


def test_buffer_is_bounded(shown: list[str]) -> None:
    rec = WarningRecorder(capacity=5)
    rec.install()
    for i in range(8):
        warnings.warn(f"w{i}", UserWarning, stacklevel=1)
    rec.uninstall()
    assert [m for _c, m, _mod in rec.drain()] == ["w3", "w4", "w5", "w6", "w7"]
    assert rec.dropped == 3 and len(shown) == 8


def test_long_messages_are_cut(shown: list[str]) -> None:
    rec = WarningRecorder()
    rec.install()
    warnings.warn("x" * 10_000, UserWarning, stacklevel=1)
    rec.uninstall()
    ((_cat, message, _mod),) = rec.drain()
    assert len(message) == 500


def test_threads(shown: list[str]) -> None:
    rec = WarningRecorder(capacity=10_000)
    rec.install()

    def work(k: int) -> None:
        for i in range(50):
            rec._record(f"t{k}-{i}", UserWarning, "x.py")

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rec.uninstall()
    assert len(rec.drain()) == 400


def test_convergence_warning_from_scikit_learn(shown: list[str]) -> None:
    X, y = make_classification(n_samples=200, random_state=0)
    rec = WarningRecorder()
    rec.install()
    LogisticRegression(max_iter=2).fit(X * 100, y)
    rec.uninstall()
    got = rec.drain()
    assert got and got[0][0] == "ConvergenceWarning"
    assert got[0][2] is not None and got[0][2].startswith("sklearn.")
    assert any("ConvergenceWarning" in s for s in shown)


def test_module_of() -> None:
    assert (
        module_of("/venv/lib/python3.11/site-packages/sklearn/linear_model/_logistic.py")
        == "sklearn.linear_model._logistic"
    )
    assert module_of("/usr/lib/python3/dist-packages/pkg/__init__.py") == "pkg"
    assert module_of("<ipython-input-3-abc>") is None
    assert module_of("/home/me/notebook_helper.py") is None
    assert module_of("/tmp/ipykernel_4242/1234567.py") is None  # a cell
    assert module_of(None) is None
    assert module_of(np.__file__) == "numpy"  # found among the imported modules
