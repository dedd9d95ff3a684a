"""Property test of the API against its own OpenAPI schema (schemathesis): no request the schema
allows, or nearly allows, may make the server fail (5xx). Bounded to stay well under a minute."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, settings  # noqa: E402
from webdata import build_store  # noqa: E402

from whipcount.web.app import create_app  # noqa: E402

MAX_EXAMPLES = 25


def _app() -> Any:
    """A read-only app over the hand-made store (writes answer 403, no NLP), in a temp folder."""
    folder = Path(tempfile.mkdtemp(prefix="whipcount-fuzz-"))
    atexit.register(shutil.rmtree, folder, True)
    return create_app(build_store(folder / "fuzz.db"))


schema = schemathesis.openapi.from_asgi("/openapi.json", _app())


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: Any) -> None:
    response = case.call()
    assert response.status_code < 500, (case.method, case.formatted_path, case.query,
                                        response.text[:300])
    if response.status_code >= 400:  # one error shape everywhere
        body = response.json()
        assert body["ok"] is False and body["status"] == response.status_code
        assert isinstance(body["error"], str)
