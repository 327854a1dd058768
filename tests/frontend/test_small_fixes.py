"""Sign-up error placement and the one text length rule the page and the server share."""

from __future__ import annotations

import pytest
from django.test import Client

from detection.validation import InputError, text_length, validate_text

pytestmark = pytest.mark.django_db


def test_a_weak_password_is_reported_under_the_password_not_its_confirmation() -> None:
    response = Client().post(
        "/accounts/signup/",
        {"username": "newcomer", "password1": "123", "password2": "123"},
    )
    form = response.context["form"]
    assert form.errors.get("password1"), form.errors
    assert "password2" not in form.errors


def test_line_breaks_count_once_whatever_their_encoding() -> None:
    assert text_length("a\r\nb\rc\nd") == 7
    assert text_length("🚢") == 1  # a code point, as the page's counter counts it


def test_text_at_the_limit_with_crlf_breaks_is_accepted(settings: object) -> None:
    settings.DETECTION_MAX_TEXT_CHARS = 50  # type: ignore[attr-defined]
    # 50 characters once each CRLF counts as one line break; 54 raw.
    text = ("word word\r\n" * 5)[:-2] + "a"
    assert len(text) > 50 and text_length(text) == 50
    try:
        validate_text(text)
    except InputError as exc:
        assert exc.code != "too_large", exc.message
    with pytest.raises(InputError) as refused:
        validate_text(text + "x" * 10)
    assert refused.value.code == "too_large"


def test_upload_page_has_no_length_cut_and_no_template_residue(user: object) -> None:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    body = client.get("/").content.decode()
    assert "maxlength" not in body  # the page warns before cutting instead
    assert "{#" not in body and "{%" not in body
    assert 'id="text-limit-warning"' in body
