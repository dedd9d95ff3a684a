"""The SQLite schema as an ordered list of migrations.

Migration N (1-based) is ``MIGRATIONS[N - 1]``: a tuple of SQL statements applied in one
transaction, after which ``N`` is recorded in ``schema_version``. Never edit a released
migration: append a new one.

Every fact row (mentions, titles, quotes, endorsements, stances) carries its provenance: the
article (``article_pk``), its span in ``Article.text`` and the extractor version. ``*_key``
columns hold :func:`whipcount.store.base.entity_key` of a name, for accent- and
punctuation-insensitive name filters.
"""

from __future__ import annotations

_V1: tuple[str, ...] = (
    """
    CREATE TABLE articles (
        pk INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        sha256 TEXT NOT NULL UNIQUE,
        source TEXT NOT NULL,
        title TEXT,
        published TEXT,
        url TEXT,
        extractor_name TEXT NOT NULL,
        extractor_version TEXT NOT NULL,
        extractor_model TEXT NOT NULL,
        record TEXT NOT NULL,
        stored_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    )""",
    "CREATE INDEX articles_published ON articles(published)",
    # Store-level people and organizations: one per entity_key(name) for now.
    """
    CREATE TABLE people (
        pk INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        party TEXT,
        kb TEXT NOT NULL DEFAULT '{}'
    )""",
    """
    CREATE TABLE organizations (
        pk INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        kind TEXT,
        members INTEGER
    )""",
    "CREATE INDEX organizations_kind ON organizations(kind)",
    # Per-article entities (p1, o2 in a record), linked to the store-level entity.
    """
    CREATE TABLE person_mentions (
        pk INTEGER PRIMARY KEY,
        article_pk INTEGER NOT NULL REFERENCES articles(pk) ON DELETE CASCADE,
        local_id TEXT NOT NULL,
        person_pk INTEGER NOT NULL REFERENCES people(pk),
        name TEXT NOT NULL,
        party TEXT,
        kb TEXT NOT NULL,
        mentions TEXT NOT NULL,
        span_start INTEGER,
        span_end INTEGER,
        extractor_version TEXT NOT NULL
    )""",
    "CREATE INDEX person_mentions_article ON person_mentions(article_pk)",
    "CREATE INDEX person_mentions_person ON person_mentions(person_pk)",
    """
    CREATE TABLE titles (
        pk INTEGER PRIMARY KEY,
        article_pk INTEGER NOT NULL REFERENCES articles(pk) ON DELETE CASCADE,
        mention_pk INTEGER NOT NULL REFERENCES person_mentions(pk) ON DELETE CASCADE,
        person_pk INTEGER NOT NULL REFERENCES people(pk),
        title TEXT NOT NULL,
        org TEXT,
        place TEXT,
        span_start INTEGER,
        span_end INTEGER,
        extractor_version TEXT NOT NULL
    )""",
    "CREATE INDEX titles_person ON titles(person_pk)",
    "CREATE INDEX titles_article ON titles(article_pk)",
    """
    CREATE TABLE org_mentions (
        pk INTEGER PRIMARY KEY,
        article_pk INTEGER NOT NULL REFERENCES articles(pk) ON DELETE CASCADE,
        local_id TEXT NOT NULL,
        org_pk INTEGER NOT NULL REFERENCES organizations(pk),
        name TEXT NOT NULL,
        kind TEXT,
        members INTEGER,
        aliases TEXT NOT NULL,
        parent TEXT,
        mentions TEXT NOT NULL,
        span_start INTEGER,
        span_end INTEGER,
        extractor_version TEXT NOT NULL
    )""",
    "CREATE INDEX org_mentions_article ON org_mentions(article_pk)",
    "CREATE INDEX org_mentions_org ON org_mentions(org_pk)",
    """
    CREATE TABLE quotes (
        pk INTEGER PRIMARY KEY,
        article_pk INTEGER NOT NULL REFERENCES articles(pk) ON DELETE CASCADE,
        local_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        text TEXT NOT NULL,
        span_start INTEGER NOT NULL,
        span_end INTEGER NOT NULL,
        speaker TEXT,
        speaker_key TEXT,
        speaker_id TEXT,
        speaker_store_id TEXT,
        speaker_start INTEGER,
        speaker_end INTEGER,
        cue TEXT,
        cue_start INTEGER,
        cue_end INTEGER,
        nested_in TEXT,
        confidence REAL NOT NULL,
        extractor_version TEXT NOT NULL
    )""",
    "CREATE INDEX quotes_article ON quotes(article_pk, span_start)",
    "CREATE INDEX quotes_speaker_key ON quotes(speaker_key)",
    "CREATE INDEX quotes_speaker_store ON quotes(speaker_store_id)",
    "CREATE INDEX quotes_kind ON quotes(kind)",
    # Full text over quotes, an external-content table kept in sync by triggers.
    """
    CREATE VIRTUAL TABLE quotes_fts USING fts5(
        text, speaker, content='quotes', content_rowid='pk',
        tokenize='unicode61 remove_diacritics 2'
    )""",
    """
    CREATE TRIGGER quotes_fts_insert AFTER INSERT ON quotes BEGIN
        INSERT INTO quotes_fts(rowid, text, speaker) VALUES (new.pk, new.text, new.speaker);
    END""",
    """
    CREATE TRIGGER quotes_fts_delete AFTER DELETE ON quotes BEGIN
        INSERT INTO quotes_fts(quotes_fts, rowid, text, speaker)
        VALUES ('delete', old.pk, old.text, old.speaker);
    END""",
    """
    CREATE TRIGGER quotes_fts_update AFTER UPDATE ON quotes BEGIN
        INSERT INTO quotes_fts(quotes_fts, rowid, text, speaker)
        VALUES ('delete', old.pk, old.text, old.speaker);
        INSERT INTO quotes_fts(rowid, text, speaker) VALUES (new.pk, new.text, new.speaker);
    END""",
    """
    CREATE TABLE endorsements (
        pk INTEGER PRIMARY KEY,
        article_pk INTEGER NOT NULL REFERENCES articles(pk) ON DELETE CASCADE,
        local_id TEXT NOT NULL,
        endorser TEXT NOT NULL,
        endorser_key TEXT NOT NULL,
        endorser_id TEXT,
        endorser_store_id TEXT,
        endorser_detail TEXT,
        endorsee TEXT NOT NULL,
        endorsee_key TEXT NOT NULL,
        endorsee_id TEXT,
        endorsee_store_id TEXT,
        office TEXT,
        status TEXT NOT NULL,
        evidence TEXT NOT NULL,
        evidence_start INTEGER NOT NULL,
        evidence_end INTEGER NOT NULL,
        when_date TEXT,
        confidence REAL NOT NULL,
        extractor_version TEXT NOT NULL
    )""",
    "CREATE INDEX endorsements_article ON endorsements(article_pk, evidence_start)",
    "CREATE INDEX endorsements_status ON endorsements(status)",
    "CREATE INDEX endorsements_endorser ON endorsements(endorser_key)",
    "CREATE INDEX endorsements_endorsee ON endorsements(endorsee_key)",
    "CREATE INDEX endorsements_office ON endorsements(office COLLATE NOCASE)",
    """
    CREATE TABLE stances (
        pk INTEGER PRIMARY KEY,
        article_pk INTEGER NOT NULL REFERENCES articles(pk) ON DELETE CASCADE,
        holder TEXT NOT NULL,
        holder_key TEXT NOT NULL,
        holder_id TEXT,
        topic TEXT NOT NULL,
        polarity TEXT NOT NULL,
        evidence TEXT,
        evidence_start INTEGER NOT NULL,
        evidence_end INTEGER NOT NULL,
        extractor_version TEXT NOT NULL
    )""",
    "CREATE INDEX stances_article ON stances(article_pk)",
    "CREATE INDEX stances_holder ON stances(holder_key)",
)

