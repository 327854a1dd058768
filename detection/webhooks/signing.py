"""The signature receivers check: HMAC-SHA256 over "<timestamp>.<body>" with the token's
webhook secret, sent as

    X-Aidetect-Timestamp: 1767225600
    X-Aidetect-Signature: v1=<64 hex digits>

A receiver recomputes it over the raw body, compares in constant time and refuses
timestamps older than a few minutes (replays). The README has a verification snippet."""

from __future__ import annotations

import hashlib
import hmac
import secrets

TIMESTAMP_HEADER = "X-Aidetect-Timestamp"
SIGNATURE_HEADER = "X-Aidetect-Signature"
EVENT_HEADER = "X-Aidetect-Event"


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, header: str) -> bool:
    """What a receiver does (used by the tests' receiver)."""
    try:
        expected = signature(secret, int(timestamp), body)
    except ValueError:
        return False
    return hmac.compare_digest(expected, header)
