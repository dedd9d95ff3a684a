"""The stand-ins for the model's attribute ruler and lemmatizer give exactly the model's output."""

from __future__ import annotations

from pathlib import Path

import numpy
import pytest

spacy = pytest.importorskip("spacy")

from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, LEMMA, MORPH, POS, TAG  # noqa: E402

from whipcount.config import DEFAULT_MODEL  # noqa: E402
from whipcount.nlp import fastpath  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
COLUMNS = [TAG, POS, MORPH, LEMMA, DEP, HEAD, ENT_IOB, ENT_TYPE]

# Written here, in the style of the news, to reach the ruler's rarer patterns: contractions,
# dialect spellings ("gonna", "y'all", "doin'"), a lone "'d", "ain't", curly apostrophes.
MESSY = [
    "“We ain’t gonna let ’em close the plant,” said Rep. Dana Whitcombe. “Y'all know I'd fight.”",
    "He's doin' fine, she'd said, but they're not sure what's comin' next; let's wait, c'mon.",
    "Sen. Ruiz wouldn't say whether he'll run. “I can't and I won't,” he said. Nothin' more.",
    "The union’s leaders, who’d backed him in 2016, got ta work: 'nuff said, ol' timers say.",
    "  \n\nMayor Ferraro (D)  shall not, cannot, will not — wo n't — ca n't sha n't.\n",
]


def _texts() -> list[tuple[str, str]]:
    out = [(f"messy-{i}", t) for i, t in enumerate(MESSY)]
    for p in sorted((REPO / "src" / "whipcount" / "samples").glob("*.txt")):
        out.append((p.name, p.read_text(encoding="utf-8")))
    example = SHARED / "examples" / "lieberman-labor-rally.txt"
    if example.exists():
        out.append((example.name, example.read_text(encoding="utf-8")))
    dev = SHARED / "data" / "polnear" / "dev" / "text"
    for p in sorted(dev.glob("*.txt"))[:25] if dev.is_dir() else []:
        out.append((p.name, p.read_text(encoding="utf-8")))
    return out


@pytest.fixture(scope="module")
def pipelines() -> tuple[object, object]:
    try:
        model = spacy.load(DEFAULT_MODEL)
    except OSError:
        pytest.skip(f"the model {DEFAULT_MODEL} is not installed")
    fast = spacy.load(DEFAULT_MODEL)
    fastpath.use_fast_path(fast)
    assert "whipcount_fast_attributes" in fast.pipe_names and "attribute_ruler" in fast.disabled
    assert fast.get_pipe("whipcount_fast_attributes").supported
    return model, fast


@pytest.mark.parametrize("name, text", _texts(), ids=[n for n, _ in _texts()])
def test_same_annotations_as_the_model(pipelines: tuple[object, object], name: str, text: str) -> None:
    model, fast = pipelines
    a, b = model(text), fast(text)  # type: ignore[operator]
    x, y = a.to_array(COLUMNS), b.to_array(COLUMNS)
    if not numpy.array_equal(x, y):
        i, c = numpy.argwhere(x != y)[0]
        pytest.fail(f"{name}: token {a[int(i)].text!r} differs in column {COLUMNS[int(c)]}: "
                    f"{a[int(i)].lemma_!r}/{a[int(i)].pos_} vs {b[int(i)].lemma_!r}/{b[int(i)].pos_}")


def test_a_pattern_it_cannot_read_hands_over_to_the_ruler() -> None:
    try:
        nlp = spacy.load(DEFAULT_MODEL)
    except OSError:
        pytest.skip(f"the model {DEFAULT_MODEL} is not installed")
    ruler = nlp.get_pipe("attribute_ruler")
    ruler.add([[{"SHAPE": "Xxxxx"}, {"LOWER": "said"}]], {"LEMMA": "someone"})  # SHAPE: not handled
    text = "Whitcombe said no. Ferraro said yes."
    expected = nlp(text)
    fastpath.use_fast_path(nlp)
    assert not nlp.get_pipe("whipcount_fast_attributes").supported
    got = nlp(text)
    assert [t.lemma_ for t in got] == [t.lemma_ for t in expected]
    assert got[0].lemma_ == "someone"


# lexicon.alternation: a prefix-tree pattern that matches what the flat longest-first
# alternation matches, at the same places (titles and offices are found with it).
ALTERNATION_CASES = [
    (["gov", "gov.", "governor", "lieutenant governor", "lt. gov."],
     "Lt.  Gov. Kevin Sullivan met the Governor and Lieutenant\\ngovernor-elect; GOV. Rell left."),
    (["state senator", "state", "senator", "sen.", "sen"], "State Sen. Ruiz, a state senator, senses it."),
    (["a", "ab", "abc"], "abcd ab a b abc"),
    (["Local", "Locals"], "Carpenters Locals 43 and 24 and Local 35; local news"),
    ([], "nothing to find"),
]


@pytest.mark.parametrize("words, text", ALTERNATION_CASES)
def test_alternation_matches_as_the_flat_pattern(words: list[str], text: str) -> None:
    import re

    from whipcount.nlp.lexicon import alternation

    flat = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(
        {w.lower() for w in words}, key=len, reverse=True)) or "(?!)"
    text = text.replace("\\n", "\n")
    for body in (flat, alternation(words)):
        assert re.compile(body, re.IGNORECASE)  # both compile
    found = [[m.span() for m in re.finditer(rf"(?<![\w.])(?:{body})(?![\w\-])", text, re.IGNORECASE)]
             for body in (flat, alternation(words))]
    assert found[0] == found[1]
    assert bool(found[0]) == bool(words)  # every text holds matches of its words


def test_cues_by_sentence_gives_only_sentences_with_cues(pipelines: tuple[object, object]) -> None:
    from whipcount.nlp.extensions import cues_by_sentence

    _, fast = pipelines
    doc = fast("The union endorsed Lamont. It rained. Proto said he backs him. Nothing else.")  # type: ignore[operator]
    got = [(sent.text, [t.text for t in toks]) for sent, toks in cues_by_sentence(doc, {"endorse", "back", "say"})]
    assert got == [("The union endorsed Lamont.", ["endorsed"]),
                   ("Proto said he backs him.", ["said", "backs"])]
    assert list(cues_by_sentence(doc, {"veto"})) == []