# Migration 2: fact review state for the web review queue, and the indexes the web pages need.
# A review is one row per fact (kind + the fact's row pk), updated in place; facts themselves are
# never deleted, a rejected fact is only hidden by default.
_V2: tuple[str, ...] = (
    """
    CREATE TABLE fact_reviews (
        pk INTEGER PRIMARY KEY,
        fact_kind TEXT NOT NULL CHECK (fact_kind IN ('endorsement', 'quote', 'stance')),
        fact_pk INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('confirmed', 'rejected')),
        note TEXT,
        reviewed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        UNIQUE (fact_kind, fact_pk)
    )""",
    "CREATE INDEX fact_reviews_state ON fact_reviews(fact_kind, state, fact_pk)",
    "CREATE INDEX endorsements_endorser_store ON endorsements(endorser_store_id, article_pk)",
    "CREATE INDEX endorsements_endorsee_store ON endorsements(endorsee_store_id, article_pk)",
    # races: office + endorsee + status, answered from the index alone
    "CREATE INDEX endorsements_race ON endorsements(office COLLATE NOCASE, endorsee_key, status)",
    # a race's latest endorsements without sorting all of them
    "CREATE INDEX endorsements_race_latest ON endorsements(office COLLATE NOCASE, article_pk)",
    # a person's distinct titles from the index alone (people in the news have thousands)
    "CREATE INDEX titles_person_title ON titles(person_pk, title)",
    # a person's latest quotes and stances without sorting all of them
    "CREATE INDEX quotes_speaker_store_latest ON quotes(speaker_store_id, article_pk)",
    "CREATE INDEX stances_holder_latest ON stances(holder_key, article_pk)",
)

