"""Resolve a whole store: people and organizations across its articles, linked to its knowledge base.

:func:`resolve_store` reads every stored record (twice: people, then organizations; records are
streamed, only the per-article entities stay in memory), links people to the knowledge base the
store holds (``whipcount kb load``), groups them with :func:`~whipcount.resolve.people.resolve_people`
and :func:`~whipcount.resolve.orgs.resolve_organizations`, applies the reviewers' overrides kept in
the store, and writes the identities back (:meth:`~whipcount.store.identities.IdentityQueries.apply_resolution`).
Running it again gives the same identities: it starts from the records each time.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from whipcount.kb.link import KBIndex
from whipcount.kb.records import KBPerson
from whipcount.models import Record
from whipcount.resolve.decisions import Override, Resolution
from whipcount.resolve.orgs import resolve_organizations
from whipcount.resolve.people import kb_lookup, resolve_people
from whipcount.store.base import Row, Store
from whipcount.store.identities import ApplySummary, EntityKind, EntityUpdate, IdentityQueries

LOGGER = logging.getLogger(__name__)

Progress = Callable[[str, int], None]  # (stage, records read so far in that stage)


@dataclass
class StoreResolution:
    """What one resolution of a store did."""

    articles: int = 0
    kb_people: int = 0
    people: ApplySummary = field(default_factory=ApplySummary)
    organizations: ApplySummary = field(default_factory=ApplySummary)
    linked: int = 0  # person identities with a knowledge-base id
    overrides: int = 0
    seconds: float = 0.0

    def lines(self) -> list[str]:
        p, o = self.people, self.organizations
        return [
            f"{self.articles} articles; knowledge base: {self.kb_people} people"
            + ("" if self.kb_people else " (none loaded: `whipcount kb load FILE...`)"),
            f"people: {p.entities} in {self.articles} articles -> {p.identities} identities "
            f"({self.linked} linked to the knowledge base, {p.merges} joins, {p.moved} moved)",
            f"organizations: {o.entities} -> {o.identities} identities ({o.merges} joins, {o.moved} moved)",
            f"reviewer overrides applied: {self.overrides}; took {self.seconds:.1f} s",
        ]


def _identity_store(store: Store) -> IdentityQueries:
    if not isinstance(store, IdentityQueries):
        raise TypeError(f"{type(store).__name__} keeps no identities")
    return store


def _counted(records: Iterator[Record], stage: str, progress: Progress | None,
             seen: list[int]) -> Iterator[Record]:
    for n, rec in enumerate(records, start=1):
        seen[0] = n
        if progress is not None:
            progress(stage, n)
        yield rec


def person_updates(resolution: Resolution, kb_people: list[KBPerson]) -> list[EntityUpdate]:
    """Identities plus what the knowledge base knows of linked people (party, offices)."""
    by_id = kb_lookup(kb_people)
    out = []
    for ident in resolution.identities:
        kbp = next((by_id[(k, v)] for k, v in sorted(ident.kb.items()) if (k, v) in by_id), None)
        out.append(EntityUpdate(identity=ident, party=ident.party or (kbp.party if kbp else None),
                                offices=kbp.offices() if kbp else []))
    return out


def org_updates(resolution: Resolution, kinds: dict[str, str]) -> list[EntityUpdate]:
    out = []
    for ident in resolution.identities:
        counts = Counter(kinds[m] for m in ident.members if m in kinds)
        out.append(EntityUpdate(identity=ident, kind=counts.most_common(1)[0][0] if counts else None))
    return out


def resolve_store(store: Store, progress: Progress | None = None) -> StoreResolution:
    """Resolve every person and organization of ``store`` and write the identities back."""
    started = time.perf_counter()
    ids = _identity_store(store)
    kb_people = ids.load_kb()
    index = KBIndex(kb_people) if kb_people else None
    out = StoreResolution(kb_people=len(kb_people))
    seen = [0]
    person_overrides = ids.overrides("person")
    people = resolve_people(_counted(ids.iter_records(), "people", progress, seen), index, person_overrides)
    out.articles = seen[0]
    org_overrides = ids.overrides("organization")
    orgs = resolve_organizations(_counted(ids.iter_records(), "organizations", progress, seen), org_overrides)
    out.people = ids.apply_resolution("person", person_updates(people, kb_people))
    out.organizations = ids.apply_resolution("organization", org_updates(orgs, ids.org_kinds()))
    out.linked = sum(1 for i in people.identities if i.kb)
    out.overrides = len(person_overrides) + len(org_overrides)
    out.seconds = time.perf_counter() - started
    return out


def review(store: Store, kind: EntityKind, override: Override) -> StoreResolution:
    """Keep a reviewer's merge or split of store entities and re-resolve the store with it.

    ``override.a``/``b`` are per-article refs (``"<article id>#p1"``); see :func:`entity_ref`.
    """
    ids = _identity_store(store)
    ids.add_override(kind, override)
    return resolve_store(store)


def entity_ref(store: Store, kind: EntityKind, ref_or_id: str) -> str | None:
    """A per-article ref from what a reviewer typed: a ref as it is (when stored), or the first
    per-article entity of a store id. None when neither is known."""
    ids = _identity_store(store)
    if "#" in ref_or_id and ids.entity_of_ref(kind, ref_or_id) is not None:
        return ref_or_id
    refs = ids.entity_refs(kind, ref_or_id)
    return refs[0] if refs else None


def explain_entity(detail: Row) -> list[str]:
    """Lines for a reviewer: an entity (:meth:`~whipcount.store.identities.IdentityQueries.entity_detail`),
    every mention with the article it is in, and why each was joined."""
    conf = detail.get("confidence")
    lines = [f"{detail['id']}  {detail['name']}  ({detail['kind']}, {len(detail['mentions'])} mentions, "
             f"confidence {conf:.2f})" if conf is not None else
             f"{detail['id']}  {detail['name']}  ({detail['kind']}, {len(detail['mentions'])} mentions, "
             "not resolved yet: run `whipcount resolve`)"]
    others = [n for n in detail.get("names", []) if n != detail["name"]]
    if others:
        lines.append("  also written: " + "; ".join(others))
    if detail.get("kb"):
        lines.append("  knowledge base: " + ", ".join(f"{k}={v}" for k, v in sorted(detail["kb"].items()) if v))
    if detail.get("party"):
        lines.append(f"  party: {detail['party']}")
    if detail.get("offices"):
        lines.append("  offices: " + "; ".join(detail["offices"]))
    lines.append("mentions:")
    for m in detail["mentions"]:
        titles = f" [{', '.join(m['titles'])}]" if m.get("titles") else ""
        when = f" {m['published']}" if m.get("published") else ""
        lines.append(f"  {m['ref']}  {m['name']!r}{titles}  ({m.get('article_title') or m['article_id']}{when})")
    lines.append("joined because:")
    if not detail["merges"]:
        lines.append("  (a single mention, or mentions of one article)" if len(detail["mentions"]) <= 1
                     else "  (not resolved yet: mentions share a normalised name; run `whipcount resolve`)")
    for mg in detail["merges"]:
        lines.append(f"  {mg['a']} + {mg['b']}: {mg['reason']} [{mg['rule']} {mg['confidence']:.2f}]")
    for ov in detail.get("overrides", []):
        b = f" {ov['b']}" if ov.get("b") else ""
        lines.append(f"  reviewer {ov['kind']}: {ov['a']}{b}{' (' + ov['note'] + ')' if ov.get('note') else ''}")
    return lines
