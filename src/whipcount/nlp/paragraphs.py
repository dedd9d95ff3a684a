"""whipcount_paragraphs: a paragraph break starts a sentence, placed before the parser.

The small English parser often runs a sentence on across a blank line ('Cruz called them on
it:' + the next paragraph's quote, or a quote's last words + the next paragraph's lede),
which then hangs one paragraph's words on the other's verbs: an indirect quote's content ran
into the next paragraph, a cue found its subject there. News paragraphs never share a
sentence, so the first word after a line break is marked as a sentence start; the parser
keeps preset starts.
"""

from __future__ import annotations

import re

import numpy as np
from spacy.attrs import IDX
from spacy.language import Language
from spacy.tokens import Doc

from .extensions import text_of

_BREAK = re.compile(r"\n\s*")


@Language.component("whipcount_paragraphs")
def mark_paragraph_starts(doc: Doc) -> Doc:
    """Mark the first token after every line break as a sentence start."""
    text = text_of(doc)
    if "\n" not in text or len(doc) < 2:
        return doc
    starts = doc.to_array(IDX)
    for m in _BREAK.finditer(text):
        k = int(np.searchsorted(starts, m.end()))
        if 0 < k < len(doc) and starts[k] == m.end():
            doc[k].is_sent_start = True
    return doc
