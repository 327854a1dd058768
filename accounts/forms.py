from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.contrib.auth.models import User
from django.utils import timezone

from . import lockout

EXPIRY_CHOICES = [("", "Never"), ("7", "7 days"), ("30", "30 days"), ("90", "90 days")]


class SignupForm(UserCreationForm):
    email = forms.EmailField(required=False)

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def validate_password_for_user(self, user: Any, **kwargs: Any) -> None:
        # A too-short or too-common password is a problem of the password field, not of
        # its confirmation (Django checks the confirmation field by default).
        kwargs["password_field_name"] = "password1"  # noqa: S105 (a field name)
        super().validate_password_for_user(user, **kwargs)  # type: ignore[misc]


class TokenCreateForm(forms.Form):
    name = forms.CharField(max_length=100, label="Token name")
    expires_in_days = forms.ChoiceField(choices=EXPIRY_CHOICES, required=False, label="Expires")

    def expires_at(self):  # type: ignore[no-untyped-def]
        days = self.cleaned_data.get("expires_in_days")
        return timezone.now() + timedelta(days=int(days)) if days else None


class LockoutMixin:
    """Sign-in that counts failures per username and per address and, past the limits,
    refuses for a while (LOGIN_LOCKOUT_S) with a message that says how long."""

    request: Any
    cleaned_data: dict[str, Any]
    locked_for = 0

    def clean(self) -> dict[str, Any]:
        username = str(self.cleaned_data.get("username") or "")
        self.locked_for = lockout.login_locked_for(self.request, username)
        if self.locked_for:
            raise forms.ValidationError(
                "Too many failed sign-in attempts. For your security, signing in is paused: "
                f"try again in {lockout.wait_in_words(self.locked_for)}.",
                code="locked_out",
            )
        try:
            cleaned: dict[str, Any] = super().clean()  # type: ignore[misc]
        except forms.ValidationError:
            lockout.login_failed(self.request, username)
            raise
        lockout.login_succeeded(self.request, username)
        return cleaned


class LockoutAuthenticationForm(LockoutMixin, AuthenticationForm):
    pass


class LockoutAdminAuthenticationForm(LockoutMixin, AdminAuthenticationForm):
    pass
