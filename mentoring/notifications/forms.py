from __future__ import annotations

from django import forms

from . import registry
from .models import NotificationPreference

AUDIENCES = {
    "member": "Your mentoring",
    "mentee": "As a mentee",
    "mentor": "As a mentor",
    "coordinator": "As a coordinator",
}


class PreferencesForm(forms.Form):
    """One choice per optional kind of reminder: email as it happens, weekly digest, or none."""

    def __init__(
        self, *args, initial_channels: dict[str, str], audiences: set[str], **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        # Only the reminders that can reach this person (a mentee is not asked about
        # coordinators' digests); the others keep whatever was chosen before.
        self.kinds = [k for k in registry.optional_kinds() if k.audience in audiences]
        for found in self.kinds:
            self.fields[found.name] = forms.ChoiceField(
                label=found.label,
                help_text=found.help_text,
                choices=NotificationPreference.Channel.choices,
                initial=initial_channels.get(found.name, found.default_channel),
                widget=forms.RadioSelect,
            )

    def groups(self) -> list[tuple[str, list]]:
        """The fields grouped by who the reminders are for, in a fixed order."""
        by_audience: dict[str, list] = {}
        for found in self.kinds:
            by_audience.setdefault(found.audience, []).append(self[found.name])
        order = [a for a in AUDIENCES if a in by_audience]
        order += [a for a in by_audience if a not in AUDIENCES]
        return [(AUDIENCES.get(a, a.title()), by_audience[a]) for a in order]
