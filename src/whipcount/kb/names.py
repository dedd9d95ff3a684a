"""Person-name normalisation and variants for knowledge-base linking.

Names are compared in a *folded* form: accents stripped, case folded, periods and apostrophes
dropped, hyphens turned into spaces (``"O’Sullivan"`` → ``"osullivan"``, ``"Ocasio-Cortez"`` →
``"ocasio cortez"``). A name is split into first, middle, last, suffix and a quoted nickname by
:func:`parse_name`.

Indexing is asymmetric on purpose. A knowledge-base name is indexed under every variant of its
given name (:func:`name_keys`: "Christopher Dodd" under "christopher dodd", "chris dodd",
"kit dodd", ...), while a name from an article is looked up as written (:func:`query_keys`:
"Chris Dodd" → "chris dodd"). Expanding both sides would match "Christine" with "Christopher"
through their shared nickname "Chris".

The nickname table is ``whipcount/nlp/data/nicknames.tsv`` (one ``nickname<TAB>formal`` pair a
line); suffixes and honorifics are in ``whipcount/kb/data/name_affixes.tsv``.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

LOGGER = logging.getLogger(__name__)

NICKNAMES_PATH = Path(__file__).resolve().parents[1] / "nlp" / "data" / "nicknames.tsv"
AFFIXES_PATH = Path(__file__).resolve().parent / "data" / "name_affixes.tsv"

_QUOTED = re.compile(
    r"[\"“”„«»]([^\"“”„«»]+)[\"“”„«»]|\(([A-Z][a-z]+)\)|(?<!\w)[‘'](\w[\w .-]*\w)[’'](?!\w)")
_APOSTROPHES = re.compile(r"[’'`´ʼ‘]")
_NON_WORD = re.compile(r"[^\w\s]+")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1 << 17)
def fold(text: str) -> str:
    """Fold a name for comparison: no accents, case folded, no punctuation, single spaces."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _APOSTROPHES.sub("", text.casefold())
    text = text.replace(".", " ").replace("-", " ").replace("‐", " ").replace("–", " ")
    text = _NON_WORD.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def _read_table(path: Path) -> list[list[str]]:
    rows: list[list[str]] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            rows.append([part.strip() for part in line.split("\t")])
    return rows


@dataclass(frozen=True)
class NicknameTable:
    """Nickname ↔ formal given names, both folded."""

    formal_of: dict[str, frozenset[str]]
    nicknames_of: dict[str, frozenset[str]]

    def variants(self, given: str) -> set[str]:
        """``given`` (folded) plus its formal names, its nicknames, and the formal names' nicknames."""
        out = {given}
        formals = set(self.formal_of.get(given, ())) | {given}
        out |= formals
        for formal in formals:
            out |= self.nicknames_of.get(formal, frozenset())
        return out


@lru_cache(maxsize=4)
def load_nicknames(path: Path = NICKNAMES_PATH) -> NicknameTable:
    """Read the nickname table (cached)."""
    formal_of: dict[str, set[str]] = {}
    nicknames_of: dict[str, set[str]] = {}
    for row in _read_table(path):
        if len(row) < 2:
            LOGGER.warning("%s: skipping malformed line %r", path, row)
            continue
        nick, formal = fold(row[0]), fold(row[1])
        formal_of.setdefault(nick, set()).add(formal)
        nicknames_of.setdefault(formal, set()).add(nick)
    return NicknameTable({k: frozenset(v) for k, v in formal_of.items()},
                         {k: frozenset(v) for k, v in nicknames_of.items()})


@lru_cache(maxsize=1)
def _affixes() -> tuple[frozenset[str], tuple[str, ...]]:
    suffixes: set[str] = set()
    honorifics: list[str] = []
    for row in _read_table(AFFIXES_PATH):
        if len(row) >= 2 and row[0] == "suffix":
            suffixes.add(fold(row[1]))
        elif len(row) >= 2 and row[0] == "honorific":
            honorifics.append(fold(row[1]))
    # Longest first, so "the honorable" goes before "hon".
    return frozenset(suffixes), tuple(sorted(honorifics, key=len, reverse=True))


@dataclass
class ParsedName:
    """A name split into folded parts. ``middle`` holds every token between first and last."""

    first: str = ""
    middle: list[str] = field(default_factory=list)
    last: str = ""
    suffix: str = ""
    nickname: str = ""

    @property
    def has_given(self) -> bool:
        """True when the name has a given name (or initial) besides the surname."""
        return bool(self.first) and bool(self.last)

    @property
    def first_is_initial(self) -> bool:
        """True when the first name is a single letter ("J. Danforth Quayle")."""
        return len(self.first) == 1

    @property
    def middle_initials(self) -> str:
        """The initial letters of the middle names (``"i"`` for "Joseph I. Lieberman")."""
        return "".join(m[0] for m in self.middle if m)


