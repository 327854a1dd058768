"""Browser scenarios of the live check, run by tests/e2e/test_live.py inside a network
namespace whose only interface is loopback (``unshare -n``). This file holds no tests.

It starts its own daphne (embedded mode: SQLite, in-memory channel layer) and drives
Debian's Chromium with fake camera and microphone fed from files, then writes what it saw
to a JSON file; the assertions are in test_live.py. Everything happens on 127.0.0.1.

    python tests/e2e/test_live_scenarios.py --media DIR --artifacts DIR --out results.json
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
USER = ("alice", "correct horse battery staple")
ADMIN = ("root-admin", "another long admin secret")
# First start loads every detector (Whisper, AASIST, CLIP, face model): allow for it.
READY_TIMEOUT_MS = 240_000
RESULTS_TIMEOUT_MS = 90_000
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_http(url: str, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"daphne did not answer {url}:\n{log.read_text()[-3000:]}")


class Server:
    """daphne in embedded mode on a free loopback port, with its own SQLite and media."""

    def __init__(self, work: Path, artifacts: Path) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = artifacts / "live-daphne.log"
        # Embedded mode: nothing from the host's services reaches into the namespace anyway.
        production = ("DATABASE_URL", "REDIS_URL", "TEST_REDIS_URL", "DETECTION_EXECUTOR")
        env = {k: v for k, v in os.environ.items() if k not in production}
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            AIDETECT_VAR_DIR=str(work / "var"),
            MEDIA_ROOT=str(work / "media"),
            STATIC_ROOT=str(work / "static"),
            DEBUG="false",
            LIVE_ICE_HOST_ADDRESSES="127.0.0.1",
            LIVE_RTC_CONNECT_TIMEOUT_S="6",
            PYTHONUNBUFFERED="1",
        )
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None

    def manage(self, *args: str) -> None:
        subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=PROJECT_ROOT,
            env=self.env,
            check=True,
            capture_output=True,
        )

    def start(self) -> None:
        self.manage("migrate", "--noinput")
        script = (
            "from django.contrib.auth.models import User;"
            f"User.objects.create_user({USER[0]!r}, password={USER[1]!r});"
            f"User.objects.create_superuser({ADMIN[0]!r}, 'a@example.org', {ADMIN[1]!r})"
        )
        self.manage("shell", "-c", script)
        daphne = str(Path(PYTHON).parent / "daphne")
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [daphne, "-b", "127.0.0.1", "-p", str(self.port), "config.asgi:application"],
                cwd=PROJECT_ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        _wait_http(f"{self.base}/health", 60, self.log)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _login(page: Any, base: str, user: tuple[str, str], path: str = "/accounts/login/") -> None:
    page.goto(f"{base}{path}")
    page.fill("input[name=username]", user[0])
    page.fill("input[name=password]", user[1])
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_load_state()


def _row_selector(modality: str) -> str:
    return f"#live-rows tr[data-modality={modality}]"


def _rows(page: Any, modality: str) -> int:
    return int(page.locator(_row_selector(modality)).count())


def _analysed(page: Any) -> list[str]:
    items = page.locator("#live-availability li").all_inner_texts()
    return [
        m
        for m, label in (("video", "Face / video"), ("audio", "Voice"))
        if f"{label}: analysed" in items
    ]


def run_session(
    browser_args: list[str],
    server: Server,
    artifacts: Path,
    name: str,
    *,
    phone: bool = False,
    keyboard: bool = False,
    seconds: float = 12.0,
) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    seen: dict[str, Any] = {"name": name}
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS + browser_args
        )
        viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
        context = browser.new_context(viewport=viewport, base_url=server.base)
        page = context.new_page()
        console: list[str] = []
        page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
        try:
            _login(page, server.base, USER, "/accounts/login/?next=/live/")
            page.goto(f"{server.base}/live/")
            if keyboard:
                # Reach Start with the keyboard only, as a keyboard user would.
                for _ in range(40):
                    page.keyboard.press("Tab")
                    if (
                        page.evaluate("document.activeElement && document.activeElement.id")
                        == "live-start"
                    ):
                        break
                seen["start_reached_by_tab"] = (
                    page.evaluate("document.activeElement.id") == "live-start"
                )
                page.keyboard.press("Enter")
            else:
                page.click("#live-start")
            page.wait_for_function(
                "document.getElementById('live').dataset.transport", timeout=READY_TIMEOUT_MS
            )
            started = time.monotonic()
            seen["transport"] = page.get_attribute("#live", "data-transport")
            seen["fallback_notice"] = (
                page.inner_text("#live-fallback") if page.is_visible("#live-fallback") else ""
            )
            seen["analysed"] = _analysed(page)
            seen["availability"] = page.locator("#live-availability li").all_inner_texts()
            for modality in seen["analysed"]:
                page.wait_for_function(
                    f"document.querySelectorAll('{_row_selector(modality)}').length > 0",
                    timeout=RESULTS_TIMEOUT_MS,
                )
            seen["first_results_after_s"] = round(time.monotonic() - started, 1)
            page.wait_for_timeout(max(0.0, seconds - (time.monotonic() - started)) * 1000)
            # At least two results per analysed modality (a running chart, not one point);
            # on a loaded 2-core machine a voice window can take several seconds.
            for modality in seen["analysed"]:
                page.wait_for_function(
                    f"document.querySelectorAll('{_row_selector(modality)}').length > 1",
                    timeout=RESULTS_TIMEOUT_MS,
                )
            page.evaluate("document.querySelector('#live-rows').closest('details').open = true")
            seen["rows"] = {m: _rows(page, m) for m in ("video", "audio")}
            seen["current"] = {
                m: page.inner_text(f"#live-current-{m} [data-role=verdict]")
                for m in ("video", "audio")
            }
            seen["overflow_px"] = page.evaluate(
                "document.documentElement.scrollWidth - window.innerWidth"
            )
            page.screenshot(path=str(artifacts / f"live-{name}-running.png"), full_page=True)
            if keyboard:
                seen["focus_after_start"] = page.evaluate("document.activeElement.id")
                page.keyboard.press("Enter")  # Stop has the focus after Start
            else:
                page.click("#live-stop")
            page.wait_for_selector("#live-summary:not([hidden])", timeout=60_000)
            seen["summary_text"] = page.inner_text("#live-summary")
            seen["summary_verdict"] = page.inner_text("#live-summary-verdict")
            seen["focus_after_stop"] = page.evaluate("document.activeElement.id")
            detection_id = page.get_attribute("#live-summary-link", "data-detection-id")
            seen["detection_id"] = detection_id
            page.screenshot(path=str(artifacts / f"live-{name}-summary.png"), full_page=True)
            api = page.request.get(f"{server.base}/api/v1/detections/{detection_id}/")
            seen["api_status"] = api.status
            seen["detection"] = api.json()
            history = page.request.get(f"{server.base}/detections/")
            seen["in_history"] = bool(detection_id) and detection_id in history.text()
            # The stored result's own page (link from the summary), as a person would open it.
            page.click("#live-summary-link")
            page.wait_for_load_state()
            seen["detail_status"] = page.evaluate("document.readyState")
            page.wait_for_selector("#detection-view[data-status=completed] .verdict-word")
            seen["page_verdict"] = page.inner_text("#detection-view .verdict-word")
            page.wait_for_timeout(1000)
            page.screenshot(path=str(artifacts / f"live-{name}-detection.png"), full_page=True)
            # The verdict word the history row shows for it (the same vocabulary).
            page.goto(f"{server.base}/detections/")
            row = page.locator(f"tr:has(a[href='/detections/{detection_id}/'])")
            seen["history_verdict"] = row.locator("[class*=verdict-badge]").inner_text()
        except Exception:
            seen["error"] = traceback.format_exc()
            page.screenshot(path=str(artifacts / f"live-{name}-error.png"), full_page=True)
        finally:
            seen["console"] = console[-40:]
            browser.close()
    return seen


def admin_lists(server: Server, ids: list[str]) -> dict[str, str]:
    """The verdict the admin list shows for each id ("" when the id is not listed)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page()
        _login(page, server.base, ADMIN, "/admin/login/?next=/admin/")
        page.goto(f"{server.base}/admin/detection/detection/?source__exact=live")
        shown = {}
        for i in ids:
            row = page.locator(f"tr:has(a[href*='{i}'])")
            shown[i] = row.locator("td.field-verdict_shown").inner_text() if row.count() else ""
        browser.close()
    return shown


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--media", type=Path, required=True)
    parser.add_argument("--artifacts", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.artifacts.mkdir(parents=True, exist_ok=True)
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    results: dict[str, Any] = {
        "interfaces": subprocess.run(
            ["ip", "-o", "link"], capture_output=True, text=True, check=True
        ).stdout.splitlines()
    }
    work = Path(tempfile.mkdtemp(prefix="live-e2e-"))
    server = Server(work, args.artifacts)
    try:
        server.start()
        media = args.media
        # WebRTC on loopback (Chromium ignores loopback candidates without the flag):
        # a real face video and a real reader's voice.
        results["webrtc"] = run_session(
            [
                "--allow-loopback-in-peer-connection",
                f"--use-file-for-fake-video-capture={media / 'face.y4m'}",
                f"--use-file-for-fake-audio-capture={media / 'real_voice.wav'}",
            ],
            server,
            args.artifacts,
            "webrtc",
        )
        # Without that flag WebRTC cannot connect here, so the page must fall back to the
        # socket and say so. Phone-sized window, keyboard only, synthetic (eSpeak) voice.
        results["fallback"] = run_session(
            [
                f"--use-file-for-fake-video-capture={media / 'face.y4m'}",
                f"--use-file-for-fake-audio-capture={media / 'synthetic_voice.wav'}",
            ],
            server,
            args.artifacts,
            "fallback",
            phone=True,
            keyboard=True,
        )
        ids = [r.get("detection_id") for r in (results["webrtc"], results["fallback"])]
        results["admin"] = admin_lists(server, [i for i in ids if i])
    except Exception:
        results["error"] = traceback.format_exc()
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
        args.out.write_text(json.dumps(results, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
