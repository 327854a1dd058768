"""A person's first session, in a real browser against a real server: sign up, create an
API token, upload a text, an image and an audio file, watch each job's status change live
and its evidence drawn, then find them in history, filter, search and delete.

Each modality runs only when its detector is registered and loadable here; otherwise its
test is skipped with the reason (never faked).
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from .conftest import E2EServer, PageErrors, shoot
from .helpers import new_username, sign_up, wait_for_result
from .samples import SAMPLE_TEXT, audio_sample, image_sample, unavailable_reason

pytestmark = pytest.mark.e2e

# Records every status the upload page's live view shows, to prove the page moved through
# them without a reload (the marker survives only if the page never reloaded).
STATUS_RECORDER = """
window.__statuses = [];
window.__marker = Math.random();
new MutationObserver(() => {
  const view = document.getElementById('job-view');
  const status = view && view.dataset.status;
  const seen = window.__statuses;
  if (status && seen[seen.length - 1] !== status) seen.push(status);
}).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-status'] });
"""


class Account:
    def __init__(self, server: E2EServer, context: Any, username: str) -> None:
        self.server = server
        self.context = context
        self.username = username
        self.token: str | None = None
        self.uploaded: dict[str, str] = {}  # modality -> detection id

    def page(self) -> tuple[Any, PageErrors]:
        errors = PageErrors()
        page = errors.attach(self.context.new_page())
        page.on(
            "request",
            lambda r: (
                None
                if r.url.startswith((self.server.url, "data:", "blob:"))
                else errors.append(f"external request: {r.url}")
            ),
        )
        return page, errors

    def api(self, path: str) -> requests.Response:
        assert self.token, "the token test runs first"
        return requests.get(
            f"{self.server.url}/api/v1/{path}",
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=10,
        )


@pytest.fixture(scope="module")
def account(e2e_server: E2EServer, browser: Any) -> Iterator[Account]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=e2e_server.url)
    page = context.new_page()
    username = new_username()
    sign_up(page, e2e_server.url, username, screenshot="signup")
    shoot(page, "upload-empty")
    page.close()
    yield Account(e2e_server, context, username)
    context.close()


def _require(modality: str) -> None:
    reason = unavailable_reason(modality)
    if reason:
        pytest.skip(reason)


def _expected_drawings(detection: dict[str, Any]) -> list[str]:
    """CSS selectors the result must show, from the evidence keys the engine returned."""
    nodes = [detection.get("evidence") or {}]
    stack = list((detection.get("results") or {}).get("members") or [])
    while stack:
        member = stack.pop()
        if isinstance(member, dict):
            nodes.append(member.get("evidence") or {})
            stack.extend(member.get("members") or [])
    keys = {k for node in nodes if isinstance(node, dict) for k in node}
    expected = []
    if keys & {"sentences", "sentence_scores", "segments", "chunks", "spans", "tokens"}:
        # Only sentences past a threshold are marked: the highlighted text and its legend
        # are always drawn.
        expected.append(".highlighted-text")
        expected.append(".legend")
    if keys & {"heatmap", "patch_heatmap", "patch_scores", "patches"}:
        expected.append(".heatmap-canvas")
    if detection["modality"] in ("audio", "video") and keys & {"timeline", "windows", "frames"}:
        expected.append(".timeline-svg rect")
    if "findings" in keys:
        expected.append(".provenance")
    return expected


def _upload_and_follow(account: Account, page: Any, name: str, submit: Any) -> dict[str, Any]:
    """Submit on the upload page, follow the live view to the end; the detection's JSON."""
    page.add_init_script(STATUS_RECORDER)
    page.goto(f"{account.server.url}/")
    marker = None
    with page.expect_response(lambda r: r.url.endswith("/api/v1/detections/")) as created:
        marker = page.evaluate("window.__marker")
        submit(page)
    detection = created.value.json()
    assert created.value.status == 202, detection
    page.locator("#job").wait_for()
    shoot(page, f"upload-{name}-following")
    status = wait_for_result(page, "#job-view")
    statuses = page.evaluate("window.__statuses")
    assert page.evaluate("window.__marker") == marker, "the page reloaded"
    assert page.url == f"{account.server.url}/"
    # queued (the upload's answer) -> running (pushed over the socket) -> completed.
    assert statuses[0] in ("queued", "running") and statuses[-1] == status, statuses
    assert "running" in statuses, statuses
    assert status == "completed", page.locator("#job-view .job-error").inner_text()
    account.uploaded[detection["modality"]] = detection["id"]
    final = page.request.get(f"{account.server.url}/api/v1/detections/{detection['id']}/").json()
    _assert_result_drawn(page, "#job-view", final)
    shoot(page, f"upload-{name}-result")
    # The permanent result page draws the same.
    page.locator("#job-link").click()
    page.wait_for_url(f"**/detections/{detection['id']}/")
    wait_for_result(page, "#detection-view")
    _assert_result_drawn(page, "#detection-view", final)
    shoot(page, f"result-{name}")
    return final


