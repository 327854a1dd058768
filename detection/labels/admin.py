"""Staff see every label (read-only) beside the detection or post it judges."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import HumanLabel


@admin.register(HumanLabel)
class HumanLabelAdmin(admin.ModelAdmin):
    list_display = ("updated_at", "owner", "label", "detection", "post", "note")
    list_filter = ("label", "updated_at")
    search_fields = ("owner__username", "=detection__id", "=post__id", "note")
    readonly_fields = ("owner", "detection", "post", "label", "note", "created_at", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
