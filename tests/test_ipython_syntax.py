"""The IPython-syntax neutraliser: every form, line counts kept, strings untouched."""

from __future__ import annotations

import ast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ml_lint_nb.facts.static.ipython_syntax import SHELL_CALL, neutralise


def python_of(source: str) -> str:
    """Neutralise, and check the invariants every result must keep."""
    python, reason = neutralise(source)
    assert reason is None, reason
    assert python is not None
    assert python.count("\n") == source.count("\n")
    ast.parse(python)
    return python


def test_plain_python_is_returned_unchanged() -> None:
    source = "import numpy as np\nx = np.arange(10) % 3\nprint(f'{x!r}', x != 1)\n"
    assert neutralise(source) == (source, None)


@pytest.mark.parametrize("magic", ["%%time", "%%timeit", "%%capture", "%%prun", "%%debug"])
def test_python_cell_magic_blanks_first_line_only(magic: str) -> None:
    source = f"{magic}\nx = 1\nprint(x)"
    assert python_of(source) == "\nx = 1\nprint(x)"


def test_python_cell_magic_with_options_and_leading_blank_lines() -> None:
    assert python_of("%%timeit -n 3 -r 1\ndf.sum()") == "\ndf.sum()"
    assert python_of("\n\n%%capture out --no-stderr\nf()") == "\n\n\nf()"


def test_python_cell_magic_body_is_neutralised_too() -> None:
    assert python_of("%%time\n!ls\nx = 1") == "\npass\nx = 1"


@pytest.mark.parametrize(
    "first_line",
    [
        "%%bash",
        "%%sh",
        "%%writefile x.py",
        "%%html",
        "%%javascript",
        "%%sql",
        "%%R",
        "%%latex",
        "%%markdown",
        "%%foo",
    ],
)
def test_other_cell_magics_are_not_python(first_line: str) -> None:
    name = first_line.split()[0]
    assert neutralise(f"{first_line}\nimport this\n") == (None, f"cell magic {name}: not Python")


def test_cell_magic_after_blank_lines_is_still_a_cell_magic() -> None:
    assert neutralise("\n  \n%%bash\nls") == (None, "cell magic %%bash: not Python")


def test_time_keeps_statement_at_its_column() -> None:
    python = python_of("%time model.fit(X, y)")
    assert python.index("model") == len("%time ")
    assert python.strip().endswith("model.fit(X, y)")
    tree = ast.parse(python)
    call = tree.body[-1].value
    assert call.col_offset == len("%time ")


@pytest.mark.parametrize(
    "line, statement",
    [
        ("%timeit f(x)", "f(x)"),
        ("%timeit -n 3 -r 1 f(x)", "f(x)"),
        ("%timeit -n3 -q -o f(x)", "f(x)"),
        ("%prun g()", "g()"),
        ("%prun -s cumulative -l 10 g()", "g()"),
        ("%debug h(1)", "h(1)"),
        ("%debug -b a.py:3 h(1)", "h(1)"),
        ("%time -x", "-x"),
        ("%time x = f()", "x = f()"),
    ],
)
def test_python_line_magics_keep_statement(line: str, statement: str) -> None:
    python = python_of(line)
    assert python.endswith(statement)
    assert python.index(statement) == line.index(statement, 1)  # same column


def test_time_inside_a_block_keeps_block_valid() -> None:
    source = "for i in range(3):\n    x = i\n    %time f(i)\n    y = i"
    python = python_of(source)
    assert python.splitlines()[2].lstrip().startswith("pass;")


def test_time_of_a_compound_statement_keeps_the_statement() -> None:
    python = python_of("%time for i in x: f(i)")
    assert python == "for i in x: f(i)"


def test_assignment_from_time_keeps_the_value() -> None:
    python = python_of("x = %time f(1)")
    assert python == "x =       f(1)"


@pytest.mark.parametrize(
    "line",
    [
        "%matplotlib inline",
        "%load_ext autoreload",
        "%pip install x",
        "%cd /tmp",
        "%env A=1",
        "%config InlineBackend.figure_format = 'retina'",
        "%autoreload 2",
        "%mlcheck frame df --target y",
        "%pinfo obj",
        "%time",
        "%debug",
        "%%time",  # a cell magic that is not on the first line
        "%",
    ],
)
def test_other_line_magics_become_pass(line: str) -> None:
    assert python_of(f"x = 1\n{line}\ny = 2") == "x = 1\npass\ny = 2"


