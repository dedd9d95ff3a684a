"""Load people from the open knowledge bases into :class:`~whipcount.kb.records.KBPerson`.

Formats are detected from the content, not only the file name:

- unitedstates/congress-legislators: ``legislators-current.yaml``/``.json``,
  ``legislators-historical.yaml``/``.json``, ``executive.yaml`` (a list of people with an ``id``
  mapping, ``name``, ``bio`` and ``terms``), ``legislators-historical.csv``/``-current.csv`` (one row a
  person, last term only, no term dates) and ``legislators-social-media.yaml`` (extra ids, merged
  into the people already loaded).
- Open States people: one YAML file a person (``data/<state>/<kind>/*.yml``; give the folder) or
  the same objects one a line in JSONL.

Records of one person from several files are merged when they share a bioguide, Open States,
Wikidata or GovTrack id (Open States carries bioguide and wikidata ids for members of Congress).
"""

from __future__ import annotations

import csv
import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from whipcount.errors import E, InputError
from whipcount.kb.names import fold
from whipcount.kb.records import MERGE_ID_SCHEMES, KBPerson, KBRole, normalize_party, normalize_state

LOGGER = logging.getLogger(__name__)

KB_SUFFIXES: tuple[str, ...] = (".yaml", ".yml", ".json", ".jsonl", ".csv")
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_JURIS_STATE = re.compile(r"/state:([a-z]{2})(?:/|$)")
_JURIS_PLACE = re.compile(r"/(?:place|county):([a-z0-9_~.-]+)")
_FEDERAL_JURIS = "ocd-jurisdiction/country:us/government"
_CSV_ID_COLUMNS = {
    "bioguide_id": "bioguide", "thomas_id": "thomas", "opensecrets_id": "opensecrets",
    "lis_id": "lis", "fec_ids": "fec", "cspan_id": "cspan", "govtrack_id": "govtrack",
    "votesmart_id": "votesmart", "ballotpedia_id": "ballotpedia", "washington_post_id": "washington_post",
    "icpsr_id": "icpsr", "wikipedia_id": "wikipedia", "wikidata_id": "wikidata", "twitter": "twitter",
}
_OS_OFFICES = {"upper": "upper", "lower": "lower", "legislature": "legislature", "mayor": "mayor"}


@dataclass
class _Rec:
    """A loaded person plus the id keys it can be merged on."""

    person: KBPerson
    keys: set[tuple[str, str]] = field(default_factory=set)
    ids_only: bool = False  # a social-media record: merged into others, never a person itself


def _str_id(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, list):
        return ",".join(str(v) for v in value if v is not None) or None
    return str(value)


def _merge_keys(ids: dict[str, str]) -> set[tuple[str, str]]:
    return {(s, ids[s]) for s in MERGE_ID_SCHEMES if ids.get(s)}


# --- congress-legislators -------------------------------------------------------------------

def _from_congress(entry: dict[str, Any]) -> _Rec | None:
    """One person of legislators-*.yaml/.json or executive.yaml."""
    raw_ids = entry.get("id") or {}
    ids = {k: v for k, v in ((k, _str_id(v)) for k, v in raw_ids.items()) if v}
    if "social" in entry and "name" not in entry:
        social = {k: v for k, v in ((k, _str_id(v)) for k, v in (entry.get("social") or {}).items()) if v}
        person = KBPerson(source="bioguide", ids={**social, **ids}, sources=["bioguide"])
        return _Rec(person, _merge_keys(ids), ids_only=True)
    name = entry.get("name") or {}
    bio = entry.get("bio") or {}
    first, last = str(name.get("first") or ""), str(name.get("last") or "")
    middle, suffix = str(name.get("middle") or ""), str(name.get("suffix") or "")
    full = name.get("official_full") or " ".join(p for p in (first, middle, last) if p)
    if suffix and suffix not in full:
        full = f"{full}, {suffix}"
    roles = []
    for term in entry.get("terms") or []:
        district = term.get("district")
        roles.append(KBRole(
            office=str(term.get("type") or ""), state=term.get("state"),
            district=None if district is None else str(district),
            start=_str_id(term.get("start")), end=_str_id(term.get("end")),
            party=normalize_party(term.get("party"))))
    party = next((r.party for r in reversed(roles) if r.party), None)
    person = KBPerson(
        source="bioguide", ids=ids, name=str(full), first=first, last=last, middle=middle,
        nickname=str(name.get("nickname") or ""), suffix=suffix, gender=bio.get("gender"),
        party=party, roles=roles, birthday=_str_id(bio.get("birthday")), sources=["bioguide"])
    return _Rec(person, _merge_keys(ids))


