"""Text repair (whipcount.prepare): tables of messy news text and the repaired copy, the founding
example article, the offset map, and property tests of the map on random text.

Every text here is written for these tests in the style of scraped news.
"""

from __future__ import annotations

import time
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from whipcount.prepare import Prepared, apply_edits, prepare

# --------------------------------------------------------------------------- quote marks

QUOTES = [
    # a closing mark written as an opening one, glued to the next sentence
    ("“We stood with them.“Smith’s record helped, he said.",
     "“We stood with them.” Smith’s record helped, he said."),
    ("a campaign “run better than ever seen.“Swan denied it.",
     "a campaign “run better than ever seen.” Swan denied it."),
    # no quote open: the same glued mark is an opener
    ("He left.“We will win,” she said.", "He left. “We will win,” she said."),
    ("“Done,” he said.“Next one.”", "“Done,” he said. “Next one.”"),
    # an opening mark in closing position
    ("“We will win,“ she said.", "“We will win,” she said."),
    ("“Yes.“\n\nNext paragraph.", "“Yes.”\n\nNext paragraph."),
    # a closing mark used as an opener
    ("She called it ”a disgrace.”", "She called it “a disgrace.”"),
    ("“Social engineering,” ”like that,” he said.", "“Social engineering,” “like that,” he said."),
    # straight marks by context
    ('"We will win," she said. "Then we rest."', "“We will win,” she said. “Then we rest.”"),
    ('He called it "a mess" twice.', "He called it “a mess” twice."),
    ('a 12" pipe', 'a 12" pipe'),
    # doubled single marks as double marks
    ("''It's over,'' he said.", "“It's over,” he said."),
    ("a ``grand bargain'' deal", "a “grand bargain” deal"),
    # nested single marks
    ("“Joe’s words were, ‘You can do it,’” Proto said.", "“Joe’s words were, ‘You can do it,’” Proto said."),
    ('"She said, \'no way,\'" he recalled.', "“She said, ‘no way,’” he recalled."),
    ("Trends Are 'Terrifying.'", "Trends Are ‘Terrifying.’"),
    ("Trump 'absolutely right' on it", "Trump ‘absolutely right’ on it"),
    # apostrophes stay apostrophes (and a wrongly curled one is turned)
    ("the workers’ union and the unions' members", "the workers’ union and the unions' members"),
    ("rock ‘n’ roll in ‘06 and the '90s", "rock ’n’ roll in ’06 and the '90s"),
    ("Ava’s ‘13th’ film", "Ava’s ‘13th’ film"),
    ("don`t", "don't"),
    ("O‘Brien said", "O’Brien said"),
    # quotes never run across a line
    ("“Open\n“Again,” he said.", "“Open\n“Again,” he said."),
]

# --------------------------------------------------------------------------- missing spaces

SPACES = [
    ("doorknocking during elections.The gang met.", "doorknocking during elections. The gang met."),
    ("than war.For Lamont to win", "than war. For Lamont to win"),
    ("race,” Filson said.The Communications Workers", "race,” Filson said. The Communications Workers"),
    ("for us.”Lieberman stood", "for us.” Lieberman stood"),
    ("Really?Yes.", "Really? Yes."),
    ("Hispanic woman....I’d rather", "Hispanic woman.... I’d rather"),
    ("he said,“We can,” and left", "he said, “We can,” and left"),
    ("a thing,”Proto said", "a thing,” Proto said"),
    # left alone: abbreviations, initials, decimals, URLs, state codes
    ("Lt. Gov. Kevin Sullivan and U.S. Sen. Chris Dodd", "Lt. Gov. Kevin Sullivan and U.S. Sen. Chris Dodd"),
    ("at 3 p.m.The vote", "at 3 p.m.The vote"),
    ("J.D. Vance and J.D.Vance", "J.D. Vance and J.D.Vance"),
    ("a 3.5 percent rise", "a 3.5 percent rise"),
    ("see www.Example.com now", "see www.Example.com now"),
    ("a Ph.D.Student", "a Ph.D.Student"),
    ("e.g.The rest", "e.g.The rest"),
    ("Rep. Jim Clyburn (D-S.C.), the leader", "Rep. Jim Clyburn (D-S.C.), the leader"),
    ("Gov.Malloy and Mr.Smith", "Gov.Malloy and Mr.Smith"),
    ("see Politico.Com/story", "see Politico.Com/story"),
    ('<tweet id="123">', "<tweet id=“123”>"),
]

