"""API rate limits (DRF throttles) and the 429 answer that says when to retry.

- ``user``: every authenticated request of one account (session and all its tokens).
- ``token``: each API token on its own, so one leaked or runaway script is cut off
  without starving the account's other tokens or its browser session.
- ``submit``: jobs submitted (create and every item of a batch), which cost model time,
  per account.
- ``anon``: unauthenticated API calls per client address (e.g. token guessing).

Counters live in Django's cache: Redis in production, so every web replica shares them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

if TYPE_CHECKING:  # importing DRF's views here would be circular (they import throttles)
    from rest_framework.views import APIView

SUBMIT_ACTIONS = ("create", "batch")


class _CountingThrottle(SimpleRateThrottle):
    def throttle_failure(self) -> bool:
        from detection import metrics

        metrics.THROTTLED.labels(scope=str(self.scope)).inc()
        return False


class UserRateThrottle(_CountingThrottle):
    scope = "user"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if not request.user or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class TokenRateThrottle(_CountingThrottle):
    scope = "token"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        from accounts.models import ApiToken

        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class SubmitRateThrottle(_CountingThrottle):
    """Counts every job a request asks for: a batch of 32 spends 32 of the rate, not 1."""

    scope = "submit"
    cost = 1
    num_requests: int  # set by SimpleRateThrottle.__init__ (the stubs omit them)
    duration: int

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if request.method != "POST" or getattr(view, "action", None) not in SUBMIT_ACTIONS:
            return None
        if getattr(view, "basename", None) != "detection" or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}

    def allow_request(self, request: Request, view: APIView) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.cost = _items_asked_for(request, view)
        if self.cost > self.num_requests:
            from detection.validation import InputError

            raise InputError(
                f"a batch of {self.cost} items is more than the submission rate allows at "
                f"once ({self.rate}); send at most {self.num_requests} items per batch",
                code="too_large",
                status=413,
            )
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        if len(self.history) + self.cost > self.num_requests:
            return self.throttle_failure()
        self.history[:0] = [self.now] * self.cost
        self.cache.set(self.key, self.history, self.duration)
        return True

    def wait(self) -> float | None:
        # Room for `cost` items once the oldest `excess` entries have expired.
        excess = len(self.history) + self.cost - self.num_requests
        if excess <= 0 or not self.history:
            return None
        return float(max(self.duration - (self.now - self.history[-excess]), 1))


def _items_asked_for(request: Request, view: APIView) -> int:
    """How many jobs the request would queue (1 unless it is a batch)."""
    if getattr(view, "action", None) != "batch":
        return 1
    data = request.data  # parsed once; a malformed body is the client's 400 from here
    texts = (
        data.getlist("texts")
        if hasattr(data, "getlist")
        else (data.get("texts") if hasattr(data, "get") else None)
    )
    files = request.FILES.getlist("files") if hasattr(request.FILES, "getlist") else []
    count = (len(texts) if isinstance(texts, list) else 0) + len(files)
    return max(count, 1)


class AnonThrottle(AnonRateThrottle, _CountingThrottle):
    scope = "anon"
