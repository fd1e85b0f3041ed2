"""Forms for a mentorship's life: pausing, closing, the closing review."""

from __future__ import annotations

from django import forms

from mentoring.bounds import plan_date

from ..models import Mentorship
from ..services.lifecycle import NOTE_MAX

SCALE = [(n, str(n)) for n in range(1, 6)]


class PauseForm(forms.Form):
    until = plan_date(
        label="Resume on",
        help_text="Your place stays held. You can resume earlier if you like.",
    )


class CloseForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why is the mentorship ending?",
        choices=[("", "Choose…"), *Mentorship.CloseReason.choices],
    )
    note = forms.CharField(
        label="A note for yourself (private)",
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only you will see this.",
    )


class ClosingReviewForm(forms.Form):
    helpfulness = forms.TypedChoiceField(
        label="How worthwhile was the mentoring for you?",
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
        help_text="1 not at all, 5 very much.",
    )
    supportive_environment = forms.TypedChoiceField(
        label="To what extent did it give you a supportive environment?",
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
        help_text="1 not at all, 5 very much.",
    )
    comments = forms.CharField(
        label="Anything you would like to add (private)",
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only you will see your comments.",
    )
