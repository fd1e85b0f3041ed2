from __future__ import annotations

import pytest
from django.http import QueryDict

from programmes.forms.applications import (
    ApplicationForm,
    BulkApproveForm,
    DecisionForm,
    ReviewFilterForm,
)
from programmes.models import ApplicationQuestion
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db

VALID = {
    "job_role": "consultant",
    "specialty": "Cardiology",
    "years_in_practice": "11-15",
    "region": "West Yorkshire",
    "goals": "Grow into a clinical lead role.",
}


def make_questions(programme):
    return [
        ApplicationQuestion.objects.create(
            programme=programme, text="Tell us about your service", kind="text", position=1
        ),
        ApplicationQuestion.objects.create(
            programme=programme,
            text="Which site?",
            kind="choice",
            choices="Leeds\nBradford",
            position=2,
        ),
        ApplicationQuestion.objects.create(
            programme=programme, text="Can you travel?", kind="yes_no", required=False, position=3
        ),
        ApplicationQuestion.objects.create(
            programme=programme, text="Mentor training?", audience="mentor", position=4
        ),
    ]


def form_for(programme, role="mentee", data=None, **kwargs):
    return ApplicationForm(
        data,
        programme=programme,
        role=role,
        questions=list(programme.questions.all()),
        **kwargs,
    )


def test_the_form_pre_fills_from_the_profile(programme, outsider):
    profile = ProfileFactory(user=outsider, grade="ST6", employer="Leeds", region="Wessex")

    form = form_for(programme, profile=profile)

    assert form.initial["grade"] == "ST6"
    assert form.initial["region"] == "Wessex"
    assert form.initial["topics_seeking"] == ["Career development", "Workload"]
    assert form.initial["meeting_modes"] == ["video", "phone"]
    assert "topics_offering" not in form.fields


def test_mentors_offer_topics_and_capacity_but_no_goals(programme, outsider):
    programme.default_mentor_capacity = 3
    profile = ProfileFactory(user=outsider)

    form = form_for(programme, role="mentor", profile=profile)

    assert form.initial["topics_offering"] == ["Career development", "Managing change"]
    assert "goals" not in form.fields
    assert form.fields["capacity"].initial == 3
    assert "topics_seeking" not in form.fields


def test_mentees_must_give_their_goals(programme):
    form = form_for(programme, data={**VALID, "goals": ""})
    assert not form.is_valid()
    assert "goals" in form.errors
    assert "capacity" not in form.fields


@pytest.mark.parametrize("capacity", ["0", "11", "lots"])
def test_a_mentors_capacity_is_between_one_and_ten(programme, capacity):
    form = form_for(programme, role="mentor", data={**VALID, "capacity": capacity})
    assert not form.is_valid()
    assert "capacity" in form.errors


def test_questions_become_fields_of_the_right_kind_for_the_role(programme):
    text, choice, yes_no, mentor_only = make_questions(programme)

    form = form_for(programme)

    names = [f.name for f in form.question_bound_fields()]
    assert names == [f"question_{q.pk}" for q in (text, choice, yes_no)]
    assert form.fields[f"question_{text.pk}"].widget.__class__.__name__ == "Textarea"
    assert [c for c, _ in form.fields[f"question_{choice.pk}"].choices] == ["", "Leeds", "Bradford"]
    yes_no_field = form.fields[f"question_{yes_no.pk}"]
    assert yes_no_field.widget.__class__.__name__ == "RadioSelect"
    assert not yes_no_field.required
    assert f"question_{mentor_only.pk}" in form_for(programme, role="mentor").fields


def test_required_questions_must_be_answered(programme):
    text, choice, _, _ = make_questions(programme)

    form = form_for(programme, data=VALID)

    assert not form.is_valid()
    assert f"question_{text.pk}" in form.errors
    assert f"question_{choice.pk}" in form.errors


def test_a_choice_outside_the_list_is_a_form_error(programme):
    text, choice, _, _ = make_questions(programme)
    data = {**VALID, f"question_{text.pk}": "A busy unit", f"question_{choice.pk}": "York"}

    form = form_for(programme, data=data)

    assert not form.is_valid()
    assert "Select a valid choice" in form.errors[f"question_{choice.pk}"][0]


def test_valid_answers_are_keyed_by_question_id(programme):
    text, choice, yes_no, _ = make_questions(programme)
    data = {
        **VALID,
        "topics_seeking": ["Workload"],
        f"question_{text.pk}": "A busy unit",
        f"question_{choice.pk}": "Bradford",
        f"question_{yes_no.pk}": "Yes",
    }

    form = form_for(programme, data=data)

    assert form.is_valid(), form.errors
    assert form.answers() == {
        str(text.pk): "A busy unit",
        str(choice.pk): "Bradford",
        str(yes_no.pk): "Yes",
    }
    assert form.application_data()["topics_seeking"] == ["Workload"]
    assert form.application_data()["goals"] == "Grow into a clinical lead role."


def test_profile_essentials_are_required(programme):
    form = form_for(programme, data={"goals": "Something"})
    assert not form.is_valid()
    assert {"job_role", "specialty", "years_in_practice", "region"} <= set(form.errors)


def test_a_decision_needs_approve_or_decline():
    assert DecisionForm({"decision": "approve"}).is_valid()
    assert not DecisionForm({"decision": "maybe"}).is_valid()
    assert not DecisionForm({"decision": "decline", "message": "x" * 2001}).is_valid()


def test_bulk_approval_needs_a_selection_of_ids():
    empty = BulkApproveForm(QueryDict(""))
    assert not empty.is_valid()
    assert "Select at least one" in empty.errors["application_ids"][0]
    assert not BulkApproveForm(QueryDict("application_ids=abc")).is_valid()
    ok = BulkApproveForm(QueryDict("application_ids=3&application_ids=1&application_ids=3"))
    assert ok.is_valid()
    assert ok.cleaned_data["application_ids"] == [1, 3]


def test_review_filters_default_to_awaiting_review_newest_first():
    filters = ReviewFilterForm({}).filters()
    assert filters["status"] == "submitted"
    assert filters["ordering"][0] == "-submitted_at"


def test_a_bad_filter_value_falls_back_to_its_default_alone():
    filters = ReviewFilterForm({"status": "bogus", "role": "mentor", "sort": "name"}).filters()
    assert filters["status"] == "submitted"
    assert filters["role"] == "mentor"
    assert filters["ordering"][0] == "applicant__full_name"
