"""API rate limits (DRF throttles) and the 429 answer that says when to retry.

- ``user``: every authenticated request of one account (session and all its tokens).
- ``token``: each API token on its own, so one leaked or runaway script is cut off
  without starving the account's other tokens or its browser session.
- ``submit``: job submissions (create and batch), which cost model time, per account.
- ``anon``: unauthenticated API calls per client address (e.g. token guessing).

Counters live in Django's cache: Redis in production, so every web replica shares them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
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
    scope = "submit"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if request.method != "POST" or getattr(view, "action", None) not in SUBMIT_ACTIONS:
            return None
        if getattr(view, "basename", None) != "detection" or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class AnonThrottle(AnonRateThrottle, _CountingThrottle):
    scope = "anon"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """The API's JSON errors, plus ``retry_after`` (seconds) on a 429.

    DRF already sets the Retry-After header from the throttle's wait; the body repeats
    it so clients that only read JSON can back off too.
    """
    from detection.api.errors import exception_handler as api_exception_handler

    response = api_exception_handler(exc, context)
    wait = getattr(exc, "wait", None)
    if response is not None and isinstance(exc, exceptions.Throttled) and wait is not None:
        retry_after = max(int(wait + 0.999), 1)
        response["Retry-After"] = str(retry_after)
        if isinstance(response.data, dict) and isinstance(response.data.get("error"), dict):
            response.data["error"]["retry_after"] = retry_after
            response.data["error"]["message"] = f"Too many requests; retry after {retry_after} s."
    return response
