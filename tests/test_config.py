"""``[tool.ml-lint-nb]``: parsing, validation messages, selection and discovery."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from ml_lint_nb.config import (
    Config,
    ConfigError,
    clear_config_cache,
    find_config,
    load_config,
)
from ml_lint_nb.findings import Severity
from ml_lint_nb.rules.registry import ALL_CODES, RULES, resolve_selector


@pytest.fixture(autouse=True)
def _fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    clear_config_cache()


def write(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def config_from(tmp_path: Path, body: str) -> Config:
    return load_config(write(tmp_path / "pyproject.toml", "[tool.ml-lint-nb]\n" + body))


def error_of(tmp_path: Path, body: str) -> str:
    with pytest.raises(ConfigError) as info:
        config_from(tmp_path, body)
    return str(info.value)


def rule_with_thresholds():
    return next(r for r in RULES if r.thresholds)


# -- defaults and selection -----------------------------------------------------------------------


def test_default_config_enables_every_rule() -> None:
    assert Config().enabled_codes(None) == ALL_CODES
    assert Config().severity_override("ML203") is None
    assert Config().rule_thresholds("ML203") == {}


def test_select_ignore_extend_select(tmp_path: Path) -> None:
    config = config_from(
        tmp_path,
        """
        select = ["ML2"]
        extend-select = ["unseeded-randomness"]
        ignore = ["ML206"]
        """,
    )
    expected = (resolve_selector("ML2") | {"ML501"}) - {"ML206"}
    assert config.enabled_codes(None) == expected
    assert config.source == (tmp_path / "pyproject.toml").resolve()


def test_snake_case_keys_are_accepted(tmp_path: Path) -> None:
    config = config_from(
        tmp_path,
        """
        select = ["ML2"]
        extend_select = ["ML5"]
        [tool.ml-lint-nb.per_file_ignores]
        "*.ipynb" = ["ML203"]
        """,
    )
    assert "ML501" in config.enabled_codes(None)
    assert "ML203" not in config.enabled_codes("nb.ipynb")


def test_absent_table_gives_default_config_without_source(tmp_path: Path) -> None:
    path = write(tmp_path / "pyproject.toml", "[tool.ruff]\nline-length = 100\n")
    config = load_config(path)
    assert config.source is None
    assert config.enabled_codes(None) == ALL_CODES


# -- error messages name the file and the key -----------------------------------------------------


def test_unknown_selector_names_file_and_key(tmp_path: Path) -> None:
    message = error_of(tmp_path, 'select = ["ML999"]\n')
    assert message == "pyproject.toml: [tool.ml-lint-nb] select: unknown rule selector 'ML999'"


def test_unknown_key_suggests_the_close_one(tmp_path: Path) -> None:
    message = error_of(tmp_path, 'selct = ["ML2"]\n')
    assert message.startswith("pyproject.toml: [tool.ml-lint-nb] selct: unknown key")
    assert "did you mean 'select'?" in message


def test_key_given_in_both_spellings_is_an_error(tmp_path: Path) -> None:
    message = error_of(tmp_path, 'extend-select = ["ML2"]\nextend_select = ["ML3"]\n')
    assert "given twice" in message


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ('select = "ML2"\n', "select:"),
        ("ignore = [203]\n", "ignore:"),
        ('exclude = "build"\n', "exclude:"),
        ('per-file-ignores = ["x"]\n', "per-file-ignores:"),
        (
            '[tool.ml-lint-nb.per-file-ignores]\n"a/*.ipynb" = "ML2"\n',
            'per-file-ignores."a/*.ipynb":',
        ),
        ('severity = "error"\n', "severity:"),
        ("[tool.ml-lint-nb.severity]\nML203 = 3\n", "severity.ML203:"),
    ],
)
def test_wrong_types_name_the_key(tmp_path: Path, body: str, key: str) -> None:
    message = error_of(tmp_path, body)
    assert message.startswith(f"pyproject.toml: [tool.ml-lint-nb] {key}"), message


def test_invalid_toml_reports_tomllib_message(tmp_path: Path) -> None:
    path = write(tmp_path / "pyproject.toml", "[tool.ml-lint-nb\nselect = [\n")
    with pytest.raises(ConfigError, match=r"^pyproject.toml: invalid TOML: .*line 1"):
        load_config(path)


def test_error_outside_cwd_names_the_full_path(tmp_path: Path, monkeypatch) -> None:
    project = tmp_path / "project"
    path = write(project / "pyproject.toml", '[tool.ml-lint-nb]\nignore = ["nope"]\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value).startswith(f"{path}: [tool.ml-lint-nb] ignore:")


# -- severity and thresholds ----------------------------------------------------------------------


def test_severity_by_code_name_and_prefix(tmp_path: Path) -> None:
    config = config_from(
        tmp_path,
        """
        [tool.ml-lint-nb.severity]
        ML203 = "warning"
        ML5 = "error"
        unseeded-randomness = "warning"
        """,
    )
    assert config.severity_override("ML203") is Severity.WARNING
    # The name is more specific than the prefix, whatever the order.
    assert config.severity_override("ML501") is Severity.WARNING
    assert config.severity_override("ML502") is Severity.ERROR
    assert config.severity_override("ML204") is None


def test_invalid_severity_value(tmp_path: Path) -> None:
    message = error_of(tmp_path, '[tool.ml-lint-nb.severity]\nML203 = "fatal"\n')
    assert message.startswith("pyproject.toml: [tool.ml-lint-nb] severity.ML203: unknown severity")


def test_severity_unknown_rule(tmp_path: Path) -> None:
    message = error_of(tmp_path, '[tool.ml-lint-nb.severity]\nML999 = "info"\n')
    assert "severity.ML999: unknown rule selector 'ML999'" in message


def test_thresholds_by_code_and_name(tmp_path: Path) -> None:
    rule = rule_with_thresholds()
    name = rule.thresholds[0].name
    config = config_from(
        tmp_path,
        f"""
        [tool.ml-lint-nb.thresholds.{rule.code}]
        {name} = 3
        """,
    )
    assert config.rule_thresholds(rule.code) == {name: 3.0}
    by_name = config_from(tmp_path, f"[tool.ml-lint-nb.thresholds.{rule.name}]\n{name} = 0.5\n")
    assert by_name.rule_thresholds(rule.code) == {name: 0.5}


def test_threshold_names_accept_kebab_and_snake(tmp_path: Path) -> None:
    rule = rule_with_thresholds()
    name = rule.thresholds[0].name
    other = name.replace("_", "-") if "_" in name else name.replace("-", "_")
    config = config_from(tmp_path, f'[tool.ml-lint-nb.thresholds.{rule.code}]\n"{other}" = 2\n')
    assert config.rule_thresholds(rule.code) == {name: 2.0}


def test_unknown_threshold_name(tmp_path: Path) -> None:
    rule = rule_with_thresholds()
    message = error_of(tmp_path, f"[tool.ml-lint-nb.thresholds.{rule.code}]\nbogus = 1\n")
    assert message.startswith(
        f"pyproject.toml: [tool.ml-lint-nb] thresholds.{rule.code}.bogus: unknown threshold 'bogus'"
    )
    assert rule.thresholds[0].name in message


@pytest.mark.parametrize("value", ['"high"', "true", "[1]"])
def test_threshold_value_must_be_a_number(tmp_path: Path, value: str) -> None:
    rule = rule_with_thresholds()
    name = rule.thresholds[0].name
    message = error_of(tmp_path, f"[tool.ml-lint-nb.thresholds.{rule.code}]\n{name} = {value}\n")
    assert f"thresholds.{rule.code}.{name}: expected a number" in message


def test_thresholds_for_a_prefix_are_rejected(tmp_path: Path) -> None:
    message = error_of(tmp_path, "[tool.ml-lint-nb.thresholds.ML2]\nx = 1\n")
    assert "thresholds.ML2:" in message and "name one rule" in message


def test_rule_thresholds_returns_a_copy(tmp_path: Path) -> None:
    rule = rule_with_thresholds()
    name = rule.thresholds[0].name
    config = config_from(tmp_path, f"[tool.ml-lint-nb.thresholds.{rule.code}]\n{name} = 1\n")
    config.rule_thresholds(rule.code)[name] = 99.0
    assert config.rule_thresholds(rule.code) == {name: 1.0}


# -- per-file-ignores and exclude -----------------------------------------------------------------


def test_per_file_ignores_relative_to_config_dir_and_tail(tmp_path: Path) -> None:
    config = config_from(
        tmp_path,
        """
        [tool.ml-lint-nb.per-file-ignores]
        "scratch/*.ipynb" = ["ML2"]
        "**/draft_*.ipynb" = ["ML5"]
        "tutorial.ipynb" = ["ML501"]
        """,
    )
    ml2 = resolve_selector("ML2")
    assert not ml2 & config.enabled_codes(str(tmp_path / "scratch" / "a.ipynb"))
    assert not ml2 & config.enabled_codes("scratch/a.ipynb")  # relative to the cwd
    assert ml2 <= config.enabled_codes("other/a.ipynb")
    # ``*`` stays within one directory level.
    assert ml2 <= config.enabled_codes(str(tmp_path / "scratch" / "deep" / "a.ipynb"))
    assert "ML502" not in config.enabled_codes(str(tmp_path / "x" / "y" / "draft_1.ipynb"))
    assert "ML501" not in config.enabled_codes(str(tmp_path / "docs" / "tutorial.ipynb"))
    assert config.enabled_codes(None) == ALL_CODES


def test_exclude_globs_and_checkpoints(tmp_path: Path) -> None:
    config = config_from(tmp_path, 'exclude = ["build", "data/**/*.ipynb", "old_*.ipynb"]\n')
    assert config.is_excluded(tmp_path / "build")
    assert config.is_excluded(tmp_path / "build" / "x" / "nb.ipynb")
    assert config.is_excluded(tmp_path / "data" / "raw" / "nb.ipynb")
    assert config.is_excluded(tmp_path / "data" / "nb.ipynb")
    assert config.is_excluded(tmp_path / "sub" / "old_1.ipynb")
    assert not config.is_excluded(tmp_path / "builder" / "nb.ipynb")
    assert not config.is_excluded(tmp_path / "nb.ipynb")
    assert Config().is_excluded("a/.ipynb_checkpoints/nb-checkpoint.ipynb")
    assert not Config().is_excluded("a/nb.ipynb")


def test_exclude_ignores_directories_above_the_config(tmp_path: Path) -> None:
    project = tmp_path / "build" / "project"
    config = load_config(
        write(project / "pyproject.toml", '[tool.ml-lint-nb]\nexclude = ["build"]\n')
    )
    assert not config.is_excluded(project / "nb.ipynb")
    assert config.is_excluded(project / "build" / "nb.ipynb")


# -- CLI overrides --------------------------------------------------------------------------------


def test_with_overrides(tmp_path: Path) -> None:
    config = config_from(
        tmp_path, 'select = ["ML2"]\nextend-select = ["ML5"]\nignore = ["ML206"]\n'
    )
    narrowed = config.with_overrides(select=["ML203", "ML206"])
    # --select replaces the selection; the configured ignore still applies.
    assert narrowed.enabled_codes(None) == {"ML203"}
    widened = config.with_overrides(ignore=["ML203"], extend_select=["ML3"])
    assert "ML203" not in widened.enabled_codes(None)
    assert resolve_selector("ML3") <= widened.enabled_codes(None)
    assert resolve_selector("ML5") <= widened.enabled_codes(None)
    assert config.with_overrides() is config
    assert config.enabled_codes(None) == (resolve_selector("ML2") | resolve_selector("ML5")) - {
        "ML206"
    }


# -- discovery ------------------------------------------------------------------------------------


def test_find_config_walks_up_to_the_first_table(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.ml-lint-nb]\nignore = ["ML203"]\n')
    write(tmp_path / "pkg" / "pyproject.toml", "[project]\nname = 'pkg'\n")
    deep = tmp_path / "pkg" / "notebooks" / "deep"
    deep.mkdir(parents=True)
    config = find_config(deep)
    assert config.source == (tmp_path / "pyproject.toml").resolve()
    assert "ML203" not in config.enabled_codes(None)
    # Cached by directory: the same object for the same place.
    assert find_config(deep) is config


def test_find_config_nearest_table_wins(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.ml-lint-nb]\nignore = ["ML203"]\n')
    write(tmp_path / "sub" / "pyproject.toml", '[tool.ml-lint-nb]\nignore = ["ML204"]\n')
    nb = write(tmp_path / "sub" / "nb.ipynb", "{}")
    config = find_config(nb)  # a file: its directory is searched
    assert config.source == (tmp_path / "sub" / "pyproject.toml").resolve()
    assert "ML203" in config.enabled_codes(None)


def test_find_config_without_any_table(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    config = find_config(tmp_path / "a")
    # Above tmp_path there is no [tool.ml-lint-nb] in a test environment.
    assert config.enabled_codes(None) == ALL_CODES


def test_find_config_reports_errors(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.ml-lint-nb]\nselect = ["ML999"]\n')
    with pytest.raises(ConfigError, match="select: unknown rule selector 'ML999'"):
        find_config(tmp_path)


def test_config_pickles_for_worker_processes(tmp_path: Path) -> None:
    import pickle

    config = config_from(
        tmp_path, 'ignore = ["ML2"]\n[tool.ml-lint-nb.severity]\nML501 = "error"\n'
    )
    config.enabled_codes("x.ipynb")  # fill the caches first
    clone = pickle.loads(pickle.dumps(config))
    assert clone == config
    assert clone.enabled_codes(None) == config.enabled_codes(None)


def test_live_table_sets_hook_limits_and_display(tmp_path: Path) -> None:
    from ml_lint_nb.facts.live.limits import LiveLimits

    (tmp_path / "pyproject.toml").write_text(
        '[tool.ml-lint-nb.live]\nmax-rows = 5000\nbudget_ms = 80\ndisplay = "widgets"\n'
    )
    cfg = load_config(tmp_path / "pyproject.toml")
    assert cfg.live == {"max_rows": 5000, "budget_ms": 80.0, "display": "widgets"}
    from ml_lint_nb.ipython.session import LiveSession

    session = LiveSession(shell=object(), config=cfg)
    assert session.limits.max_rows == 5000 and session.limits != LiveLimits()
    assert session.display_mode == "widgets"


def test_live_table_rejects_unknown_keys(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.ml-lint-nb.live]\nmax_row = 5\n")
    with pytest.raises(ConfigError, match="live.max_row: unknown key.*did you mean 'max_rows'"):
        load_config(tmp_path / "pyproject.toml")


def test_a_broken_pyproject_leaves_the_hook_working(tmp_path, monkeypatch) -> None:
    """The kernel's working directory has an invalid ``[tool.ml-lint-nb]``: the session
    starts with the defaults and says why, instead of silently doing nothing."""
    from ml_lint_nb.ipython.session import LiveSession

    (tmp_path / "pyproject.toml").write_text('[tool.ml-lint-nb]\nselect = "ML203"\n')
    monkeypatch.chdir(tmp_path)

    class Shell:
        user_ns: dict = {}

    session = LiveSession(Shell())
    assert session.config.source is None
    assert any("configuration ignored" in n for n in session.notes), session.notes
