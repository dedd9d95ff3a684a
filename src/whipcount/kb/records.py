"""Knowledge-base records: people and the offices they held, plus state and party names.

Both knowledge bases (unitedstates/congress-legislators and Open States) load into the same
:class:`KBPerson` with :class:`KBRole` offices, so the linker never sees a source format.

Office types (``KBRole.office``): ``sen`` and ``rep`` for Congress (Open States' federal
``upper``/``lower`` roles are mapped to these), ``upper``, ``lower`` and ``legislature`` for state
legislatures, ``governor``, ``lt_governor``, ``attorney_general``, ``secretary_of_state``,
``treasurer``, ``auditor``, ``chief_election_officer`` for state executives, ``mayor``, and
``prez``/``viceprez``.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from whipcount.kb.names import fold

LOGGER = logging.getLogger(__name__)

STATES_PATH = Path(__file__).resolve().parent / "data" / "states.tsv"

#: The ids a link result reports first; other schemes (govtrack, icpsr, ...) follow.
PRIMARY_ID_SCHEMES: tuple[str, ...] = ("bioguide", "openstates", "wikidata")
#: Id schemes that identify one person across sources: a shared value merges two records.
MERGE_ID_SCHEMES: tuple[str, ...] = ("bioguide", "openstates", "wikidata", "govtrack")


@dataclass
class KBRole:
    """One office held: type, state (postal code), district, dates (ISO, None when unknown)."""

    office: str
    state: str | None = None
    district: str | None = None
    start: str | None = None
    end: str | None = None
    party: str | None = None
    place: str | None = None  # the city of a mayor, folded ("stamford")

    def active_on(self, date: str) -> bool | None:
        """Whether the role was held on ``date`` (ISO); None when the role has no dates at all."""
        if self.start is None and self.end is None:
            return None
        day = date[:10]
        if self.start is not None and day < self.start[:10]:
            return False
        if self.end is not None and day > self.end[:10]:
            return False
        return True

    def label(self) -> str:
        """A short human-readable label: ``"sen CT 2007-01-04..2013-01-03"``."""
        where = " ".join(p for p in (self.state, self.place, self.district) if p)
        dates = f"{self.start or '?'}..{self.end or ''}" if (self.start or self.end) else ""
        return " ".join(p for p in (self.office, where, dates) if p)


@dataclass
class KBPerson:
    """One person from a knowledge base (or several merged records of the same person)."""

    source: str  # "bioguide" or "openstates": where the first record came from
    ids: dict[str, str] = field(default_factory=dict)
    name: str = ""
    first: str = ""
    last: str = ""
    middle: str = ""
    nickname: str = ""
    suffix: str = ""
    gender: str | None = None
    party: str | None = None  # latest known party, normalised ("Democratic", "Republican", ...)
    roles: list[KBRole] = field(default_factory=list)
    other_names: list[str] = field(default_factory=list)
    birthday: str | None = None
    sources: list[str] = field(default_factory=list)  # every source merged into this record

    @property
    def key(self) -> str:
        """A stable identifier: the first of bioguide, openstates, wikidata ids present."""
        for scheme in PRIMARY_ID_SCHEMES:
            if self.ids.get(scheme):
                return f"{scheme}:{self.ids[scheme]}"
        return f"name:{fold(self.name)}"

    def states(self) -> set[str]:
        """Every state the person held an office in."""
        return {r.state for r in self.roles if r.state}

    def party_on(self, date: str | None) -> str | None:
        """The party of a role held on ``date``, else the latest known party."""
        if date:
            for role in self.roles:
                if role.party and role.active_on(date):
                    return role.party
        return self.party

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (what a store keeps); :meth:`from_dict` reads it back."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> KBPerson:
        fields = dict(data)
        fields["roles"] = [KBRole(**r) for r in data.get("roles", [])]
        return cls(**fields)

    def offices(self) -> list[str]:
        """Labels of the offices held, latest first (:meth:`KBRole.label`)."""
        labels = [r.label() for r in sorted(self.roles, key=lambda r: r.start or "", reverse=True)]
        return list(dict.fromkeys(labels))

    def merge(self, other: KBPerson) -> None:
        """Fold another record of the same person into this one (ids, roles, missing fields)."""
        for scheme, value in other.ids.items():
            self.ids.setdefault(scheme, value)
        seen = {(r.office, r.state, r.district, r.start, r.end) for r in self.roles}
        for role in other.roles:
            if (role.office, role.state, role.district, role.start, role.end) not in seen:
                self.roles.append(role)
        for attr in ("name", "first", "last", "middle", "nickname", "suffix", "gender", "birthday"):
            if not getattr(self, attr) and getattr(other, attr):
                setattr(self, attr, getattr(other, attr))
        names = {self.name, *self.other_names}
        self.other_names.extend(n for n in [other.name, *other.other_names] if n and n not in names)
        if other.party and (not self.party or _latest_start(other) > _latest_start(self)):
            self.party = other.party
        for src in other.sources or [other.source]:
            if src not in self.sources:
                self.sources.append(src)


def _latest_start(person: KBPerson) -> str:
    return max((r.start or r.end or "" for r in person.roles), default="")


@lru_cache(maxsize=1)
def _state_table() -> dict[str, str]:
    table: dict[str, str] = {}
    with STATES_PATH.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            code = cols[0].strip().upper()
            table[fold(code)] = code
            table[fold(cols[1])] = code
            for alt in (cols[2].split(",") if len(cols) > 2 else []):
                if alt.strip():
                    table[fold(alt)] = code
    return table


def normalize_state(text: str | None) -> str | None:
    """A state's postal code from its code, name or AP abbreviation ("Conn." → "CT"), or None."""
    if not text:
        return None
    return _state_table().get(fold(text))


_PARTY_PREFIXES: tuple[tuple[str, str], ...] = (
    ("democrat", "Democratic"), ("dem", "Democratic"), ("d", "Democratic"),
    ("republican", "Republican"), ("gop", "Republican"), ("rep", "Republican"), ("r", "Republican"),
    ("independent", "Independent"), ("ind", "Independent"), ("i", "Independent"),
    ("libertarian", "Libertarian"), ("l", "Libertarian"), ("green", "Green"), ("g", "Green"),
)


def normalize_party(text: str | None) -> str | None:
    """Map party spellings to one name: "Democrat", "Democratic-Farmer-Labor", "D" → "Democratic"."""
    if not text:
        return None
    folded = fold(text)
    if not folded:
        return None
    words = folded.split()
    if "democrat" in folded and "republican" in folded:
        return text.strip()  # the Democratic-Republican party of the early republic
    for prefix, party in _PARTY_PREFIXES:
        if len(prefix) == 1:
            if words[0] == prefix:
                return party
        elif folded.startswith(prefix):
            return party
    return text.strip()
