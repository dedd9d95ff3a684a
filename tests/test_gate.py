"""The evaluation gate runs in CI: no pinned quality figure may drop (eval/minimums.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from repo_scripts import load_script

REPO = Path(__file__).resolve().parents[1]


def load_gate():
    return load_script("eval/gate.py")


@pytest.mark.parametrize("figures, pins, dropped", [
    ({"a_f1": 0.80}, {"tolerance": 0.005, "minimums": {"a_f1": 0.80}}, []),
    ({"a_f1": 0.796}, {"tolerance": 0.005, "minimums": {"a_f1": 0.80}}, []),
    ({"a_f1": 0.79}, {"tolerance": 0.005, "minimums": {"a_f1": 0.80}}, ["a_f1"]),
    ({}, {"tolerance": 0.005, "minimums": {"a_f1": 0.10}}, ["a_f1"]),  # a missing figure is a drop
])
def test_check_flags_drops(figures, pins, dropped):
    failed = load_gate().check(figures, pins)
    assert [line.split(":")[0] for line in failed] == dropped


def test_no_pinned_figure_drops(shared_dir: Path) -> None:
    if not (shared_dir / "data" / "polnear" / "dev").is_dir():
        pytest.skip("PolNeAR dev not found in ../shared")
    gate = load_gate()
    pins = json.loads((REPO / "eval" / "minimums.json").read_text(encoding="utf-8"))
    figures = gate.run_gate(shared_dir)
    assert gate.check(figures, pins) == []
