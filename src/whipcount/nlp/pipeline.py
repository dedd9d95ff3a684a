"""Build the spaCy pipeline: an English model plus whipcount's own components.

The model is loaded from an installed package only; nothing is downloaded.
"""

from __future__ import annotations

import logging
from functools import lru_cache

import spacy
from spacy.language import Language

from ..config import ALL_COMPONENTS, DEFAULT_MODEL
from ..errors import E, WhipcountError
from .extensions import setup_extensions

LOGGER = logging.getLogger(__name__)

# whipcount component -> spaCy factory name, in pipeline order.
FACTORIES: dict[str, str] = {
    "mentions": "whipcount_mentions",
    "quotes": "whipcount_quotes",
    "endorsements": "whipcount_endorsements",
    "stances": "whipcount_stances",
}


def register_components() -> None:
    """Import the component modules so their ``@Language.factory`` registrations run."""
    from . import endorsements, entities, fastpath, mentions, paragraphs, quotes, stances  # noqa: F401


def build_pipeline(model: str = DEFAULT_MODEL,
                   components: tuple[str, ...] = ALL_COMPONENTS,
                   max_length: int = 2_000_000) -> Language:
    """Load ``model`` and add whipcount's components (``components`` picks which)."""
    setup_extensions()
    register_components()
    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise WhipcountError(E.E020.format(name=model, detail=str(exc).splitlines()[0])) from exc
    nlp.max_length = max(nlp.max_length, max_length)
    from .fastpath import use_fast_path

    use_fast_path(nlp)  # the model's attribute ruler and lemmatizer, same output, less time
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("whipcount_paragraphs", before="parser")
    before = "ner" if "ner" in nlp.pipe_names else None
    nlp.add_pipe("whipcount_entities", before=before) if before else nlp.add_pipe("whipcount_entities")
    for name in components:
        if name not in FACTORIES:
            raise WhipcountError(f"E021 unknown component {name!r}: choose from {', '.join(FACTORIES)}")
    for name, factory in FACTORIES.items():
        if name in components:
            nlp.add_pipe(factory)
    return nlp


@lru_cache(maxsize=4)
def load_pipeline(model: str = DEFAULT_MODEL,
                  components: tuple[str, ...] = ALL_COMPONENTS) -> Language:
    """A cached pipeline per (model, components) in this process."""
    return build_pipeline(model, components)


def model_label(nlp: Language) -> str:
    """'en_core_web_sm 3.8.0' style label for the extractor field."""
    meta = nlp.meta
    return f"{meta.get('lang', 'en')}_{meta.get('name', '?')} {meta.get('version', '?')}"
