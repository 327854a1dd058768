"""A post in the browser: several files and a caption picked on the upload page become one
post; its page shows the fused verdict and the disagreements first, then every part with
its verdict and evidence, followed live over one WebSocket."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import sklearn

from tests.conftest import SHARED
from tests.detection.engine.image.conftest import SigningKit, sign_c2pa, signing_kit  # noqa: F401

from .conftest import E2EServer, PageErrors, shoot
from .helpers import RESULT_TIMEOUT_MS, new_username, sign_up
from .samples import SAMPLE_TEXT, unavailable_reason

pytestmark = pytest.mark.e2e
PHOTO = Path(sklearn.__file__).parent / "datasets" / "images" / "china.jpg"


def _files(kit: SigningKit, tmp_path: Path) -> list[Path]:
    for modality in ("text", "image", "audio"):
        reason = unavailable_reason(modality)
        if reason:
            pytest.skip(reason)
    if not (SHARED / "data").is_dir():
        pytest.skip(f"needs the shared data folder at {SHARED} (absent)")
    ai = next((SHARED / "data" / "image" / "ai").rglob("*.png"))
    signed = sign_c2pa(kit, ai, tmp_path / "generated.png", "trainedAlgorithmicMedia")
    voice = sorted((SHARED / "data" / "audio" / "real").rglob("*.flac"))[1]
    return [signed, PHOTO, voice]


def test_files_and_caption_become_a_post_with_disagreements_first(
    e2e_server: E2EServer,
    browser: Any,
    signing_kit: SigningKit,  # noqa: F811  (the fixture imported above)
    tmp_path: Path,
) -> None:
    files = _files(signing_kit, tmp_path)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    errors = PageErrors()
    page = errors.attach(context.new_page())
    sign_up(page, e2e_server.url, new_username("post"))
    page.locator("#file-input").set_input_files([str(f) for f in files])
    assert "3 files" not in page.locator("#file-name").inner_text()  # names, not a count
    assert "china.jpg" in page.locator("#file-name").inner_text()
    page.get_by_label("Text to check").fill(SAMPLE_TEXT)
    with page.expect_response(lambda r: r.url.endswith("/api/v1/posts/")) as created:
        page.get_by_role("button", name="Check it").click()
    assert created.value.status == 202
    # The upload page goes on to the post's own page (the answer's body is gone by then).
    page.wait_for_url(re.compile(r"/posts/[0-9a-f-]{36}/$"))
    shoot(page, "post-following")
    page.wait_for_selector(
        "#post-view[data-status=completed], #post-view[data-status=completed_with_errors]",
        timeout=RESULT_TIMEOUT_MS * 2,
    )
    view = page.locator("#post-view")
    assert view.get_attribute("data-status") == "completed"
    parts = view.locator(".post-part")
    assert parts.count() == 4
    for k in range(4):
        part = parts.nth(k)
        part.locator("[data-status=completed]").wait_for()
        assert part.locator(".verdict-word").inner_text().strip()
        assert part.locator(".evidence-card").count() >= 1
    assert view.locator(".post-verdict").inner_text() == "Likely AI-generated"
    assert "any part" in view.locator(".fusion-rule").inner_text()
    disagreements = view.locator(".post-disagreements")
    assert disagreements.is_visible() and disagreements.locator("li").count() >= 1
    # Disagreements come before the parts on the page.
    order = page.evaluate(
        "() => { const v = document.getElementById('post-view');"
        " return [...v.children].map((c) => c.className); }"
    )
    assert order.index("card post-disagreements") < order.index("post-parts")
    # The voice note's speech is checked against the caption, with its transcript.
    speech = view.locator(".post-speech .speech-check")
    assert speech.count() == 1 and speech.locator(".transcript").inner_text().strip()
    shoot(page, "post-result")
    assert errors == []
    context.close()