# --------------------------------------------------------------------------- characters and junk

CHARS = [
    ("Hillary\u00a0Clinton", "Hillary Clinton"),
    ("9\u202fa.m. and 5\u2009p.m.", "9 a.m. and 5 p.m."),
    ("zero\u200bwidth\ufeff and soft\u00adhyphen", "zerowidth and softhyphen"),
    # a direction mark pasted before a quote mark hides it from the quote scanner
    ("\u202a\u201dWe will rebuild,\u201d\u200e said Ana Ruiz.", "\u201cWe will rebuild,\u201d said Ana Ruiz."),
    ("line one\r\nline two\rline three", "line one\nline two\nline three"),
    ("Jose\u0301 Pe\u0301rez", "José Pérez"),
    ("para\u2029next", "para\nnext"),
    ("\u1100\u1161\u11a8'\u1100\u1161", "\uac01'\uac00"),
]

JUNK = [
    ("First paragraph.\nAdvertisement\nSecond paragraph.", "First paragraph.\n\nSecond paragraph."),
    ("One.\n\nADVERTISEMENT\n\nTwo.", "One.\n\n\n\nTwo."),
    ("One.\nShare this:\nClick to share on Twitter (Opens in new window)\nTwo.", "One.\n\n\nTwo."),
    ("One.\nRead more: Lamont hires a new manager\nTwo.", "One.\n\nTwo."),
    ("One.\n  Related:  \nTwo.", "One.\n\nTwo."),
    ("One.\nSign up for our daily politics newsletter\nTwo.", "One.\n\nTwo."),
    ("One.\nContinue reading below\nTwo.", "One.\n\nTwo."),
    ("One.\nImage: Getty\nPhoto by Jane Roe / AP\nGetty/Instagram.\nTwo.", "One.\n\n\n\nTwo."),
    ("One.\nStory continues below advertisement\nTwo.", "One.\n\nTwo."),
    # article text that merely starts like junk stays
    ("Advertisement spending rose in the race.", "Advertisement spending rose in the race."),
    ("Read more books, the mayor said.", "Read more books, the mayor said."),
    ("Related: the two races are close, he said. Very close. And more.",
     "Related: the two races are close, he said. Very close. And more."),
]


@pytest.mark.parametrize(("text", "expected"), QUOTES + SPACES + CHARS + JUNK)
def test_repairs(text: str, expected: str) -> None:
    assert prepare(text).text == expected


# --------------------------------------------------------------------------- captions