def _from_congress_csv_row(row: dict[str, str]) -> _Rec | None:
    """One row of legislators-historical.csv / legislators-current.csv (last term, no dates)."""
    ids = {scheme: row[col].strip() for col, scheme in _CSV_ID_COLUMNS.items() if (row.get(col) or "").strip()}
    if not ids.get("bioguide"):
        return None
    first, last = row.get("first_name", ""), row.get("last_name", "")
    middle, suffix = row.get("middle_name", ""), row.get("suffix", "")
    full = row.get("full_name") or " ".join(p for p in (first, middle, last) if p)
    if suffix and suffix not in full:
        full = f"{full}, {suffix}"
    party = normalize_party(row.get("party"))
    role = KBRole(office=row.get("type", ""), state=row.get("state") or None,
                  district=row.get("district") or None, party=party)
    person = KBPerson(
        source="bioguide", ids=ids, name=full, first=first, last=last, middle=middle,
        nickname=row.get("nickname", ""), suffix=suffix, gender=row.get("gender") or None,
        party=party, roles=[role], birthday=row.get("birthday") or None, sources=["bioguide"])
    return _Rec(person, _merge_keys(ids))


# --- Open States ----------------------------------------------------------------------------

def _os_role(role: dict[str, Any]) -> KBRole:
    juris = str(role.get("jurisdiction") or "")
    rtype = str(role.get("type") or "").strip().lower().replace(" ", "_")
    district = _str_id(role.get("district"))
    state: str | None = None
    if juris == _FEDERAL_JURIS:
        office = {"upper": "sen", "lower": "rep"}.get(rtype, rtype)
        if district and "-" in district:
            code, _, num = district.partition("-")
            state, district = normalize_state(code), num
        elif district:
            state, district = normalize_state(district), None
    else:
        office = _OS_OFFICES.get(rtype, rtype)
        m = _JURIS_STATE.search(juris)
        state = m.group(1).upper() if m else None
    m = _JURIS_PLACE.search(juris)
    place = fold(m.group(1).replace("_", " ").replace("~", " ")) if m else None
    return KBRole(office=office, state=state, district=district, start=_str_id(role.get("start_date")),
                  end=_str_id(role.get("end_date")), place=place)


def _os_party(parties: list[dict[str, Any]]) -> str | None:
    if not parties:
        return None
    current = [p for p in parties if not p.get("end_date")]
    pick = current[-1] if current else max(parties, key=lambda p: str(p.get("end_date") or ""))
    return normalize_party(pick.get("name"))


def _from_openstates(d: dict[str, Any]) -> _Rec | None:
    """One Open States person (per-person YAML or a JSONL line)."""
    pid = d.get("id")
    if not isinstance(pid, str) or not pid.startswith("ocd-person/") or not d.get("name"):
        return None
    ids: dict[str, str] = {"openstates": pid}
    keys: set[tuple[str, str]] = {("openstates", pid)}
    for other in d.get("other_identifiers") or []:
        scheme, value = other.get("scheme"), _str_id(other.get("identifier"))
        if not scheme or not value:
            continue
        if scheme in MERGE_ID_SCHEMES:
            keys.add((scheme, value))
        if scheme == "legacy_openstates" or scheme in ids:
            continue
        ids[scheme] = value
    for scheme, value in (d.get("ids") or {}).items():
        if _str_id(value):
            ids.setdefault(scheme, str(value))
    given = str(d.get("given_name") or "")
    middle = str(d.get("middle_name") or "")
    parts = given.split()
    if len(parts) > 1 and all(len(p.rstrip(".")) <= 1 for p in parts[1:]):
        # "Kevin P" / "Scott M.": the initials are a middle name
        given, middle = parts[0], middle or " ".join(parts[1:])
    gender = d.get("gender")
    person = KBPerson(
        source="openstates", ids=ids, name=str(d["name"]), first=given,
        last=str(d.get("family_name") or ""), middle=middle, suffix=str(d.get("suffix") or ""),
        gender={"Male": "M", "Female": "F"}.get(str(gender), gender) if gender else None,
        party=_os_party(d.get("party") or []), roles=[_os_role(r) for r in d.get("roles") or []],
        other_names=[str(o["name"]) for o in d.get("other_names") or [] if o.get("name")],
        birthday=_str_id(d.get("birth_date")), sources=["openstates"])
    return _Rec(person, keys)


