"""Identities in the store: resolved people and organizations, why they were joined, reviewers'
overrides and the loaded knowledge base. One set of SQL for both backends.

Written once for both backends in SQLite's dialect, which the PostgreSQL store translates
(:func:`whipcount.store.postgres_web.to_pg`); :class:`IdentityQueries` needs only
:meth:`_ident_write` (one transaction) and :meth:`_ident_all` (a read) from a backend. ``UPDATE ... FROM`` works in both (SQLite 3.33+).

After :func:`whipcount.resolve.store.resolve_store`, every per-article entity (``person_mentions``
/ ``org_mentions`` row) points at the ``people`` / ``organizations`` row of its identity, and the
fact columns that name a store-level entity (quotes' ``speaker_store_id``/``speaker_key``,
endorsements' ``endorser_*``/``endorsee_*``, stances' ``holder_key``) carry the identity's id, so
race pages count "Lieberman" and "Joe Lieberman" as one candidate. Until the next resolution,
newly stored articles join entities by their normalised name (:func:`~whipcount.store.base.entity_key`).
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

from ..models import Record
from .base import Row, entity_key

if TYPE_CHECKING:  # imported late at run time: the store must not pull in the resolvers
    from ..kb.records import KBPerson
    from ..resolve.decisions import Identity, Override

LOGGER = logging.getLogger(__name__)

EntityKind = Literal["person", "organization"]


@dataclass(frozen=True)
class _Tables:
    entities: str
    mentions: str
    fk: str


TABLES: dict[str, _Tables] = {
    "person": _Tables("people", "person_mentions", "person_pk"),
    "organization": _Tables("organizations", "org_mentions", "org_pk"),
}

# The fact columns that hold a store-level entity id, and the local id they follow:
# (table, local-id column, store-id columns set to the identity's id).
_FACT_LINKS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("quotes", "speaker_id", ("speaker_store_id", "speaker_key")),
    ("endorsements", "endorser_id", ("endorser_store_id", "endorser_key")),
    ("endorsements", "endorsee_id", ("endorsee_store_id", "endorsee_key")),
    ("stances", "holder_id", ("holder_key",)),
)


class Executor(Protocol):
    """What a backend's write transaction offers (sqlite3.Connection has it as it is)."""

    def execute(self, sql: str, params: Any = ..., /) -> Any: ...

    def executemany(self, sql: str, rows: Any, /) -> Any: ...


@dataclass
class EntityUpdate:
    """One identity as the store keeps it: the row of ``people`` or ``organizations``."""

    identity: Identity
    party: str | None = None
    offices: list[str] = field(default_factory=list)
    kind: str | None = None  # an organization's kind


@dataclass
class ApplySummary:
    """What writing one resolution changed."""

    entities: int = 0          # per-article entities
    identities: int = 0        # store-level rows after the resolution
    moved: int = 0             # per-article entities now under another row than before
    merges: int = 0