CAPTIONS = [
    # "(l-r)" caption glued to the paragraph before it
    ("with a reputation for doorknocking during elections.The gang’s all here (l-r): Lt. Gov. Kevin "
     "Sullivan, Mayor Eddie Perez and U.S. Sen. Chris Dodd.\n\nNext.",
     "with a reputation for doorknocking during elections.\n\nThe gang’s all here (l-r): Lt. Gov. Kevin "
     "Sullivan, Mayor Eddie Perez and U.S. Sen. Chris Dodd.\n\nNext.",
     ["The gang’s all here (l-r): Lt. Gov. Kevin Sullivan, Mayor Eddie Perez and U.S. Sen. Chris Dodd."]),
    # "Name: phrase" glued on both sides
    ("“We don’t forget friends.”UNITE-HERE’s Robert Proto: Friendship beats war.For Lamont to win, he needs labor.",
     "“We don’t forget friends.”\n\nUNITE-HERE’s Robert Proto: Friendship beats war.\n\nFor Lamont to win, he needs labor.",
     ["UNITE-HERE’s Robert Proto: Friendship beats war."]),
    # verbless "Name, description." with one glued side
    ("“We will stick with Joe,” Swan said. Ned Lamont, Lieberman’s primary challenger.Another union waits.",
     "“We will stick with Joe,” Swan said.\n\nNed Lamont, Lieberman’s primary challenger.\n\nAnother union waits.",
     ["Ned Lamont, Lieberman’s primary challenger."]),
    ("“We will win,” said Mayor Ann Ruiz.“Nobody doubts it.“The crowd cheered.Photo: Ruiz at the rally.",
     "“We will win,” said Mayor Ann Ruiz. “Nobody doubts it.” The crowd cheered.\n\nPhoto: Ruiz at the rally.",
     ["Photo: Ruiz at the rally."]),
    # a caption alone on its line is reported, the text is left as it is
    ("Sen. Chris Dodd (left) and Joe Lieberman at the rally.\nThe rally went on.",
     "Sen. Chris Dodd (left) and Joe Lieberman at the rally.\nThe rally went on.",
     ["Sen. Chris Dodd (left) and Joe Lieberman at the rally."]),
    # not captions: sentences with verbs, commas, openers, no glue, inside a quote
    ("He spoke.Ned Lamont, the challenger, was there.", "He spoke. Ned Lamont, the challenger, was there.", []),
    ("It rained.Joe Lieberman, however, stayed.", "It rained. Joe Lieberman, however, stayed.", []),
    ("The rally ended.Ned Lamont campaigned in Hartford.", "The rally ended. Ned Lamont campaigned in Hartford.", []),
    ("The vote was close.Bottom line: we won.", "The vote was close. Bottom line: we won.", []),
    ("Tuesday.Update: The Senate passed it.", "Tuesday. Update: The Senate passed it.", []),
    ("the question.CHRIS WALLACE: Why now?", "the question. CHRIS WALLACE: Why now?", []),
    ("He left.Joe Lieberman, the senator who endorsed him.", "He left. Joe Lieberman, the senator who endorsed him.", []),
    ("Ned Lamont, Lieberman’s challenger.", "Ned Lamont, Lieberman’s challenger.", []),
    ("“We came.Bob Smith, our leader.Then we left,” he said.",
     "“We came. Bob Smith, our leader. Then we left,” he said.", []),
    ("The race is tight.But Lamont, a newcomer.", "The race is tight. But Lamont, a newcomer.", []),
]


@pytest.mark.parametrize(("text", "expected", "captions"), CAPTIONS)
def test_captions(text: str, expected: str, captions: list[str]) -> None:
    p = prepare(text)
    assert p.text == expected
    assert [text[s:e] for s, e in p.captions] == captions
    assert [p.text[s:e] for s, e in p.captions_prepared] == captions


# --------------------------------------------------------------------------- the offset map

ENGINE = [
    # (text, edits, expected text, expected offsets, expected ends)
    ("abc", [], "abc", [0, 1, 2, 3], [1, 2, 3]),
    ("a.B", [(2, 2, " ")], "a. B", [0, 1, 2, 2, 3], [1, 2, 2, 3]),
    ("a\u00adb", [(1, 2, "")], "ab", [0, 2, 3], [1, 3]),
    ("x''y", [(1, 3, "“")], "x“y", [0, 1, 3, 4], [1, 3, 4]),
    ("ab", [(1, 1, "\n\n")], "a\n\nb", [0, 1, 1, 1, 2], [1, 1, 1, 2]),
    ("a b", [(1, 2, "\n\n")], "a\n\nb", [0, 1, 1, 2, 3], [1, 2, 2, 3]),
    ("ab", [(2, 2, "!")], "ab!", [0, 1, 2, 2], [1, 2, 2]),
    # conflicts: the second insertion at a point and an overlapping edit are dropped
    ("ab", [(1, 1, "X"), (1, 1, "Y")], "aXb", [0, 1, 1, 2], [1, 1, 2]),
    ("abc", [(0, 2, "Z"), (1, 2, "Q")], "Zc", [0, 2, 3], [2, 3]),
]


@pytest.mark.parametrize(("text", "edits", "expected", "offsets", "ends"), ENGINE)
def test_apply_edits(text: str, edits: list[tuple[int, int, str]], expected: str,
                     offsets: list[int], ends: list[int]) -> None:
    out, off, end, _ = apply_edits(text, list(range(len(text) + 1)), list(range(1, len(text) + 1)), edits)
    assert (out, list(off), list(end)) == (expected, offsets, ends)


