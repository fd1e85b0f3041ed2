"""The mentee's "how did it go?" rating of a meeting."""

from __future__ import annotations

from django import forms

from ..services.feedback import RATING_LABELS, RATINGS


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="How helpful was this meeting for you?",
        choices=[(r, f"{r} – {RATING_LABELS[r]}") for r in RATINGS],
        coerce=int,
        widget=forms.RadioSelect,
    )