# --- format detection -----------------------------------------------------------------------

def _from_object(obj: Any) -> _Rec | None:
    if isinstance(obj, dict):
        if isinstance(obj.get("id"), str):
            return _from_openstates(obj)
        if isinstance(obj.get("id"), dict):
            return _from_congress(obj)
    return None


def _records_from_data(data: Any) -> Iterator[_Rec]:
    items = data if isinstance(data, list) else [data]
    for item in items:
        rec = _from_object(item)
        if rec is not None:
            yield rec


def _load_file(path: Path, strict: bool) -> list[_Rec]:
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            with path.open(encoding="utf-8", newline="") as fh:
                reader = csv.DictReader(fh)
                if "bioguide_id" not in (reader.fieldnames or []):
                    recs: list[_Rec] = []
                else:
                    recs = [r for r in map(_from_congress_csv_row, reader) if r is not None]
        elif suffix == ".jsonl":
            recs = []
            with path.open(encoding="utf-8") as fh:
                for lineno, line in enumerate(fh, 1):
                    if not line.strip():
                        continue
                    try:
                        rec = _from_object(json.loads(line))
                    except json.JSONDecodeError as exc:
                        LOGGER.warning(E.E004.format(path=path, line=lineno, detail=exc))
                        continue
                    if rec is not None:
                        recs.append(rec)
        elif suffix == ".json":
            with path.open(encoding="utf-8") as fh:
                recs = list(_records_from_data(json.load(fh)))
        elif suffix in (".yaml", ".yml"):
            with path.open(encoding="utf-8") as fh:
                recs = list(_records_from_data(yaml.load(fh, Loader=_YAML_LOADER)))
        else:
            recs = []
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise InputError(E.E041.format(path=path, detail=exc)) from exc
    if not recs and strict:
        raise InputError(E.E040.format(path=path))
    return recs


def _iter_files(paths: Iterable[str | Path]) -> Iterator[tuple[Path, bool]]:
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for sub in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in sub.relative_to(path).parts)
                if not hidden and sub.is_file() and sub.suffix.lower() in KB_SUFFIXES:
                    yield sub, False  # hidden: e.g. a `kb update` working folder left by a kill
        elif path.is_file():
            yield path, True
        else:
            raise InputError(E.E001.format(path=path))


def merge_people(recs: list[_Rec]) -> list[KBPerson]:
    """Merge records that share an id of :data:`MERGE_ID_SCHEMES` (union-find over the ids)."""
    parent = list(range(len(recs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[tuple[str, str], int] = {}
    for i, rec in enumerate(recs):
        for key in rec.keys:
            j = owner.setdefault(key, i)
            if j != i:
                ri, rj = find(i), find(j)
                if ri != rj:
                    parent[max(ri, rj)] = min(ri, rj)
    groups: dict[int, list[int]] = {}
    for i in range(len(recs)):
        groups.setdefault(find(i), []).append(i)
    people: list[KBPerson] = []
    for members in groups.values():
        named = [i for i in members if not recs[i].ids_only]
        if not named:
            continue
        # Congress records first: their ids and per-term parties are the most complete.
        named.sort(key=lambda i: (recs[i].person.source != "bioguide", i))
        person = recs[named[0]].person
        for i in named[1:] + [i for i in members if recs[i].ids_only]:
            person.merge(recs[i].person)
        people.append(person)
    return people


def merge_kb_people(people: Iterable[KBPerson]) -> list[KBPerson]:
    """Merge already loaded people (e.g. a store's knowledge base plus newly loaded files) that
    share an id of :data:`MERGE_ID_SCHEMES`, as :func:`load_kb_files` merges the records of files."""
    return merge_people([_Rec(p, _merge_keys(p.ids)) for p in people])


def load_kb_files(paths: Iterable[str | Path]) -> list[KBPerson]:
    """Load and merge the people of the given knowledge-base files or folders.

    A folder is searched recursively (hidden files and folders left out) for ``.yaml``/``.yml``/``.json``/``.jsonl``/``.csv`` files;
    files in it that hold no people are skipped. A file named directly must hold people.
    Raises :class:`~whipcount.errors.InputError` (E001, E040, E041) otherwise.
    """
    recs: list[_Rec] = []
    for path, strict in _iter_files(paths):
        loaded = _load_file(path, strict)
        LOGGER.info("%s: %d knowledge-base records", path, len(loaded))
        recs.extend(loaded)
    people = merge_people(recs)
    LOGGER.info("knowledge base: %d records, %d people after merging", len(recs), len(people))
    return people
