from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from detection.models import Detection
from frontend.views import HISTORY_PAGE_SIZE
from tests.factories import make_detection

pytestmark = pytest.mark.django_db


def _listed(client: Client, query: str = "") -> list[str]:
    response = client.get(f"/detections/{query}")
    assert response.status_code == 200
    return [str(d.id) for d in response.context["page"]]


@pytest.fixture
def client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def rows(user: User, other_user: User) -> dict[str, Detection]:
    made = {
        "photo": make_detection(
            user,
            modality="image",
            verdict="ai",
            probability_ai=0.9,
            original_name="beach.jpg",
            input_text="",
            sha256="ab" * 32,
        ),
        "essay": make_detection(user, input_text="An essay about ferries and gulls."),
        "voice": make_detection(
            user,
            modality="audio",
            verdict="uncertain",
            original_name="memo.flac",
            input_text="",
            status="failed",
            sha256="cd" * 32,
        ),
        "theirs": make_detection(other_user, original_name="beach.jpg", input_text=""),
    }
    old = timezone.now() - timedelta(days=10)
    Detection.objects.filter(pk=made["voice"].pk).update(created_at=old)
    return made


def test_history_lists_only_the_users_own_detections(client: Client, rows: dict) -> None:
    listed = _listed(client)
    assert str(rows["theirs"].id) not in listed
    assert len(listed) == 3


def test_filters_by_type_verdict_and_status(client: Client, rows: dict) -> None:
    assert _listed(client, "?modality=image") == [str(rows["photo"].id)]
    assert _listed(client, "?verdict=uncertain") == [str(rows["voice"].id)]
    assert _listed(client, "?status=failed") == [str(rows["voice"].id)]


def test_filters_by_date_range_and_reads_swapped_dates_the_intended_way(
    client: Client, rows: dict
) -> None:
    today = timezone.now().date()
    week_ago = today - timedelta(days=7)
    assert str(rows["voice"].id) not in _listed(client, f"?date_from={week_ago}")
    assert _listed(client, f"?date_to={week_ago}") == [str(rows["voice"].id)]
    assert len(_listed(client, f"?date_from={today}&date_to={week_ago - timedelta(days=7)}")) == 3


def test_search_matches_file_name_text_and_sha256_prefix(client: Client, rows: dict) -> None:
    assert _listed(client, "?q=BEACH") == [str(rows["photo"].id)]
    assert _listed(client, "?q=ferries") == [str(rows["essay"].id)]
    assert _listed(client, "?q=cdcdcdcd") == [str(rows["voice"].id)]
    assert _listed(client, "?q=nothing-like-this") == []


def test_a_bad_filter_value_is_reported_and_the_valid_ones_still_apply(
    client: Client, rows: dict
) -> None:
    response = client.get("/detections/?date_from=yesterday&modality=image")
    assert response.status_code == 200
    assert response.context["form"].errors["date_from"]
    assert [str(d.id) for d in response.context["page"]] == [str(rows["photo"].id)]


def test_pages_keep_the_filters(client: Client, user: User) -> None:
    for _ in range(HISTORY_PAGE_SIZE + 1):
        make_detection(user, modality="image", input_text="")
    response = client.get("/detections/?modality=image")
    assert response.context["page"].paginator.num_pages == 2
    assert "?modality=image&amp;page=2" in response.content.decode()
    assert len(_listed(client, "?modality=image&page=2")) == 1


def test_text_rows_show_an_excerpt_instead_of_a_name(client: Client, rows: dict) -> None:
    page = client.get("/detections/").content.decode()
    assert "An essay about ferries" in page
    assert "beach.jpg" in page
