"""An animated image with more frames than DETECTION_IMAGE_MAX_FRAMES is refused at upload
(400, saying the limit), and counting its frames stops at the limit: a GIF of a million
1x1 frames used to cost seconds of the upload request, linear in its size."""

from __future__ import annotations

import io
from typing import Any

import pytest
from rest_framework.test import APIClient

from detection.models import Detection
from tests.detection.gif_frames import many_frame_gif

pytestmark = pytest.mark.django_db
URL = "/api/v1/detections/"
MAX_FRAMES = 1000  # the documented default of DETECTION_IMAGE_MAX_FRAMES


def _upload(client: APIClient, data: bytes) -> Any:
    upload = io.BytesIO(data)
    upload.name = "frames.gif"
    return client.post(URL, {"file": upload}, format="multipart")


def test_a_gif_with_more_frames_than_the_limit_is_refused_with_400(api_client: APIClient) -> None:
    response = _upload(api_client, many_frame_gif(MAX_FRAMES + 1))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_media"
    assert f"more than {MAX_FRAMES:,} frames" in error["message"]
    assert not Detection.objects.exists()


def test_a_gif_at_the_limit_is_accepted(api_client: APIClient) -> None:
    response = _upload(api_client, many_frame_gif(MAX_FRAMES))
    assert response.status_code == 202, response.content
    assert response.json()["input_meta"]["frames"] == MAX_FRAMES


def test_frame_counting_stops_at_the_limit(api_client: APIClient, monkeypatch: Any) -> None:
    # A GIF of 200,000 frames (3 MB): Pillow's n_frames would walk every one of them.
    from PIL import GifImagePlugin

    walked = []
    original = GifImagePlugin.GifImageFile._seek

    def counting(self: Any, frame: int, update_image: bool = True) -> None:
        walked.append(frame)
        original(self, frame, update_image)

    monkeypatch.setattr(GifImagePlugin.GifImageFile, "_seek", counting)
    response = _upload(api_client, many_frame_gif(200_000))
    assert response.status_code == 400
    assert max(walked) <= MAX_FRAMES + 1
    assert len(walked) < 4 * MAX_FRAMES
