"""Forms for sign-up, the professional profile and the private matching preferences.

allauth imports this module while building its own forms (ACCOUNT_SIGNUP_FORM_CLASS),
so nothing here may import from `allauth.account.forms`.
"""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Fieldset, Layout
from django import forms

from mentoring.vocabulary import (
    REGION_CHOICES,
    SPECIALTY_CHOICES,
    TOPIC_CHOICES,
    Framework,
    MeetingMode,
)

from .models import MatchingPreferences, Profile, User

CHECKBOX_COLUMNS = "accounts/partials/checkbox_columns_field.html"


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form (allauth's own fields are added to it)."""

    full_name = forms.CharField(
        max_length=150,
        label="Full name",
        help_text="As colleagues know you, e.g. Dr Priya Shah.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    field_order = ["full_name", "email", "password1", "password2"]

    def signup(self, request, user):
        """allauth's hook after the user is created.

        Nothing left to do: `AccountAdapter.save_user` already stored the full name
        before the first save.
        """


def _helper(*sections) -> FormHelper:
    """A helper for a form rendered inside a larger <form>, one card per section."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(
        *(Div(Div(section, css_class="card-body"), css_class="card mb-4") for section in sections)
    )
    return helper


class PersonalDetailsForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "preferred_name", "pronouns", "time_zone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"
        self.helper = _helper(
            Fieldset(
                "About you",
                Div(
                    Div("full_name", css_class="col-md-6"),
                    Div("preferred_name", css_class="col-md-6"),
                    Div("pronouns", css_class="col-md-6"),
                    Div("time_zone", css_class="col-md-6"),
                    css_class="row",
                ),
            )
        )


def _multi(choices, label, help_text=""):
    return forms.MultipleChoiceField(
        choices=choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=label,
        help_text=help_text,
    )


class ProfileForm(forms.ModelForm):
    """The professional profile. The rules themselves live in `Profile.clean()`."""

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
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 4}),
            "training_year": forms.NumberInput(attrs={"inputmode": "numeric"}),
        }
        labels = {
            "bio": "Short bio",
            "job_role": "Job role",
            "years_in_practice": "Years in practice",
            "mentor_trained": "I have attended a mentor training course",
            "training_course": "Course name",
            "training_organiser": "Who ran it",
            "training_year": "Year",
        }
        help_texts = {
            "bio": "A few sentences about your work and interests. Coordinators and, if you "
            "mentor, mentees can read this.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Fieldset(
                "Your work",
                Div(
                    Div("job_role", css_class="col-md-6"),
                    Div("grade", css_class="col-md-6"),
                    Div("specialty", css_class="col-md-6"),
                    Div("years_in_practice", css_class="col-md-6"),
                    Div("employer", css_class="col-md-6"),
                    Div("department", css_class="col-md-6"),
                    Div("region", css_class="col-md-6"),
                    css_class="row",
                ),
                "bio",
            ),
            Fieldset(
                "Mentoring topics",
                Field("topics_seeking", template=CHECKBOX_COLUMNS),
                Field("topics_offering", template=CHECKBOX_COLUMNS),
            ),
            Fieldset(
                "How you like to meet",
                Field("meeting_modes", template=CHECKBOX_COLUMNS),
                "languages",
            ),
            Fieldset(
                "Mentor training",
                HTML(
                    '<p class="text-body-secondary small">For mentors: the training you have '
                    "had and the frameworks you use. Leave blank if it does not apply.</p>"
                ),
                "mentor_trained",
                Div(
                    Div("training_course", css_class="col-md-6"),
                    Div("training_organiser", css_class="col-md-4"),
                    Div("training_year", css_class="col-md-2"),
                    css_class="row",
                ),
                Field("frameworks_taught", template=CHECKBOX_COLUMNS),
                Field("frameworks_practised", template=CHECKBOX_COLUMNS),
            ),
        )


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
        labels = {
            "sex": "Sex",
            "age_band": "Age",
            "ethnicity": "Ethnic group",
            "religion": "Religion or belief",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("sex", "age_band", "ethnicity", "religion"):
            self.fields[name].choices = [("", "Prefer not to say"), *self.fields[name].choices[1:]]
        for name in ("prefer_mentor_sex", "prefer_mentor_age_band"):
            self.fields[name].choices = [("", "No preference"), *self.fields[name].choices[1:]]
        self.helper = _helper(
            Fieldset(
                "About you",
                HTML(
                    '<p class="text-body-secondary small">So that other people\'s preferences '
                    "can be taken into account. Every question is optional.</p>"
                ),
                Div(
                    Div("sex", css_class="col-md-6"),
                    Div("age_band", css_class="col-md-6"),
                    Div("ethnicity", css_class="col-md-6"),
                    Div("religion", css_class="col-md-6"),
                    css_class="row",
                ),
            ),
            Fieldset(
                "What you would prefer in a mentor",
                HTML(
                    '<p class="text-body-secondary small">Used only when suggesting mentors '
                    "to you.</p>"
                ),
                Div(
                    Div("prefer_mentor_sex", css_class="col-md-6"),
                    Div("prefer_mentor_age_band", css_class="col-md-6"),
                    css_class="row",
                ),
                "prefer_same_ethnicity",
                "prefer_same_religion",
            ),
        )
