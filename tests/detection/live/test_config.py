"""Live settings: Django settings, then environment variables, then defaults."""

from __future__ import annotations

from typing import Any

import pytest

from detection.live.config import LiveConfig, live_config


def test_defaults_match_the_documented_sampling() -> None:
    config = LiveConfig()
    assert (config.frame_fps, config.audio_window_s, config.audio_overlap_s) == (2.0, 2.0, 0.5)
    assert config.audio_hop_s == 1.5


def test_environment_configures_loopback_ice_for_tests(monkeypatch: Any) -> None:
    monkeypatch.setenv("LIVE_ICE_HOST_ADDRESSES", "127.0.0.1, ::1")
    monkeypatch.setenv("LIVE_FRAME_FPS", "5")
    config = live_config()
    assert config.ice_host_addresses == ("127.0.0.1", "::1")
    assert config.frame_fps == 5.0


def test_django_settings_win_over_the_environment(monkeypatch: Any, settings: Any) -> None:
    monkeypatch.setenv("LIVE_MAX_SESSION_S", "60")
    settings.LIVE_MAX_SESSION_S = 30
    assert live_config().max_session_s == 30.0


def test_an_overlap_as_long_as_the_window_is_refused(settings: Any) -> None:
    settings.LIVE_AUDIO_OVERLAP_S = 2.0
    with pytest.raises(ValueError, match="OVERLAP"):
        live_config()


def test_browser_gets_ice_servers_in_rtc_configuration_shape(settings: Any) -> None:
    settings.LIVE_ICE_SERVERS = ["stun:stun.example.org:3478"]
    public = live_config().public()
    assert public["ice_servers"] == [{"urls": "stun:stun.example.org:3478"}]