def test_magics_inside_blocks_keep_indentation() -> None:
    source = "if x:\n    %matplotlib inline\n    !pip install y\nelse:\n    pass"
    assert python_of(source) == "if x:\n    pass\n    pass\nelse:\n    pass"


@pytest.mark.parametrize("line", ["!pip install x", "!!ls", "!ls -la | grep '''", "!echo (["])
def test_shell_escapes_become_pass(line: str) -> None:
    assert python_of(f"{line}\nz = 1") == "pass\nz = 1"


@pytest.mark.parametrize(
    "line, target",
    [
        ("x = !ls", "x"),
        ("x = %sx ls", "x"),
        ("x=!ls", "x"),
        ("a, b = !ls", "a, b"),
        ("d['k'] = !ls", "d['k']"),
        ("x: list = !ls", "x: list"),
        ("out = %timeit -o f()", "out"),
    ],
)
def test_shell_assignment_keeps_the_name_bound(line: str, target: str) -> None:
    python = python_of(line)
    assert python.startswith(target)
    assert python.endswith(SHELL_CALL)
    tree = ast.parse(python)
    assert isinstance(tree.body[0], ast.Assign | ast.AnnAssign)


def test_assigned_shell_name_is_a_store() -> None:
    tree = ast.parse(python_of("files = !ls\nprint(files)"))
    stores = [
        n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    ]
    assert stores == ["files"]


@pytest.mark.parametrize(
    "source",
    [
        "print('a=%s' % x)",
        "s = '%d' % 3",
        "y = x % 2",
        "a = b != c",
        "t = 'why?'",
        "x = 1  # why?",
        "x = (a\n     % b)",
        "x = (a\n     / b)",
        "x = [1\n     , 2]",
        "x = a \\\n    % b",
    ],
)
def test_python_that_looks_like_ipython_is_untouched(source: str) -> None:
    assert python_of(source) == source


@pytest.mark.parametrize("line", ["obj?", "obj??", "?obj", "??obj", "pd.read_csv?", "np.*load*?"])
def test_help_syntax_becomes_pass(line: str) -> None:
    assert python_of(f"{line}\nx = 1") == "pass\nx = 1"
    assert python_of(f"if x:\n    {line} \nx = 1") == "if x:\n    pass\nx = 1"


@pytest.mark.parametrize("line", ["/f a b", ",f a b", ";f a b"])
def test_autocall_and_quote_forms_become_pass(line: str) -> None:
    assert python_of(f"{line}\nx = 1") == "pass\nx = 1"


def test_multiline_string_lines_are_not_touched() -> None:
    source = (
        'def f():\n    """Doc.\n%matplotlib inline\n!rm -rf /\nobj?\n/f a\n    """\n'
        "    return '''\n%time x\n'''\n"
    )
    assert python_of(source) == source


def test_string_with_escaped_quotes_does_not_confuse_the_scanner() -> None:
    first = r"""s = 'it\'s """ + '"""' + r""" ' + "'''"  # '''"""
    ast.parse(first)
    assert python_of(first + "\n%matplotlib inline") == first + "\npass"


def test_backslash_continuation_of_a_magic_is_neutralised() -> None:
    source = "!echo one \\\n  two \\\n  three\nafter = 1"
    assert python_of(source) == "pass\n\n\nafter = 1"


def test_backslash_continuation_of_time_keeps_python() -> None:
    source = "%time f(1, \\\n      2)\nafter = 1"
    python = python_of(source)
    assert python.splitlines()[1] == "      2)"


def test_windows_line_endings_are_kept() -> None:
    source = "%matplotlib inline\r\nx = 1\r\n"
    assert python_of(source) == "pass\r\nx = 1\r\n"


