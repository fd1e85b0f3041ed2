"""The check-in form: one screen, built from the instrument's items and options."""

from __future__ import annotations

from django import forms

from programmes.models import Programme

from ..instruments import WHO5, Instrument
from ..services.checkins import ON_MIND_MAX, WOULD_HELP_MAX


class CheckInForm(forms.Form):
    programme = forms.ModelChoiceField(
        queryset=Programme.objects.none(),
        empty_label=None,
        label="Which programme is this check-in for?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Please choose the programme.",
            "invalid_choice": ("Please choose one of your programmes."),
        },
    )
    anything_on_mind = forms.CharField(
        label="Anything on your mind? (optional)",
        required=False,
        max_length=ON_MIND_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only you will see this, unless you share the check-in with your mentor.",
    )
    what_would_help = forms.CharField(
        label="What would help? (optional)",
        required=False,
        max_length=WOULD_HELP_MAX,
        help_text="One line is plenty.",
    )
    share_with_mentor = forms.BooleanField(
        label="Share this check-in with my mentor",
        required=False,
        help_text=(
            "Your mentor will see its band (for example “low”), its date and your two "
            "optional messages above. Never your answers or your score."
        ),
    )

    def __init__(self, *args, programmes, instrument: Instrument = WHO5, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.fields["programme"].queryset = Programme.objects.filter(
            pk__in=[p.pk for p in programmes]
        ).order_by("name")
        if len(programmes) == 1:
            self.fields["programme"].widget = forms.HiddenInput()
            self.fields["programme"].initial = programmes[0].pk
        for number, text in enumerate(instrument.items, start=1):
            self.fields[f"item_{number}"] = forms.TypedChoiceField(
                label=text,
                choices=[(value, label) for value, label in instrument.options],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": "Please choose an answer for this statement."},
            )

    @property
    def item_fields(self) -> list[forms.BoundField]:
        return [self[f"item_{n}"] for n in range(1, len(self.instrument.items) + 1)]

    @property
    def answers(self) -> list[int]:
        return [self.cleaned_data[f"item_{n}"] for n in range(1, len(self.instrument.items) + 1)]
