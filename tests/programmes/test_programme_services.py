from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail

from programmes.errors import ProgrammeError
from programmes.models import ApplicationQuestion, Membership, Programme
from programmes.services.programmes import (
    programme_create,
    programme_status_change,
    programme_update,
    question_create,
    question_delete,
    question_update,
    team_member_add,
    team_member_remove,
)
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

Status = Programme.Status


def programme_data(**overrides) -> dict:
    data = {
        "name": "Leeds Trainee Mentoring",
        "description": "Mentoring for doctors in training across Leeds.",
        "audience": "Doctors in training, FY1 to ST8",
        "starts_on": dt.date(2025, 9, 1),
        "ends_on": dt.date(2026, 8, 31),
        "enrolment_opens_on": dt.date(2025, 6, 1),
        "enrolment_closes_on": dt.date(2025, 7, 31),
        "kind": Programme.Kind.ONE_TO_ONE,
        "matching_route": Programme.MatchingRoute.BOTH,
        "default_mentor_capacity": 3,
        "relationship_months": 12,
        "meeting_frequency": Programme.MeetingFrequency.MONTHLY,
        "meeting_length_minutes": 50,
        "coordinators_require_mfa": True,
    }
    return {**data, **overrides}


def coordinators_of(programme) -> set[str]:
    return set(
        Membership.objects.active()
        .filter(programme=programme, role=Membership.Role.COORDINATOR)
        .values_list("user__email", flat=True)
    )


# Creating a programme


def test_create_makes_a_draft_programme_run_by_its_creator(coordinator):
    programme = programme_create(creator=coordinator, data=programme_data())

    assert programme.status == Status.DRAFT
    assert programme.slug == "leeds-trainee-mentoring"
    assert programme.created_by == coordinator
    assert programme.default_mentor_capacity == 3
    assert coordinators_of(programme) == {coordinator.email}


def test_create_adds_co_coordinators_and_emails_them(
    coordinator, django_capture_on_commit_callbacks
):
    colleague = UserFactory(email="colleague@example.org", full_name="Dr Colin League")

    with django_capture_on_commit_callbacks(execute=True):
        programme = programme_create(
            creator=coordinator,
            data=programme_data(),
            co_coordinator_emails=["Colleague@Example.org", coordinator.email],
        )

    assert coordinators_of(programme) == {coordinator.email, colleague.email}
    assert len(mail.outbox) == 1
    msg = mail.outbox[0]
    assert msg.to == [colleague.email]
    assert "coordinator of Leeds Trainee Mentoring" in msg.subject
    assert "/programmes/leeds-trainee-mentoring/manage/" in msg.body
    html = msg.alternatives[0][0]
    assert "Manage the programme" in html and "Cora Ordinator" in html


def test_an_unknown_co_coordinator_email_changes_nothing(coordinator):
    UserFactory(email="known@example.org")
    before = Programme.objects.count()

    with pytest.raises(ProgrammeError) as excinfo:
        programme_create(
            creator=coordinator,
            data=programme_data(),
            co_coordinator_emails=["known@example.org", "nobody@example.org"],
        )

    assert "nobody@example.org" in excinfo.value.message
    assert excinfo.value.field == "co_coordinator_emails"
    assert Programme.objects.count() == before
    assert not Programme.objects.filter(name="Leeds Trainee Mentoring").exists()