# Migration 3: covering indexes for the person and organization pages, so that the heaviest
# people (thousands of quotes, endorsements and titles) are counted from indexes alone.
_V3: tuple[str, ...] = (
    # a person's titles grouped with their counts
    "CREATE INDEX titles_person_full ON titles(person_pk, title, org, place)",
    # the number of distinct articles that mention a person or an organization
    "CREATE INDEX person_mentions_person_article ON person_mentions(person_pk, article_pk)",
    "CREATE INDEX org_mentions_org_article ON org_mentions(org_pk, article_pk)",
    # counts of a person's quotes, endorsements given and received (per status)
    "CREATE INDEX quotes_speaker_store_kind ON quotes(speaker_store_id, speaker_id)",
    "CREATE INDEX endorsements_endorser_store_kind ON endorsements(endorser_store_id, endorser_id)",
    "CREATE INDEX endorsements_endorsee_status"
    " ON endorsements(endorsee_store_id, status, endorsee_id)",
)

# Migration 4: identities across articles (whipcount resolve). people/organizations rows become
# resolved identities: their confidence and every name they go by; the merges that joined
# per-article entities (refs "<article id>#p1") with a reason each; reviewers' merge/split
# overrides, re-applied by every resolution; the loaded knowledge-base people; one row a run.
_V4: tuple[str, ...] = (
    "ALTER TABLE people ADD COLUMN confidence REAL",
    "ALTER TABLE people ADD COLUMN names TEXT",
    "ALTER TABLE people ADD COLUMN offices TEXT",
    "ALTER TABLE organizations ADD COLUMN confidence REAL",
    "ALTER TABLE organizations ADD COLUMN names TEXT",
    """
    CREATE TABLE entity_merges (
        pk INTEGER PRIMARY KEY,
        entity_kind TEXT NOT NULL CHECK (entity_kind IN ('person', 'organization')),
        entity_id TEXT NOT NULL,
        a TEXT NOT NULL,
        b TEXT NOT NULL,
        reason TEXT NOT NULL,
        confidence REAL NOT NULL,
        rule TEXT NOT NULL
    )""",
    "CREATE INDEX entity_merges_entity ON entity_merges(entity_kind, entity_id)",
    """
    CREATE TABLE identity_overrides (
        pk INTEGER PRIMARY KEY,
        entity_kind TEXT NOT NULL CHECK (entity_kind IN ('person', 'organization')),
        kind TEXT NOT NULL CHECK (kind IN ('merge', 'split')),
        a TEXT NOT NULL,
        b TEXT,
        note TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    )""",
    """
    CREATE TABLE kb_people (
        pk INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        source TEXT NOT NULL,
        data TEXT NOT NULL
    )""",
    """
    CREATE TABLE resolutions (
        pk INTEGER PRIMARY KEY,
        what TEXT NOT NULL,
        detail TEXT NOT NULL,
        done_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    )""",
    "CREATE INDEX quotes_article_speaker ON quotes(article_pk, speaker_id)",
    "CREATE INDEX stances_article_holder ON stances(article_pk, holder_id)",
)

MIGRATIONS: list[tuple[str, ...]] = [_V1, _V2, _V3, _V4]
