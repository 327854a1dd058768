from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .models import AuditLogEntry


def audit_log(
    request: HttpRequest,
    action: str,
    *,
    detection_id: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditLogEntry:
    user = request.user if request.user.is_authenticated else None
    return AuditLogEntry.objects.create(
        actor=user,
        actor_username=getattr(user, "username", "") or "",
        action=action,
        detection_id=detection_id,
        detail=detail or {},
        client_address=request.META.get("REMOTE_ADDR") or None,
    )
