"""Live-check settings: Django settings ``LIVE_*`` win, then environment variables, then defaults.

The environment fallback lets a test start daphne with, e.g., ``LIVE_ICE_HOST_ADDRESSES=127.0.0.1``
without a settings change.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from config.env import env_float, env_int, env_list


@dataclass(frozen=True)
class LiveConfig:
    # Video frames analysed per second; the camera's other frames are never decoded to RGB.
    frame_fps: float = 2.0
    # Audio windows: 2 s long, overlapping by 0.5 s (so a new window every 1.5 s).
    audio_window_s: float = 2.0
    audio_overlap_s: float = 0.5
    # A session ends by itself after this long (the browser is told why).
    max_session_s: float = 300.0
    max_sessions_per_user: int = 2
    # All users together, per server process: each session holds decoders and queues.
    max_sessions_total: int = 16
    # Back-pressure: at most this many sampled frames / audio windows wait for analysis;
    # a newer one pushes the oldest out (counted as dropped).
    frame_queue: int = 1
    audio_queue: int = 2
    # Worker threads running the detectors, per modality, shared by every session of the
    # process. More than one needs thread-safe detectors.
    analysis_threads: int = 1
    # WebRTC: STUN/TURN URLs given to both peers, and (tests) the only host addresses the
    # server gathers ICE candidates on. Empty = aioice's own lookup (every interface but lo).
    ice_servers: tuple[str, ...] = ()
    ice_host_addresses: tuple[str, ...] = ()
    # How long the browser waits for WebRTC to connect before it falls back to the socket.
    rtc_connect_timeout_s: float = 8.0
    # Fallback transport: refuse oversized messages rather than decode them.
    max_frame_bytes: int = 2 * 1024 * 1024
    max_pcm_chunk_bytes: int = 64 * 1024
    # On stop, how long to wait for analyses still running before the summary is written.
    drain_timeout_s: float = 15.0

    @property
    def audio_hop_s(self) -> float:
        return self.audio_window_s - self.audio_overlap_s

    def with_overrides(self, **changes: Any) -> LiveConfig:
        return replace(self, **changes)

    def public(self) -> dict[str, Any]:
        """What the browser needs to know (sent with the session's first message)."""
        return {
            "frame_fps": self.frame_fps,
            "audio_window_s": self.audio_window_s,
            "audio_overlap_s": self.audio_overlap_s,
            "max_session_s": self.max_session_s,
            "rtc_connect_timeout_s": self.rtc_connect_timeout_s,
            "ice_servers": [{"urls": url} for url in self.ice_servers],
        }


# field name -> how its environment value is read (the setting is ``LIVE_<FIELD>``).
_READERS: dict[str, Any] = {
    "frame_fps": env_float,
    "audio_window_s": env_float,
    "audio_overlap_s": env_float,
    "max_session_s": env_float,
    "max_sessions_per_user": env_int,
    "max_sessions_total": env_int,
    "frame_queue": env_int,
    "audio_queue": env_int,
    "analysis_threads": env_int,
    "ice_servers": env_list,
    "ice_host_addresses": env_list,
    "rtc_connect_timeout_s": env_float,
}


def live_config() -> LiveConfig:
    """The configuration in force (read on each call so tests can override settings)."""
    from django.conf import settings

    defaults = LiveConfig()
    values: dict[str, Any] = {}
    for name, reader in _READERS.items():
        key = f"LIVE_{name.upper()}"
        default = getattr(defaults, name)
        if hasattr(settings, key):
            value = getattr(settings, key)
        elif reader is env_list:
            value = reader(key) or default
        else:
            value = reader(key, default)
        values[name] = tuple(value) if isinstance(default, tuple) else type(default)(value)
    config = LiveConfig(**values)
    _check(config)
    return config


def _check(config: LiveConfig) -> None:
    if config.frame_fps <= 0:
        raise ValueError("LIVE_FRAME_FPS must be positive")
    if not 0 <= config.audio_overlap_s < config.audio_window_s:
        raise ValueError("LIVE_AUDIO_OVERLAP_S must be in [0, LIVE_AUDIO_WINDOW_S)")
    if config.frame_queue < 1 or config.audio_queue < 1:
        raise ValueError("LIVE_FRAME_QUEUE and LIVE_AUDIO_QUEUE must be at least 1")
