"""Record or compare the CLI's JSON on every demo and fixture notebook.

A restructuring must not change behaviour: record the JSON before it,
compare after each step, and every byte must match.

    python scripts/snapshot_json.py write  /tmp/before [--execute]
    python scripts/snapshot_json.py compare /tmp/before [--execute]

Rule fixtures (percent-format ``.py`` files under ``tests/fixtures``) are
turned into notebooks the way the tests do. ``--execute`` adds
``check --execute`` on the demo notebooks (a kernel per notebook: minutes).
Prints the files that differ and exits 1 when any does.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))


def notebooks(workdir: Path) -> list[Path]:
    """Every demo and fixture notebook, copied into ``workdir`` under stable relative names."""
    from rule_fixtures import fixture_to_notebook_json

    out = []
    sources = sorted((REPO / "demo_notebooks").glob("*.ipynb"))
    sources += sorted((REPO / "tests" / "fixtures").rglob("*.ipynb"))
    sources += sorted((REPO / "tests" / "fixtures").rglob("*.py"))
    for src in sources:
        rel = src.relative_to(REPO)
        target = workdir / rel.with_suffix(".ipynb")
        target.parent.mkdir(parents=True, exist_ok=True)
        if src.suffix == ".py":
            target.write_text(json.dumps(fixture_to_notebook_json(src.read_text())))
        else:
            shutil.copy(src, target)
        out.append(target.relative_to(workdir))
    return out


def cli_json(args: list[str]) -> str:
    from ml_lint_nb.cli.main import main

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        main(["check", "--format", "json", "--exit-zero", "--no-cache", *args])
    return buffer.getvalue()


def snapshot(execute: bool) -> dict[str, str]:
    out: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        here = os.getcwd()
        os.chdir(workdir)
        try:
            for rel in notebooks(workdir):
                out[f"static/{rel}.json"] = cli_json([str(rel)])
                if execute and rel.parts[0] == "demo_notebooks":
                    out[f"execute/{rel}.json"] = cli_json(["--execute", str(rel)])
        finally:
            os.chdir(here)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["write", "compare"])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--execute", action="store_true")
    args = parser.parse_args(argv)
    current = snapshot(args.execute)
    if args.action == "write":
        for name, text in current.items():
            path = args.folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        print(f"wrote {len(current)} JSON outputs to {args.folder}")
        return 0
    differ = []
    for name, text in current.items():
        path = args.folder / name
        if not path.exists() or path.read_text() != text:
            differ.append(name)
    missing = sorted(
        str(p.relative_to(args.folder))
        for p in args.folder.rglob("*.json")
        if str(p.relative_to(args.folder)) not in current
    )
    for name in differ:
        print(f"differs: {name}")
    for name in missing:
        print(f"no longer produced: {name}")
    print(f"{len(current) - len(differ)} of {len(current)} identical")
    return 1 if differ or missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
