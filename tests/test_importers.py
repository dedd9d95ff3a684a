"""Tests for whipcount.importers: endorsement CSVs (FiveThirtyEight and generic) as records."""

from __future__ import annotations

from pathlib import Path

import pytest

from whipcount.errors import InputError
from whipcount.importers import detect_format, read_endorsement_csv
from whipcount.models import IngestError, Record

GENERIC = """\
endorser,endorsee,status,office,date,source_url,evidence
Tamarack Nurses Union,Dana Whitcombe,endorsed,U.S. Senate,2024-03-05,https://example.org/a,
Ruth Okafor,Dana Whitcombe,supports,,2024-03-06,https://example.org/b,"Okafor said she would vote for Dana Whitcombe, “no question.”"
Kevin Doyle,Luis Ferraro,withdrawn,mayor,2024-04,https://example.org/a,
"""
FIVE38 = """\
date,position,city,state,endorser,endorsee,endorser party,source,order,category,body,district,points
2019-03-01,senator,,VT,Margaret Example,Dana Whitcombe,D,https://example.org/x,,Senators,,,6
2019-03-02,mayor,Port Ellery,OR,Luis Ferraro,Dana Whitcombe,D,https://example.org/x,,Mayors,,,1
,representative,,OR,Walter Sample,,D,,,Representatives,,4,
"""


def _write(tmp_path: Path, text: str, name: str = "list.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("header, expected", [
    (["date", "position", "city", "state", "endorser", "endorsee", "endorser party", "source"], "fivethirtyeight"),
    (["endorser", "endorsee"], "csv"),
    (["Endorser", " Endorsee ", "status"], "csv"),
    (["name", "party"], None),
])
def test_detect_format(header: list[str], expected: str | None) -> None:
    assert detect_format(header) == expected


def _by_url(records: list[Record]) -> dict[str | None, Record]:
    return {r.article.url: r for r in records}


def test_generic_rows_grouped_by_source(tmp_path: Path) -> None:
    records = read_endorsement_csv(_write(tmp_path, GENERIC))
    assert len(records) == 2
    a = _by_url(records)["https://example.org/a"]
    assert a.extractor.name == "import:csv"
    assert [(e.endorser, e.endorsee, e.status, e.office, e.when) for e in a.endorsements] == [
        ("Tamarack Nurses Union", "Dana Whitcombe", "endorsed", "U.S. Senate", "2024-03-05"),
        ("Kevin Doyle", "Luis Ferraro", "withdrawn", "mayor", "2024-04"),
    ]
    assert a.article.published == "2024-03-05" and a.article.source.endswith("list.csv:2")
    for e in a.endorsements:  # every evidence span points at its line of the synthetic text
        assert a.article.text[e.evidence_span[0]:e.evidence_span[1]] == e.evidence
        assert e.endorser in e.evidence and e.endorsee in e.evidence
    # the endorsee of two rows is one person of the record, mentioned twice
    dana = [p for p in a.people if p.name == "Dana Whitcombe"]
    assert len(dana) == 1 and len(dana[0].mentions) == 1
    b = _by_url(records)["https://example.org/b"]
    assert b.endorsements[0].evidence == "Okafor said she would vote for Dana Whitcombe, “no question.”"
    assert b.endorsements[0].status == "supports"


def test_generic_organization_endorser(tmp_path: Path) -> None:
    text = "endorser,endorsee,endorser_type\nTamarack Nurses Union,Dana Whitcombe,organization\n"
    [rec] = read_endorsement_csv(_write(tmp_path, text))
    assert [o.name for o in rec.organizations] == ["Tamarack Nurses Union"]
    assert rec.endorsements[0].endorser_id == rec.organizations[0].id
    assert rec.endorsements[0].status == "endorsed"


def test_fivethirtyeight_rows(tmp_path: Path) -> None:
    records = read_endorsement_csv(_write(tmp_path, FIVE38))
    assert len(records) == 1  # two rows share the source URL; the row without endorsee is skipped
    rec = records[0]
    assert rec.extractor.name == "import:fivethirtyeight"
    assert [(e.endorser, e.endorsee, e.office) for e in rec.endorsements] == [
        ("Margaret Example", "Dana Whitcombe", "president"), ("Luis Ferraro", "Dana Whitcombe", "president")]
    margaret = next(p for p in rec.people if p.name == "Margaret Example")
    assert (margaret.titles[0].title, margaret.titles[0].place, margaret.party) == ("senator", "VT", "Democratic")
    luis = next(p for p in rec.people if p.name == "Luis Ferraro")
    assert luis.titles[0].place == "Port Ellery"


@pytest.mark.parametrize("text, message", [
    ("endorser,endorsee,status\nA Person,B Person,maybe\n", "line 2: status 'maybe'"),
    ("endorser,endorsee\nA Person,\n", "line 2: endorser and endorsee are required"),
    ("endorser,endorsee,date\nA Person,B Person,May 5\n", "line 2: date 'May 5'"),
    ("endorser,endorsee\nA Person,B Person\nC,D,E\n", "line 3: 3 fields"),
    ("name,party\nA Person,D\n", "E042"),
    ("", "E005"),
])
def test_bad_rows_name_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(InputError, match=message) as info:
        read_endorsement_csv(path)
    assert str(path) in str(info.value)


def test_on_error_skips_bad_rows(tmp_path: Path) -> None:
    text = "endorser,endorsee,status\nA Person,B Person,maybe\nC Person,D Person,endorsed\n"
    errors: list[IngestError] = []
    records = read_endorsement_csv(_write(tmp_path, text), on_error=errors.append)
    assert [r.endorsements[0].endorser for r in records] == ["C Person"]
    assert [(e.line, "maybe" in e.reason) for e in errors] == [(2, True)]


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="E001"):
        read_endorsement_csv(tmp_path / "nope.csv")


def test_shared_fivethirtyeight_file(shared_dir: Path) -> None:
    path = shared_dir / "data" / "endorsements" / "fivethirtyeight-2020.csv"
    if not path.exists():
        pytest.skip(f"not found: {path}")
    records = read_endorsement_csv(path)
    endorsements = [e for r in records for e in r.endorsements]
    assert len(endorsements) == 404  # rows with an endorsee
    assert all(r.article.url for r in records)
    feinstein = next(e for e in endorsements if e.endorser == "Dianne Feinstein")
    assert (feinstein.endorsee, feinstein.when) == ("Joe Biden", "2019-01-03")
    assert Record.from_dict(records[0].to_dict()).endorsements == records[0].endorsements


def test_cli_import_endorsements(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from whipcount.cli import app

    src = _write(tmp_path, GENERIC)
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["import", "endorsements", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 2 and rows[0]["extractor"]["name"] == "import:csv"
    bad = _write(tmp_path, "endorser,endorsee,status\nA,B,maybe\n", "bad.csv")
    result = CliRunner().invoke(app, ["import", "endorsements", str(bad)])
    assert result.exit_code == 2 and "bad.csv: line 2" in result.output
