"""docs/cli.md is generated from --help and must not go stale."""

from __future__ import annotations

from pathlib import Path
from repo_scripts import load_script

REPO = Path(__file__).resolve().parents[1]


def test_cli_reference_is_fresh() -> None:
    gen = load_script("scripts/gen_cli_docs.py")
    expected = gen.render()
    actual = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert actual == expected, "docs/cli.md is stale: run python scripts/gen_cli_docs.py"
