"""``python -m ml_lint_nb``: the same as the ``ml-lint-nb`` console script."""

from ml_lint_nb.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
