"""The kernel extension in a real in-process IPython shell: lifecycle, findings over a session, safety."""

from __future__ import annotations

import json
import warnings

import pytest

pytest.importorskip("sklearn")
from IPython.core.interactiveshell import InteractiveShell  # noqa: E402

MIME = "application/vnd.ml-lint-nb.findings+json"


def run(sh, code: str):
    sh.published.clear()
    result = sh.run_cell(code, store_history=True)
    assert result.error_in_exec is None, result.error_in_exec
    return result


def codes(sh) -> list[str]:
    out = []
    for data in sh.published:
        if MIME in data:
            payload = data[MIME] if isinstance(data[MIME], dict) else json.loads(data[MIME])
            out += [f["code"] for file in payload["files"] for f in file["findings"]]
            out += [
                n["message"].split()[0]
                for file in payload["files"]
                for n in file["notes"]
                if "still present" in n["message"]
            ]
        elif "text/plain" in data:
            out += [
                w for w in data["text/plain"].split() if w.startswith("ML") and w[2:5].isdigit()
            ]
    return out


SETUP = (
    "import numpy as np, pandas as pd\n"
    "from sklearn.datasets import load_breast_cancer\n"
    "from sklearn.preprocessing import StandardScaler\n"
    "from sklearn.model_selection import train_test_split\n"
    "from sklearn.svm import SVC\n"
    "from sklearn.linear_model import LogisticRegression\n"
    "X, y = load_breast_cancer(return_X_y=True)"
)


def test_load_twice_registers_once_and_unload_removes_everything() -> None:
    InteractiveShell.clear_instance()
    sh = InteractiveShell.instance()
    before = list(sh.events.callbacks["post_run_cell"])
    showwarning = warnings.showwarning
    sh.run_line_magic("load_ext", "ml_lint_nb")
    sh.run_line_magic("load_ext", "ml_lint_nb")
    added = [cb for cb in sh.events.callbacks["post_run_cell"] if cb not in before]
    assert len(added) == 1
    assert "mlcheck" in sh.magics_manager.magics["line"]
    sh.run_line_magic("reload_ext", "ml_lint_nb")
    assert len([cb for cb in sh.events.callbacks["post_run_cell"] if cb not in before]) == 1
    sh.run_line_magic("unload_ext", "ml_lint_nb")
    assert sh.events.callbacks["post_run_cell"] == before
    assert "mlcheck" not in sh.magics_manager.magics["line"]
    assert warnings.showwarning is showwarning
    InteractiveShell.clear_instance()


def test_clean_cells_show_nothing_and_a_leak_shows_once(shell) -> None:
    run(shell, SETUP)
    run(shell, "x = 1")
    assert shell.published == []
    run(shell, "X_s = StandardScaler().fit_transform(X)")
    run(shell, "X_train, X_test, y_train, y_test = train_test_split(X_s, y, random_state=0)")
    assert codes(shell) == ["ML203"]
    run(shell, "z = 2")
    assert shell.published == []


def test_rerun_says_still_present_and_fix_removes(shell) -> None:
    from ml_lint_nb.ipython import get_session

    run(shell, SETUP)
    run(shell, "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)")
    cell = "svc = SVC().fit(X_train, y_train)"
    run(shell, cell)
    assert codes(shell) == ["ML301"]
    first = shell.published[0]
    run(shell, cell)
    assert codes(shell) == ["ML301"]
    assert shell.published[0] != first  # a one-line "still present", not the full finding again
    session = get_session(shell)
    assert any(f.code == "ML301" for f in session.open.values())


def test_noqa_and_ignore_silence(shell) -> None:
    run(shell, SETUP)
    run(shell, "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)")
    run(shell, "a = SVC().fit(X_train, y_train)  # noqa: ML301")
    assert codes(shell) == []
    shell.run_line_magic("mlcheck", "ignore ML301")
    run(shell, "b = SVC().fit(X_train, y_train)")
    assert codes(shell) == []


def test_live_evidence_refutes_unscaled_premise(shell) -> None:
    run(shell, SETUP)
    run(shell, "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)")
    run(shell, "sc = StandardScaler().fit(X_train)\nXt = sc.transform(X_train)")
    run(shell, "m = SVC().fit(Xt, y_train)")
    assert "ML301" not in codes(shell)