def test_create_happens_in_one_transaction(coordinator, monkeypatch):
    """If adding a co-coordinator fails, the programme itself is not left behind."""
    UserFactory(email="colleague@example.org")
    real_create = Membership.objects.create
    calls = []

    def failing_create(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return real_create(**kwargs)

    monkeypatch.setattr(Membership.objects, "create", failing_create)
    with pytest.raises(RuntimeError):
        programme_create(
            creator=coordinator,
            data=programme_data(),
            co_coordinator_emails=["colleague@example.org"],
        )

    assert not Programme.objects.filter(name="Leeds Trainee Mentoring").exists()
    assert not Membership.objects.filter(programme__name="Leeds Trainee Mentoring").exists()


def test_create_needs_the_permission_to_create_programmes(outsider):
    with pytest.raises(ProgrammeError):
        programme_create(creator=outsider, data=programme_data())
    assert not Programme.objects.filter(name="Leeds Trainee Mentoring").exists()


def test_create_gives_each_programme_its_own_address(coordinator):
    first = programme_create(creator=coordinator, data=programme_data())
    second = programme_create(creator=coordinator, data=programme_data())
    third = programme_create(creator=coordinator, data=programme_data())

    assert [first.slug, second.slug, third.slug] == [
        "leeds-trainee-mentoring",
        "leeds-trainee-mentoring-2",
        "leeds-trainee-mentoring-3",
    ]


@pytest.mark.parametrize(("name", "slug"), [("New", "new-2"), ("Applications", "applications-2")])
def test_create_never_shadows_another_page(coordinator, name, slug):
    programme = programme_create(creator=coordinator, data=programme_data(name=name))
    assert programme.slug == slug


def test_create_rejects_a_programme_that_ends_before_it_starts(coordinator):
    with pytest.raises(ProgrammeError) as excinfo:
        programme_create(creator=coordinator, data=programme_data(ends_on=dt.date(2025, 1, 1)))
    assert excinfo.value.field == "ends_on"
    assert not Programme.objects.filter(name="Leeds Trainee Mentoring").exists()


def test_update_changes_settings_but_keeps_the_address(programme, coordinator):
    programme_update(
        programme=programme,
        actor=coordinator,
        data={"name": "Yorkshire Mentoring", "meeting_length_minutes": 45},
    )

    programme.refresh_from_db()
    assert programme.name == "Yorkshire Mentoring"
    assert programme.meeting_length_minutes == 45
    assert programme.slug == "yorkshire"


def test_only_a_coordinator_can_update_a_programme(programme, other_coordinator, mentor):
    for person in (other_coordinator, mentor):
        with pytest.raises(ProgrammeError):
            programme_update(programme=programme, actor=person, data={"name": "Taken over"})
    programme.refresh_from_db()
    assert programme.name == "Yorkshire Consultant Mentoring"


# Status


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (Status.DRAFT, Status.OPEN),
        (Status.OPEN, Status.RUNNING),
        (Status.RUNNING, Status.OPEN),
        (Status.OPEN, Status.CLOSED),
        (Status.RUNNING, Status.CLOSED),
    ],
)
def test_allowed_status_changes(programme, coordinator, start, end):
    Programme.objects.filter(pk=programme.pk).update(status=start)

    programme_status_change(programme=programme, actor=coordinator, status=end)

    programme.refresh_from_db()
    assert programme.status == end


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (Status.DRAFT, Status.RUNNING),
        (Status.DRAFT, Status.CLOSED),
        (Status.CLOSED, Status.OPEN),
        (Status.CLOSED, Status.RUNNING),
        (Status.OPEN, Status.DRAFT),
        (Status.RUNNING, Status.DRAFT),
        (Status.OPEN, "nonsense"),
    ],
)
def test_other_status_changes_are_refused(programme, coordinator, start, end):
    Programme.objects.filter(pk=programme.pk).update(status=start)

    with pytest.raises(ProgrammeError):
        programme_status_change(programme=programme, actor=coordinator, status=end)

    programme.refresh_from_db()
    assert programme.status == start


@time_machine.travel(dt.datetime(2025, 8, 15, 12, tzinfo=dt.UTC))
def test_enrolment_cannot_open_once_its_window_has_passed(programme, coordinator):
    Programme.objects.filter(pk=programme.pk).update(
        status=Status.DRAFT,
        starts_on=dt.date(2025, 9, 1),
        ends_on=None,
        enrolment_opens_on=dt.date(2025, 6, 1),
        enrolment_closes_on=dt.date(2025, 7, 31),
    )

    with pytest.raises(ProgrammeError) as excinfo:
        programme_status_change(programme=programme, actor=coordinator, status=Status.OPEN)

    assert "31 July 2025" in excinfo.value.message
    programme.refresh_from_db()
    assert programme.status == Status.DRAFT


def test_another_programmes_coordinator_cannot_change_the_status(programme, other_coordinator):
    with pytest.raises(ProgrammeError):
        programme_status_change(programme=programme, actor=other_coordinator, status=Status.CLOSED)
    programme.refresh_from_db()
    assert programme.status == Status.OPEN


# Team


def test_add_a_welfare_lead_and_email_them(
    programme, coordinator, django_capture_on_commit_callbacks
):
    lead = UserFactory(email="welfare@example.org", full_name="Dr Wendy Fare")

    with django_capture_on_commit_callbacks(execute=True):
        membership = team_member_add(
            programme=programme,
            actor=coordinator,
            email="WELFARE@example.org",
            role=Membership.Role.WELFARE_LEAD,
        )

    assert membership.user == lead
    assert membership.role == Membership.Role.WELFARE_LEAD
    assert len(mail.outbox) == 1
    msg = mail.outbox[0]
    assert msg.to == ["welfare@example.org"]
    assert "welfare lead of Yorkshire Consultant Mentoring" in msg.subject
    assert "only when a member explicitly asks for support" in msg.body
    assert "only when a member explicitly asks for support" in msg.alternatives[0][0]


def test_add_refuses_someone_who_is_not_registered(programme, coordinator):
    with pytest.raises(ProgrammeError) as excinfo:
        team_member_add(
            programme=programme,
            actor=coordinator,
            email="stranger@example.org",
            role=Membership.Role.COORDINATOR,
        )
    assert "stranger@example.org" in excinfo.value.message
    assert excinfo.value.field == "email"
    assert coordinators_of(programme) == {coordinator.email}


