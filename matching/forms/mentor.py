"""A mentor's own settings in a programme."""

from __future__ import annotations

from django import forms

from ..services.mentorships import MAX_CAPACITY


class MentorSettingsForm(forms.Form):
    capacity = forms.IntegerField(
        label="Mentees at once",
        min_value=1,
        max_value=MAX_CAPACITY,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=f"Between 1 and {MAX_CAPACITY}. Be generous with yourself: mentoring takes time.",
    )
    accepting_mentees = forms.BooleanField(
        label="I am taking new mentees",
        required=False,
        help_text="Untick to pause new requests without changing your capacity.",
    )
