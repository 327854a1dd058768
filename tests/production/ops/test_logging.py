from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from rest_framework.test import APIClient

from detection.ops.logging import ContextFilter, JsonFormatter, RedactFilter, redact

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContextFilter())
    handler.addFilter(RedactFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(old_level)


def test_every_line_about_a_detection_carries_its_id(
    api_client: APIClient, submit: Any, use_detector: Any, json_lines: io.StringIO
) -> None:
    use_detector("testing.wordstat")
    detection = submit(api_client)
    lines = [json.loads(line) for line in json_lines.getvalue().splitlines()]
    about = [
        line
        for line in lines
        if line["logger"].startswith(
            (
                "detection.services",
                "detection.result_store",
                "detection.execution",
                "detection.engine",
            )
        )
    ]
    events = {line.get("event") for line in about}
    assert "detection.completed" in events
    assert about and all(line.get("detection_id") == str(detection.pk) for line in about)
    assert all({"ts", "level", "logger", "message"} <= set(line) for line in lines)


def test_tokens_never_reach_the_logs(
    api_client: APIClient, token: str, submit: Any, use_detector: Any, json_lines: io.StringIO
) -> None:
    use_detector("testing.wordstat")
    submit(api_client)
    api_client.get("/api/v1/detections/")
    logging.getLogger("anything").warning("client sent Authorization: Bearer %s", token)
    logging.getLogger("anything").error("token %s failed", token)
    try:
        raise ValueError(f"bad token {token}")
    except ValueError:
        logging.getLogger("anything").exception("with traceback")
    output = json_lines.getvalue()
    assert token not in output and token[4:] not in output
    assert "[redacted]" in output


def test_redaction_keeps_the_rest_of_the_message() -> None:
    assert redact("auth Bearer abc.def-123 ok") == "auth Bearer [redacted] ok"
    assert redact("t=adt_AbCdEf123456_x-y end") == "t=adt_[redacted] end"