MAPPING = [
    # (original, a piece of the repaired text, the original it maps to)
    ("said.The gang", "The", "The"),
    ("said.The gang", ". ", "."),           # a span ending on the inserted space stops before it
    ("said.The gang", " The", "The"),       # one starting on it starts at the next character
    ("Jose\u0301 said", "José", "Jose\u0301"),
    ("Jose\u0301 said", "é", "e\u0301"),
    ("''Yes,'' he said", "“Yes,”", "''Yes,''"),
    ("One.\nAdvertisement\nTwo.", "\n\nTwo", "\nAdvertisement\nTwo"),
    ("“Stood with us.“Lieberman’s stand", "Lieberman", "Lieberman"),
    ("“Stood with us.“Lieberman’s stand", "us.” L", "us.“L"),
    ("us.“Lieberman’s stand", "us. “L", "us.“L"),
]


@pytest.mark.parametrize(("original", "piece", "expected"), MAPPING)
def test_to_original(original: str, piece: str, expected: str) -> None:
    p = prepare(original)
    i = p.text.index(piece)
    s, e = p.to_original(i, i + len(piece))
    assert original[s:e] == expected


def test_to_original_of_inserted_text_is_empty() -> None:
    p = prepare("war.For Lamont")
    i = p.text.index(" ")
    assert p.to_original(i, i + 1) == (4, 4)
    assert p.to_original(3, 3) == (3, 3)
    assert p.to_original(-5, 99) == (0, len(p.original))


@pytest.mark.parametrize(("original", "part", "expected"), [
    ("said.The gang", "The", "The"),
    ("Jose\u0301 said", "e\u0301", "é"),
    ("Jose\u0301 said", "\u0301", "é"),      # part of a composed character gives the character
    ("One.\nAdvertisement\nTwo.", "Advertisement", ""),
    ("One.\nAdvertisement\nTwo.", "\nAdvertisement\nTwo", "\n\nTwo"),
    ("Hillary\u00a0Clinton", "Clinton", "Clinton"),
])
def test_to_prepared(original: str, part: str, expected: str) -> None:
    p = prepare(original)
    i = original.index(part)
    s, e = p.to_prepared(i, i + len(part))
    assert p.text[s:e] == expected


def test_prepared_keeps_the_scaffold_constructor() -> None:
    p = Prepared("abc", "abc", [0, 1, 2, 3])
    assert p.to_original(0, 2) == (0, 2)
    assert p.to_prepared(1, 3) == (1, 3)
    with pytest.raises(ValueError):
        Prepared("abc", "abc", [0, 1])


# --------------------------------------------------------------------------- the founding example


def test_example_article(shared_dir: Path) -> None:
    original = (shared_dir / "examples" / "lieberman-labor-rally.txt").read_text(encoding="utf-8")
    p = prepare(original)
    for repaired in [
        "side by side with us.” Lieberman’s stand",
        "war in Iraq. “Joe’s words",
        "ever seen.” Swan denied",
        "Lamont is running. “We understood",
        "Filson said. The Communications",
        "during elections.\n\nThe gang’s all here (l-r)",
        "Chris Dodd.\n\n“I have",
        "stand up for us.”\n\nUNITE-HERE’s Robert Proto: Friendship is stronger than war.\n\nFor Lamont",
        "Swan said.\n\nNed Lamont, Lieberman’s primary challenger.\n\nAnother large",
        "SEIU’s state council. “We’re sympathetic",
        "challenger. Without active",
    ]:
        assert repaired in p.text, repaired
    assert [original[s:e] for s, e in p.captions] == [
        "The gang’s all here (l-r): Lt. Gov. Kevin Sullivan, House Speaker James Amann, Stamford Mayor "
        "Dannel Malloy, Hartford Mayor Eddie Perez, Lieberman and U.S. Sen. Chris Dodd.",
        "UNITE-HERE’s Robert Proto: Friendship is stronger than war.",
        "Ned Lamont, Lieberman’s primary challenger.",
    ]
    # the quote of output-schema.md maps back to its documented span
    i = p.text.index("I have a different stance")
    j = p.text.index(",”", i) + 1
    assert p.to_original(i, j) == (627, 673)
    # every quoted passage's content maps back to the same characters
    for start in [k + 1 for k, c in enumerate(p.text) if c == "“"]:
        end = p.text.index("”", start)
        s, e = p.to_original(start, end)
        assert original[s:e] == p.text[start:end].replace("\n", "")


