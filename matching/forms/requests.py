"""Forms for the mentor directory, requests and replies."""

from __future__ import annotations

from django import forms

from mentoring.vocabulary import (
    REGION_CHOICES,
    SPECIALTY_CHOICES,
    TOPIC_CHOICES,
    Framework,
    MeetingMode,
)

from ..models import DeclaredConflict
from ..services.requests import MESSAGE_MAX, REASON_MAX

ANY = [("", "Any")]


class DirectoryFilterForm(forms.Form):
    """Narrow the mentors on offer; every filter is optional."""

    specialty = forms.ChoiceField(choices=ANY + SPECIALTY_CHOICES, required=False)
    region = forms.ChoiceField(choices=ANY + REGION_CHOICES, required=False)
    mode = forms.ChoiceField(choices=ANY + MeetingMode.choices, required=False, label="Meets by")
    topic = forms.ChoiceField(choices=ANY + TOPIC_CHOICES, required=False, label="Can help with")
    framework = forms.ChoiceField(
        choices=ANY + Framework.choices, required=False, label="Framework"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}


class RequestForm(forms.Form):
    message = forms.CharField(
        label="What would you like help with?",
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=(
            "A few sentences about where you are and what you hope mentoring will help "
            "with. Only this mentor will read it."
        ),
        error_messages={
            "required": "Tell the mentor a little about what you would like help with."
        },
    )


class ConflictForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[
            (DeclaredConflict.Kind.SUPERVISOR, "My supervisor"),
            (DeclaredConflict.Kind.LINE_MANAGER, "My line manager"),
            (DeclaredConflict.Kind.OTHER, "Another conflict of interest"),
        ],
        initial=DeclaredConflict.Kind.SUPERVISOR,
        label="This person is",
    )


class RespondForm(forms.Form):
    """A mentor's reply: accept, or decline with a private reason and a kind message."""

    DECISIONS = [("accept", "Accept"), ("decline", "Decline")]

    decision = forms.ChoiceField(choices=DECISIONS, widget=forms.HiddenInput)
    message = forms.CharField(
        label="A message to the mentee",
        required=False,
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = forms.CharField(
        label="Your reason (private)",
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only you will see this.",
    )

    def __init__(self, *args, decision: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        decision = decision or self.data.get("decision", "")
        if decision == "accept":
            del self.fields["reason"]
            self.fields["message"].help_text = "Optional: a welcome, and how to get started."
        else:
            self.fields["message"].help_text = (
                "Optional, and sent to the mentee. A kind word helps: for example that you "
                "have no space just now, and good wishes for finding the right mentor."
            )
        if decision:
            self.initial.setdefault("decision", decision)
