"""Organisations in one Doc: mentions, canonical names, kinds, acronyms, members, locals.

Used by the mentions component. Rules:

- candidates are ORG entities (the entity patterns of :mod:`.entities` plus NER), with "the",
  possessives and stray quote marks trimmed;
- a listed local ("Carpenters Local 43 and 24", "Locals 43 and 24") becomes one organisation
  per number, the bare number being the later ones' mention;
- mentions with the same normalised name are one organisation; an all-capitals mention that is
  the acronym of a longer name in the article ("SEIU") or a listed alias in ``data/orgs.jsonl``
  joins it; the name is the fullest form used;
- the kind comes from ``data/orgs.jsonl`` or the keywords of ``data/org_kinds.tsv``;
- "a 7,000 member union" / "the 2 million-member SEIU" give ``members``;
- "<Name> Local <n>" gets the organisation "<Name>" (if present) as ``parent``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from spacy.tokens import Doc

from ..models import Organization
from .lexicon import jsonl, norm, table
from .extensions import text_of, tokens_spelled

LOGGER = logging.getLogger(__name__)

_ACRONYM_STOP = frozenset({"of", "the", "and", "for", "&", "in", "on", "to", "a"})
_LEAD_TRIM = re.compile(r"^(?:[\"'\u201c\u201d\u2018\u2019(\[\s]|the\s+|The\s+|THE\s+)+")
_TAIL_TRIM = re.compile(r"(?:\u2019s|'s|[\"'\u201c\u201d\u2018\u2019)\],.;:\s])+$")
_LOCAL = re.compile(r"^(?P<base>.*\S)\s+Locals?\s+(?P<num>\d+)$")
_MEMBERS = re.compile(
    r"(?P<num>\d[\d,.]*)(?:\s*|-)(?P<mult>million|thousand)?(?:\s*|-)(?:strong\s+|-strong\s+)?members?\b",
    re.IGNORECASE)
_LIST_NUM = re.compile(r"^(?:\s*(?:,|and|&|,\s*and)\s*(?P<num>\d+)\b)")


def key_of(name: str) -> str:
    """Normalised comparison key of an organisation name."""
    return re.sub(r"[^a-z0-9]", "", norm(name).lower())


def acronym(name: str) -> str:
    """Initials of the significant words of ``name`` ("Service Employees International Union" -> SEIU)."""
    words = [w for w in re.split(r"[\s\-]+", name) if w and w.lower() not in _ACRONYM_STOP]
    return "".join(w[0] for w in words if w[0].isalpha()).upper()


@dataclass
class _Org:
    names: list[str] = field(default_factory=list)
    mentions: list[tuple[int, int]] = field(default_factory=list)
    kind: str | None = None
    members: int | None = None
    aliases: set[str] = field(default_factory=set)

    @property
    def name(self) -> str:
        return max(self.names, key=lambda n: (len(n.split()), len(n)))


class OrgFinder:
    """Collect the organisations of a Doc."""

    def __init__(self) -> None:
        self.gazetteer: dict[str, tuple[str, str | None]] = {}
        for entry in jsonl("orgs.jsonl"):
            canon = key_of(entry["name"])
            for n in [entry["name"], *(entry.get("aliases") or [])]:
                self.gazetteer[key_of(n)] = (canon, entry.get("kind"))
        self.kind_rules = [(row[0], row[1].lower().split()) for row in table("org_kinds.tsv") if len(row) >= 2]

    def is_known_org(self, text: str) -> bool:
        """Whether ``text`` is a listed organisation name or alias."""
        return key_of(text) in self.gazetteer

    def find(self, doc: Doc, person_words: set[str]) -> list[Organization]:
        """The organisations of ``doc`` in order of first mention (ids o1, o2, ...)."""
        text = text_of(doc)
        found: list[tuple[int, int, str]] = []
        for ent in doc.ents:
            if ent.label_ != "ORG":
                continue
            s, e, name = _trim(text, ent.start_char, ent.end_char)
            if not name or not any(ch.isupper() for ch in name):
                continue
            if name in person_words and key_of(name) not in self.gazetteer:
                continue  # a surname the NER took for an ORG
            found.append((s, e, name))
            found.extend(_listed_locals(text, e, name))
        groups: dict[str, _Org] = {}
        for s, e, name in found:
            name = re.sub(r"\bLocals\b", "Local", name)
            key = self._group_key(name)
            org = groups.setdefault(key, _Org())
            org.names.append(name)
            org.mentions.append((s, e))
        self._merge_acronyms(groups, text)
        self._scan_tokens(doc, groups)
        orgs = sorted((o for o in groups.values() if o.mentions), key=lambda o: min(o.mentions))
        for org in orgs:
            org.kind = self._kind(org)
        _members(text, orgs)
        out: list[Organization] = []
        ids: dict[str, str] = {}
        for i, org in enumerate(orgs, 1):
            name = org.name
            aliases = sorted({n for n in org.names if n != name} | org.aliases)
            out.append(Organization(id=f"o{i}", name=name, kind=org.kind, mentions=sorted(set(org.mentions)),
                                    members=org.members, aliases=aliases))
            for n in org.names:
                ids.setdefault(self._group_key(n), f"o{i}")
        for o in out:
            m = _LOCAL.match(o.name)
            if m:
                o.parent = ids.get(self._group_key(m.group("base")))
        return out

    def _group_key(self, name: str) -> str:
        k = key_of(name)
        hit = self.gazetteer.get(k)
        return hit[0] if hit else k

    def _merge_acronyms(self, groups: dict[str, _Org], text: str) -> None:
        long_by_acr: dict[str, str] = {}
        for key, org in groups.items():
            for n in org.names:
                if len(n.split()) >= 2:
                    long_by_acr.setdefault(acronym(n), key)
        for key in list(groups):
            org = groups[key]
            short = [n for n in org.names if len(n.split()) == 1 and re.fullmatch(r"[A-Z][A-Z\-&]{1,9}", n)]
            target = next((long_by_acr[a] for a in (re.sub(r"[^A-Z]", "", n) for n in short)
                           if a in long_by_acr and long_by_acr[a] != key), None)
            if target is None:
                continue
            dest = groups[target]
            dest.names.extend(org.names)
            dest.mentions.extend(org.mentions)
            dest.aliases.update(short)
            del groups[key]

    def _scan_tokens(self, doc: Doc, groups: dict[str, _Org]) -> None:
        """Mentions of one-word names the NER missed ("SEIU" once tagged, once not)."""
        single: dict[str, _Org] = {}
        for org in groups.values():
            for n in org.names:
                if len(n.split()) == 1 and n[:1].isupper() and len(n) > 2:
                    single[n] = org
        if not single:
            return
        seen = {s for o in groups.values() for s, _ in o.mentions}
        for tok in tokens_spelled(doc, single):
            hit = single[tok.text]
            if tok.idx in seen or tok.ent_type_ in ("PERSON",):
                continue
            if tok.ent_iob_ == "I":
                continue
            hit.mentions.append((tok.idx, tok.idx + len(tok.text)))
            seen.add(tok.idx)

    def _kind(self, org: _Org) -> str | None:
        for n in org.names:
            hit = self.gazetteer.get(key_of(n))
            if hit and hit[1]:
                return hit[1]
        words = " ".join(norm(n).lower() for n in org.names).split()
        for kind, kw in self.kind_rules:
            if _contains(words, kw):
                return kind
        return None


def _contains(words: list[str], seq: list[str]) -> bool:
    n = len(seq)
    return any(words[i:i + n] == seq for i in range(len(words) - n + 1))


def _trim(text: str, s: int, e: int) -> tuple[int, int, str]:
    chunk = text[s:e]
    m = _LEAD_TRIM.match(chunk)
    if m:
        s += m.end()
    chunk = text[s:e]
    m = _TAIL_TRIM.search(chunk)
    if m:
        e = s + m.start()
    return s, e, " ".join(text[s:e].split())


def _listed_locals(text: str, end: int, name: str) -> list[tuple[int, int, str]]:
    """"Carpenters Local 43 and 24" -> the 24 as a mention of "Carpenters Local 24"."""
    m = _LOCAL.match(name)
    if not m:
        return []
    out = []
    pos = end
    while True:
        lm = _LIST_NUM.match(text[pos:pos + 20])
        if not lm:
            break
        ns, ne = pos + lm.start("num"), pos + lm.end("num")
        out.append((ns, ne, f"{m.group('base')} Local {lm.group('num')}"))
        pos = ne
    return out


def _members(text: str, orgs: list[_Org]) -> None:
    """"UNITE-HERE, a 7,000 member ... union" / "the 2 million-member SEIU" -> members."""
    starts = sorted((s, e, o) for o in orgs for s, e in o.mentions)
    if not starts:
        return
    for m in _MEMBERS.finditer(text):
        try:
            num = float(m.group("num").replace(",", ""))
        except ValueError:
            continue
        mult = {"million": 1_000_000, "thousand": 1_000}.get((m.group("mult") or "").lower(), 1)
        value = int(num * mult)
        if value < 2:
            continue
        before = [(s, e, o) for s, e, o in starts if e <= m.start() and m.start() - e <= 40
                  and "." not in text[e:m.start()]]
        after = [(s, e, o) for s, e, o in starts if s >= m.end() and s - m.end() <= 30
                 and not re.search(r"[.;]", text[m.end():s])]
        lead = text[max(0, m.start() - 6):m.start()].lower()
        org = None
        if before and re.search(r",\s*(a|an|the|its|some)?\s*$", text[before[-1][1]:m.start()]):
            org = before[-1][2]
        elif after and not re.search(r"\bof\s*$", lead):
            org = after[0][2]
        if org is not None and org.members is None:
            org.members = value
