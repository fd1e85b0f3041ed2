"""Forms for changing a matching proposal by hand."""

from __future__ import annotations

from django import forms

from mentoring.bounds import id_field

ACTIONS = (
    ("lock", "Lock"),
    ("unlock", "Unlock"),
    ("remove", "Remove"),
    ("swap", "Swap mentors with another pair"),
    ("reassign", "Choose another mentor"),
)


class PairActionForm(forms.Form):
    """One action on one proposed pair; `other_pair` for a swap, `mentor` for a reassign."""

    action = forms.ChoiceField(choices=ACTIONS)
    other_pair = id_field(required=False)
    mentor = id_field(required=False)

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action == "swap" and not cleaned.get("other_pair"):
            self.add_error("other_pair", "Choose the pair to swap mentors with.")
        if action == "reassign" and not cleaned.get("mentor"):
            self.add_error("mentor", "Choose a mentor for this mentee.")
        return cleaned

    def first_error(self) -> str:
        if "action" in self.errors:
            return "Choose what to do with this pair."
        for errors in self.errors.values():
            return errors[0]
        return "Choose what to do with this pair."
