"""Forms for applying to a programme and for reviewing applications."""

from __future__ import annotations

from django import forms
from django.utils.html import conditional_escape

from mentoring.accounts.models import Profile
from mentoring.bounds import IdListField
from mentoring.vocabulary import (
    REGION_CHOICES,
    SPECIALTY_CHOICES,
    TOPIC_CHOICES,
    JobRole,
    MeetingMode,
    YearsInPractice,
)

from ..models import Application, ApplicationQuestion, Programme
from ..selectors.applications import STATUS_ALL

BLANK = [("", "Choose…")]
YES_NO = [("Yes", "Yes"), ("No", "No")]
# Profile fields the application asks for; the topics field depends on the role.
PROFILE_FIELDS = (
    "job_role",
    "grade",
    "specialty",
    "years_in_practice",
    "employer",
    "region",
    "meeting_modes",
)


def topics_field_for(role: str) -> str:
    return "topics_offering" if role == Application.Role.MENTOR else "topics_seeking"


def question_field_name(question: ApplicationQuestion) -> str:
    return f"question_{question.pk}"


def _question_field(question: ApplicationQuestion) -> forms.Field:
    # Form renderers (Django's and crispy's) print help text as HTML; a coordinator's
    # hint is plain text, so it is escaped here, once.
    common = {
        "label": question.text,
        "help_text": conditional_escape(question.help_text),
        "required": question.required,
    }
    if question.kind == ApplicationQuestion.Kind.CHOICE:
        choices = [(c, c) for c in question.choice_list]
        return forms.ChoiceField(choices=BLANK + choices, **common)
    if question.kind == ApplicationQuestion.Kind.YES_NO:
        return forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, **common)
    return forms.CharField(
        max_length=3000, widget=forms.Textarea(attrs={"rows": 3}), strip=True, **common
    )


class ApplicationForm(forms.Form):
    """An application as a mentor or a mentee, pre-filled from the person's profile.

    `cleaned_data` holds the profile fields (saved back to the profile), the
    application's own fields and one `question_<id>` field per programme question.
    """

    job_role = forms.ChoiceField(choices=BLANK + JobRole.choices, label="Job role")
    grade = forms.CharField(
        max_length=60,
        required=False,
        help_text="For doctors in training, e.g. ST4 or FY2.",
    )
    specialty = forms.ChoiceField(choices=BLANK + SPECIALTY_CHOICES)
    years_in_practice = forms.ChoiceField(choices=BLANK + YearsInPractice.choices)
    employer = forms.CharField(max_length=150, required=False)
    region = forms.ChoiceField(choices=BLANK + REGION_CHOICES)
    meeting_modes = forms.MultipleChoiceField(
        choices=MeetingMode.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Ways you can meet",
    )
    goals = forms.CharField(
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="What would you like to work on?",
        help_text="A few sentences about the goals you would like mentoring to help with.",
    )
    motivation = forms.CharField(
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why would you like to take part?",
    )
    capacity = forms.IntegerField(
        min_value=1,
        max_value=10,
        label="How many mentees could you support at once?",
        help_text="Between 1 and 10. You can change this later.",
    )

    def __init__(
        self,
        *args,
        programme: Programme,
        role: str,
        profile: Profile | None = None,
        questions: list[ApplicationQuestion] | None = None,
        **kwargs,
    ):
        self.programme = programme
        self.role = role
        self.questions = [q for q in (questions or []) if q.applies_to(role)]
        if profile is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(profile)
        super().__init__(*args, **kwargs)
        topics = topics_field_for(role)
        self.fields[topics] = forms.MultipleChoiceField(
            choices=TOPIC_CHOICES,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label=(
                "Topics you can offer help with"
                if role == Application.Role.MENTOR
                else "Topics you would like help with"
            ),
        )
        if role == Application.Role.MENTOR:
            del self.fields["goals"]
            self.fields["capacity"].initial = programme.default_mentor_capacity
        else:
            del self.fields["capacity"]
        for question in self.questions:
            self.fields[question_field_name(question)] = _question_field(question)

    def initial_from(self, profile: Profile) -> dict:
        initial = {name: getattr(profile, name) for name in PROFILE_FIELDS}
        topics = topics_field_for(self.role)
        initial[topics] = getattr(profile, topics)
        return initial

    # Groups of bound fields, so the template can lay the form out in sections.
    @property
    def profile_names(self) -> list[str]:
        return [*PROFILE_FIELDS[:-1], topics_field_for(self.role), "meeting_modes"]

    def profile_bound_fields(self):
        return [self[name] for name in self.profile_names]

    def application_bound_fields(self):
        names = ["goals", "motivation", "capacity"]
        return [self[name] for name in names if name in self.fields]

    def question_bound_fields(self):
        return [self[question_field_name(q)] for q in self.questions]

    def application_data(self) -> dict:
        """Profile and application fields, as `application_submit` takes them."""
        data = {name: self.cleaned_data[name] for name in self.profile_names}
        for name in ("goals", "motivation", "capacity"):
            if name in self.fields:
                data[name] = self.cleaned_data[name]
        return data

    def answers(self) -> dict[str, str]:
        """Answers keyed by the question's id as a string, blanks left out."""
        answers = {}
        for question in self.questions:
            value = self.cleaned_data.get(question_field_name(question))
            if value:
                answers[str(question.pk)] = value
        return answers


