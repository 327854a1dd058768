"""Bad input never makes a 500: property-based fuzzing of the JSON and upload endpoints.

Schemathesis generates requests from the API's own OpenAPI schema (every operation, valid
and invalid bodies, odd query strings); hypothesis throws crafted uploads (real magic
numbers followed by junk) at the upload path, where each modality's decoder runs.
Bounded: a fixed number of examples per operation, no deadline per example.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

schemathesis = pytest.importorskip("schemathesis")

# Transactional, which pytest-django runs after the ordinary database tests: in one session
# with tests/detection/live, running these first made the live consumer's JPEG-rejection
# test time out (3 of 4 runs; cause not found yet, reported).
pytestmark = pytest.mark.django_db(transaction=True)
FUZZ = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,  # the same examples every run: a failure is reproducible
)


@pytest.fixture(autouse=True)
def _jobs_never_run(monkeypatch: Any) -> None:
    # Accepted jobs stay queued: the fuzz targets the web tier, not model time.
    monkeypatch.setattr("detection.dispatch.enqueue", lambda detection_id: None)


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    # Schemathesis calls the WSGI app directly, which closes the database connection at the
    # end of each request (and with it the test's transaction); Django's test client
    # disconnects that handler the same way.
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Read at collection (pytest-django has configured Django by then); serving the schema
# touches no database.
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


def test_batch_with_a_non_object_json_body_is_a_400(api_client: APIClient) -> None:
    api_client.raise_request_exception = False
    response = api_client.post("/api/v1/detections/batch/", [1, 2], format="json")
    assert response.status_code == 400


def test_list_filter_with_an_extreme_utc_offset_is_not_a_500(api_client: APIClient) -> None:
    # Found by the fuzz below on PostgreSQL: "+18:26" is a valid Python offset, but the
    # database refused it (DataError -> 500) until _parse_when converted to UTC.
    api_client.raise_request_exception = False
    response = api_client.get("/api/v1/detections/?created_after=0828-04-12T04:01:04%2B18:26")
    assert response.status_code in (200, 400)


@schema.parametrize()
@FUZZ
def test_api_operations_never_answer_500(case: Any, token: str) -> None:
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    assert response.status_code < 500, (case.method, case.path, response.status_code)


MAGIC = [
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff\xe0",
    b"GIF89a",
    b"RIFF\x00\x00\x00\x00WAVEfmt ",
    b"RIFF\x00\x00\x00\x00WEBPVP8 ",
    b"ID3\x03\x00",
    b"fLaC",
    b"OggS\x00",
    b"\x00\x00\x00\x18ftypmp42",
    b"\x1aE\xdf\xa3",
    b"",
]


@given(
    head=st.sampled_from(MAGIC),
    body=st.binary(max_size=2048),
    name=st.text(max_size=40),
)
@FUZZ
def test_crafted_uploads_never_answer_500(head: bytes, body: bytes, name: str, token: str) -> None:
    import io

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    upload = io.BytesIO(head + body)
    upload.name = name or "upload"
    response = client.post("/api/v1/detections/", {"file": upload}, format="multipart")
    assert response.status_code < 500, response.content[:300]
    assert response.status_code in (202, 400, 413, 415), response.status_code


SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)


@given(payload=JSON)
@FUZZ
def test_arbitrary_json_bodies_never_answer_500(payload: Any, token: str) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    for path in ("/api/v1/detections/", "/api/v1/detections/batch/", "/api/v1/tokens/"):
        response = client.post(path, payload, format="json")
        assert response.status_code < 500, (path, response.content[:300])
