"""Faster stand-ins for two of the English model's components, with the same output.

The model's ``attribute_ruler`` (parts of speech and morphology from the tagger's tags, plus
exceptions) and its rule ``lemmatizer`` spend most of their time in Python work a token: a
Span and a Token object a match, a string set a lemma. Together they took a fifth of the
pipeline's time. The stand-ins keep the model's own components and data (they are disabled,
not removed) and compute the same values over whole arrays:

- :class:`FastAttributes` reads the arrays of tags, lowercase forms, dependencies and spaces
  once (every pattern of the English models tests only those, on one or two tokens; ``IN``,
  ``NOT_IN`` and ``REGEX`` included). One-token patterns depend on a token's own row of those
  four values only: each distinct row is decided once and remembered, testing only the
  patterns its word or tag can meet. The few two-token patterns are matched with numpy over
  the arrays. Patterns apply in the ruler's own order (a later one overrides an earlier one on
  the same token), and parts of speech, morphology, lemmas and tags are written back in one
  ``Doc.from_array``. A pattern it cannot evaluate makes it hand every Doc to the ruler.
- :class:`FastLemmas` asks the lemmatizer once per (word, part of speech, morphology), the key
  of the lemmatizer's own cache, and writes the lemmas back in one ``Doc.from_array``; tokens that already have
  a lemma (the ruler set it) keep it.

``tests/test_fastpath.py`` checks token by token that both give what the model's components
give, on the bundled samples, the example article and PolNeAR texts.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import numpy
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.tokens import Doc

try:  # spaCy's own setter of other attributes (DEP, ...): an internal module, so guarded
    from spacy.tokens._retokenize import set_token_attrs  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - a spaCy that moved it: the model's ruler is used
    set_token_attrs = None  # type: ignore[assignment]

LOGGER = logging.getLogger(__name__)

_READ = [TAG, LOWER, DEP, IS_SPACE]
_COLUMN = {"TAG": 0, "LOWER": 1, "DEP": 2, "IS_SPACE": 3}
_WRITTEN = {POS: 0, MORPH: 1, LEMMA: 2, TAG: 3}  # attributes written back through from_array

Condition = tuple[int, Any]  # (column, frozenset of allowed values, or a compiled REGEX)


class _Not:
    """A ``NOT_IN`` condition: any value but these."""

    def __init__(self, values: frozenset[int]) -> None:
        self.values = numpy.array(sorted(values), dtype="uint64")


class _Unsupported(Exception):
    """A pattern the fast path cannot evaluate (the ruler is used instead)."""


def _values(vocab: Any, key: str, value: Any) -> Any:
    """The allowed values of one pattern condition, as the integers ``to_array`` gives (or a
    compiled regular expression, tested on the string)."""
    if isinstance(value, dict):
        if set(value) == {"REGEX"} and key != "IS_SPACE":
            return re.compile(value["REGEX"])
        if set(value) == {"NOT_IN"}:
            return _Not(_values(vocab, key, {"IN": value["NOT_IN"]}))
        if set(value) != {"IN"}:
            raise _Unsupported(f"{key}: {value}")
        items = value["IN"]
    else:
        items = [value]
    if key == "IS_SPACE":
        return frozenset(int(bool(v)) for v in items)
    return frozenset(vocab.strings.add(str(v)) for v in items)


def _compile(ruler: Any) -> list[tuple[int, list[list[list[Condition]]], int]]:
    """Every pattern of the ruler, in its own order: (attr id, alternative token sequences of
    conditions, index of the token that gets the attributes)."""
    out = []
    for attr_id, entry in enumerate(ruler.patterns):
        seqs = []
        for pattern in entry["patterns"]:
            seq = []
            for tok in pattern:
                conds: list[Condition] = []
                for key, value in tok.items():
                    if key not in _COLUMN:
                        raise _Unsupported(key)
                    allowed = _values(ruler.vocab, key, value)
                    if isinstance(allowed, frozenset):
                        allowed = numpy.array(sorted(allowed), dtype="uint64")
                    conds.append((_COLUMN[key], allowed))
                seq.append(conds)
            seqs.append(seq)
        out.append((attr_id, seqs, int(entry.get("index", 0))))
    return out


class FastAttributes:
    """The model's attribute ruler, evaluated over arrays (see the module docstring)."""

    MEMO_LIMIT = 500_000  # distinct (tag, lowercase, dependency, space) rows remembered

    def __init__(self, nlp: Language, name: str, source: str = "attribute_ruler") -> None:
        self.name = name
        self.ruler: Any = nlp.get_pipe(source)
        try:
            patterns = _compile(self.ruler)
            if set_token_attrs is None and any(
                    set(self.ruler.attrs[a]) - set(_WRITTEN) for a, _, _ in patterns):
                raise _Unsupported("attributes beyond POS, MORPH, LEMMA and TAG")
            self.supported = True
        except _Unsupported as exc:
            LOGGER.info("attribute ruler pattern %s: using the model's own ruler", exc)
            patterns, self.supported = [], False
        # Longer alternatives are matched over the arrays, Doc by Doc; one-token alternatives
        # are indexed by a value they require (a lowercase form, else a tag), so that a row is
        # tested only against the alternatives its own values can meet.
        self.multi: list[tuple[int, list[list[list[Condition]]], int]] = []
        self._by_value: tuple[dict[int, list[tuple[int, list[Condition]]]], ...] = ({}, {})
        self._always: list[tuple[int, list[Condition]]] = []
        for attr_id, seqs, index in patterns:
            for seq in seqs:
                if len(seq) > 1:
                    continue
                conds = seq[0]
                keyed = [(col, allowed) for col, allowed in conds
                         if col < 2 and isinstance(allowed, numpy.ndarray)]
                if not keyed:
                    self._always.append((attr_id, conds))
                    continue
                col, allowed = min(keyed, key=lambda c: (-c[0], len(c[1])))  # LOWER before TAG
                for value in allowed.tolist():
                    self._by_value[col].setdefault(value, []).append((attr_id, conds))
            longer = [seq for seq in seqs if len(seq) > 1]
            if longer:
                self.multi.append((attr_id, longer, index))
        self._sets = {id(allowed): set(allowed.tolist()) for _, seqs, _ in patterns
                      for seq in seqs for conds in seq for _, allowed in conds
                      if isinstance(allowed, numpy.ndarray)}
        self._nots = {id(allowed): set(allowed.values.tolist()) for _, seqs, _ in patterns
                      for seq in seqs for conds in seq for _, allowed in conds
                      if isinstance(allowed, _Not)}
        # What each pattern writes: (column, value) pairs, and the attributes set token by token.
        attrs: list[dict[Any, Any]] = getattr(self.ruler, "attrs", [])
        self._writes = {a: [(_WRITTEN[k], v) for k, v in attrs[a].items() if k in _WRITTEN]
                        for a, _, _ in patterns}
        self._rest = {a: {k: v for k, v in attrs[a].items() if k not in _WRITTEN} for a, _, _ in patterns}
        self._memo: dict[tuple[int, ...], tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]] = {}

    def _holds(self, row: tuple[int, ...], col: int, allowed: Any) -> bool:
        """One condition on one token's row."""
        value = row[col]
        if isinstance(allowed, numpy.ndarray):
            return value in self._sets[id(allowed)]
        if isinstance(allowed, _Not):
            return value not in self._nots[id(allowed)]
        return allowed.search(self.ruler.vocab.strings[value]) is not None

    def _decide(self, row: tuple[int, ...]) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
        """For one row: the one-token patterns that hit it (in the ruler's order), and the values
        they leave in the written columns (0 where none writes, with a mask)."""
        tried = self._by_value[0].get(row[0], []) + self._by_value[1].get(row[1], []) + self._always
        hits = tuple(sorted({attr_id for attr_id, conds in tried
                             if all(self._holds(row, col, allowed) for col, allowed in conds)}))
        values, mask = [0] * len(_WRITTEN), [0] * len(_WRITTEN)
        for attr_id in hits:
            for col, value in self._writes[attr_id]:
                values[col], mask[col] = value, 1
        return hits, tuple(values), tuple(mask)

    def _test(self, values: numpy.ndarray, allowed: Any) -> numpy.ndarray:
        if isinstance(allowed, numpy.ndarray):
            return numpy.isin(values, allowed)
        if isinstance(allowed, _Not):
            return ~numpy.isin(values, allowed.values)
        unique, inverse = numpy.unique(values, return_inverse=True)
        strings = self.ruler.vocab.strings
        hits = numpy.array([allowed.search(strings[int(u)]) is not None for u in unique], dtype=bool)
        return hits[inverse]

    def _targets(self, cols: numpy.ndarray, seqs: list[list[list[Condition]]], index: int,
                 present: list[set[int]]) -> numpy.ndarray:
        n = cols.shape[0]
        hit = numpy.zeros(n, dtype=bool)
        for seq in seqs:
            length = len(seq)
            if n < length:
                continue
            # a value set that meets none of the doc's values cannot match: skip the arrays
            if any(isinstance(allowed, numpy.ndarray) and present[col].isdisjoint(self._sets[id(allowed)])
                   for conds in seq for col, allowed in conds if col < 2):
                continue
            ok = numpy.ones(n - length + 1, dtype=bool)
            for k, conds in enumerate(seq):
                for col, allowed in conds:
                    ok &= self._test(cols[k:n - length + 1 + k, col], allowed)
                    if not ok.any():
                        break
            starts = numpy.nonzero(ok)[0]
            if len(starts):
                hit[starts + (index if index >= 0 else length + index)] = True
        return hit

    def __call__(self, doc: Doc) -> Doc:
        if not self.supported:
            return self.ruler(doc)  # type: ignore[no-any-return]
        if len(doc) == 0:
            return doc
        cols = doc.to_array(_READ).astype("uint64")
        out = doc.to_array([POS, MORPH, LEMMA, TAG]).astype("uint64")
        rows, inverse = numpy.unique(cols, axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
        memo = self._memo
        if len(memo) > self.MEMO_LIMIT:
            memo.clear()
        decided = []
        for row in map(tuple, rows.tolist()):
            found = memo.get(row)
            if found is None:
                found = memo[row] = self._decide(row)
            decided.append(found)
        values = numpy.array([d[1] for d in decided], dtype="uint64")[inverse]
        mask = numpy.array([d[2] for d in decided], dtype=bool)[inverse]
        out = numpy.where(mask, values, out)
        # Patterns over two or more tokens: few, and rare in text; the tokens they hit take
        # every hit (one-token and longer) again in the ruler's order.
        present = [set(cols[:, 0].tolist()), set(cols[:, 1].tolist())]  # tags, lowercase forms
        extra: dict[int, list[int]] = {}
        for attr_id, seqs, index in self.multi:
            for t in numpy.nonzero(self._targets(cols, seqs, index, present))[0].tolist():
                extra.setdefault(t, []).append(attr_id)
        for t, attr_ids in extra.items():
            for attr_id in sorted(set(attr_ids) | set(decided[inverse[t]][0])):
                for col, value in self._writes[attr_id]:
                    out[t, col] = value
        doc.from_array([POS, MORPH, LEMMA, TAG], out)  # type: ignore[arg-type]
        slow = [(attr_id, t) for t in range(len(doc)) for attr_id in decided[inverse[t]][0]
                if self._rest[attr_id]] if any(self._rest.values()) else []
        slow += [(attr_id, t) for t, attr_ids in extra.items() for attr_id in attr_ids if self._rest[attr_id]]
        for attr_id, target in sorted(set(slow)):
            set_token_attrs(doc[target], self._rest[attr_id])
        return doc


class FastLemmas:
    """The model's rule lemmatizer, asked once per (word, part of speech)."""

    def __init__(self, nlp: Language, name: str, source: str = "lemmatizer") -> None:
        self.name = name
        self.lemmatizer: Any = nlp.get_pipe(source)
        self.supported = getattr(self.lemmatizer, "mode", None) == "rule" and not getattr(
            self.lemmatizer, "overwrite", False)
        self.cache: dict[tuple[int, int, int], int] = {}

    def __call__(self, doc: Doc) -> Doc:
        if not self.supported:
            return self.lemmatizer(doc)  # type: ignore[no-any-return]
        arr = doc.to_array([ORTH, POS, MORPH, LEMMA]).astype("uint64")
        rows = arr.tolist()
        strings = doc.vocab.strings
        cache = self.cache
        changed = False
        for i, (orth, pos, morph, lemma) in enumerate(rows):
            if lemma:
                continue
            key = (orth, pos, morph)  # what the lemmatizer's own cache is keyed on
            value = cache.get(key)
            if value is None:
                value = cache[key] = strings.add(self.lemmatizer.lemmatize(doc[i])[0])
            arr[i, 3] = value
            changed = True
        if changed:
            doc.from_array([LEMMA], arr[:, 3:4])  # type: ignore[arg-type]
        return doc


# The model's component -> the stand-in that replaces it (same name as the stand-in's factory).
STAND_INS = {"attribute_ruler": "whipcount_fast_attributes", "lemmatizer": "whipcount_fast_lemmas"}


@Language.factory("whipcount_fast_attributes")
def make_fast_attributes(nlp: Language, name: str) -> FastAttributes:
    return FastAttributes(nlp, name)


@Language.factory("whipcount_fast_lemmas")
def make_fast_lemmas(nlp: Language, name: str) -> FastLemmas:
    return FastLemmas(nlp, name)


def use_fast_path(nlp: Language) -> None:
    """Disable the model's attribute ruler and lemmatizer and put the stand-ins in their place."""
    for source, factory in STAND_INS.items():
        if source in nlp.pipe_names:
            nlp.add_pipe(factory, name=factory, after=source)
            nlp.disable_pipe(source)
