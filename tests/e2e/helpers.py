"""Steps the browser tests share (written against labels and roles, as a person sees them)."""

from __future__ import annotations

import secrets
from typing import Any

from .conftest import shoot

PASSWORD = "a long unusual e2e passphrase 42"
# The longest a result may take in the tests: the first text detection in a fresh process
# loads Gemma (about 45 s when the converted cache is missing).
RESULT_TIMEOUT_MS = 150_000


def new_username(prefix: str = "e2e") -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


def sign_up(page: Any, base_url: str, username: str, screenshot: str = "") -> None:
    page.goto(f"{base_url}/accounts/signup/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    if screenshot:
        shoot(page, screenshot)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url(f"{base_url}/")


def wait_for_result(page: Any, root: str, timeout_ms: int = RESULT_TIMEOUT_MS) -> str:
    """Wait until the view under ``root`` shows a finished job; returns its status."""
    page.wait_for_selector(
        f"{root}[data-status=completed], {root}[data-status=failed]", timeout=timeout_ms
    )
    return str(page.locator(root).get_attribute("data-status"))
