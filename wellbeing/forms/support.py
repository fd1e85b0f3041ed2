"""Forms for asking to be contacted, for welfare leads' updates and for referrals."""

from __future__ import annotations

from django import forms

from ..models import SupportRequest, SupportService
from ..services.support import DETAILS_MAX, MESSAGE_MAX

Status = SupportRequest.Status


class SupportRequestForm(forms.Form):
    """How and when the person would like to be contacted; used for referrals too."""

    contact_method = forms.ChoiceField(
        label="How would you like to be contacted?",
        choices=SupportRequest.ContactMethod.choices,
        widget=forms.RadioSelect,
        initial=SupportRequest.ContactMethod.PHONE,
    )
    contact_details = forms.CharField(
        label="Phone number or email address to use",
        max_length=DETAILS_MAX,
        help_text="For a video call or a meeting in person, the best way to arrange it.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    preferred_times = forms.CharField(
        label="When suits you? (optional)",
        max_length=DETAILS_MAX,
        required=False,
        help_text="For example: weekday evenings after 6pm, or not on Tuesdays.",
    )
    message = forms.CharField(
        label="Anything you would like them to know first (optional)",
        max_length=MESSAGE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only the programme's welfare lead will read this.",
    )


class SupportRequestUpdateForm(forms.Form):
    status = forms.ChoiceField(choices=[(Status.CONTACTED, "Contacted"), (Status.CLOSED, "Closed")])


class ReferralForm(forms.Form):
    service = forms.ModelChoiceField(
        label="A service from the programme's directory",
        queryset=SupportService.objects.none(),
        required=False,
        empty_label="None: I will describe it below",
    )
    note = forms.CharField(
        label="Why this could help (optional if you chose a service)",
        max_length=MESSAGE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Your mentee will read this. It is not passed on to anyone else.",
    )

    def __init__(self, *args, services=None, **kwargs):
        super().__init__(*args, **kwargs)
        if services is not None:
            self.fields["service"].queryset = services

    def clean(self):
        data = super().clean()
        if not data.get("service") and not (data.get("note") or "").strip():
            raise forms.ValidationError(
                "Choose a service from the directory, or describe the support you have in mind."
            )
        return data
