"""Where whipcount's components keep their results on a Doc.

Set up once by :func:`setup_extensions` (idempotent, never an import side effect). Every
component reads and adds to one :class:`~whipcount.models.Facts` on ``doc._.whipcount``;
its offsets are character offsets into ``doc.text``. Span groups mirror the facts for
other spaCy users: ``doc.spans["quotes"]``, ``doc.spans["endorsements"]``.
"""

from __future__ import annotations

from spacy.tokens import Doc

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