def _strip_honorifics(folded: str) -> str:
    _, honorifics = _affixes()
    changed = True
    while changed:
        changed = False
        for h in honorifics:
            if folded.startswith(h + " "):
                folded = folded[len(h) + 1:]
                changed = True
    return folded


def parse_name(name: str) -> ParsedName:
    """Split a person's name into folded parts.

    Handles "First M. Last", "Last, First M.", "First Last, Jr.", quoted or bracketed nicknames
    (``Eric A. "Rick" Crawford``) and leading honorifics (Mr., Dr.). A single word is a surname.
    """
    suffixes, _ = _affixes()
    nickname = ""
    m = _QUOTED.search(name)
    if m:
        nickname = fold(next(g for g in m.groups() if g))
        name = name[:m.start()] + " " + name[m.end():]
    parts = [p.strip() for p in name.split(",") if p.strip()]
    suffix = ""
    # Trailing ", Jr." parts are suffixes; one remaining comma means "Last, First".
    while len(parts) > 1 and fold(parts[-1]) in suffixes:
        suffix = fold(parts.pop())
    if len(parts) == 2:
        name = parts[1] + " " + parts[0]
    else:
        name = " ".join(parts)
    tokens = _strip_honorifics(fold(name)).split()
    while len(tokens) > 1 and tokens[-1] in suffixes:
        suffix = suffix or tokens[-1]
        tokens.pop()
    if not tokens:
        return ParsedName(nickname=nickname, suffix=suffix)
    if len(tokens) == 1:
        return ParsedName(last=tokens[0], suffix=suffix, nickname=nickname)
    return ParsedName(first=tokens[0], middle=tokens[1:-1], last=tokens[-1],
                      suffix=suffix, nickname=nickname)


def surname_forms(last: str) -> set[str]:
    """A folded surname and, for a compound one ("wasserman schultz"), its final word."""
    last = fold(last)
    if not last:
        return set()
    forms = {last}
    words = last.split()
    if len(words) > 1:
        forms.add(words[-1])
    return forms


def name_keys(name: str | ParsedName, extra_given: tuple[str, ...] = (),
              nicknames: NicknameTable | None = None) -> set[str]:
    """Index keys ("given surname", folded) for a knowledge-base name, over all given-name variants.

    ``extra_given`` adds given names known from elsewhere (a KB's nickname field). When the first
    name is an initial ("J. Danforth Quayle") the middle name is indexed as a given name too.
    """
    parsed = parse_name(name) if isinstance(name, str) else name
    if not parsed.last:
        return set()
    table = nicknames or load_nicknames()
    given: set[str] = set()
    for g in (parsed.first, parsed.nickname, *extra_given):
        g = fold(g) if g else ""
        if not g:
            continue
        first_word = g.split()[0]
        given |= table.variants(first_word)
        given.add(first_word[0])
    if parsed.first_is_initial and parsed.middle and len(parsed.middle[0]) > 1:
        given |= table.variants(parsed.middle[0])
    keys = set()
    for surname in surname_forms(parsed.last):
        keys |= {f"{g} {surname}" for g in given}
    return keys


def query_keys(name: str | ParsedName) -> set[str]:
    """Lookup keys for a name as written in an article (no nickname expansion).

    The surname may be the last word or, for compound surnames, the last two words or everything
    after the first name ("Debbie Wasserman Schultz").
    """
    parsed = parse_name(name) if isinstance(name, str) else name
    if not parsed.has_given:
        return set()
    keys: set[str] = set()
    givens = [parsed.first]
    if parsed.nickname:
        givens.append(parsed.nickname.split()[0])
    if parsed.first_is_initial and parsed.middle and len(parsed.middle[0]) > 1:
        givens.append(parsed.middle[0])
    surnames = {parsed.last}
    long_middle = [m for m in parsed.middle if len(m) > 1]
    if long_middle:
        surnames.add(f"{long_middle[-1]} {parsed.last}")
        surnames.add(" ".join([*long_middle, parsed.last]))
    for g in givens:
        keys |= {f"{g} {s}" for s in surnames}
    return keys


def given_match(query_first: str, known_given: set[str], nicknames: NicknameTable | None = None) -> str | None:
    """How a query's first name matches a person's known given names (all folded).

    Returns ``"exact"`` (same name), ``"variant"`` (through the nickname table), ``"initial"``
    (the query is an initial that fits) or None.
    """
    if not query_first:
        return None
    if query_first in known_given:
        return "exact"
    if len(query_first) == 1:
        return "initial" if any(g.startswith(query_first) for g in known_given) else None
    table = nicknames or load_nicknames()
    for g in known_given:
        if len(g) > 1 and query_first in table.variants(g):
            return "variant"
    return None
