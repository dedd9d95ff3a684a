"""Open knowledge bases of officials (congress-legislators, Open States): loading and linking.

>>> people = load_kb_files(["../shared/data/kb/openstates/current.jsonl"])  # doctest: +SKIP
>>> index = KBIndex(people)  # doctest: +SKIP
>>> index.link("Chris Dodd", LinkContext(date="2006-05-01", states=["CT"], titles=["Sen."]))  # doctest: +SKIP
"""

from whipcount.kb.link import KBIndex, LinkContext, LinkDecision, LinkResult
from whipcount.kb.loaders import load_kb_files
from whipcount.kb.names import name_keys, parse_name, query_keys
from whipcount.kb.records import KBPerson, KBRole, normalize_party, normalize_state
from whipcount.kb.update import (
    Source, SourceFailure, SourceResult, UpdateLimits, UpdateSummary, load_sources, sources_with_base,
    update_kb,
)

__all__ = [
    "KBIndex", "KBPerson", "KBRole", "LinkContext", "LinkDecision", "LinkResult", "load_kb_files",
    "name_keys", "normalize_party", "normalize_state", "parse_name", "query_keys",
    "Source", "SourceFailure", "SourceResult", "UpdateLimits", "UpdateSummary", "load_sources",
    "sources_with_base", "update_kb",
]
