"""Where whipcount's components keep their results on a Doc.

Set up once by :func:`setup_extensions` (idempotent, never an import side effect). Every
component reads and adds to one :class:`~whipcount.models.Facts` on ``doc._.whipcount``;
its offsets are character offsets into ``doc.text``. Span groups mirror the facts for
other spaCy users: ``doc.spans["quotes"]``, ``doc.spans["endorsements"]``.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Iterator

from spacy.attrs import LEMMA, ORTH
from spacy.tokens import Doc, Span, Token

from ..models import Facts

EXTENSION = "whipcount"


def setup_extensions() -> None:
    """Register the Doc extensions whipcount uses (safe to call many times)."""
    if not Doc.has_extension(EXTENSION):
        Doc.set_extension(EXTENSION, default=None)
    if not Doc.has_extension("wc_captions"):
        # Character spans of doc.text that text repair found to be photo captions.
        Doc.set_extension("wc_captions", default=None)


def get_facts(doc: Doc) -> Facts:
    """The Facts of a Doc, created empty on first use."""
    setup_extensions()
    facts = doc._.get(EXTENSION)
    if facts is None:
        facts = Facts()
        doc._.set(EXTENSION, facts)
    return facts



_TEXT_KEY = "whipcount.text"


def text_of(doc: Doc) -> str:
    """``doc.text``, joined once per Doc and kept in ``doc.user_data``: spaCy's ``Doc.text``
    joins every token each time it is read, and the components read it hundreds of times."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return str(text)


def remember_text(doc: Doc, text: str) -> None:
    """Keep ``text``, the string ``doc`` was tokenised from, as its :func:`text_of` (spaCy's
    tokenizer keeps every character, so ``doc.text == text``; joining the tokens again costs
    a Token object a word)."""
    doc.user_data[_TEXT_KEY] = text


_LEMMAS_KEY = "whipcount.lemmas"


def lower_lemmas(doc: Doc) -> list[str]:
    """Every token's lowercase lemma, read once per Doc from the lemma array (no Token
    objects): the components scan whole Docs for cue words."""
    lemmas = doc.user_data.get(_LEMMAS_KEY)
    if lemmas is None:
        strings = doc.vocab.strings
        lowered: dict[int, str] = {}
        lemmas = []
        for key in doc.to_array(LEMMA).tolist():
            low = lowered.get(key)
            if low is None:
                low = lowered[key] = strings[key].lower() if key else ""
            lemmas.append(low)
        doc.user_data[_LEMMAS_KEY] = lemmas
    return lemmas  # type: ignore[no-any-return]


def cues_by_sentence(doc: Doc, words: Container[str]) -> Iterator[tuple[Span, list[Token]]]:
    """Each sentence of ``doc`` holding tokens whose lowercase lemma is in ``words``, with
    those tokens in text order (sentences without one are passed over unread)."""
    hits = [i for i, lemma in enumerate(lower_lemmas(doc)) if lemma in words]
    j = 0
    for sent in doc.sents if hits else ():
        if j == len(hits):
            break
        mine = []
        while j < len(hits) and hits[j] < sent.end:
            mine.append(doc[hits[j]])
            j += 1
        if mine:
            yield sent, mine


def tokens_with(doc: Doc, attr: int, values: Container[int]) -> Iterator[Token]:
    """The tokens of ``doc`` whose ``attr`` (a spaCy attribute id: ORTH, POS, ENT_TYPE, ...) is
    one of ``values``, in text order, found on the attribute's array (no Token object for the
    others)."""
    for i, value in enumerate(doc.to_array(attr).tolist()):
        if value in values:
            yield doc[i]


def tokens_spelled(doc: Doc, words: Iterable[str]) -> Iterator[Token]:
    """The tokens of ``doc`` whose exact text is one of ``words``, in text order."""
    strings = doc.vocab.strings
    wanted = {strings[w] for w in words}
    return tokens_with(doc, ORTH, wanted) if wanted else iter(())
