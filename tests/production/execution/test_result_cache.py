from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from accounts.tokens import token_create
from tests.conftest import SAMPLE_TEXT

pytestmark = pytest.mark.django_db


def _client_for(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, name='t')[1]}")
    return client


def test_same_input_and_detector_version_reuses_the_stored_result(
    api_client: APIClient, submit: Any, use_detector: Any
) -> None:
    use_detector("testing.wordstat")
    first, second = submit(api_client), submit(api_client)
    assert first.timings["cache_hit"] is False
    assert second.status == "completed" and second.timings["cache_hit"] is True
    assert second.pk != first.pk
    assert (second.verdict, second.probability_ai) == (first.verdict, first.probability_ai)
    assert second.results == first.results


def test_different_input_is_computed(api_client: APIClient, submit: Any, use_detector: Any) -> None:
    use_detector("testing.wordstat")
    submit(api_client)
    other = submit(api_client, SAMPLE_TEXT.replace("ferry", "train"))
    assert other.timings["cache_hit"] is False


def test_a_changed_detector_version_does_not_reuse_old_results(
    api_client: APIClient, submit: Any, use_detector: Any, monkeypatch: Any
) -> None:
    use_detector("testing.wordstat")
    submit(api_client)
    from detection.execution import cache

    monkeypatch.setattr(cache, "result_key", lambda detector, options: "another-version")
    assert submit(api_client).timings["cache_hit"] is False


def test_by_default_results_are_reused_only_within_one_account(
    api_client: APIClient, submit: Any, use_detector: Any, other_user: User, caplog: Any
) -> None:
    use_detector("testing.wordstat")
    submit(api_client)
    with caplog.at_level("INFO", logger="detection.result_store"):
        theirs = submit(_client_for(other_user))
    assert theirs.timings["cache_hit"] is False
    assert "result reused" not in caplog.text  # computed again, not copied


def test_a_shared_cache_never_tells_one_account_what_another_submitted(
    api_client: APIClient, submit: Any, use_detector: Any, other_user: User, settings: Any
) -> None:
    settings.DETECTION_RESULT_CACHE = "global"
    use_detector("testing.wordstat")
    first = submit(api_client)
    other = _client_for(other_user)
    theirs = submit(other)
    seen = other.get(f"/api/v1/detections/{theirs.pk}/").json()
    # Reused (same verdict and scores) but reported exactly as a computed result.
    assert (seen["verdict"], seen["probability_ai"]) == (first.verdict, first.probability_ai)
    assert seen["timings"]["cache_hit"] is False
    assert seen["timings"].keys() == first.timings.keys()
    assert "original_detector_ms" not in seen["timings"]
    # The same account resubmitting its own input may see its own cache hit.
    again = submit(other)
    assert other.get(f"/api/v1/detections/{again.pk}/").json()["timings"]["cache_hit"] is True


def test_failed_jobs_are_never_reused(
    api_client: APIClient, submit: Any, use_detector: Any
) -> None:
    use_detector("testing.broken")
    assert submit(api_client).status == "failed"
    use_detector("testing.wordstat")
    assert submit(api_client).timings["cache_hit"] is False
