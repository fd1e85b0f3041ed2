"""Coordinators' form for an entry in the programme's support directory."""

from __future__ import annotations

from django import forms

from ..models import SupportService


class SupportServiceForm(forms.ModelForm):
    url = forms.URLField(
        label="Web address",
        required=False,
        assume_scheme="https",
        max_length=200,
        help_text="The full address, for example https://www.samaritans.org/",
    )

    class Meta:
        model = SupportService
        fields = ["name", "purpose", "phone", "text", "url", "hours", "urgent"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "name": "For example: Trust staff psychology service.",
            "phone": "As people should dial it, for example 0300 0303 300.",
            "text": "A number or short code people can text, with the word to send if any.",
            "hours": "For example: weekdays 9am-5pm, or 24 hours.",
            "urgent": "Urgent services are listed first, and shown to anyone who is "
            "having a very hard time.",
        }
