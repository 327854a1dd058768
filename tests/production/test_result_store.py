"""``detection_result_store``: one road from a result to a completed row, and its hook."""

from __future__ import annotations

from typing import Any

import pytest

from detection.models import Detection
from detection.signals import detection_finished

pytestmark = pytest.mark.django_db


def test_every_finished_job_sends_detection_finished_once_with_its_row(
    api_client: Any, submit: Any, use_detector: Any
) -> None:
    seen: list[Detection] = []

    def receiver(sender: Any, detection: Detection, **_: Any) -> None:
        seen.append(detection)

    detection_finished.connect(receiver)
    try:
        use_detector("testing.wordstat")
        computed = submit(api_client)
        reused = submit(api_client)  # a cache hit goes through the same function
    finally:
        detection_finished.disconnect(receiver)
    assert [d.pk for d in seen] == [computed.pk, reused.pk]
    assert all(d.status == "completed" and d.verdict for d in seen)
    assert reused.timings["cache_hit"] is True


def test_a_receiver_that_raises_never_fails_the_job(
    api_client: Any, submit: Any, use_detector: Any
) -> None:
    def broken(sender: Any, **_: Any) -> None:
        raise RuntimeError("webhook down")

    detection_finished.connect(broken)
    try:
        use_detector("testing.wordstat")
        job = submit(api_client)
    finally:
        detection_finished.disconnect(broken)
    assert job.status == "completed"
