"""Register callbacks, start their delivery when a job ends, and run one attempt.

Which URL: the request's ``callback_url``, else the calling token's default. The secret is
always the calling token's (created with PUT /api/v1/webhook/, shown once); a callback
asked for without one is a 400. A detection that is part of a post is reported through
its post only.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.utils import timezone

from detection.validation import InputError

from .conf import value
from .models import Callback, CallbackState, DeliveryAttempt, TokenWebhook
from .send import check_callback_url, post_signed

logger = logging.getLogger(__name__)


def callback_for_request(auth: Any, callback_url: str | None) -> tuple[str, str] | None:
    """(url, secret) for a new job, or None when no callback applies. Raises InputError."""
    endpoint = TokenWebhook.objects.filter(token=auth).first() if _is_token(auth) else None
    url = callback_url or (endpoint.callback_url if endpoint else "")
    if not url:
        return None
    if endpoint is None:
        raise InputError(
            "a callback_url needs an API token with a webhook secret: create one with "
            "PUT /api/v1/webhook/ (the secret is shown once)",
            code="no_webhook_secret",
        )
    check_callback_url(url)
    return url, endpoint.secret


def _is_token(auth: Any) -> bool:
    from accounts.models import ApiToken

    return isinstance(auth, ApiToken)


def callback_register(
    *, owner: Any, target: tuple[str, str] | None, detection: Any = None, post: Any = None
) -> Callback | None:
    if target is None:
        return None
    url, secret = target
    return Callback.objects.create(
        owner=owner, detection=detection, post=post, url=url, secret=secret
    )


def payload(callback: Callback) -> tuple[str, bytes]:
    if callback.post_id is not None:
        from detection.api.post_serializers import PostSerializer

        assert callback.post is not None
        event, data = "post.finished", {"post": PostSerializer(callback.post).data}
    else:
        from detection.api.serializers import DetectionSerializer

        event, data = (
            "detection.finished",
            {"detection": DetectionSerializer(callback.detection).data},
        )
    body = json.dumps({"type": event, **data}, sort_keys=True, default=str).encode()
    return event, body


def backoff_s(number: int) -> float:
    base, most = float(value("WEBHOOK_BACKOFF_BASE_S")), float(value("WEBHOOK_BACKOFF_MAX_S"))
    return float(min(base * 2 ** (number - 1), most))


def callback_attempt(callback_id: Any) -> float | None:
    """One attempt, logged. Returns the delay before the next one, or None when done."""
    callback = Callback.objects.filter(pk=callback_id).first()
    if callback is None or callback.state != CallbackState.SENDING:
        return None  # deleted with its job, or already finished
    event, body = payload(callback)
    outcome = post_signed(callback.url, callback.secret, event, body)
    number = callback.attempts + 1
    last = number >= int(value("WEBHOOK_MAX_ATTEMPTS"))
    retry = None if outcome.ok or last else backoff_s(number)
    DeliveryAttempt.objects.create(
        callback=callback,
        number=number,
        status_code=outcome.status_code,
        error=outcome.error,
        duration_ms=round(outcome.duration_ms, 1),
        next_retry_s=retry,
    )
    callback.attempts = number
    if outcome.ok or last:
        callback.state = CallbackState.DELIVERED if outcome.ok else CallbackState.FAILED
        callback.finished_at = timezone.now()
    callback.save(update_fields=["attempts", "state", "finished_at"])
    logger.info(
        "webhook attempt %d to %s: %s",
        number,
        callback.url,
        outcome.status_code or outcome.error,
        extra={"event": "webhook.attempt", "callback": str(callback.pk)},
    )
    return retry
