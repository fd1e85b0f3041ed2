"""A programme's matching settings: how much each criterion counts, and the hard rules."""

from __future__ import annotations

from django import forms

from ..models import MatchingSettings
from ..services.settings import SETTINGS_FIELDS, WEIGHT_FIELDS


def _number(low: int, high: int) -> forms.NumberInput:
    return forms.NumberInput(attrs={"min": low, "max": high, "step": 1, "inputmode": "numeric"})


class MatchingSettingsForm(forms.ModelForm):
    """Validates only; `matching_settings_update` saves."""

    class Meta:
        model = MatchingSettings
        fields = list(SETTINGS_FIELDS)
        widgets = {
            **{name: _number(0, 10) for name in WEIGHT_FIELDS},
            "min_career_gap": _number(0, 4),
            "min_score": _number(0, 100),
            "max_pending_requests": _number(1, 3),
            "request_expiry_days": _number(1, 60),
        }
        help_texts = {
            "weight_preferences": (
                "Mentees may state private preferences about a mentor. They shape the score "
                "silently and are never shown to anyone, coordinators included."
            ),
            "min_career_gap": (
                "The career-stage criterion counts fully when the mentor is at least this many "
                "bands of experience ahead. 0 suits peer mentoring."
            ),
            "min_score": (
                "A mentee is left unmatched rather than given a pair below this overall match."
            ),
            "cross_organisation": ("Never pair two people from the same employer and department."),
            "max_pending_requests": "Between 1 and 3.",
            "request_expiry_days": "Unanswered requests lapse after this many days (1 to 60).",
            "allow_multiple_mentors": "Otherwise a mentee has one mentor at a time.",
            "publish_as_introductions": (
                "When you publish a matching run, each pair is introduced and starts once both "
                "people accept. Otherwise the mentorships start straight away."
            ),
        }

    def clean(self):
        cleaned = super().clean()
        weights = [cleaned.get(name) for name in WEIGHT_FIELDS]
        if all(w is not None for w in weights) and not any(weights):
            raise forms.ValidationError(
                "At least one criterion must count: give one of them a weight above 0."
            )
        return cleaned
