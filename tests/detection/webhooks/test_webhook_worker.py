"""The production path: a real Celery worker (Redis broker, Postgres) runs the job, then
delivers its webhook from the ``default`` queue, retrying with back-off until the receiver
answers."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from django.contrib.auth.models import User

from accounts.tokens import token_create
from detection.webhooks import signing
from tests.conftest import SAMPLE_TEXT
from tests.detection.posts.local_server import LocalSite, local_site
from tests.detection.test_worker_integration import Services

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Services]:
    running = Services(tmp_path)
    running.env.update(
        # A plain statistic stands in for the model (tests/production/detectors.py).
        DETECTION_EXTRA_SPECS="tests.production.detectors",
        DETECTION_DEFAULT_DETECTORS="text=testing.wordstat",
        URL_FETCH_ALLOWED_NETWORKS="127.0.0.1/32",
        WEBHOOK_BACKOFF_BASE_S="0.5",
        WEBHOOK_MAX_ATTEMPTS="4",
    )
    try:
        running.start()
        yield running
    finally:
        running.stop()


@pytest.fixture
def receiver() -> Iterator[LocalSite]:
    with local_site() as site:
        yield site


def test_worker_delivers_a_signed_webhook_after_retries(
    stack: Services, receiver: LocalSite, db: Any
) -> None:
    user = User.objects.create_user("hook-test", password="irrelevant pass 1")
    raw = token_create(user=user, name="hooks")[1]
    auth = {"Authorization": f"Bearer {raw}"}
    url = receiver.add("/hook", status=200, fail_first=2)
    secret = requests.put(f"{stack.base}/api/v1/webhook/", json={}, headers=auth, timeout=10)
    assert secret.status_code == 201, secret.text
    created = requests.post(
        f"{stack.base}/api/v1/detections/",
        json={"text": SAMPLE_TEXT, "callback_url": url},
        headers=auth,
        timeout=30,
    )
    assert created.status_code == 202, created.text
    deadline = time.monotonic() + 60
    while len(receiver.hits) < 3 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(receiver.hits) == 3, stack.worker_log.read_text()[-3000:]
    _, _, body, headers = receiver.hits[-1]
    assert signing.verify(
        secret.json()["secret"],
        headers["X-Aidetect-Timestamp"],
        body,
        headers["X-Aidetect-Signature"],
    )
    deliveries = requests.get(
        f"{stack.base}/api/v1/webhook/deliveries/", headers=auth, timeout=10
    ).json()["results"]
    assert deliveries[0]["state"] == "delivered"
    assert [d["status_code"] for d in deliveries[0]["deliveries"]] == [503, 503, 200]
