"""Tornado handlers: ``GET ml-lint-nb/lint?path=...`` and ``GET ml-lint-nb/rules/<CODE>``.

Both require an authenticated user (``@web.authenticated``) and answer JSON.
The lint endpoint reads the saved notebook through the contents manager
(``type=file, format=text``: the raw JSON, no nbformat validation) and
returns the findings-json document; it never starts a kernel. Linting runs
in :class:`~ml_lint_nb.server.lint.LintService`'s worker threads within its
limits: 413 for a notebook over the size limit, 503 when the workers are
busy or the time limit ran out, each with a one-line ``message``.
"""

from __future__ import annotations

import json
from typing import Any

from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import ensure_async, url_path_join
from tornado import web

from ml_lint_nb.server.lint import LintLimits, LintRefused, LintService, find_config

NAMESPACE = "ml-lint-nb"
SERVICE_KEY = "ml_lint_nb_service"


def lint_service(settings: dict[str, Any]) -> LintService:
    """The server's one :class:`LintService`, made on first use from its settings."""
    service = settings.get(SERVICE_KEY)
    if service is None:
        service = settings[SERVICE_KEY] = LintService(LintLimits.from_settings(settings))
    return service


class LintHandler(APIHandler):
    """The static findings of the saved notebook at ``path`` (relative to the server root)."""

    @web.authenticated
    async def get(self) -> None:
        path = self.get_query_argument("path", "").strip("/")
        if not path.endswith(".ipynb"):
            raise web.HTTPError(400, "path must name a .ipynb file")
        cm = self.contents_manager
        service = lint_service(self.settings)
        try:
            # The contents manager applies its own rules (root, hidden files, permissions);
            # its size is asked first so that an oversized file is never read.
            stat = await ensure_async(cm.get(path, content=False, type="file"))
            service.check_size(stat.get("size"))
            model = await ensure_async(cm.get(path, content=True, type="file", format="text"))
            config = await find_config(cm, path)
            doc = await service.lint(model, config)
        except LintRefused as exc:
            self.set_status(exc.status)
            self.finish(json.dumps({"message": exc.message}))
            return
        self.finish(json.dumps(doc))


class RuleHandler(APIHandler):
    """A rule's documentation page (markdown), for the renderer's "rule page" button."""

    @web.authenticated
    def get(self, code: str) -> None:
        from ml_lint_nb.docs import RuleExamples, rule_markdown
        from ml_lint_nb.rules.registry import UnknownSelector, get_rule

        try:
            rule = get_rule(code)
        except UnknownSelector as exc:
            raise web.HTTPError(404, str(exc)) from None
        self.finish(
            json.dumps(
                {
                    "code": rule.code,
                    "name": rule.name,
                    "markdown": rule_markdown(rule, RuleExamples()),
                }
            )
        )


def handlers(base_url: str) -> list[tuple[str, Any]]:
    return [
        (url_path_join(base_url, NAMESPACE, "lint"), LintHandler),
        (url_path_join(base_url, NAMESPACE, "rules", r"([A-Za-z0-9_-]+)"), RuleHandler),
    ]
