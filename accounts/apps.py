from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        user_logged_out.connect(_close_sockets_of_session, dispatch_uid="accounts.ws_logout")


def _close_sockets_of_session(sender: Any, request: Any = None, **_: Any) -> None:
    """Logging out ends the session's WebSockets too (sent before the session is flushed)."""
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        from .credential_events import announce_credential_ended

        announce_credential_ended("session", key)