def test_adding_the_same_person_twice_is_a_clear_error(programme, coordinator):
    colleague = UserFactory(email="colleague@example.org", full_name="Dr Colin League")
    team_member_add(
        programme=programme, actor=coordinator, email=colleague.email, role="coordinator"
    )

    with pytest.raises(ProgrammeError) as excinfo:
        team_member_add(
            programme=programme, actor=coordinator, email=colleague.email, role="coordinator"
        )

    assert "already a coordinator" in excinfo.value.message
    assert Membership.objects.filter(programme=programme, user=colleague).count() == 1


def test_only_team_roles_can_be_added_on_the_team_page(programme, coordinator, outsider):
    with pytest.raises(ProgrammeError):
        team_member_add(programme=programme, actor=coordinator, email=outsider.email, role="mentor")
    assert not Membership.objects.filter(user=outsider).exists()


def test_remove_ends_the_membership(programme, coordinator):
    colleague = UserFactory()
    membership = MembershipFactory(
        programme=programme, user=colleague, role=Membership.Role.COORDINATOR
    )

    team_member_remove(membership=membership, actor=coordinator)

    membership.refresh_from_db()
    assert membership.ended_at is not None
    assert coordinators_of(programme) == {coordinator.email}


def test_the_last_coordinator_cannot_be_removed(programme, coordinator):
    membership = Membership.objects.get(programme=programme, user=coordinator)

    with pytest.raises(ProgrammeError) as excinfo:
        team_member_remove(membership=membership, actor=coordinator)

    assert "at least one coordinator" in excinfo.value.message
    membership.refresh_from_db()
    assert membership.ended_at is None


def test_a_coordinator_can_step_down_when_another_remains(programme, coordinator):
    MembershipFactory(programme=programme, role=Membership.Role.COORDINATOR)
    membership = Membership.objects.get(programme=programme, user=coordinator)

    team_member_remove(membership=membership, actor=coordinator)

    membership.refresh_from_db()
    assert membership.ended_at is not None


def test_a_mentor_cannot_be_removed_through_the_team(programme, coordinator, mentor):
    membership = Membership.objects.get(programme=programme, user=mentor)
    with pytest.raises(ProgrammeError):
        team_member_remove(membership=membership, actor=coordinator)
    membership.refresh_from_db()
    assert membership.ended_at is None


# Application questions


def test_questions_are_added_last_unless_placed(programme, coordinator):
    first = question_create(
        programme=programme, actor=coordinator, data={"text": "Why now?", "position": None}
    )
    second = question_create(
        programme=programme, actor=coordinator, data={"text": "Your rota?", "position": None}
    )
    placed = question_create(
        programme=programme, actor=coordinator, data={"text": "Languages?", "position": 0}
    )

    assert (first.position, second.position, placed.position) == (1, 2, 0)
    assert list(programme.questions.values_list("text", flat=True)) == [
        "Languages?",
        "Why now?",
        "Your rota?",
    ]


def test_a_choice_question_keeps_its_options_tidy(programme, coordinator):
    question = question_create(
        programme=programme,
        actor=coordinator,
        data={
            "text": "Preferred meeting mode",
            "kind": ApplicationQuestion.Kind.CHOICE,
            "choices": " Video \n\nPhone\n In person ",
        },
    )
    assert question.choice_list == ["Video", "Phone", "In person"]
    assert question.choices == "Video\nPhone\nIn person"


def test_a_choice_question_needs_two_options(programme, coordinator):
    with pytest.raises(ProgrammeError) as excinfo:
        question_create(
            programme=programme,
            actor=coordinator,
            data={"text": "Pick one", "kind": "choice", "choices": "Only option"},
        )
    assert excinfo.value.field == "choices"
    assert not programme.questions.exists()


def test_a_yes_no_question_drops_stray_options(programme, coordinator):
    question = question_create(
        programme=programme,
        actor=coordinator,
        data={"text": "Have you mentored before?", "kind": "yes_no", "choices": "a\nb"},
    )
    assert question.choices == ""


def test_update_and_delete_a_question(programme, coordinator):
    question = question_create(programme=programme, actor=coordinator, data={"text": "Why?"})

    question_update(
        question=question,
        actor=coordinator,
        data={"text": "Why now?", "audience": "mentee", "required": False, "position": None},
    )
    question.refresh_from_db()
    assert (question.text, question.audience, question.required, question.position) == (
        "Why now?",
        "mentee",
        False,
        1,
    )

    question_delete(question=question, actor=coordinator)
    assert not programme.questions.exists()


def test_another_coordinator_cannot_touch_the_questions(programme, coordinator, other_coordinator):
    question = question_create(programme=programme, actor=coordinator, data={"text": "Why?"})
    with pytest.raises(ProgrammeError):
        question_delete(question=question, actor=other_coordinator)
    with pytest.raises(ProgrammeError):
        question_create(programme=programme, actor=other_coordinator, data={"text": "Mine?"})
    assert list(programme.questions.values_list("text", flat=True)) == ["Why?"]
