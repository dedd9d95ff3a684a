"""Where whipcount's components keep their results on a Doc.

Set up once by :func:`setup_extensions` (idempotent, never an import side effect). Every
component reads and adds to one :class:`~whipcount.models.Facts` on ``doc._.whipcount``;
its offsets are character offsets into ``doc.text``. Span groups mirror the facts for
other spaCy users: ``doc.spans["quotes"]``, ``doc.spans["endorsements"]``.
"""

from __future__ import annotations

from spacy.tokens import Doc

from ..models import Facts, Organization, Person

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


def entity_at(facts: Facts, start: int, end: int) -> Person | Organization | None:
    """The person or organization with a mention overlapping ``[start, end)``, best overlap first."""
    best: Person | Organization | None = None
    best_overlap = 0
    for ent in [*facts.people, *facts.organizations]:
        for s, e in ent.mentions:
            overlap = min(e, end) - max(s, start)
            if overlap > best_overlap:
                best, best_overlap = ent, overlap
    return best
