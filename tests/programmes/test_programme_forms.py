from __future__ import annotations

import pytest

from programmes.forms.programmes import (
    ProgrammeCreateForm,
    ProgrammeForm,
    QuestionForm,
    TeamMemberForm,
)

pytestmark = pytest.mark.django_db


def form_data(**overrides) -> dict:
    data = {
        "name": "Leeds Trainee Mentoring",
        "description": "Mentoring for doctors in training.",
        "audience": "Doctors in training",
        "starts_on": "2025-09-01",
        "ends_on": "2026-08-31",
        "enrolment_opens_on": "2025-06-01",
        "enrolment_closes_on": "2025-07-31",
        "kind": "one_to_one",
        "matching_route": "both",
        "default_mentor_capacity": "2",
        "relationship_months": "12",
        "meeting_frequency": "monthly",
        "meeting_length_minutes": "50",
        "coordinators_require_mfa": "on",
        "co_coordinator_emails": "",
    }
    return {**data, **overrides}


def test_a_new_programme_suggests_50_minute_meetings():
    assert ProgrammeCreateForm()["meeting_length_minutes"].value() == 50


def test_a_complete_form_is_valid():
    form = ProgrammeCreateForm(form_data())
    assert form.is_valid(), form.errors
    assert form.cleaned_data["co_coordinator_emails"] == []


def test_co_coordinator_emails_may_be_separated_by_lines_commas_or_spaces():
    form = ProgrammeCreateForm(
        form_data(
            co_coordinator_emails="A@Example.org,\nb@example.org  a@example.org; c@example.org"
        )
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["co_coordinator_emails"] == [
        "a@example.org",
        "b@example.org",
        "c@example.org",
    ]


def test_a_malformed_co_coordinator_email_is_named_in_the_error():
    form = ProgrammeCreateForm(form_data(co_coordinator_emails="good@example.org\nnot-an-email"))
    assert not form.is_valid()
    assert "not-an-email" in form.errors["co_coordinator_emails"][0]


def test_the_programme_cannot_end_before_it_starts():
    form = ProgrammeForm(form_data(ends_on="2025-01-01"))
    assert not form.is_valid()
    assert form.errors["ends_on"] == ["The programme cannot end before it starts."]


def test_enrolment_cannot_close_before_it_opens():
    form = ProgrammeForm(form_data(enrolment_closes_on="2025-05-01"))
    assert not form.is_valid()
    assert "Enrolment cannot close before it opens." in form.errors["enrolment_closes_on"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("meeting_length_minutes", "5"),
        ("default_mentor_capacity", "0"),
        ("relationship_months", "100"),
        ("kind", "group-hug"),
        ("name", ""),
    ],
)
def test_out_of_range_settings_are_rejected(field, value):
    form = ProgrammeForm(form_data(**{field: value}))
    assert not form.is_valid()
    assert field in form.errors


def test_settings_form_has_no_co_coordinator_field():
    assert "co_coordinator_emails" not in ProgrammeForm().fields


def test_team_form_offers_only_team_roles():
    assert {value for value, _ in TeamMemberForm().fields["role"].choices} == {
        "coordinator",
        "welfare_lead",
    }
    assert not TeamMemberForm({"email": "a@example.org", "role": "mentor"}).is_valid()


def test_a_choice_question_without_options_is_rejected():
    form = QuestionForm({"text": "Pick one", "kind": "choice", "choices": "", "audience": "both"})
    assert not form.is_valid()
    assert "at least two options" in form.errors["choices"][0]


def test_a_question_may_leave_its_position_empty():
    form = QuestionForm(
        {"text": "Why now?", "kind": "text", "audience": "mentee", "required": "on"}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["position"] is None