def test_magics_fixture_cells_all_parse_or_are_skipped() -> None:
    from pathlib import Path

    from ml_lint_nb.facts.static.notebook import load_notebook

    nb = load_notebook(Path(__file__).parent / "fixtures" / "malformed" / "magics.ipynb")
    skipped = [c.index for c in nb.code_cells if c.python is None]
    assert skipped == [9, 10]
    for cell in nb.code_cells:
        if cell.python is not None:
            assert cell.python.count("\n") == cell.source.count("\n")
            ast.parse(cell.python)


def test_fast_path_leaves_plain_cells_untouched() -> None:
    """Plain cells come back as they are (their speed is measured by benchmarks/bench_static.py)."""
    cells = [
        "import numpy as np\nimport pandas as pd\n",
        "df = pd.read_csv('data.csv')\nprint('%d rows' % len(df))\n",
        "X_train, X_test = train_test_split(X, test_size=0.2)\nmodel.fit(X_train, y)\n" * 5,
    ]
    for cell in cells:
        assert neutralise(cell) == (cell, None)


_IPYTHONISH = st.text(alphabet="%!?/,;=#'\"\\()[]{}:ab \t\n\r-", max_size=80)


@settings(max_examples=400, deadline=None)
@given(st.one_of(_IPYTHONISH, st.text(max_size=80)))
def test_never_raises_and_keeps_line_count(source: str) -> None:
    python, reason = neutralise(source)
    if python is None:
        assert reason and reason.startswith("cell magic %%")
    else:
        assert reason is None
        assert python.count("\n") == source.count("\n")
        assert python.count("\r") <= source.count("\r")


_PY_LINES = st.sampled_from(
    ["x = 1", "print(x)", "if x:", "    y = 2", "s = '''", "text", "'''", "z = (1,", "  2)"]
)
_MAGIC_LINES_LIST = ["%matplotlib inline", "!ls", "obj?", "x = !ls", "%time f()", "?obj"]
_MAGIC_LINES_LIST += ["%timeit -n 2 g()", "  %cd /tmp", "  !pip install x \\"]
_MAGIC_LINES = st.sampled_from(_MAGIC_LINES_LIST)


def _as_pass(line: str) -> str:
    """A magic line as ``pass``; a trailing backslash still swallows the next line, as in IPython."""
    indent = line[: len(line) - len(line.lstrip())]
    return indent + "pass" + (" \\" if line.endswith("\\") else "")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_PY_LINES, _MAGIC_LINES), max_size=12))
def test_magics_never_break_python_that_parsed(lines: list[str]) -> None:
    """Removing the magic lines' IPython syntax leaves Python that parses iff the rest does."""
    source = "\n".join(lines)
    python, _ = neutralise(source)
    assert python is not None and python.count("\n") == source.count("\n")
    plain = "\n".join(_as_pass(line) if line in _MAGIC_LINES_LIST else line for line in lines)
    try:
        ast.parse(plain)
    except SyntaxError:
        return
    ast.parse(python)


_SPACES = st.sampled_from(["\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u3000"])


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        _IPYTHONISH,
        st.lists(st.one_of(_IPYTHONISH, _SPACES)).map("".join),
        st.lists(st.one_of(_PY_LINES, _MAGIC_LINES)).map("\n".join),
        st.text(max_size=80),
    )
)
def test_fast_path_never_skips_a_rewrite(source: str) -> None:
    """Whatever the cheap check lets through, the full scanner would leave alone."""
    from ml_lint_nb.facts.static import ipython_syntax as mod

    if mod._may_have_ipython(source):
        return
    assert mod._neutralise_cell(source) == (source, None)


@pytest.mark.parametrize(
    "source",
    [
        ":?#",  # hypothesis found it
        "obj?  # why",  # IPython runs it as Python: a syntax error
        "obj?'s'",
        "obj?'unterminated",
        "obj?\\ x",
        "obj?\x0b",
    ],
)
def test_question_mark_not_at_the_end_is_not_help(source: str) -> None:
    """IPython 8 leaves these lines alone too (and they fail as Python)."""
    assert neutralise(source) == (source, None)


def test_only_spaces_and_tabs_indent_a_cell_magic() -> None:
    """Lines are split at newlines only, unlike IPython's str.splitlines."""
    assert neutralise("\x0c%%bash\nls") == ("\x0c%%bash\nls", None)
    assert neutralise("  %%bash\nls") == (None, "cell magic %%bash: not Python")
