"""Organizations across articles: one identity per organization, each join with a reason.

Joins (:func:`resolve_organizations`):

- **name**: the same name after folding and dropping a leading "the" ("the Teamsters" and
  "Teamsters");
- **alias**: a name one article gives as the other's alias (``Organization.aliases``: "SEIU"
  beside "Service Employees International Union"), or the two are listed together in
  ``nlp/data/orgs.jsonl``;
- **acronym**: one name is the acronym of the other ("SEIU"), when only one full name in the
  whole set has that acronym.

Numbered units never join their parent or each other: "UNITE HERE Local 35" is neither
"UNITE HERE" nor "UNITE HERE Local 217".
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable

from whipcount.models import Record
from whipcount.nlp.lexicon import jsonl
from whipcount.nlp.orgs import acronym, key_of
from whipcount.resolve.decisions import Identity, Merge, Override, Resolution, ref

LOGGER = logging.getLogger(__name__)

CONFIDENCE = {"name": 0.95, "alias": 0.9, "acronym": 0.75}
_NUMBER = re.compile(r"\d+")
_LEADING_THE = re.compile(r"^\s*the\s+", re.I)


def org_key(name: str) -> str:
    """The comparison key of an organization name: folded, no leading "the", no punctuation."""
    return key_of(_LEADING_THE.sub("", name))


def _numbers(name: str) -> tuple[str, ...]:
    return tuple(_NUMBER.findall(name))


def _gazetteer() -> dict[str, str]:
    """Key of every listed name or alias -> key of the canonical name."""
    out: dict[str, str] = {}
    for entry in jsonl("orgs.jsonl"):
        canon = org_key(entry["name"])
        out[canon] = canon
        for alias in entry.get("aliases", []):
            out.setdefault(org_key(alias), canon)
    return out


class _Union:
    def __init__(self, items: list[str]) -> None:
        self.parent = {x: x for x in items}

    def find(self, x: str) -> str:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        self.parent[rb] = ra
        return True


def resolve_organizations(records: Iterable[Record], overrides: list[Override] | None = None) -> Resolution:
    """Group the organizations of ``records`` into identities (see the module docstring)."""
    names: dict[str, str] = {}  # ref -> name
    keys: dict[str, str] = {}  # ref -> key
    aliases: dict[str, set[str]] = {}
    for rec in records:
        for org in rec.organizations:
            r = ref(rec.article.id, org.id)
            names[r] = org.name
            keys[r] = org_key(org.name)
            aliases[r] = {org_key(a) for a in org.aliases if org_key(a)}
    uf = _Union(list(names))
    merges: list[Merge] = []

    def join(a: str, b: str, rule: str, reason: str) -> None:
        if _numbers(names[a]) != _numbers(names[b]):
            return  # Local 35 is not Local 217, nor the international
        if uf.union(a, b):
            merges.append(Merge(a, b, reason, CONFIDENCE[rule], rule))

    gaz = _gazetteer()
    by_key: dict[str, list[str]] = defaultdict(list)
    for r, k in keys.items():
        if k:
            by_key[gaz.get(k, k)].append(r)
    for k, refs in by_key.items():
        for other in refs[1:]:
            same = keys[refs[0]] == keys[other]
            join(refs[0], other, "name" if same else "alias",
                 f"same name {names[refs[0]]!r}" if same else
                 f"listed names of one organization: {names[refs[0]]!r} ~ {names[other]!r}")
    for r, al in aliases.items():
        for a in al:
            for other in by_key.get(gaz.get(a, a), []):
                join(r, other, "alias", f"{names[other]!r} is an alias of {names[r]!r} in its article")
    by_acronym: dict[str, set[str]] = defaultdict(set)
    for r, name in names.items():
        words = name.split()
        if len(words) >= 2:
            by_acronym[acronym(name)].add(keys[r])
    for r, name in names.items():
        short = re.sub(r"[^A-Za-z]", "", name)
        if len(name.split()) != 1 or not short.isupper() or len(short) < 2:
            continue
        full = by_acronym.get(short.upper(), set())
        if len(full) == 1:
            target = next(iter(full))
            for other in by_key.get(gaz.get(target, target), []):
                join(r, other, "acronym", f"{name!r} is the acronym of {names[other]!r}")
    groups: dict[str, list[str]] = defaultdict(list)
    for r in names:
        groups[uf.find(r)].append(r)
    resolution = Resolution()
    taken: set[str] = set()
    for members in groups.values():
        member_set = set(members)
        all_names = sorted({names[m] for m in members}, key=lambda n: (-len(n), n))
        base = "org:" + (org_key(all_names[0]) or "unnamed")
        ident_id, n = base, 1
        while ident_id in taken:
            n += 1
            ident_id = f"{base}~{n}"
        taken.add(ident_id)
        resolution.identities.append(Identity(
            id=ident_id, name=all_names[0], members=sorted(members), names=all_names,
            merges=[m for m in merges if m.a in member_set and m.b in member_set]))
    LOGGER.info("resolved %d organizations into %d identities", len(names), len(resolution.identities))
    return resolution.apply(overrides) if overrides else resolution
