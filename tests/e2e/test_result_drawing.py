"""The result page's drawing code, on stored rows (no detector runs here): every kind of
evidence it knows is drawn, and malformed or unknown evidence never breaks the page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import E2EServer, PageErrors, shoot
from .helpers import new_username, sign_up
from .stored_rows import store_rows

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def stored(e2e_server: E2EServer, browser: Any) -> Iterator[tuple[Any, list[str]]]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    username = new_username("drawing")
    sign_up(page, e2e_server.url, username)
    ids = store_rows(e2e_server, username)
    page.close()
    yield context, ids
    context.close()


def _open(context: Any, server: E2EServer, detection_id: str) -> tuple[Any, PageErrors]:
    errors = PageErrors()
    page = errors.attach(context.new_page())
    page.goto(f"{server.url}/detections/{detection_id}/")
    page.wait_for_selector("#detection-view[data-status=completed] .verdict-card")
    return page, errors


def test_audio_result_draws_window_timeline_with_player_and_member_scores(
    e2e_server: E2EServer, stored: tuple[Any, list[str]]
) -> None:
    context, ids = stored
    page, errors = _open(context, e2e_server, ids[0])
    assert page.locator(".verdict-word").inner_text() == "Likely AI-generated"
    rows = page.locator(".detectors-table tbody tr")
    assert rows.count() == 3  # the ensemble and its two members
    assert "audio.whisper_head" in rows.nth(2).inner_text()
    timeline = page.locator(".evidence-card").filter(has_text="Which moments sound synthetic")
    # Full card for the ensemble, a compact one for the member that repeats the timeline.
    assert timeline.count() == 2
    first = timeline.first
    assert first.locator("audio").count() == 1
    assert first.locator(".timeline-svg rect.clickable").count() == 3  # three speech windows
    assert "no speech" in first.inner_text()
    shoot(page, "result-stored-audio")
    assert errors == []


def test_image_result_draws_heatmap_over_the_image_and_provenance_in_words(
    e2e_server: E2EServer, stored: tuple[Any, list[str]]
) -> None:
    context, ids = stored
    page, errors = _open(context, e2e_server, ids[1])
    image = page.locator(".heatmap-image")
    image.wait_for()
    page.wait_for_function("document.querySelector('.heatmap-image').naturalWidth > 0")
    # The canvas has coloured pixels where the hot patches are (row 2, column 2 of 4).
    alpha = page.evaluate(
        """() => { const c = document.querySelector('.heatmap-canvas');
                  const x = Math.floor(c.width * 0.6), y = Math.floor(c.height * 0.6);
                  return c.getContext('2d').getImageData(x, y, 1, 1).data[3]; }"""
    )
    assert alpha > 100
    # The ensemble repeats its member's findings: drawn once, from the copy that also
    # says what the watermark check found.
    assert page.locator(".provenance").count() == 1
    provenance = page.locator(".provenance")
    assert "Invisible watermark: looked for StableDiffusionV1" in provenance.inner_text()
    caption = page.locator(".heatmap figcaption").inner_text()
    # Coloured on the patch cuts: 2 cells past the AI cut (0.9), 4 below the human one.
    assert "2 past the AI threshold, 4 below the human threshold" in caption
    assert "most suspicious area (93 %)" in caption
    assert "Example Signer" in provenance.inner_text()
    assert "made by a generative AI model" in provenance.inner_text()
    assert "Conclusive" in provenance.inner_text()
    shoot(page, "result-stored-image")
    assert errors == []


def test_text_result_highlights_sentences_from_their_offsets(
    e2e_server: E2EServer, stored: tuple[Any, list[str]]
) -> None:
    context, ids = stored
    page, errors = _open(context, e2e_server, ids[2])
    # Only sentences past the verdict's cuts for this length (0.99 / 0.3) are marked; the
    # one between them stays plain text.
    assert page.locator(".highlighted-text mark.hl").count() == 2
    assert page.locator(".highlighted-text mark.hl-human").inner_text().startswith("The ferry")
    assert page.locator(".highlighted-text mark.hl-ai").inner_text().startswith("In conclusion")
    plain = page.locator(".highlighted-text .hl-none")
    assert plain.inner_text() == "Passengers waited on the quay."
    assert page.locator(".verdict-word").inner_text() == "Uncertain"
    assert page.locator(".legend-cuts").count() == 1
    shoot(page, "result-stored-text")
    assert errors == []


def test_video_result_draws_frame_timeline_and_most_suspicious_frames(
    e2e_server: E2EServer, stored: tuple[Any, list[str]]
) -> None:
    context, ids = stored
    page, errors = _open(context, e2e_server, ids[3])
    card = page.locator(".evidence-card").filter(has_text="Frame by frame")
    assert card.locator(".timeline-svg rect").count() >= 8
    gallery = card.locator(".frame-gallery li")
    assert gallery.count() == 3  # the thumbnails the detector chose
    assert "2.5 s" in gallery.first.inner_text()  # the highest-scoring frame comes first
    page.wait_for_function(
        "[...document.querySelectorAll('.frame-gallery img')].every((i) => i.naturalWidth > 0)"
    )
    assert gallery.first.locator(".face-boxes rect").count() == 1
    fusion = page.locator(".fusion")
    assert "They disagree" in fusion.inner_text()
    assert "the frames look AI-made but the voice looks real" in fusion.inner_text()
    assert page.locator(".evidence-card").filter(has_text="sound synthetic").count() == 1
    shoot(page, "result-stored-video")
    assert errors == []


def test_live_session_result_draws_its_video_and_audio_timelines(
    e2e_server: E2EServer, stored: tuple[Any, list[str]]
) -> None:
    context, ids = stored
    page, errors = _open(context, e2e_server, ids[4])
    frames = page.locator(".evidence-card").filter(has_text="Frame by frame")
    assert frames.locator(".timeline-svg rect.clickable, .timeline-svg rect").count() >= 6
    assert "Most suspicious moments" in frames.inner_text()  # no pictures are kept
    sound = page.locator(".evidence-card").filter(has_text="Which moments sound synthetic")
    assert sound.count() == 1
    shoot(page, "result-stored-live")
    assert errors == []


def test_malformed_and_unknown_evidence_leaves_verdict_and_scores_readable(
    e2e_server: E2EServer, stored: tuple[Any, list[str]]
) -> None:
    context, ids = stored
    page, errors = _open(context, e2e_server, ids[5])
    assert "Likely human-made" in page.locator(".verdict-word").inner_text()
    assert page.locator(".detectors-table tbody tr").count() >= 2
    page.get_by_text("All result data (JSON)").click()
    assert "something_new" in page.locator("details.raw pre").inner_text()
    shoot(page, "result-stored-malformed")
    assert [e for e in errors if "pageerror" in e] == []


def test_history_and_result_pages_fit_a_phone_screen(
    e2e_server: E2EServer, stored: tuple[Any, list[str]], browser: Any
) -> None:
    context, ids = stored
    phone = browser.new_context(
        viewport={"width": 375, "height": 800},
        storage_state=context.storage_state(),
        is_mobile=True,
    )
    try:
        errors = PageErrors()
        page = errors.attach(phone.new_page())
        page.goto(f"{e2e_server.url}/detections/")
        assert page.locator(".history-table tbody tr").count() == len(ids)
        pages = {"history": "/detections/"} | {
            f"result-{i}": f"/detections/{detection_id}/" for i, detection_id in enumerate(ids[:4])
        }
        for name, path in pages.items():
            page.goto(f"{e2e_server.url}{path}")
            if name.startswith("result"):
                page.wait_for_selector("#detection-view[data-status=completed] .verdict-card")
            overflow = page.evaluate(
                "document.scrollingElement.scrollWidth - document.documentElement.clientWidth"
            )
            shoot(page, f"phone-stored-{name}")
            assert overflow <= 1, f"{path} scrolls sideways by {overflow}px at 375px"
        assert [e for e in errors if "pageerror" in e] == []
    finally:
        phone.close()


UNLABELLED_CONTROLS = """() => [...document.querySelectorAll('input, select, textarea, button')]
  .filter((el) => el.type !== 'hidden' && !el.closest('dialog:not([open])'))
  .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                  && !el.getAttribute('aria-labelledby') && !(el.tagName === 'BUTTON'
                  && el.textContent.trim()))
  .map((el) => el.outerHTML.slice(0, 120))"""

FOCUS_OUTLINE = """() => { const el = document.activeElement; const style = getComputedStyle(el);
  return { tag: el.tagName, text: (el.textContent || el.value || '').trim().slice(0, 40),
           outline: style.outlineStyle, width: parseFloat(style.outlineWidth) }; }"""


def test_every_control_is_labelled_and_keyboard_focus_is_visible(
    e2e_server: E2EServer, stored: tuple[Any, list[str]]
) -> None:
    context, ids = stored
    page = context.new_page()
    for path in ("/", "/detections/", "/accounts/tokens/", f"/detections/{ids[1]}/"):
        page.goto(f"{e2e_server.url}{path}")
        if path.startswith("/detections/") and path != "/detections/":
            page.wait_for_selector(".heatmap-controls")
        assert page.evaluate(UNLABELLED_CONTROLS) == [], path
        # The first Tab lands on the skip link; the next ones on the navigation.
        for _ in range(3):
            page.keyboard.press("Tab")
            focused = page.evaluate(FOCUS_OUTLINE)
            assert focused["outline"] != "none" and focused["width"] >= 2, (path, focused)
    page.close()
