"""Read-only audit of every detection, with CSV export and a log of what staff did."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from .audit import audit_log
from .models import AuditLogEntry, Detection
from .presentation.rows import reading_of

ADMIN_TEXT_CHARS = 2000  # a pasted text can be 100k characters: the page shows its start
# Fields shown through readable displays below instead of their raw JSON / full text.
READABLE = ("models_used", "timings", "input_text")

CSV_FIELDS = [
    "id",
    "created_at",
    "owner",
    "source",
    "modality",
    "status",
    "verdict",
    "probability_ai",
    "detector",
    "sha256",
    "size_bytes",
    "content_type",
    "client_address",
    "models_used",
    "timings",
    "error_message",
    "started_at",
    "finished_at",
]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    # Spreadsheet formula injection: a cell starting with = + - @ would be executed.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@admin.register(Detection)
class DetectionAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "created_at",
        "owner",
        "source",
        "modality",
        "status",
        "verdict_shown",
        "probability_ai",
        "client_address",
    )
    list_filter = ("owner", "modality", "verdict", "source", "status", "created_at")
    search_fields = ("=id", "sha256", "owner__username", "owner__email")
    date_hierarchy = "created_at"
    list_select_related = ("owner",)
    actions = ["export_csv"]
    readonly_fields = [f.name for f in Detection._meta.fields if f.name not in READABLE] + [
        "verdict_shown",
        "input_text_start",
        "models_readable",
        "timings_readable",
        "media_link",
    ]
    exclude = ("input_file", *READABLE)

    @admin.display(description="Verdict (as shown)")
    def verdict_shown(self, obj: Detection) -> str:
        # The words the result page and history use (detection.presentation).
        reading = reading_of(obj)
        if not reading.get("verdict"):
            return "—"
        band = reading.get("band", {}).get("label", "")
        return f"{reading['label']} ({band.lower()})" if band else str(reading["label"])

    @admin.display(description="Input text")
    def input_text_start(self, obj: Detection) -> str:
        text = obj.input_text or ""
        if len(text) <= ADMIN_TEXT_CHARS:
            return text or "—"
        return f"{text[:ADMIN_TEXT_CHARS]}… [{len(text) - ADMIN_TEXT_CHARS:,} more characters]"

    @admin.display(description="Models used")
    def models_readable(self, obj: Detection) -> str:
        models = [m for m in obj.models_used or [] if isinstance(m, dict)]
        if not models:
            return "—"
        return format_html_join(
            "",
            "<div><code>{}</code> @ <code>{}</code></div>",
            ((m.get("id", ""), m.get("revision", "")) for m in models),
        )

    @admin.display(description="Timings")
    def timings_readable(self, obj: Detection) -> str:
        timings = obj.timings if isinstance(obj.timings, dict) else {}
        words = []
        for key, value in timings.items():
            if isinstance(value, bool):
                words.append(f"{key.replace('_', ' ')}: {'yes' if value else 'no'}")
            elif isinstance(value, int | float) and key.endswith("_ms"):
                words.append(f"{key[:-3].replace('_', ' ')}: {value / 1000:.2f} s")
            else:
                words.append(f"{key.replace('_', ' ')}: {value}")
        return "; ".join(words) or "—"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # read-only: detections are evidence, not editable records

    def get_urls(self) -> list[Any]:
        custom = [
            path(
                "export.csv",
                self.admin_site.admin_view(self.export_filtered_view),
                name="detection_detection_export",
            ),
            path(
                "<uuid:object_id>/media/",
                self.admin_site.admin_view(self.media_view),
                name="detection_detection_media",
            ),
        ]
        return custom + super().get_urls()

    @admin.display(description="Uploaded media")
    def media_link(self, obj: Detection) -> str:
        if not obj.input_file:
            return "—"
        url = reverse("admin:detection_detection_media", args=[obj.pk])
        return format_html('<a href="{}">download (logged)</a>', url)

    def _require_view_permission(
        self, request: HttpRequest, attempted: str, detection_id: str | None = None
    ) -> None:
        """Staff status only opens the admin; reading detections needs the view permission.

        The custom views (media, export) are not covered by ModelAdmin's own checks, so
        each calls this first. A refusal is logged like any other staff action.
        """
        if self.has_view_permission(request):
            return
        audit_log(request, "refused", detection_id=detection_id, detail={"attempted": attempted})
        raise PermissionDenied

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        self._require_view_permission(request, "view", detection_id=object_id)
        audit_log(request, "view", detection_id=object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def media_view(self, request: HttpRequest, object_id: str) -> HttpResponseBase:
        from django.http import FileResponse, Http404

        self._require_view_permission(request, "view_media", detection_id=object_id)
        detection = Detection.objects.filter(pk=object_id).first()
        if detection is None or not detection.input_file:
            raise Http404("no media")
        audit_log(request, "view_media", detection_id=object_id)
        return FileResponse(
            detection.input_file.open("rb"),
            as_attachment=True,
            filename=detection.original_name or f"{detection.pk}",
            content_type="application/octet-stream",
        )

    def delete_model(self, request: HttpRequest, obj: Detection) -> None:
        from .services import detection_delete

        audit_log(request, "delete", detection_id=str(obj.pk), detail={"sha256": obj.sha256})
        detection_delete(detection=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Detection]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)

    @admin.action(description="Export selected detections as CSV")
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Detection]) -> HttpResponseBase:
        return self._csv_response(request, queryset, scope="selected")

    def export_filtered_view(self, request: HttpRequest) -> HttpResponseBase:
        self._require_view_permission(request, "export")
        # Reuse the changelist's own filtering so the export matches what the list shows.
        changelist = self.get_changelist_instance(request)
        return self._csv_response(request, changelist.get_queryset(request), scope="filtered")

    def _csv_response(
        self, request: HttpRequest, queryset: QuerySet[Detection], scope: str
    ) -> HttpResponseBase:
        self._require_view_permission(request, "export")
        audit_log(
            request,
            "export",
            detail={"scope": scope, "count": queryset.count(), "query": request.GET.urlencode()},
        )
        writer = csv.writer(_Echo())

        def rows() -> Any:
            yield writer.writerow(CSV_FIELDS)
            for obj in queryset.select_related("owner").iterator(chunk_size=500):
                yield writer.writerow([_csv_cell(getattr(obj, name)) for name in CSV_FIELDS])

        response = StreamingHttpResponse(rows(), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="detections.csv"'
        return response

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        self._require_view_permission(request, "list")
        extra_context = extra_context or {}
        query = request.GET.urlencode()
        extra_context["export_url"] = reverse("admin:detection_detection_export") + (
            f"?{query}" if query else ""
        )
        return super().changelist_view(request, extra_context)


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor_username", "action", "detection_id", "client_address")
    list_filter = ("action", "created_at")
    search_fields = ("actor_username", "=detection_id")
    readonly_fields = [f.name for f in AuditLogEntry._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # an audit log staff could prune would prove nothing