def test_dev_articles_fast_and_consistent(shared_dir: Path) -> None:
    files = sorted((shared_dir / "data" / "polnear" / "dev" / "text").glob("*.txt"))
    if not files:
        pytest.skip("no PolNeAR dev articles in shared")
    texts = [f.read_text(encoding="utf-8") for f in files]
    prepare("warm up.The regexes")
    t0 = time.perf_counter()
    done = [prepare(t) for t in texts]
    per_article = (time.perf_counter() - t0) / len(texts)
    assert per_article < 0.05, f"{per_article * 1000:.1f} ms per article"
    for original, p in zip(texts, done):
        _check_map(original, p)


# --------------------------------------------------------------------------- properties

_QUOTE_CHARS = set("\"'`“”‘’")
_REMOVED = set("\u200b\ufeff\u00ad\u2060\u202a\u200e")
_ALPHABET = list("abT L.,;:!?()-0123456789\n \"'`“”‘’") + [
    "\u00a0", "\u2009", "\u202f", "\u200b", "\ufeff", "\u202a", "\u200e", "\u00ad", "\u0301", "\u0308", "\r", "\u2028", "e", "A"]
_FRAGMENTS = ["Advertisement", "\nShare this:\n", "elections.The", "(l-r)", "U.S.", "''", "``", "Ned Lamont, ",
              "Photo: ", "Name Name: ", "us.“Lie", "’06", "rock ’n’ roll", "p.m.", "www.X.com", "\r\n", "\u1100\u1161"]
_TEXTS = st.lists(st.one_of(st.sampled_from(_ALPHABET), st.sampled_from(_FRAGMENTS)), max_size=60).map("".join)


def _check_map(original: str, p: Prepared) -> None:
    text, off, ends = p.text, p.offsets, p.ends
    assert ends is not None
    n = len(text)
    assert p.original == original
    assert len(off) == n + 1 and len(ends) == n
    assert off[n] == len(original)
    assert all(0 <= o <= len(original) for o in off)
    assert all(off[i] <= off[i + 1] for i in range(n))
    assert all(ends[i] <= ends[i + 1] for i in range(n - 1))
    assert all(off[i] <= ends[i] <= len(original) for i in range(n))
    for i, c in enumerate(text):
        source = original[off[i]:ends[i]]
        if source == c:
            continue
        if ends[i] == off[i]:
            assert c in " \n", f"inserted {c!r}"          # only spaces and breaks are inserted
        elif c in _QUOTE_CHARS:
            assert set(source) - _REMOVED <= _QUOTE_CHARS, (c, source)
        elif c in " \n":
            assert len(source) == 1 and (source in "\r\u2028\u2029\u0085" or unicodedata.category(source) == "Zs")
        else:
            kept = "".join(ch for ch in source if ch not in _REMOVED)  # a ZWSP between base and mark
            assert c in unicodedata.normalize("NFC", kept), (c, source)
    for s, e in p.captions:
        assert 0 <= s < e <= len(original)


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_map_properties(original: str) -> None:
    p = prepare(original)
    _check_map(original, p)
    n = len(p.text)
    for start in range(n + 1):
        for end in range(start, n + 1, 3):
            s, e = p.to_original(start, end)
            assert 0 <= s <= e <= len(original)
    for start in range(len(original) + 1):
        s, e = p.to_prepared(start, min(start + 4, len(original)))
        assert 0 <= s <= e <= n


@settings(max_examples=200, deadline=None)
@given(_TEXTS)
def test_unedited_characters_are_the_original(original: str) -> None:
    """Outside quote marks, spaces, breaks and NFC, every character is the one it maps to."""
    p = prepare(original)
    assert p.ends is not None
    for i, c in enumerate(p.text):
        if c in _QUOTE_CHARS or c in " \n" or p.ends[i] - p.offsets[i] != 1:
            continue
        assert original[p.offsets[i]] == c
