"""The history page's filter form (GET): every control labelled, every field optional."""

from __future__ import annotations

from django import forms

from detection.models import Modality, Status, Verdict
from detection.presentation import verdict_label

ANY = [("", "Any")]


class HistoryFilterForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=200,
        label="Search",
        help_text="File name, text or the start of a SHA-256",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    modality = forms.ChoiceField(required=False, label="Type", choices=ANY + Modality.choices)
    verdict = forms.ChoiceField(
        required=False,
        label="Verdict",
        choices=ANY + [(v, verdict_label(v)) for v in Verdict.values],
    )
    status = forms.ChoiceField(required=False, label="Status", choices=ANY + Status.choices)
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:  # type: ignore[operator]
            # Swapped dates are an easy slip; reading them the intended way beats an error.
            cleaned["date_from"], cleaned["date_to"] = end, start
        return cleaned
