"""The speaker-name gold (eval/gold/speakers) is well-formed, and its scorer's name matching."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from repo_scripts import load_script

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO / "eval" / "gold" / "speakers" / "polnear-dev.jsonl"
SHARED = REPO.parent / "shared"
PRONOUNS = {"he", "she"}


def _scorer():
    return load_script("eval/score_speakers.py")


def _items() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_gold_size_and_fields() -> None:
    items = _items()
    assert len(items) >= 100
    keys = {"article", "split", "content", "mention", "kind", "speaker"}
    for it in items:
        assert set(it) == keys
        assert it["kind"] in ("pronoun", "surname") and it["split"] == "dev"
        assert len(it["speaker"].split()) >= 2, it
        s, e = it["mention"]
        assert 0 <= s < e
        assert all(0 <= a < b for a, b in it["content"])
    assert len({(it["article"], tuple(it["mention"]), tuple(map(tuple, it["content"]))) for it in items}) == len(items)


def test_gold_offsets_against_texts() -> None:
    text_dir = SHARED / "data" / "polnear" / "dev" / "text"
    if not text_dir.is_dir():
        pytest.skip(f"PolNeAR dev not found at {text_dir}")
    for it in _items():
        text = (text_dir / f"{it['article']}.txt").read_text(encoding="utf-8")
        s, e = it["mention"]
        mention = text[s:e]
        assert e <= len(text) and all(b <= len(text) for _, b in it["content"])
        if it["kind"] == "pronoun":
            assert mention.lower() in PRONOUNS, (it, mention)
        else:
            assert re.fullmatch(r"[A-Z][\w\-]+", mention), (it, mention)
            assert mention.lower() in it["speaker"].lower(), (it, mention)
            assert it["speaker"] in text or it["speaker"].split()[0] in text, it


@pytest.mark.parametrize("pred,gold,expected", [
    ("Donald J. Trump", "Donald Trump", True),
    ("Donald Trump", "Donald Trump", True),
    ("Trump", "Donald Trump", False),
    ("Ivanka Trump", "Donald Trump", False),
    ("Sen. Bernie Sanders", "Bernie Sanders", True),
    (None, "Bernie Sanders", False),
    ("Ban Ki-moon", "Ban Ki-moon", True),
])
def test_same_person(pred, gold, expected) -> None:
    assert _scorer().same_person(pred, gold) is expected