def test_test_set_reuse_counts_edited_reruns(shell) -> None:
    run(shell, SETUP)
    run(shell, "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)")
    run(
        shell,
        "m = LogisticRegression(C=0.1, max_iter=5000).fit(X_train, y_train)\nm.score(X_test, y_test)",
    )
    assert "ML205" not in codes(shell)
    run(
        shell,
        "m = LogisticRegression(C=0.1, max_iter=5000).fit(X_train, y_train)\nm.score(X_test, y_test)",
    )
    assert "ML205" not in codes(shell)  # the same configuration again is not reuse
    run(
        shell,
        "m = LogisticRegression(C=10.0, max_iter=5000).fit(X_train, y_train)\nm.score(X_test, y_test)",
    )
    assert "ML205" in codes(shell)


class Hostile:
    """An object that fails at everything a linter might touch."""

    def __getattr__(self, name):
        raise RuntimeError("no attributes here")

    def __len__(self):
        raise RuntimeError("no length")

    def __repr__(self):
        raise RuntimeError("no repr")


def test_hostile_namespace_never_breaks_a_cell(shell) -> None:
    shell.user_ns["Hostile"] = Hostile
    run(shell, SETUP)
    run(
        shell,
        "h = Hostile()\nX_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)",
    )
    run(shell, "q = h\npair = [h, q]")
    run(
        shell,
        "class Bad(pd.DataFrame):\n"
        "    @property\n"
        "    def shape(self):\n"
        "        raise RuntimeError('shape')\n"
        "bad = Bad({'a': [1, 2, 3]})\nbad2 = bad",
    )
    run(
        shell,
        "class FakeEst:\n"
        "    def fit(self, X, y=None):\n"
        "        return self\n"
        "    def get_params(self, deep=True):\n"
        "        raise RuntimeError('nope')\n"
        "    def predict(self, X):\n"
        "        return np.zeros(len(X))\n"
        "fe = FakeEst().fit(X_train, y_train)\nfe.predict(X_test)",
    )
    result = shell.run_cell("1 + 1", store_history=True)
    assert result.success


def test_user_frames_are_not_mutated(shell) -> None:
    import pandas as pd

    run(shell, SETUP)
    run(
        shell,
        "df = pd.DataFrame(X[:, :5], columns=list('abcde'))\n"
        "df['target'] = y\n"
        "df.attrs['owner'] = 'me'\n"
        "snapshot = df.copy(deep=True)",
    )
    run(
        shell,
        "Xd = df.drop(columns=['target'])\nyd = df['target']\nA, B, c, d = train_test_split(Xd, yd, random_state=0)",
    )
    run(shell, "mm = SVC().fit(A, c)\nmm.score(B, d)")
    df, snapshot = shell.user_ns["df"], shell.user_ns["snapshot"]
    pd.testing.assert_frame_equal(df, snapshot)
    assert df.attrs == {"owner": "me"}
    assert df.flags.allows_duplicate_labels == snapshot.flags.allows_duplicate_labels


def test_failed_and_silent_cells_are_skipped(shell) -> None:
    run(shell, SETUP)
    shell.published.clear()
    shell.run_cell(
        "X_s = StandardScaler().fit_transform(X)\nraise ValueError('boom')", store_history=True
    )
    assert shell.published == []
    shell.run_cell("A, B = train_test_split(X, random_state=0)", silent=True)
    assert shell.published == []


def test_hook_accepts_no_result_argument(shell) -> None:
    from ml_lint_nb.ipython import get_session

    run(shell, SETUP)
    session = get_session(shell)
    session.post_run_cell()  # some front ends call it without the result
    assert not session.errors


def test_magics_usage_errors_are_one_line(shell, capsys) -> None:
    shell.run_line_magic("mlcheck", "frobnicate")
    out = capsys.readouterr().out
    assert out.startswith("%mlcheck: unknown command 'frobnicate'")
    shell.run_line_magic("mlcheck", "df nope")
    assert "not defined" in capsys.readouterr().out
    shell.run_line_magic("mlcheck", "off")
    shell.run_line_magic("mlcheck", "status")
    assert "hook off" in capsys.readouterr().out
    shell.run_line_magic("mlcheck", "on")
    shell.published.clear()
    shell.run_line_magic("mlcheck", "explain ML203")
    (page,) = [d for d in shell.published if "text/markdown" in d]
    assert page["text/markdown"].startswith("# ML203 preprocessing-before-split")


def run_id(sh, code: str, cell_id: str):
    sh.published.clear()
    result = sh.run_cell(code, store_history=True, cell_id=cell_id)
    assert result.error_in_exec is None, result.error_in_exec
    return result


