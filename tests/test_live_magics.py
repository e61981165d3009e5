"""``%mlcheck NAME ...``: dispatch on what the names hold, and one clear line for every mistake."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("sklearn")

MIME = "application/vnd.ml-lint-nb.findings+json"


@pytest.fixture()
def shell(shell):
    """conftest's shell with a split, a leaky column and a fitted model already in it."""
    sh = shell
    sh.run_cell(
        "import numpy as np, pandas as pd\n"
        "rng = np.random.RandomState(0)\n"
        "n = 2_000\n"
        "y_all = (rng.rand(n) < 0.1).astype(int)\n"
        "df = pd.DataFrame({'a': rng.randn(n), 'b': rng.randn(n), 'leak': y_all + rng.randn(n) * 0.01,"
        " 'target': y_all})\n"
        "train, test = df.iloc[:1500], df.iloc[1500:].copy()\n"
        "test['a'] = test['a'] + 2\n"
        "test = pd.concat([test, train.iloc[:100]])\n"
        "X_train, X_test = train.drop(columns='target'), test.drop(columns='target')\n"
        "y_train, y_test = train['target'], test['target']\n"
        "from sklearn.linear_model import LogisticRegression\n"
        "clf = LogisticRegression().fit(X_train, y_train)\n",
        store_history=True,
    )
    sh.published.clear()
    return sh


def codes(sh) -> list[str]:
    out = []
    for data in sh.published:
        if MIME in data:
            payload = data[MIME] if isinstance(data[MIME], dict) else json.loads(data[MIME])
            out += [f["code"] for file in payload["files"] for f in file["findings"]]
    return out


def mlcheck(sh, capsys, line: str) -> str:
    sh.published.clear()
    capsys.readouterr()
    sh.run_line_magic("mlcheck", line)
    return capsys.readouterr().out


def test_a_frame_called_df_is_checked(shell, capsys) -> None:
    out = mlcheck(shell, capsys, "df --target target")
    assert "needs one frame name" not in out and "unknown command" not in out
    assert {"ML108", "ML202"} <= set(codes(shell))


def test_one_frame_name_gets_the_data_checks(shell, capsys) -> None:
    mlcheck(shell, capsys, "train --target target")
    assert {"ML108", "ML202"} <= set(codes(shell))


def test_two_frames_get_the_cross_checks(shell, capsys) -> None:
    mlcheck(shell, capsys, "train test --target target")
    found = codes(shell)
    assert {"ML201", "ML209", "ML202"} <= set(found)
    assert found.count("ML202") == 1  # measured on the first frame only
    mlcheck(shell, capsys, "X_train X_test --y y_train")
    assert {"ML201", "ML209", "ML202"} <= set(codes(shell))


def test_a_model_gets_its_fitted_state_checks(shell, capsys) -> None:
    out = mlcheck(shell, capsys, "clf --X X_test --y y_test")
    assert codes(shell) or "no model findings" in out


def test_subcommands_are_the_words_that_name_nothing(shell, capsys) -> None:
    assert "hook on" in mlcheck(shell, capsys, "status")
    shell.user_ns["status"] = shell.user_ns["train"]  # now a name: checked as a frame
    assert "hook on" not in mlcheck(shell, capsys, "status")


@pytest.mark.parametrize(
    "line, message",
    [
        ("nope", "unknown command 'nope': not a name defined in this notebook"),
        ("--target target", "--target needs a name before it"),
        ("train --target nope", "train has no column 'nope' (columns: a, b, leak, target)"),
        ("train --target", "--target needs a value"),
        ("X_train --y y_test", "--y y_test has 600 rows but X_train has 1,500"),
        ("X_train --y y_train --y y_train", "option --y given twice"),
        ("train --target target --y y_train", "not both"),
        ("clf --X text --y y_test", "--X text is a str, not a DataFrame or array"),
        ("clf --X gen --y y_test", "--X gen is a generator, not a DataFrame or array"),
        ("clf --X X_test", "--X and --y go together"),
        ("clf --X X_train --y y_test", "--y y_test has 600 rows but --X X_train has 1,500"),
        ("text", "text is a str, not a DataFrame, Series, array or model"),
        ("train --bogus 1", "unknown option --bogus"),
        ("config max_rows=0", "max_rows needs a positive value, got '0'"),
        ("config max_rows=-5", "max_rows needs a positive value, got '-5'"),
        ("config budget_ms=nan", "budget_ms needs a finite number, got 'nan'"),
        ("config max_rows=ten", "max_rows needs a whole number, got 'ten'"),
        ("config seed=1 seed=2", "config key seed given twice"),
        ("explain", "explain needs one code or name"),
    ],
)
def test_mistakes_are_one_clear_line(shell, capsys, line: str, message: str) -> None:
    shell.user_ns["text"] = "hello"
    shell.user_ns["gen"] = (i for i in range(3))
    from ml_lint_nb.ipython import get_session

    before = get_session(shell).limits
    out = mlcheck(shell, capsys, line)
    assert out.startswith("%mlcheck: ") and out.count("\n") == 1, out
    assert message in out, out
    assert get_session(shell).limits == before
    assert codes(shell) == []


def test_tab_completion_offers_frames_and_models(shell) -> None:
    shell.user_ns["text"] = "hello"
    _, offered = shell.complete("", "%mlcheck X_t")
    assert offered == ["X_test", "X_train"]
    _, offered = shell.complete("", "%mlcheck ")
    assert {"clf", "df", "train", "status"} <= set(offered) and "text" not in offered


def test_an_on_demand_check_run_again_replaces_what_it_found(shell, capsys) -> None:
    """One way into the open list: listed once, stamped, and fixed by running the check again."""
    from ml_lint_nb.ipython import get_session

    session = get_session(shell)
    shell.run_cell("d2 = df.rename(columns={'leak': 'flag'})", store_history=True)

    def open_ml202():
        return [f for f in session.open.values() if f.code == "ML202" and "flag" in f.subject]

    mlcheck(shell, capsys, "d2 --target target")
    mlcheck(shell, capsys, "d2 --target target")  # the same check again lists nothing twice
    [opened] = open_ml202()
    assert opened.location.execution_count == session.prompt_number()
    shell.run_cell("d2 = d2.drop(columns='flag')", store_history=True)
    mlcheck(shell, capsys, "d2 --target target")
    assert open_ml202() == []


@pytest.mark.parametrize(
    "selector",
    ["ML<img src=x onerror=alert(6)>", "../../api/contents", "ML2039", "open('pwned.txt','w')"],
)
def test_ignore_takes_only_registered_codes_and_selectors(shell, capsys, selector: str) -> None:
    """What the labextension sends is checked again here: only codes, names and prefixes."""
    out = mlcheck(shell, capsys, f"ignore {json.dumps(selector)}")
    assert out.startswith("%mlcheck: unknown rule selector"), out
    status = mlcheck(shell, capsys, "status")
    assert "ignored: none" in status, status


def test_ignore_runs_nothing_of_its_arguments(shell, tmp_path, monkeypatch) -> None:
    """Arguments are selectors, never code (a second *line* would be; see the labextension)."""
    monkeypatch.chdir(tmp_path)
    shell.run_cell("%mlcheck ignore ML203 ; open('pwned.txt', 'w')")
    assert not (tmp_path / "pwned.txt").exists()