def _assert_result_drawn(page: Any, root: str, detection: dict[str, Any]) -> None:
    view = page.locator(root)
    assert view.locator(".verdict-word").inner_text().strip()
    assert view.locator(".verdict-probability").inner_text().endswith("%")
    rows = view.locator(".detectors-table tbody tr")
    assert rows.count() >= 1 + len((detection.get("results") or {}).get("members") or [])
    assert view.locator(".evidence-card").count() >= 1, "the result shows no evidence"
    for selector in _expected_drawings(detection):
        assert view.locator(selector).count() >= 1, f"evidence not drawn: {selector}"


def test_token_is_shown_once_copied_used_and_revoked(account: Account) -> None:
    page, errors = account.page()
    page.goto(f"{account.server.url}/accounts/tokens/")
    page.get_by_label("Token name").fill("e2e laptop")
    page.get_by_label("Expires").select_option(label="30 days")
    page.get_by_role("button", name="Create token").click()
    token = page.get_by_label("New API token").input_value()
    assert token.startswith("adt_")
    page.get_by_role("button", name="Copy").click()
    page.get_by_text("Token copied to the clipboard.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == token
    shoot(page, "tokens-created")
    account.token = token
    assert account.api("detections/").status_code == 200

    # Shown once: the list page never shows it again.
    page.goto(f"{account.server.url}/accounts/tokens/")
    assert token not in page.content()
    row = page.locator("tbody tr").filter(has_text="e2e laptop")
    assert "Active" in row.inner_text()

    # Revoking asks first; a second token keeps the scenario going.
    page.get_by_label("Token name").fill("throwaway")
    page.get_by_role("button", name="Create token").click()
    throwaway = page.get_by_label("New API token").input_value()
    page.get_by_role("button", name="Revoke throwaway").click()
    dialog = page.locator("#confirm-dialog")
    assert dialog.is_visible()
    assert "throwaway" in dialog.inner_text()
    page.get_by_role("button", name="Cancel").click()
    assert not dialog.is_visible()
    page.get_by_role("button", name="Revoke throwaway").click()
    dialog.get_by_role("button", name="Revoke").click()
    page.get_by_text("revoked").first.wait_for()
    assert "Revoked" in page.locator("tbody tr").filter(has_text="throwaway").inner_text()
    revoked = requests.get(
        f"{account.server.url}/api/v1/detections/",
        headers={"Authorization": f"Bearer {throwaway}"},
        timeout=10,
    )
    assert revoked.status_code == 401
    assert errors == []


def test_text_pasted_with_the_keyboard_is_followed_live_and_highlighted(account: Account) -> None:
    _require("text")
    page, errors = account.page()

    def submit(page: Any) -> None:
        box = page.get_by_label("Text to check")
        box.focus()
        page.keyboard.insert_text(SAMPLE_TEXT)
        # Keyboard only: Tab from the text box reaches the submit button.
        for _ in range(6):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == "submit-button":
                break
        page.keyboard.press("Enter")

    detection = _upload_and_follow(account, page, "text", submit)
    assert detection["modality"] == "text"
    assert errors == []


def test_image_dropped_on_the_page_shows_heatmap_over_it(account: Account) -> None:
    _require("image")
    sample = image_sample()
    if sample is None:
        pytest.skip("needs an AI-generated PNG from the shared data folder (absent)")
    page, errors = account.page()

    def submit(page: Any) -> None:
        transfer = page.evaluate_handle(
            """([b64, name]) => {
                 const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
                 const data = new DataTransfer();
                 data.items.add(new File([bytes], name, { type: 'image/png' }));
                 return data; }""",
            [base64.b64encode(sample.read_bytes()).decode(), sample.name],
        )
        page.dispatch_event("#dropzone", "drop", {"dataTransfer": transfer})
        assert sample.name in page.locator("#file-chosen").inner_text()
        shoot(page, "upload-image-chosen")
        page.get_by_role("button", name="Check it").click()

    detection = _upload_and_follow(account, page, "image", submit)
    assert detection["modality"] == "image"
    image = page.locator(".heatmap-image")
    if image.count():
        page.wait_for_function("document.querySelector('.heatmap-image').naturalWidth > 0")
    assert errors == []


def test_audio_file_picked_shows_window_timeline_and_player(account: Account) -> None:
    _require("audio")
    sample = audio_sample()
    if sample is None:
        pytest.skip("needs a synthetic speech clip from the shared data folder (absent)")
    page, errors = account.page()

    def submit(page: Any) -> None:
        page.set_input_files("#file-input", str(sample))
        page.get_by_role("button", name="Check it").click()

    detection = _upload_and_follow(account, page, "audio", submit)
    assert detection["modality"] == "audio"
    assert page.locator("#detection-view audio").count() >= 1
    assert errors == []


@pytest.mark.parametrize("width", [375])
def test_every_page_fits_a_phone_screen(account: Account, browser: Any, width: int) -> None:
    state = account.context.storage_state()
    phone = browser.new_context(
        viewport={"width": width, "height": 800}, storage_state=state, is_mobile=True
    )
    try:
        errors = PageErrors()
        page = errors.attach(phone.new_page())
        paths = {"upload": "/", "history": "/detections/", "tokens": "/accounts/tokens/"}
        for modality, detection_id in account.uploaded.items():
            paths[f"result-{modality}"] = f"/detections/{detection_id}/"
        for name, path in paths.items():
            page.goto(f"{account.server.url}{path}")
            if name.startswith("result-"):
                wait_for_result(page, "#detection-view")
            overflow = page.evaluate(
                "document.scrollingElement.scrollWidth - document.documentElement.clientWidth"
            )
            shoot(page, f"phone-{name}")
            assert overflow <= 1, f"{path} scrolls sideways by {overflow}px at {width}px"
        assert errors == []
    finally:
        phone.close()


def test_media_of_a_detection_is_served_to_its_owner_only(account: Account, browser: Any) -> None:
    uploads = {m: i for m, i in account.uploaded.items() if m != "text"}
    if not uploads:
        pytest.skip("no file was uploaded (no image or audio detector available)")
    detection_id = next(iter(uploads.values()))
    page, _ = account.page()
    own = page.request.get(f"{account.server.url}/detections/{detection_id}/media")
    assert own.status == 200
    assert own.headers["x-content-type-options"] == "nosniff"
    stranger = browser.new_context()
    try:
        other = stranger.new_page()
        sign_up(other, account.server.url, new_username("stranger"))
        refused = other.request.get(f"{account.server.url}/detections/{detection_id}/media")
        assert refused.status == 404
    finally:
        stranger.close()


def test_history_finds_filters_searches_opens_and_deletes(account: Account) -> None:
    if not account.uploaded:
        pytest.skip("no modality was available to upload, so history has nothing to show")
    page, errors = account.page()
    base = f"{account.server.url}/detections/"
    page.goto(base)
    rows = page.locator(".history-table tbody tr")
    assert rows.count() == len(account.uploaded)
    shoot(page, "history")

    modality, detection_id = next(iter(account.uploaded.items()))
    detection = account.api(f"detections/{detection_id}/").json()
    page.get_by_label("Type").select_option(modality)
    page.get_by_role("button", name="Apply filters").click()
    assert rows.count() == 1
    assert modality in rows.first.inner_text().lower()

    page.goto(base)
    page.get_by_label("Search").fill(detection["sha256"][:12])
    page.get_by_label("Search").press("Enter")
    assert rows.count() == 1
    page.get_by_label("Search").fill("no such thing anywhere")
    page.get_by_label("Search").press("Enter")
    page.get_by_text("Nothing matches these filters.").wait_for()

    yesterday = (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)).isoformat()
    page.goto(f"{base}?date_to={yesterday}")
    page.get_by_text("Nothing matches these filters.").wait_for()
    page.goto(f"{base}?verdict={detection['verdict']}&date_from={yesterday}")
    assert rows.filter(has=page.locator(f"a[href='/detections/{detection_id}/']")).count() == 1

    page.goto(base)
    row = rows.filter(has=page.locator(f"a[href='/detections/{detection_id}/']"))
    row.get_by_role("link", name="Open").click()
    page.wait_for_url(f"**/detections/{detection_id}/")
    page.go_back()

    row.get_by_role("link", name="Delete").click()
    dialog = page.locator("#confirm-dialog")
    assert dialog.is_visible()
    shoot(page, "history-delete-confirm", full_page=False)
    page.get_by_role("button", name="Cancel").click()
    assert rows.count() == len(account.uploaded)
    row.get_by_role("link", name="Delete").click()
    dialog.get_by_role("button", name="Delete").click()
    page.get_by_text("Deleted").wait_for()
    assert rows.filter(has=page.locator(f"a[href='/detections/{detection_id}/']")).count() == 0
    assert account.api(f"detections/{detection_id}/").status_code == 404
    del account.uploaded[modality]
    assert errors == []
