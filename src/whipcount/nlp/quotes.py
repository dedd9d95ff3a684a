"""whipcount_quotes component (scaffold: replaced by the real component)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from .extensions import get_facts


@Language.factory("whipcount_quotes")
def make_quotes(nlp: Language, name: str) -> "Component":
    return Component()


class Component:
    def __call__(self, doc: Doc) -> Doc:
        get_facts(doc)
        return doc
