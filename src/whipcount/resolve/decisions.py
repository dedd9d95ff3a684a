"""Identities across articles as data: who was joined with whom, why, and reviewers' corrections.

A per-article entity is referred to as ``"<article id>#<entity id>"`` (:func:`ref`). A
:class:`Resolution` holds :class:`Identity` groups of such refs and the :class:`Merge` edges that
joined them, each with a reason and a confidence, so every grouping can be explained
(:meth:`Resolution.explain`). Reviewers' decisions are :class:`Override` records ("merge these
two", "split this one out") applied on top (:meth:`Resolution.apply`); they are plain data and
round-trip through JSON, so a store can keep them and re-apply them after every re-resolution.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

LOGGER = logging.getLogger(__name__)

OverrideKind = Literal["merge", "split"]


def ref(article_id: str, entity_id: str) -> str:
    """The reference of one per-article entity: ``"<article id>#<entity id>"``."""
    return f"{article_id}#{entity_id}"


@dataclass(frozen=True)
class Merge:
    """One reason two per-article entities belong to the same identity."""

    a: str
    b: str
    reason: str
    confidence: float
    rule: str  # "kb", "full_name", "variant", "surname", "alias", "acronym", "reviewer", ...


@dataclass
class Override:
    """A reviewer's decision. ``merge``: ``a`` and ``b`` are one identity. ``split``: ``a`` leaves
    its identity (alone, or with ``b`` when given). ``note`` says why, for the record."""

    kind: OverrideKind
    a: str
    b: str | None = None
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Override:
        if d.get("kind") not in ("merge", "split"):
            raise ValueError(f"override kind must be merge or split, not {d.get('kind')!r}")
        if d["kind"] == "merge" and not d.get("b"):
            raise ValueError("a merge override needs both a and b")
        return cls(kind=d["kind"], a=str(d["a"]), b=d.get("b"), note=d.get("note") or "")


@dataclass
class Identity:
    """One store-level person or organization: its per-article members and what joins them."""

    id: str
    name: str
    members: list[str] = field(default_factory=list)  # refs
    kb: dict[str, str] = field(default_factory=dict)
    party: str | None = None
    names: list[str] = field(default_factory=list)  # every name as written, fullest first
    merges: list[Merge] = field(default_factory=list)

    @property
    def confidence(self) -> float:
        """The weakest link that holds the identity together (1.0 for a single mention)."""
        return min((m.confidence for m in self.merges), default=1.0)

    def articles(self) -> list[str]:
        return sorted({m.rsplit("#", 1)[0] for m in self.members})

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "members": list(self.members), "kb": dict(self.kb),
                "party": self.party, "names": list(self.names), "confidence": self.confidence,
                "merges": [asdict(m) for m in self.merges]}


@dataclass
class Resolution:
    """Identities over a set of records, and the reviewer overrides applied to them."""

    identities: list[Identity] = field(default_factory=list)
    overrides: list[Override] = field(default_factory=list)

    def by_ref(self) -> dict[str, Identity]:
        """The identity of every member ref."""
        return {m: ident for ident in self.identities for m in ident.members}

    def get(self, identity_id: str) -> Identity | None:
        return next((i for i in self.identities if i.id == identity_id), None)

    def explain(self, identity_id: str) -> list[str]:
        """Lines saying which mentions an identity holds and why each was joined."""
        ident = self.get(identity_id)
        if ident is None:
            return [f"no identity {identity_id}"]
        lines = [f"{ident.id} {ident.name} ({len(ident.members)} entities in {len(ident.articles())} "
                 f"articles, confidence {ident.confidence:.2f})"]
        if ident.kb:
            lines.append("  kb: " + ", ".join(f"{k}={v}" for k, v in sorted(ident.kb.items())))
        for m in ident.merges:
            lines.append(f"  {m.a} + {m.b}: {m.reason} [{m.rule} {m.confidence:.2f}]")
        if not ident.merges:
            lines.append(f"  {ident.members[0]}: a single entity")
        return lines

    def apply(self, overrides: list[Override]) -> Resolution:
        """A new resolution with ``overrides`` applied in order (unknown refs are logged, skipped)."""
        groups: list[list[str]] = [list(i.members) for i in self.identities]
        merges: list[Merge] = [m for i in self.identities for m in i.merges]
        template = {m: i for i in self.identities for m in i.members}
        for ov in overrides:
            where = {m: n for n, g in enumerate(groups) for m in g}
            if ov.a not in where or (ov.b is not None and ov.b not in where):
                LOGGER.warning("override %s %s %s: unknown entity, skipped", ov.kind, ov.a, ov.b)
                continue
            if ov.kind == "merge":
                assert ov.b is not None
                ga, gb = where[ov.a], where[ov.b]
                if ga != gb:
                    groups[ga].extend(groups[gb])
                    groups[gb] = []
                merges.append(Merge(ov.a, ov.b, f"reviewer merge{': ' + ov.note if ov.note else ''}",
                                    1.0, "reviewer"))
            else:
                moving = [ov.a] + ([ov.b] if ov.b and where[ov.b] == where[ov.a] else [])
                g = where[ov.a]
                groups[g] = [m for m in groups[g] if m not in moving]
                groups.append(moving)
                merges = [m for m in merges if not ((m.a in moving) ^ (m.b in moving))]
        out = Resolution(overrides=[*self.overrides, *overrides])
        taken: set[str] = set()
        for group in sorted((g for g in groups if g), key=len, reverse=True):
            ident = _rebuild(group, merges, template)
            if ident.id in taken:  # a split-off part keeps no id of the identity it left
                ident.id = f"{ident.id}~{sorted(group)[0]}"
            taken.add(ident.id)
            out.identities.append(ident)
        return out


def _rebuild(group: list[str], merges: list[Merge], template: dict[str, Identity]) -> Identity:
    members = set(group)
    first = template[group[0]]
    names: list[str] = []
    kb: dict[str, str] = {}
    party = None
    for m in group:
        t = template[m]
        names.extend(n for n in t.names if n not in names)
        for k, v in t.kb.items():
            kb.setdefault(k, v)
        party = party or t.party
    names.sort(key=lambda n: -len(n.split()))
    return Identity(id=first.id if all(template[m].id == first.id for m in group) else f"{first.id}~{group[0]}",
                    name=names[0] if names else first.name, members=sorted(group), kb=kb, party=party,
                    names=names, merges=[m for m in merges if m.a in members and m.b in members])
