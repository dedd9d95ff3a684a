"""The hand-annotated endorsement gold in eval/gold/endorsements is well formed.

Schema and status checks run everywhere; the offset checks (every span inside the article, the
endorser and endorsee named within 600 characters of their evidence, or anywhere in the article
for a first-person op-ed endorser, each person's span on the person's name) need
the PolNeAR texts in ../shared and skip with a reason when it is missing.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from repo_scripts import load_script

REPO = Path(__file__).resolve().parents[1]
GOLD_DIR = REPO / "eval" / "gold" / "endorsements"
SHARED = Path(__file__).resolve().parents[2] / "shared"
POLNEAR = SHARED / "data" / "polnear"
GOLD_FILES = sorted(GOLD_DIR.glob("*.gold.json"))
STATUSES = {"endorsed", "withdrawn", "declined", "undecided", "supports", "opposes"}
STOP = {"the", "of", "and", "for", "a", "an", "s", "inc", "u", "us"}
NEAR = 600  # characters either side of an evidence span in which both names must occur


def words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", text).replace("\u2019", "'")
    return re.findall(r"[a-z0-9]+", text.lower())


def name_keys(name: str) -> set[str]:
    """Words by which a name may be mentioned: its last word, any longer word, its acronym."""
    ws = [w for w in words(name) if w not in STOP]
    keys = {w for w in ws if len(w) >= 4 and not w.isdigit()}
    if ws:
        keys.add(ws[-1])
        keys.add("".join(w[0] for w in ws if not w.isdigit()))
    return {k for k in keys if k}


def is_span(value: Any) -> bool:
    return (isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value)
            and 0 <= value[0] < value[1])


def problems(gold: dict[str, Any], file_stem: str | None = None) -> list[str]:
    """Schema problems of one gold object (empty when it is valid)."""
    out = []
    if not isinstance(gold.get("article"), str) or not gold["article"].endswith(".txt"):
        out.append("article must be '<id>.txt'")
    elif file_stem is not None and gold["article"][:-4] != file_stem:
        out.append("article does not match the file name")
    if gold.get("split") not in {"train", "dev"}:
        out.append("split must be train or dev")
    if gold.get("annotator") != "whipcount-dev":
        out.append("annotator must be whipcount-dev")
    if not isinstance(gold.get("endorsements"), list) or not isinstance(gold.get("people"), list):
        return out + ["endorsements and people must be lists"]
    for i, e in enumerate(gold["endorsements"]):
        where = f"endorsements[{i}]"
        for key in ("endorser", "endorsee"):
            if not isinstance(e.get(key), str) or not e[key].strip():
                out.append(f"{where}.{key} must be a non-empty string")
        if e.get("status") not in STATUSES:
            out.append(f"{where}.status {e.get('status')!r} is not valid")
        if "office" not in e or not (e["office"] is None or isinstance(e["office"], str)):
            out.append(f"{where}.office must be a string or null")
        if not is_span(e.get("evidence_span")):
            out.append(f"{where}.evidence_span must be [start, end]")
        for flag in ("optional", "first_person"):
            if flag in e and not isinstance(e[flag], bool):
                out.append(f"{where}.{flag} must be a bool")
        if isinstance(e.get("endorser"), str) and e.get("endorser") == e.get("endorsee"):
            out.append(f"{where}: endorser and endorsee are the same")
    for i, p in enumerate(gold["people"]):
        where = f"people[{i}]"
        if not isinstance(p.get("name"), str) or not p["name"].strip():
            out.append(f"{where}.name must be a non-empty string")
        titles = p.get("titles")
        if not isinstance(titles, list) or not titles or not all(isinstance(t, str) and t for t in titles):
            out.append(f"{where}.titles must be a non-empty list of strings")
        for key in ("orgs", "places"):
            if not isinstance(p.get(key), list) or not all(isinstance(v, str) for v in p[key]):
                out.append(f"{where}.{key} must be a list of strings")
        if not is_span(p.get("span")):
            out.append(f"{where}.span must be [start, end]")
    if "people_complete" in gold and not isinstance(gold["people_complete"], bool):
        out.append("people_complete must be a bool")
    return out


def article_text(gold: dict[str, Any]) -> str:
    path = POLNEAR / gold["split"] / "text" / gold["article"]
    if not path.is_file():
        pytest.skip(f"PolNeAR text not found: {path} (../shared missing)")
    return path.read_text(encoding="utf-8")


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


GOOD = {"article": "a.txt", "split": "dev", "annotator": "whipcount-dev",
        "endorsements": [{"endorser": "AFL-CIO", "endorsee": "Jo Wu", "status": "endorsed", "office": None,
                          "evidence_span": [0, 10]}],
        "people": [{"name": "Jo Wu", "titles": ["Sen."], "orgs": [], "places": [], "span": [3, 8]}]}


def mutate(path: str, value: Any) -> dict[str, Any]:
    gold = json.loads(json.dumps(GOOD))
    *parents, last = path.split(".")
    node: Any = gold
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    node[last] = value
    return gold


@pytest.mark.parametrize("gold, expected_problem", [
    (GOOD, None),
    (mutate("endorsements.0.status", "endorses"), "status"),
    (mutate("endorsements.0.status", "Endorsed"), "status"),
    (mutate("endorsements.0.evidence_span", [10, 2]), "evidence_span"),
    (mutate("endorsements.0.evidence_span", "0-10"), "evidence_span"),
    (mutate("endorsements.0.optional", "yes"), "optional"),
    (mutate("endorsements.0.first_person", 1), "first_person"),
    (mutate("endorsements.0.endorsee", "AFL-CIO"), "same"),
    (mutate("people.0.titles", []), "titles"),
    (mutate("people.0.span", None), "span"),
    (mutate("split", "test"), "split"),
    (mutate("article", "a"), "article"),
])
def test_validator_cases(gold: dict[str, Any], expected_problem: str | None) -> None:
    found = problems(gold)
    if expected_problem is None:
        assert found == []
    else:
        assert any(expected_problem in p for p in found), found


@pytest.mark.parametrize("name, text, near", [
    ("Association of Flight Attendants", "the Association of Flight Attendants said", True),
    ("AFL-CIO", "the federation, the AFL-CIO, voted", True),
    ("National Nurses United", "NNU director RoseAnn DeMoro", True),
    ("Democracy for America", "DFA spokesman Neil Sroka", False),  # "for" is a stop word, as in score_gold.py
    ("Joe Lieberman", "Sen. Lieberman spoke", True),
    ("Joe Lieberman", "Sen. Ned Lamont spoke", False),
])
def test_name_keys_cases(name: str, text: str, near: bool) -> None:
    assert bool(name_keys(name) & set(words(text))) is near


def test_gold_set_size_and_mix() -> None:
    assert len(GOLD_FILES) >= 45
    splits = [load(p)["split"] for p in GOLD_FILES]
    assert splits.count("train") >= 30 and splits.count("dev") >= 10
    statuses = {e["status"] for p in GOLD_FILES for e in load(p)["endorsements"]}
    assert {"endorsed", "declined", "undecided", "supports", "opposes"} <= statuses
    assert any(not load(p)["endorsements"] for p in GOLD_FILES), "want some articles with no endorsement"


@pytest.mark.parametrize("path", GOLD_FILES, ids=[p.name[:40] for p in GOLD_FILES])
def test_gold_schema(path: Path) -> None:
    assert problems(load(path), path.name[: -len(".gold.json")]) == []


@pytest.mark.parametrize("path", GOLD_FILES, ids=[p.name[:40] for p in GOLD_FILES])
def test_gold_offsets(path: Path) -> None:
    gold = load(path)
    text = article_text(gold)
    for e in gold["endorsements"]:
        start, end = e["evidence_span"]
        assert end <= len(text), e
        assert text[start:end].strip() == text[start:end], f"evidence span has outer spaces: {e}"
        window = set(words(text[max(0, start - NEAR):end + NEAR]))
        for key in ("endorser", "endorsee"):
            # an op-ed writer endorsing in the first person is named only in the byline
            where = set(words(text)) if key == "endorser" and e.get("first_person") else window
            assert name_keys(e[key]) & where, f"{e[key]!r} not named near {text[start:end]!r}"
    for p in gold["people"]:
        start, end = p["span"]
        assert end <= len(text), p
        assert name_keys(p["name"]) & set(words(text[start:end])), f"{p['name']!r} span is {text[start:end]!r}"


def test_scorer_round_trip(tmp_path: Path) -> None:
    """Gold turned into predictions scores 1.0 through eval/score_gold_dir.py."""
    scorer_path = SHARED / "eval" / "score_gold.py"
    if not scorer_path.is_file():
        pytest.skip(f"shared scorer not found: {scorer_path}")
    wrapper = load_script("eval/score_gold_dir.py")
    preds = {}
    for path in GOLD_FILES:
        g = load(path)
        preds[g["article"][:-4]] = {
            "people": [{"name": p["name"], "titles": [{"title": t} for t in p["titles"]]} for p in g["people"]],
            "endorsements": [e for e in g["endorsements"] if not e.get("optional")]}
    gold = wrapper.load_gold(GOLD_DIR)
    result = wrapper.score(gold, preds, wrapper.load_scorer(scorer_path))
    assert result["endorsements"]["f1"] == 1.0 and result["people"]["f1"] == 1.0
    # flipping every status to one it is not must lose all required endorsements
    for rec in preds.values():
        rec["endorsements"] = [dict(e, status="withdrawn" if e["status"] != "withdrawn" else "opposes")
                               for e in rec["endorsements"]]
    result = wrapper.score(gold, preds, wrapper.load_scorer(scorer_path))
    assert result["endorsements"]["tp"] == 0
