"""The pure per-batch function every runner maps: articles in, records out.

``process(articles, settings)`` prepares each text, runs the spaCy pipeline in batches and
turns each Doc into a Record. A failure on one article becomes an IngestError for that
article; the rest of the batch goes on.
"""

from __future__ import annotations

import logging
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from itertools import islice

from spacy.language import Language
from spacy.tokens import Doc

from .config import Settings
from .errors import E
from .models import Article, IngestError, Record
from .nlp.extensions import remember_text, setup_extensions
from .nlp.pipeline import load_pipeline, model_label
from .prepare import Prepared, prepare
from .record import to_record

LOGGER = logging.getLogger(__name__)

Item = Article | IngestError
Result = Record | IngestError


def process(items: Iterable[Item], settings: Settings | None = None) -> Iterator[Result]:
    """Extract a Record from every Article in ``items``; IngestErrors pass through unchanged."""
    settings = settings or Settings()
    nlp = load_pipeline(settings.model, settings.components)
    label = model_label(nlp)
    it = iter(items)
    while True:
        batch = list(islice(it, settings.batch_size))
        if not batch:
            return
        yield from _process_batch(nlp, label, batch, settings)


def _process_batch(nlp: Language, label: str, batch: list[Item], settings: Settings) -> Iterator[Result]:
    ready: list[tuple[int, Article, Prepared, Doc]] = []
    out: list[Result | None] = [None] * len(batch)
    for i, item in enumerate(batch):
        if isinstance(item, IngestError):
            out[i] = item
            continue
        if len(item.text) > settings.max_article_chars:
            out[i] = IngestError(item.source, E.E007.format(
                path=item.source, what=f"article {item.id!r}", size=len(item.text),
                unit="characters", limit=settings.max_article_chars, setting="max_article_chars"))
            continue
        try:
            prepared = prepare(item.text, settings.max_word_chars, settings.max_sentence_chars)
            ready.append((i, item, prepared, _make_doc(nlp, prepared)))
        except Exception as exc:  # one bad article must not stop the batch
            LOGGER.exception("text repair failed on %s", item.source)
            out[i] = _failed(item, exc)
    try:
        docs = list(nlp.pipe([d for _, _, _, d in ready], batch_size=settings.batch_size))
    except Exception:
        LOGGER.warning("batch failed; retrying its articles one by one", exc_info=True)
        docs = []
        for i, item, _, d in ready:
            try:
                docs.append(nlp(d))
            except Exception as exc:
                LOGGER.exception("extraction failed on %s", item.source)
                out[i] = _failed(item, exc)
                docs.append(None)  # type: ignore[arg-type]
    for (i, item, prepared, _), doc in zip(ready, docs):
        if doc is None:
            continue
        try:
            out[i] = to_record(item, prepared, doc, label)
        except Exception as exc:
            LOGGER.exception("record failed on %s", item.source)
            out[i] = _failed(item, exc)
    for r in out:
        assert r is not None
        yield r


def _make_doc(nlp: Language, prepared: Prepared) -> Doc:
    setup_extensions()
    doc = nlp.make_doc(prepared.text)
    remember_text(doc, prepared.text)
    doc._.wc_captions = list(getattr(prepared, "captions_prepared", []) or [])
    if prepared.sentence_starts:
        # Text repair cut an over-long stretch: the parser keeps sentence starts set before it.
        starts = [t.idx for t in doc]
        for offset in prepared.sentence_starts:
            i = bisect_left(starts, offset)
            if 0 < i < len(doc):
                doc[i].is_sent_start = True
    return doc


def _failed(item: Article, exc: BaseException) -> IngestError:
    detail = f"extraction failed: {type(exc).__name__}: {exc}".splitlines()[0][:300]
    return IngestError(item.source, E.E006.format(path=item.source, detail=detail))
