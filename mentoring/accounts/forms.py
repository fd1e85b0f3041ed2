from __future__ import annotations

from django import forms

from mentoring.vocabulary import (
    REGION_CHOICES,
    SPECIALTY_CHOICES,
    TOPIC_CHOICES,
    Framework,
    MeetingMode,
)

from .models import MatchingPreferences, Profile, User


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form."""

    full_name = forms.CharField(max_length=150, label="Full name")

    def signup(self, request, user):  # allauth calls this after creating the user
        user.full_name = self.cleaned_data["full_name"].strip()
        user.save(update_fields=["full_name"])


class PersonalDetailsForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "preferred_name", "pronouns", "time_zone"]


def _multi(choices, label, help_text=""):
    return forms.MultipleChoiceField(
        choices=choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=label,
        help_text=help_text,
    )


class ProfileForm(forms.ModelForm):
    specialty = forms.ChoiceField(choices=[("", "---------"), *SPECIALTY_CHOICES], required=False)
    region = forms.ChoiceField(choices=[("", "---------"), *REGION_CHOICES], required=False)
    topics_seeking = _multi(TOPIC_CHOICES, "Topics I would like help with")
    topics_offering = _multi(TOPIC_CHOICES, "Topics I can offer help with (mentors)")
    meeting_modes = _multi(MeetingMode.choices, "Ways I can meet")
    frameworks_taught = _multi(Framework.choices, "Frameworks I was taught")
    frameworks_practised = _multi(Framework.choices, "Frameworks I use in practice")

    class Meta:
        model = Profile
        fields = [
            "job_role",
            "grade",
            "specialty",
            "years_in_practice",
            "employer",
            "department",
            "region",
            "bio",
            "topics_seeking",
            "topics_offering",
            "languages",
            "meeting_modes",
            "mentor_trained",
            "training_course",
            "training_organiser",
            "training_year",
            "frameworks_taught",
            "frameworks_practised",
        ]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}
        labels = {"bio": "Short bio"}


class MatchingPreferencesForm(forms.ModelForm):
    class Meta:
        model = MatchingPreferences
        fields = [
            "sex",
            "age_band",
            "ethnicity",
            "religion",
            "prefer_mentor_sex",
            "prefer_mentor_age_band",
            "prefer_same_ethnicity",
            "prefer_same_religion",
        ]