def test_run_all_twice_then_fix_with_cell_ids(shell) -> None:
    """Run All without restart shows each finding in full under the cell that showed it first.

    The fit cell stays silent (the finding was shown under the split); the
    split cell's saved output carries ML203 in full again; fixable at the fit.
    """
    from ml_lint_nb.ipython import get_session

    fit = "X_s = StandardScaler().fit_transform(X)"
    split = "X_train, X_test, y_train, y_test = train_test_split(X_s, y, random_state=0)"
    run_id(shell, SETUP, "setup")
    run_id(shell, fit, "fit")
    assert codes(shell) == []
    run_id(shell, split, "split")
    assert codes(shell) == ["ML203"]
    # Run All again without restarting
    run_id(shell, SETUP, "setup")
    run_id(shell, fit, "fit")
    assert codes(shell) == []
    run_id(shell, split, "split")
    assert codes(shell) == ["ML203"]
    assert not any("still present" in str(d) for d in shell.published)
    # the user fixes the fit cell: fit on the training rows only
    run_id(shell, "X_s = X", "fit")
    run_id(shell, split, "split")
    run_id(shell, "sc = StandardScaler().fit(X_train)", "fit")
    session = get_session(shell)
    assert not [f for f in session.open.values() if f.code == "ML203"]


def test_balanced_multiclass_accuracy_is_not_imbalanced(shell) -> None:
    run(
        shell,
        "from sklearn.datasets import load_digits\nfrom sklearn.model_selection import train_test_split\n"
        "from sklearn.linear_model import LogisticRegression\nXd, yd = load_digits(return_X_y=True)",
    )
    run(
        shell,
        "a, b, c, d = train_test_split(Xd, yd, stratify=yd, random_state=0)\n"
        "m = LogisticRegression(max_iter=3000).fit(a, c)\nm.score(b, d)",
    )
    assert "ML402" not in codes(shell)
    assert "ML208" not in codes(shell)


def findings_json(sh) -> list[dict]:
    out = []
    for data in sh.published:
        payload = data.get(MIME)
        if payload:
            payload = payload if isinstance(payload, dict) else json.loads(payload)
            out += [f for file in payload["files"] for f in file["findings"]]
    return out


def test_rows_seen_evidence_and_no_drift_from_a_rebound_part(shell) -> None:
    run(shell, SETUP)
    run(shell, "scaler = StandardScaler()\nscaler.fit(X)")
    run(
        shell,
        "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)\n"
        "X_train = scaler.transform(X_train)",
    )
    found = {f["code"]: f for f in findings_json(shell)}
    assert "ML209" not in found  # scaled X_train against raw X_test is not drift
    ml203 = found["ML203"]
    assert set(ml203["sources"]) == {"static", "live"}
    assert any("n_samples_seen_ is 569" in e["text"] for e in ml203["evidence"])


def test_loading_mid_session_understands_earlier_imports_and_objects() -> None:
    """%load_ext after imports and data already exist: the next cells are still understood."""
    InteractiveShell.clear_instance()
    sh = InteractiveShell.instance()
    published: list[dict] = []
    import IPython.display

    original = IPython.display.publish_display_data
    IPython.display.publish_display_data = lambda data=None, metadata=None, **_k: published.append(
        data
    )
    try:
        sh.run_cell(SETUP, store_history=True)
        sh.run_cell("X_s = StandardScaler().fit_transform(X)", store_history=True)
        sh.run_line_magic("load_ext", "ml_lint_nb")
        sh.published = published
        run(sh, "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)")
        run(sh, "clf = SVC().fit(X_train, y_train)")
        assert "ML301" in codes(sh)
    finally:
        IPython.display.publish_display_data = original
        sh.run_line_magic("unload_ext", "ml_lint_nb")
        InteractiveShell.clear_instance()


def test_rerun_rechecks_only_the_rows_a_cell_loads(shell) -> None:
    """Run All without restart: a cell deriving from earlier rows (a scaler's output, a
    transformed split part) does not make those rows "new" again, so no data finding
    appears on re-run that the first run did not show; the loading cell shows its own again."""
    load = SETUP.replace("return_X_y=True)", "return_X_y=True, as_frame=True)")
    fixed = (
        "Xs_train, Xs_test, ys_train, ys_test = train_test_split(X, y, random_state=0)\n"
        "scaler = StandardScaler().fit(Xs_train)\n"
        "Xs_train, Xs_test = scaler.transform(Xs_train), scaler.transform(Xs_test)"
    )
    fit = "model = LogisticRegression(max_iter=1000).fit(Xs_train, ys_train)"
    first = []
    for _ in range(2):
        shown = []
        for i, code in enumerate((load, fixed, fit)):
            shell.published.clear()
            shell.run_cell(code, store_history=True, cell_id=f"c{i}")
            shown.append(sorted(set(codes(shell))))
        first = first or shown
        assert shown == first
    assert "ML106" in first[0] and "ML106" not in first[1] + first[2]