class DecisionForm(forms.Form):
    """Approve or decline one application, with an optional message to the applicant."""

    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("decline", "Decline")], widget=forms.HiddenInput
    )
    message = forms.CharField(
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Message to the applicant (optional)",
        help_text="Included in the email we send them.",
    )

    LABELS = {
        "approve": "A welcome message (optional)",
        "decline": "A kind word about why, or what else might help (optional)",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        decision = self.data.get("decision") or self.initial.get("decision")
        if decision in self.LABELS:
            self.fields["message"].label = self.LABELS[decision]


class BulkApproveForm(forms.Form):
    application_ids = IdListField(
        required=True,
        error_messages={
            "required": "Select at least one application to approve.",
            "invalid": "Some of the selected applications are not valid.",
        },
    )
    message = forms.CharField(
        max_length=2000,
        required=False,
        label="Message to the applicants (optional)",
    )


def _select(choices, label: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=choices,
        required=False,
        label=label,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )


def _search() -> forms.CharField:
    return forms.CharField(
        required=False,
        max_length=100,
        label="Search",
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-sm",
                "placeholder": "Name or email",
                "type": "search",
            }
        ),
    )


class ReviewFilterForm(forms.Form):
    """Filters for the review queue, read from the query string."""

    SORTS = [("newest", "Newest first"), ("oldest", "Oldest first"), ("name", "Name (A-Z)")]
    ORDERING = {
        "newest": ["-submitted_at", "-pk"],
        "oldest": ["submitted_at", "pk"],
        "name": ["applicant__full_name", "pk"],
    }

    status = _select([*Application.Status.choices, (STATUS_ALL, "All statuses")], "Status")
    role = _select([("", "Mentors and mentees"), *Application.Role.choices], "Role")
    specialty = _select([("", "Any specialty"), *SPECIALTY_CHOICES], "Specialty")
    region = _select([("", "Any region"), *REGION_CHOICES], "Region")
    q = _search()
    sort = _select(SORTS, "Sort by")

    def filters(self) -> dict:
        """Cleaned filters with defaults; an invalid value falls back to its default."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "status": data.get("status") or Application.Status.SUBMITTED,
            "role": data.get("role") or "",
            "specialty": data.get("specialty") or "",
            "region": data.get("region") or "",
            "q": (data.get("q") or "").strip(),
            "ordering": self.ORDERING[data.get("sort") or "newest"],
        }


class MemberFilterForm(forms.Form):
    role = _select([("", "Mentors and mentees"), *Application.Role.choices], "Role")
    q = _search()

    def filters(self) -> dict:
        self.is_valid()
        data = self.cleaned_data
        return {"role": data.get("role") or "", "q": (data.get("q") or "").strip()}
