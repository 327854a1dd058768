"""The one vocabulary: verdict words, bands and error-rate sentences read from the
calibration files, the same on the result page, history, API and admin."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from detection.presentation import reading_for
from detection.presentation.calibration_files import SOURCES, facts_for, human_flagged_at
from tests.factories import make_detection

pytestmark = pytest.mark.django_db

VOICE = json.loads(SOURCES["audio.ensemble"].path.read_text())
VOICE_AI_AT = VOICE["verdict"]["ai_at"]
VOICE_HUMAN_BELOW = VOICE["verdict"]["human_below"]


def _row(**fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "status": "completed",
        "modality": "audio",
        "detector": "audio.ensemble",
        "verdict": "human",
        "probability_ai": 0.01,
        "results": {"members": []},
        "evidence": {},
    }
    row.update(fields)
    return row


def test_a_confident_verdict_inside_the_uncertain_band_reads_uncertain() -> None:
    middle = (VOICE_AI_AT + VOICE_HUMAN_BELOW) / 2
    reading = reading_for(_row(verdict="human", probability_ai=middle))
    assert reading["verdict"] == "uncertain"
    assert reading["label"] == "Uncertain"
    assert reading["band"]["code"] == "none"
    assert "between" in reading["shown_uncertain_because"]


def test_a_verdict_no_member_shares_reads_uncertain_and_disagreement_is_said() -> None:
    members = [
        {"detector": "audio.a", "verdict": "uncertain"},
        {"detector": "audio.b", "verdict": "uncertain"},
    ]
    reading = reading_for(_row(results={"members": members}))
    assert reading["verdict"] == "uncertain"
    split = [{"detector": "audio.a", "verdict": "ai"}, {"detector": "audio.b", "verdict": "human"}]
    reading = reading_for(_row(results={"members": split}))
    assert reading["disagreement"].startswith("The detectors disagree")


def test_error_rate_sentence_quotes_the_calibration_files_held_out_rates() -> None:
    p = VOICE_AI_AT + 0.01
    facts = facts_for("audio.ensemble")
    assert facts is not None
    flagged = human_flagged_at(facts, p)
    assert flagged is not None
    # The nearest measured cut at or below the score, read from the file itself.
    rows = [r for r in VOICE["holdout"]["error_rates"] if r["probability"] <= p]
    assert flagged == max(rows, key=lambda r: r["probability"])["human_flagged"]
    reading = reading_for(_row(verdict="ai", probability_ai=p))
    assert f"about {round(flagged * 100)} in 100 human-made voice clips" in reading["error_rate"]


def test_text_sentences_are_judged_with_the_cuts_of_the_texts_length_band() -> None:
    evidence = {
        "fusion": {
            "ai_at": 0.999,
            "human_below": 0.65,
            "by_length": [
                {"min_words": 0, "ai_at": 0.99, "human_below": 0.8},
                {"min_words": 90, "ai_at": 0.997, "human_below": 0.75},
            ],
        },
        "input": {"words": 40, "language": {"code": "de"}},
        "sentences": [{"probability_ai": 0.995}, {"probability_ai": 0.5}, {"probability_ai": 0.9}],
    }
    reading = reading_for(
        _row(modality="text", detector="text.ensemble", probability_ai=0.3, evidence=evidence)
    )
    assert reading["cuts"] == {"ai_at": 0.99, "human_below": 0.8}
    assert reading["item_cuts"]["sentences"] == reading["cuts"]
    assert "1 of 3 sentences above the AI threshold, 1 below the human threshold" in reading["why"]
    blind = " ".join(reading["cannot_see"])
    assert "short (40 words)" in blind and "does not look like English" in blind


def test_history_result_page_and_api_use_the_same_words(user: User) -> None:
    middle = (VOICE_AI_AT + VOICE_HUMAN_BELOW) / 2
    d = make_detection(
        user,
        modality="audio",
        detector="audio.ensemble",
        verdict="human",
        probability_ai=middle,
        input_text="",
    )
    client = Client()
    client.force_login(user)
    history = client.get("/detections/").content.decode()
    assert "Uncertain" in history and "Likely human-made</span>" not in history
    assert "1 detection." in history
    page = client.get(f"/detections/{d.id}/").content.decode()
    assert '"verdict": "uncertain"' in page  # the reading the page's script draws
    assert "Its result is removed for good." in page
    api = client.get(f"/api/v1/detections/{d.id}/").json()
    assert api["verdict"] == "human" and api["reading"]["verdict"] == "uncertain"


def test_filtered_history_says_matches_for_one(user: User) -> None:
    make_detection(user, original_name="only.txt")
    client = Client()
    client.force_login(user)
    body = client.get("/detections/?q=only").content.decode()
    assert "1 detection matches these filters." in body


def test_accuracy_page_shows_each_default_detectors_held_out_figures(client: Client) -> None:
    body = client.get("/accuracy/").content.decode()
    for name, source in SOURCES.items():
        blob = json.loads(source.path.read_text())
        assert f'id="{name}"' in body
        assert f"{blob['holdout']['n_human']} human-made" in body
    assert body.count("<circle") >= 3  # a reliability diagram per detector
    assert "no measured error rates" in body  # video says it has none


def test_favicon_is_served(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"


def test_api_docs_link_back_to_the_app(client: Client) -> None:
    body = client.get("/api/docs/").content.decode()
    assert "Back to the AI content detector" in body


def test_history_reads_a_texts_length_band_cuts_from_its_evidence(user: User) -> None:
    # Human by the stored call, but inside the uncertain band of this text's length band
    # (the cuts live in the evidence, which the history list does not load in full).
    evidence = {
        "fusion": {
            "ai_at": 0.999,
            "human_below": 0.6,
            "by_length": [{"min_words": 0, "ai_at": 0.99, "human_below": 0.4}],
        },
        "input": {"words": 30},
        "sentences": [{"probability_ai": 0.5, "text": "x" * 5000}],
    }
    make_detection(user, detector="text.ensemble", probability_ai=0.5, evidence=evidence)
    client = Client()
    client.force_login(user)
    history = client.get("/detections/").content.decode()
    assert ">Uncertain</span>" in history
