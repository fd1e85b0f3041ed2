"""Forms for creating and running a programme."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from mentoring.bounds import YEAR, DateWithin
from mentoring.vocabulary import Framework

from ..models import ApplicationQuestion, Membership, Programme
from ..services.programmes import PROGRAMME_FIELDS

DATE_FIELDS = ("starts_on", "ends_on", "enrolment_opens_on", "enrolment_closes_on")
# Wide enough for any real programme, old or planned; narrow enough that no date overflows.
PROGRAMME_DATES = DateWithin(back=50 * YEAR, ahead=10 * YEAR)


class ProgrammeForm(forms.ModelForm):
    """A programme's settings. The service saves; this form only validates."""

    class Meta:
        model = Programme
        fields = list(PROGRAMME_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "matching_route": forms.RadioSelect,
            **{
                name: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
                for name in DATE_FIELDS
            },
        }
        help_texts = {
            "enrolment_opens_on": "Leave empty to accept applications as soon as enrolment opens.",
            "enrolment_closes_on": "Leave empty to keep enrolment open until you close it.",
            "default_mentor_capacity": (
                "How many mentees a mentor takes at once, unless they say otherwise."
            ),
            "meeting_length_minutes": "50 minutes suits video meetings and avoids fatigue.",
            "coordinators_require_mfa": (
                "Coordinators must set up an authenticator app before reaching management pages."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Optional on the form: an empty choice keeps the model's default (GROW).
        self.fields["default_note_framework"].required = False
        for name in DATE_FIELDS:
            if name in self.fields:
                self.fields[name].validators.append(PROGRAMME_DATES)

    def clean_default_note_framework(self) -> str:
        return self.cleaned_data.get("default_note_framework") or Framework.GROW


def _split_emails(value: str) -> list[str]:
    return [e.strip().lower() for e in re.split(r"[\s,;]+", value or "") if e.strip()]


class ProgrammeCreateForm(ProgrammeForm):
    co_coordinator_emails = forms.CharField(
        label="Co-coordinators",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "name@nhs.net"}),
        help_text=(
            "Optional. Email addresses of people already registered on the site, one per line. "
            "You can add more later."
        ),
    )

    def clean_co_coordinator_emails(self) -> list[str]:
        emails = _split_emails(self.cleaned_data.get("co_coordinator_emails", ""))
        bad = []
        for email in emails:
            try:
                validate_email(email)
            except ValidationError:
                bad.append(email)
        if bad:
            raise ValidationError(f"Not a valid email address: {', '.join(bad)}.")
        return list(dict.fromkeys(emails))


class TeamMemberForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        help_text="They must already be registered on the site.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label="Role",
        choices=[
            (Membership.Role.COORDINATOR, "Co-coordinator"),
            (Membership.Role.WELFARE_LEAD, "Welfare lead"),
        ],
        help_text=("Welfare leads are contacted only when someone explicitly asks for support."),
    )


class QuestionForm(forms.ModelForm):
    class Meta:
        model = ApplicationQuestion
        fields = ["text", "help_text", "kind", "choices", "required", "audience", "position"]
        labels = {
            "help_text": "Hint",
            "choices": "Options",
            "required": "An answer is required",
            "audience": "Asked of",
        }
        help_texts = {
            "help_text": "Optional. Shown under the question.",
            "choices": "For a choice question: one option per line.",
            "position": "Questions are asked in this order, lowest first.",
        }
        widgets = {"choices": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].required = False
