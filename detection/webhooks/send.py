"""One delivery attempt: POST the signed JSON to the callback URL under the same SSRF
rules as URL intake (the address checked after DNS resolution and connected to directly).
Redirects are not followed: a receiver answers 2xx itself or the attempt failed."""

from __future__ import annotations

import http.client
import time
from dataclasses import dataclass

from detection.intake.guard import resolve
from detection.intake.url import USER_AGENT, _PinnedHTTP, _PinnedHTTPS, _split
from detection.validation import InputError

from . import signing
from .conf import value


@dataclass
class Outcome:
    status_code: int | None
    error: str
    duration_ms: float

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def check_callback_url(url: str) -> None:
    """At submission: the URL must be http(s) and resolve to an allowed address (4xx)."""
    _, host, port, _ = _split(url)
    resolve(host, port)


def post_signed(url: str, secret: str, event: str, body: bytes) -> Outcome:
    started = time.perf_counter()
    timestamp = int(time.time())
    try:
        scheme, host, port, path = _split(url)
        address = resolve(host, port)  # every attempt re-resolves and re-checks
    except InputError as exc:
        return Outcome(None, exc.message[:500], 0.0)
    kind = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
    connection = kind(host, port, address, float(value("WEBHOOK_TIMEOUT_S")))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        signing.TIMESTAMP_HEADER: str(timestamp),
        signing.SIGNATURE_HEADER: signing.signature(secret, timestamp, body),
        signing.EVENT_HEADER: event,
    }
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(64 * 1024)  # the receiver's answer is not kept
        status = response.status
        error = "" if 200 <= status < 300 else f"the receiver answered {status}"
    except (OSError, http.client.HTTPException) as exc:
        status, error = None, f"{type(exc).__name__}: {exc}"[:500]
    finally:
        connection.close()
    return Outcome(status, error, (time.perf_counter() - started) * 1000)
