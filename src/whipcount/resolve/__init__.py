"""Identities: people linked to knowledge bases, and people and organizations across articles.

>>> record = link_record(record, index)  # doctest: +SKIP
>>> resolution = resolve_people(records, index)  # doctest: +SKIP
>>> print("\\n".join(resolution.explain(resolution.identities[0].id)))  # doctest: +SKIP
"""

from whipcount.resolve.decisions import Identity, Merge, Override, Resolution, ref
from whipcount.resolve.linking import PersonLink, decide_record, link_record, link_results, person_context
from whipcount.resolve.orgs import resolve_organizations
from whipcount.resolve.people import resolve_people

__all__ = ["Identity", "Merge", "Override", "PersonLink", "Resolution", "decide_record", "link_record",
           "link_results", "person_context", "ref", "resolve_organizations", "resolve_people"]
