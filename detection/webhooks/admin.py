"""Read-only admin of callbacks and their delivery attempts; secrets are never shown."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Callback, DeliveryAttempt, TokenWebhook


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    fields = ("number", "at", "status_code", "error", "duration_ms", "next_retry_s")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Callback)
class CallbackAdmin(_ReadOnly):
    list_display = ("id", "created_at", "owner", "url", "state", "attempts", "detection", "post")
    list_filter = ("state", "created_at")
    search_fields = ("=id", "url", "owner__username")
    fields = (
        "id", "owner", "detection", "post", "url", "state", "attempts", "created_at", "finished_at"
    )  # fmt: skip
    readonly_fields = fields
    inlines = [DeliveryAttemptInline]


@admin.register(TokenWebhook)
class TokenWebhookAdmin(_ReadOnly):
    list_display = ("token", "callback_url", "created_at")
    fields = ("token", "callback_url", "created_at")
    readonly_fields = fields
