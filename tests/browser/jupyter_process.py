"""Start and stop a real Jupyter server (JupyterLab, Notebook 7 or the bare server) for tests.

The server listens on 127.0.0.1 at a free port, serves its own temporary
root directory with the token disabled, keeps its settings, workspaces and
IPython profile in temporary directories (nothing of the developer's
~/.jupyter leaks in), and is stopped by its PID. The labextension is served
from this checkout's committed build (``ml_lint_nb/labextension``) through
``JUPYTER_PATH`` (``ML_LINT_NB_LABEXTENSION`` names another build), and the server extension is enabled on the command line,
so the tests exercise this worktree's code whether or not the package is
installed.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
# The committed build, or the one .ci/run has just rebuilt from labextension/.
BUILT_LABEXTENSION = Path(
    os.environ.get("ML_LINT_NB_LABEXTENSION") or REPO / "ml_lint_nb" / "labextension"
)
STARTUP_TIMEOUT = 90.0

# Loads the live hook in every kernel, as a user's ipython_config.py would.
IPYTHON_CONFIG = "c.InteractiveShellApp.extensions = ['ml_lint_nb']\n"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class JupyterProcess:
    """``with JupyterProcess(tmp, app="lab") as server: server.url``."""

    def __init__(
        self,
        home: Path,
        app: str = "lab",
        settings: dict[str, dict[str, Any]] | None = None,
        live_hook: bool = True,
        extra_args: tuple[str, ...] = (),
    ) -> None:
        self.home = Path(home)
        self.app = app
        self.root = self.home / "root"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.home / f"{app}-server.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self._settings = settings or {}
        self._live_hook = live_hook
        self._extra_args = list(extra_args)

    # -- environment ------------------------------------------------------------------------------
    def _environment(self) -> dict[str, str]:
        data = self.home / "jupyter_data"
        (data / "labextensions").mkdir(parents=True, exist_ok=True)
        link = data / "labextensions" / "ml-lint-nb"
        if not link.exists():
            link.symlink_to(BUILT_LABEXTENSION, target_is_directory=True)
        settings_dir = self.home / "lab_settings"
        for plugin, values in self._settings.items():
            package, name = plugin.rsplit(":", 1)
            target = settings_dir / package / f"{name}.jupyterlab-settings"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(values))
        ipython = self.home / "ipython"
        profile = ipython / "profile_default"
        profile.mkdir(parents=True, exist_ok=True)
        (profile / "ipython_config.py").write_text(IPYTHON_CONFIG if self._live_hook else "")
        env = dict(os.environ)
        env.update(
            JUPYTER_PATH=str(data),
            JUPYTER_CONFIG_DIR=str(self.home / "jupyter_config"),
            JUPYTER_RUNTIME_DIR=str(self.home / "runtime"),
            JUPYTERLAB_SETTINGS_DIR=str(settings_dir),
            JUPYTERLAB_WORKSPACES_DIR=str(self.home / "workspaces"),
            IPYTHONDIR=str(ipython),
            PYTHONPATH=os.pathsep.join(
                p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p
            ),
        )
        return env

    def command(self) -> list[str]:
        module = {"lab": "jupyterlab", "notebook": "notebook", "server": "jupyter_server"}[self.app]
        as_root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
        return [
            sys.executable,
            "-m",
            module,
            *as_root,
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={self.port}",
            "--ServerApp.port_retries=0",
            f"--ServerApp.root_dir={self.root}",
            "--IdentityProvider.token=",
            "--ServerApp.password=",
            "--ServerApp.jpserver_extensions={'ml_lint_nb.server': True}",
            "--ServerApp.open_browser=False",
            *self._extra_args,
        ]

    # -- lifecycle --------------------------------------------------------------------------------
    def start(self) -> JupyterProcess:
        self.root.mkdir(parents=True, exist_ok=True)
        env = self._environment()
        log = open(self.log_path, "wb")  # noqa: SIM115 (closed in stop)
        self._log = log
        self.proc = subprocess.Popen(
            self.command(), stdout=log, stderr=subprocess.STDOUT, env=env, cwd=self.root
        )
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter exited early:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/status", timeout=2) as r:
                    if r.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"jupyter did not answer within {STARTUP_TIMEOUT}s:\n{self.log()}")

    def stop(self) -> None:
        """SIGTERM by PID (Jupyter shuts its kernels down), SIGKILL if it hangs."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        self._log.close()

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def __enter__(self) -> JupyterProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- HTTP -------------------------------------------------------------------------------------
    def get_json(self, path: str) -> tuple[int, Any]:
        try:
            with urllib.request.urlopen(f"{self.url}{path}", timeout=30) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as exc:
            body = exc.read()
            try:
                return exc.code, json.loads(body)
            except ValueError:
                return exc.code, body.decode(errors="replace")
