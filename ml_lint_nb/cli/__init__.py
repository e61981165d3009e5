"""The ``ml-lint-nb`` command line: ``check``, ``rules`` and ``explain``."""
