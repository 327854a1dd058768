from django.contrib import admin

from .forms import LockoutAdminAuthenticationForm
from .models import ApiToken

# The admin's sign-in counts failures and locks out like the site's own.
admin.site.login_form = LockoutAdminAuthenticationForm


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "user",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("revoked_at", "created_at")
    search_fields = ("name", "prefix", "user__username")
    readonly_fields = [f.name for f in ApiToken._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # tokens are made by their owners, so the plain value reaches only them
