#!/usr/bin/env python3
"""Write docs/cli.md from the CLI's own ``--help`` texts (tests/test_cli_docs.py keeps it fresh).

usage: python scripts/gen_cli_docs.py [--check]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from typing import Any

import typer
from typer.testing import CliRunner

from whipcount.cli import app

DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def help_text(args: list[str]) -> str:
    """The plain --help text of ``whipcount ARGS``, at a fixed width, without colour."""
    env = {"COLUMNS": "100", "TERM": "dumb", "NO_COLOR": "1", "_TYPER_FORCE_DISABLE_TERMINAL": "1"}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        result = CliRunner().invoke(app, [*args, "--help"], prog_name="whipcount", color=False)
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return "\n".join(line.rstrip() for line in result.output.splitlines()).strip() + "\n"


def commands(group: Any, prefix: list[str]) -> list[list[str]]:
    """Every command path below ``group``, depth first, in name order.

    Typer vendors its own click, so groups are recognised by their ``commands`` table.
    """
    out: list[list[str]] = []
    for name, cmd in sorted(getattr(group, "commands", {}).items()):
        if getattr(cmd, "hidden", False):
            continue
        out.append([*prefix, name])
        out += commands(cmd, [*prefix, name])
    return out


def render() -> str:
    root = typer.main.get_command(app)
    parts = ["# whipcount command reference\n",
             "Generated from `--help` by `python scripts/gen_cli_docs.py`; do not edit by hand.\n",
             "## whipcount\n", "```text", help_text([]).rstrip(), "```\n"]
    for path in commands(root, []):
        parts += [f"## whipcount {' '.join(path)}\n", "```text", help_text(path).rstrip(), "```\n"]
    return "\n".join(parts)


def main() -> int:
    text = render()
    if "--check" in sys.argv:
        if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
            print(f"{DOC} is stale: run python scripts/gen_cli_docs.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
