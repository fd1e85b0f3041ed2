"""Forms for notes, reflections, action points and the mentoring agreement."""

from __future__ import annotations

from django import forms

from mentoring.bounds import plan_date
from mentoring.vocabulary import TOPIC_CHOICES

from .. import frameworks
from ..models import ActionItem, MentoringAgreement

SECTION_PREFIX = "section_"


class FrameworkChoiceForm(forms.Form):
    """Switch the note's framework (a GET form: nothing is saved)."""

    framework = forms.ChoiceField(label="Framework for this note")

    def __init__(self, *args, mentor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework"].choices = [
            (f.key, f.title) for f in frameworks.ordered_for(mentor)
        ]


class NoteForm(forms.Form):
    """The mentor's note, laid out for one framework; only filled sections are kept."""

    framework = forms.CharField(widget=forms.HiddenInput)
    shared_summary = forms.CharField(
        label="Shared summary",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Your mentee reads this, with the action points.",
    )
    private_notes = forms.CharField(
        label="Private notes",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only you can read these.",
    )
    tags = forms.MultipleChoiceField(
        label="Issues discussed",
        required=False,
        choices=TOPIC_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only you see these; they are only ever counted across the programme.",
    )

    def __init__(self, *args, framework: frameworks.NoteFramework, **kwargs):
        super().__init__(*args, **kwargs)
        self.framework = framework
        self.initial.setdefault("framework", framework.key)
        for section in framework.sections:
            self.fields[SECTION_PREFIX + section.key] = forms.CharField(
                label=section.title,
                required=False,
                max_length=10_000,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=" ".join(section.prompts),
            )

    def section_fields(self):
        return [self[SECTION_PREFIX + s.key] for s in self.framework.sections]

    def clean_framework(self):
        key = self.cleaned_data["framework"]
        if key != self.framework.key:
            raise forms.ValidationError("The framework changed; please check the sections.")
        return key

    def note_data(self) -> dict:
        data = self.cleaned_data
        return {
            "framework": data["framework"],
            "sections": {
                s.key: data.get(SECTION_PREFIX + s.key, "") for s in self.framework.sections
            },
            "shared_summary": data.get("shared_summary", ""),
            "private_notes": data.get("private_notes", ""),
            "tags": data.get("tags", []),
        }

    @classmethod
    def initial_from(cls, note) -> dict:
        if note is None:
            return {}
        initial = {
            "shared_summary": note.shared_summary or "",
            "private_notes": note.private_notes or "",
            "tags": note.tags,
        }
        for key, text in (note.sections or {}).items():
            initial[SECTION_PREFIX + key] = text
        return initial


class ActionItemForm(forms.Form):
    text = forms.CharField(label="Action point", max_length=500, required=False)
    owner = forms.ChoiceField(
        label="Who", choices=ActionItem.Owner.choices, initial=ActionItem.Owner.MENTEE
    )
    due_on = plan_date(label="Due", required=False)


# absolute_max: a forged TOTAL_FORMS would otherwise build (and render) 1,010 forms.
ActionItemFormSet = forms.formset_factory(ActionItemForm, extra=3, max_num=10, absolute_max=10)


def action_items_from(formset) -> list[dict]:
    return [
        {
            "text": f.cleaned_data["text"],
            "owner": f.cleaned_data["owner"],
            "due_on": f.cleaned_data.get("due_on"),
        }
        for f in formset.forms
        if f.cleaned_data.get("text")
    ]


class ReflectionForm(forms.Form):
    text = forms.CharField(
        label="Your reflections",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Only you can read these. Leave empty and save to remove them.",
    )


class AgreementForm(forms.ModelForm):
    class Meta:
        model = MentoringAgreement
        fields = ["meeting_frequency", "contact", "confidentiality", "signposting", "ending"]
        widgets = {f: forms.Textarea(attrs={"rows": 3}) for f in fields}
