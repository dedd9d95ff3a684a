"""Records and stores shared by the web tests (API, pages, browser, OpenAPI fuzz).

Hand-made records (fast) with publication dates for the date filters, and one hostile article
whose text, title, URL, names and office carry markup and script: every page must show it as
inert text.
"""

from __future__ import annotations

from pathlib import Path

from conftest import editorial_record, firehouse_record, make_record, rally_record

from whipcount.models import Record
from whipcount.store import open_store

TOKEN = "test-token-4f9c2a"

EVIL_PERSON = "Mallory <b onmouseover=alert(2)>Evil</b>"
EVIL_ORG = '"><img src=x onerror=alert(1)> Union'
EVIL_OFFICE = "<img src=x onerror=alert(3)> council"
EVIL_QUOTE = "Click javascript:alert(4) now, </script><script>alert(6)</script>"
HOSTILE = (
    '<script>alert("text")</script> The ' + EVIL_ORG + " endorsed " + EVIL_PERSON
    + " for the " + EVIL_OFFICE + ' seat on Monday.\n\n"' + EVIL_QUOTE + '" said '
    + EVIL_PERSON + ".")
HOSTILE_TITLE = '<script>alert("title")</script>Council race'
HOSTILE_URL = "javascript:alert(5)"

# markup that must never reach a page unescaped
RAW_MARKUP = ("<script>alert", "<img src=x", "<b onmouseover", "</script><script>",
              'href="javascript:')


def hand_records() -> list[Record]:
    """Three ordinary articles (dated) and the hostile one."""
    rally, firehouse, editorial = rally_record(), firehouse_record(), editorial_record()
    rally.article.title = "Nurses back Whitcombe"
    rally.article.published = "2016-05-03"
    firehouse.article.title = "Firefighters pull endorsement"
    firehouse.article.published = "2016-06-10"
    editorial.article.title = "Editorial: Whitcombe for Senate"
    editorial.article.published = "2016-07-01"
    return [rally, firehouse, editorial, hostile_record()]


def hostile_record() -> Record:
    """An article whose text, title, URL, names and office are all attempts at markup."""
    sentence = HOSTILE[HOSTILE.index("The "):HOSTILE.index(" on Monday.") + len(" on Monday.")]
    rec = make_record(
        "hostile", HOSTILE,
        people=[(EVIL_PERSON, [("<i>Sen.</i>", None, None)])],
        orgs=[(EVIL_ORG, "union")],
        quotes=[(EVIL_PERSON, EVIL_QUOTE)],
        endorsements=[(EVIL_ORG, EVIL_PERSON, "endorsed", EVIL_OFFICE, sentence)])
    rec.article.title = HOSTILE_TITLE
    rec.article.url = HOSTILE_URL
    rec.article.published = "2016-08-01"
    return rec


def build_store(path: Path, records: list[Record] | None = None) -> str:
    """A SQLite store at ``path`` holding ``records`` (default :func:`hand_records`); its URL."""
    with open_store(str(path)) as store:
        store.write_records(records if records is not None else hand_records())
    return str(path)
