"""Read-only audit of posts, each with its parts (links to their detections' audit pages)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html

from detection.audit import audit_log

from .models import Post, PostPart


class PostPartInline(admin.TabularInline):
    model = PostPart
    fields = ("index", "role", "name", "source_url", "detection_link", "part_status", "verdict")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="detection")
    def detection_link(self, obj: PostPart) -> str:
        url = reverse("admin:detection_detection_change", args=[obj.detection_id])
        return format_html('<a href="{}">{}</a>', url, obj.detection_id)

    @admin.display(description="status")
    def part_status(self, obj: PostPart) -> str:
        reason = obj.detection.error_message
        return f"{obj.detection.status}: {reason}" if reason else obj.detection.status

    @admin.display(description="verdict")
    def verdict(self, obj: PostPart) -> str:
        p = obj.detection.probability_ai
        return f"{obj.detection.verdict or '—'}{f' ({p:.2f})' if p is not None else ''}"


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("id", "created_at", "owner", "source", "status", "verdict", "probability_ai")
    list_filter = ("status", "verdict", "source", "created_at")
    search_fields = ("=id", "owner__username", "source_url")
    list_select_related = ("owner",)
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Post._meta.fields]
    inlines = [PostPartInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # evidence, not an editable record

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        if not self.has_view_permission(request):
            audit_log(request, "refused", detail={"attempted": "view", "post": object_id})
            raise PermissionDenied
        parts = list(
            PostPart.objects.filter(post_id=object_id).values_list("detection_id", flat=True)
        )
        audit_log(request, "view", detail={"post": object_id, "parts": [str(p) for p in parts]})
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_model(self, request: HttpRequest, obj: Post) -> None:
        from .services import post_delete

        audit_log(request, "delete", detail={"post": str(obj.pk)})
        post_delete(post=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)