def choose_ids(identities: list[Identity], names: dict[str, str], kind: EntityKind) -> dict[str, str]:
    """A store id (a slug, :func:`entity_key`) for every identity: the key of the name most of
    its mentions use (for people, full names first), so articles stored later under that name
    land in the right row. Bigger identities choose first; a taken key gets ``-2``, ``-3``."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for ident in sorted(identities, key=lambda i: (-len(i.members), i.id)):
        counts = Counter(entity_key(names.get(m, ident.name)) for m in ident.members)
        def rank(key: str) -> tuple[int, int, int]:
            full = kind == "organization" or "-" in key
            return (int(full), counts[key], len(key))
        preferred = sorted(counts, key=rank, reverse=True) + [entity_key(ident.name)]
        key = next((k for k in preferred if k not in taken), None)
        if key is None:
            base, n = preferred[0], 2
            while f"{base}-{n}" in taken:
                n += 1
            key = f"{base}-{n}"
        taken.add(key)
        out[ident.id] = key
    return out


class IdentityQueries:
    """Identity tables of a store (migration 4); mixed into both backends."""

    def _ident_write(self) -> AbstractContextManager[Executor]:
        """One write transaction."""
        raise NotImplementedError

    def _ident_all(self, sql: str, params: Iterable[Any]) -> list[tuple[Any, ...]]:
        """Rows of a read query."""
        raise NotImplementedError

    # -- records -----------------------------------------------------------------------------
    def iter_records(self, batch: int = 200) -> Iterator[Record]:
        """Every stored record, oldest first, read ``batch`` at a time."""
        last = 0
        while True:
            rows = self._ident_all("SELECT pk, record FROM articles WHERE pk > ? ORDER BY pk LIMIT ?",
                                   (last, batch))
            for pk, data in rows:
                last = pk
                yield Record.from_dict(json.loads(data) if isinstance(data, str) else data)
            if len(rows) < batch:
                return

    # -- knowledge base ----------------------------------------------------------------------
    def save_kb(self, people: list[KBPerson]) -> int:
        """Replace the stored knowledge base with ``people``; returns how many are stored."""
        rows: list[tuple[str, str, str, str]] = []
        seen: set[str] = set()
        for p in people:
            key, n = p.key, 1
            while key in seen:  # two id-less people of one name
                n += 1
                key = f"{p.key}~{n}"
            seen.add(key)
            rows.append((key, p.name, p.source, json.dumps(p.to_dict(), ensure_ascii=False)))
        with self._ident_write() as tx:
            tx.execute("DELETE FROM kb_people", ())
            if rows:
                tx.executemany("INSERT INTO kb_people(key, name, source, data) VALUES (?, ?, ?, ?)", rows)
            tx.execute("INSERT INTO resolutions(what, detail) VALUES (?, ?)",
                       ("kb", json.dumps({"people": len(rows)})))
        return len(rows)

    def load_kb(self) -> list[KBPerson]:
        """The stored knowledge-base people (empty when none were loaded)."""
        from ..kb.records import KBPerson

        return [KBPerson.from_dict(json.loads(data) if isinstance(data, str) else data)
                for (data,) in self._ident_all("SELECT data FROM kb_people ORDER BY pk", ())]

    # -- reviewers' overrides ----------------------------------------------------------------
    def add_override(self, kind: EntityKind, override: Override) -> None:
        """Keep a reviewer's merge or split; every later resolution applies it."""
        with self._ident_write() as tx:
            tx.execute("INSERT INTO identity_overrides(entity_kind, kind, a, b, note) VALUES (?, ?, ?, ?, ?)",
                       (kind, override.kind, override.a, override.b, override.note))

    def overrides(self, kind: EntityKind) -> list[Override]:
        """The overrides of one entity kind, oldest first."""
        from ..resolve.decisions import Override

        return [Override(kind=k, a=a, b=b, note=note or "") for k, a, b, note in self._ident_all(
            "SELECT kind, a, b, note FROM identity_overrides WHERE entity_kind = ? ORDER BY pk", (kind,))]

    # -- entities ----------------------------------------------------------------------------
    def entity_refs(self, kind: EntityKind, entity_id: str) -> list[str]:
        """The per-article entities (refs ``"<article id>#<local id>"``) of a store entity."""
        t = TABLES[kind]
        return [f"{a}#{local}" for a, local in self._ident_all(
            f"SELECT a.id, m.local_id FROM {t.mentions} m JOIN articles a ON a.pk = m.article_pk"
            f" JOIN {t.entities} e ON e.pk = m.{t.fk} WHERE e.id = ? ORDER BY a.pk, m.local_id",
            (entity_id,))]

    def entity_of_ref(self, kind: EntityKind, ref: str) -> str | None:
        """The store id of the entity a per-article entity belongs to, or None."""
        article_id, _, local = ref.rpartition("#")
        t = TABLES[kind]
        rows = self._ident_all(
            f"SELECT e.id FROM {t.mentions} m JOIN articles a ON a.pk = m.article_pk"
            f" JOIN {t.entities} e ON e.pk = m.{t.fk} WHERE a.id = ? AND m.local_id = ?",
            (article_id, local))
        return str(rows[0][0]) if rows else None

    def org_kinds(self) -> dict[str, str]:
        """ref -> kind as extracted, for every per-article organization that has one."""
        return {f"{aid}#{local}": kind for aid, local, kind in self._ident_all(
            "SELECT a.id, m.local_id, m.kind FROM org_mentions m JOIN articles a ON a.pk = m.article_pk"
            " WHERE m.kind IS NOT NULL", ())}

    def entity_detail(self, kind: EntityKind, entity_id: str) -> Row | None:
        """One entity with every per-article mention and the merges that joined them:
        ``{id, name, names, kb, party, offices, confidence, mentions: [{ref, article_id,
        article_title, published, local_id, name, titles}], merges: [{a, b, reason, confidence,
        rule}], overrides: [...]}``; None when unknown."""
        t = TABLES[kind]
        extra = "party, kb, offices" if kind == "person" else "kind, NULL, NULL"
        head = self._ident_all(f"SELECT pk, id, name, names, confidence, {extra} FROM {t.entities}"
                               " WHERE id = ?", (entity_id,))
        if not head:
            return None
        pk, eid, name, names, confidence, x1, x2, x3 = head[0]
        out: Row = {"id": eid, "kind": kind, "name": name, "names": json.loads(names) if names else [name],
                    "confidence": confidence}
        if kind == "person":
            out.update(party=x1, kb=json.loads(x2 or "{}"), offices=json.loads(x3) if x3 else [])
        else:
            out["org_kind"] = x1
        titles: dict[int, list[str]] = {}
        if kind == "person":
            for mpk, title in self._ident_all(
                    "SELECT mention_pk, title FROM titles WHERE person_pk = ? ORDER BY pk", (pk,)):
                titles.setdefault(mpk, []).append(title)
        out["mentions"] = [
            {"ref": f"{aid}#{local}", "article_id": aid, "article_title": atitle, "published": pub,
             "local_id": local, "name": mname, "titles": titles.get(mpk, [])}
            for mpk, aid, atitle, pub, local, mname in self._ident_all(
                f"SELECT m.pk, a.id, a.title, a.published, m.local_id, m.name FROM {t.mentions} m"
                f" JOIN articles a ON a.pk = m.article_pk WHERE m.{t.fk} = ? ORDER BY a.pk, m.local_id",
                (pk,))]
        out["merges"] = [
            {"a": a, "b": b, "reason": reason, "confidence": conf, "rule": rule}
            for a, b, reason, conf, rule in self._ident_all(
                "SELECT a, b, reason, confidence, rule FROM entity_merges"
                " WHERE entity_kind = ? AND entity_id = ? ORDER BY pk", (kind, eid))]
        refs = {m["ref"] for m in out["mentions"]}
        out["overrides"] = [o.to_dict() for o in self.overrides(kind) if o.a in refs or o.b in refs]
        return out

    # -- writing a resolution ----------------------------------------------------------------
    def apply_resolution(self, kind: EntityKind, updates: list[EntityUpdate]) -> ApplySummary:
        """Make the store's entities of ``kind`` the given identities, in one transaction.

        Rows are reused by id (see :func:`choose_ids`), fact columns re-pointed, rows no mention
        uses any more deleted, and the merges kept for :meth:`entity_detail`.
        """
        t = TABLES[kind]
        current = {f"{aid}#{local}": (apk, local, name, old)
                   for aid, apk, local, name, old in self._ident_all(
                       f"SELECT a.id, m.article_pk, m.local_id, m.name, m.{t.fk} FROM {t.mentions} m"
                       " JOIN articles a ON a.pk = m.article_pk", ())}
        identities = [u.identity for u in updates]
        ids = choose_ids(identities, {r: v[2] for r, v in current.items()}, kind)
        summary = ApplySummary(identities=len(updates))
        with self._ident_write() as tx:
            mapping: list[tuple[int, str, int, str]] = []
            for u in updates:
                ident = u.identity
                store_id = ids[ident.id]
                names = json.dumps(ident.names, ensure_ascii=False)
                if kind == "person":
                    cur = tx.execute(
                        "INSERT INTO people(id, name, party, kb, confidence, names, offices)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name,"
                        " party = excluded.party, kb = excluded.kb, confidence = excluded.confidence,"
                        " names = excluded.names, offices = excluded.offices RETURNING pk",
                        (store_id, ident.name, u.party, json.dumps(ident.kb), ident.confidence, names,
                         json.dumps(u.offices) if u.offices else None))
                else:
                    cur = tx.execute(
                        "INSERT INTO organizations(id, name, kind, confidence, names)"
                        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name,"
                        " kind = COALESCE(excluded.kind, organizations.kind),"
                        " confidence = excluded.confidence, names = excluded.names RETURNING pk",
                        (store_id, ident.name, u.kind, ident.confidence, names))
                pk = int(cur.fetchone()[0])
                for m in ident.members:
                    if m in current:
                        apk, local, _, old = current[m]
                        mapping.append((apk, local, pk, store_id))
                        summary.moved += int(old != pk)
            summary.entities = len(mapping)
            tx.execute("CREATE TEMPORARY TABLE IF NOT EXISTS resolve_map (article_pk BIGINT NOT NULL,"
                       " local_id TEXT NOT NULL, entity_pk BIGINT NOT NULL, entity_id TEXT NOT NULL,"
                       " PRIMARY KEY (article_pk, local_id))", ())
            tx.execute("DELETE FROM resolve_map", ())
            if mapping:
                tx.executemany("INSERT INTO resolve_map(article_pk, local_id, entity_pk, entity_id)"
                               " VALUES (?, ?, ?, ?)", mapping)
            tx.execute(f"UPDATE {t.mentions} SET {t.fk} = r.entity_pk FROM resolve_map r"
                       f" WHERE r.article_pk = {t.mentions}.article_pk AND r.local_id = {t.mentions}.local_id"
                       f" AND {t.mentions}.{t.fk} <> r.entity_pk", ())
            if kind == "person":
                tx.execute("UPDATE titles SET person_pk = m.person_pk FROM person_mentions m"
                           " WHERE m.pk = titles.mention_pk AND titles.person_pk <> m.person_pk", ())
            for table, local_col, store_cols in _FACT_LINKS:
                sets = ", ".join(f"{c} = r.entity_id" for c in store_cols)
                tx.execute(f"UPDATE {table} SET {sets} FROM resolve_map r"
                           f" WHERE r.article_pk = {table}.article_pk AND r.local_id = {table}.{local_col}"
                           f" AND ({table}.{store_cols[0]} IS NULL OR {table}.{store_cols[0]} <> r.entity_id)",
                           ())
            tx.execute(f"DELETE FROM {t.entities} WHERE NOT EXISTS"
                       f" (SELECT 1 FROM {t.mentions} m WHERE m.{t.fk} = {t.entities}.pk)", ())
            tx.execute("DELETE FROM entity_merges WHERE entity_kind = ?", (kind,))
            merges = [(kind, ids[u.identity.id], m.a, m.b, m.reason, m.confidence, m.rule)
                      for u in updates for m in u.identity.merges]
            if merges:
                tx.executemany("INSERT INTO entity_merges(entity_kind, entity_id, a, b, reason, confidence,"
                               " rule) VALUES (?, ?, ?, ?, ?, ?, ?)", merges)
            summary.merges = len(merges)
            tx.execute("INSERT INTO resolutions(what, detail) VALUES (?, ?)",
                       (kind, json.dumps({"entities": summary.entities, "identities": summary.identities,
                                          "moved": summary.moved, "merges": summary.merges})))
        LOGGER.info("%s identities: %d entities in %d identities (%d moved, %d merges)", kind,
                    summary.entities, summary.identities, summary.moved, summary.merges)
        return summary

