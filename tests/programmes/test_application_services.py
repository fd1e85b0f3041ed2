from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from mentoring.accounts.models import Profile
from programmes.errors import ProgrammeError
from programmes.models import Application, ApplicationQuestion, Membership, Programme
from programmes.services.applications import (
    application_approve,
    application_decline,
    application_submit,
    application_withdraw,
    applications_approve_bulk,
)
from tests.factories import (
    ApplicationFactory,
    MembershipFactory,
    ProfileFactory,
    ProgrammeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MENTEE_DATA = {
    "job_role": "trainee",
    "grade": "ST5",
    "specialty": "Paediatrics",
    "years_in_practice": "6-10",
    "employer": "Sheffield Children's NHS Foundation Trust",
    "region": "South Yorkshire and Bassetlaw",
    "topics_seeking": ["Career choice", "Self-confidence"],
    "meeting_modes": ["video"],
    "goals": "Decide between a research post and a clinical fellowship.",
    "motivation": "I would value a view from outside my department.",
}


def submit(applicant, programme, role="mentee", data=None, answers=None):
    return application_submit(
        applicant=applicant,
        programme=programme,
        role=role,
        data=MENTEE_DATA if data is None else data,
        answers=answers or {},
    )


def test_submitting_creates_an_application_and_updates_the_profile(programme, outsider):
    ProfileFactory(user=outsider, job_role="consultant", specialty="Cardiology")

    application = submit(outsider, programme)

    assert application.status == Application.Status.SUBMITTED
    assert application.goals == MENTEE_DATA["goals"]
    assert application.capacity is None
    profile = Profile.objects.get(user=outsider)
    assert profile.job_role == "trainee"
    assert profile.grade == "ST5"
    assert profile.specialty == "Paediatrics"
    assert profile.topics_seeking == ["Career choice", "Self-confidence"]
    # The mentor-side topics are left as they were.
    assert profile.topics_offering == ["Career development", "Managing change"]


def test_a_mentor_application_takes_the_programmes_default_capacity(programme, outsider):
    programme.default_mentor_capacity = 3
    programme.save()
    data = {"topics_offering": ["Workload"], "motivation": "Giving back."}

    application = submit(outsider, programme, role="mentor", data=data)

    assert application.capacity == 3
    assert Profile.objects.get(user=outsider).topics_offering == ["Workload"]


def test_a_mentor_may_choose_their_capacity(programme, outsider):
    application = submit(outsider, programme, role="mentor", data={"capacity": 4})
    assert application.capacity == 4


def test_a_second_live_application_in_the_same_role_is_refused(programme, outsider):
    submit(outsider, programme)

    with pytest.raises(ProgrammeError, match="already applied"):
        submit(outsider, programme)
    assert Application.objects.filter(applicant=outsider).count() == 1


def test_applying_in_the_other_role_is_allowed(programme, outsider):
    submit(outsider, programme)
    submit(outsider, programme, role="mentor", data={})
    assert Application.objects.filter(applicant=outsider).count() == 2


def test_applying_again_after_withdrawing_is_allowed(programme, outsider):
    first = submit(outsider, programme)
    application_withdraw(application=first, by=outsider)

    second = submit(outsider, programme)

    assert second.pk != first.pk


def test_a_current_member_cannot_apply_again_in_the_same_role(programme, mentee):
    with pytest.raises(ProgrammeError, match="already a mentee"):
        submit(mentee, programme)


@pytest.mark.parametrize(
    "changes",
    [
        {"status": Programme.Status.RUNNING},
        {"status": Programme.Status.DRAFT},
        {"enrolment_closes_on": dt.date(2030, 1, 31)},
    ],
)
def test_applications_are_refused_when_enrolment_is_closed(programme, outsider, changes):
    for field, value in changes.items():
        setattr(programme, field, value)
    programme.save()

    in_2030 = time_machine.travel(dt.datetime(2030, 2, 1, 12, tzinfo=dt.UTC))
    with in_2030, pytest.raises(ProgrammeError, match="closed"):
        submit(outsider, programme)
    assert not Application.objects.exists()


def test_a_refused_application_leaves_the_profile_unchanged(programme, outsider):
    ProfileFactory(user=outsider, specialty="Cardiology")
    programme.status = Programme.Status.CLOSED
    programme.save()

    with pytest.raises(ProgrammeError):
        submit(outsider, programme)

    assert Profile.objects.get(user=outsider).specialty == "Cardiology"


def test_mentees_must_state_their_goals(programme, outsider):
    with pytest.raises(ProgrammeError) as error:
        submit(outsider, programme, data={**MENTEE_DATA, "goals": "  "})
    assert error.value.field == "goals"


def test_required_questions_must_be_answered_and_choices_must_be_valid(programme, outsider):
    question = ApplicationQuestion.objects.create(
        programme=programme, text="Which site?", kind="choice", choices="Leeds\nBradford"
    )

    with pytest.raises(ProgrammeError, match="Please answer"):
        submit(outsider, programme)
    with pytest.raises(ProgrammeError, match="choose an option"):
        submit(outsider, programme, answers={str(question.pk): "York"})

    application = submit(outsider, programme, answers={str(question.pk): "Leeds"})
    assert application.answers == {str(question.pk): "Leeds"}


def test_questions_for_the_other_role_are_not_required(programme, outsider):
    ApplicationQuestion.objects.create(programme=programme, text="Trained?", audience="mentor")
    assert submit(outsider, programme).pk


def test_submitting_emails_the_applicant_and_the_coordinators(
    programme, coordinator, outsider, django_capture_on_commit_callbacks
):
    co = UserFactory(email="co.coordinator@example.org")
    MembershipFactory(programme=programme, user=co, role=Membership.Role.COORDINATOR)
    MembershipFactory(
        programme=programme,
        user=UserFactory(email="former@example.org"),
        role=Membership.Role.COORDINATOR,
        ended_at=timezone.now(),
    )

    with django_capture_on_commit_callbacks(execute=True):
        application = submit(outsider, programme)

    assert sorted(m.to[0] for m in mail.outbox) == [
        "co.coordinator@example.org",
        "coordinator@example.org",
        "outsider@example.org",
    ]
    receipt = next(m for m in mail.outbox if m.to == ["outsider@example.org"])
    assert "received your application to Yorkshire Consultant Mentoring" in receipt.subject
    assert "research post" in receipt.body
    html, mimetype = receipt.alternatives[0]
    assert mimetype == "text/html" and "research post" in html
    notice = next(m for m in mail.outbox if m.to == ["coordinator@example.org"])
    assert "Olive Outsider" in notice.subject
    assert f"/applications/{application.pk}/" in notice.body
    assert f"/applications/{application.pk}/" in notice.alternatives[0][0]


def test_nothing_is_emailed_when_an_application_is_refused(
    programme, coordinator, mentee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ProgrammeError):
        submit(mentee, programme)
    assert mail.outbox == []


# Decisions ----------------------------------------------------------------------


def test_approving_a_mentor_creates_a_membership_with_their_capacity(programme, coordinator):
    application = ApplicationFactory(programme=programme, role="mentor", capacity=4)

    with time_machine.travel(dt.datetime(2025, 3, 1, 9, tzinfo=dt.UTC), tick=False):
        application_approve(application=application, by=coordinator, message="Welcome!")

    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert application.decided_by == coordinator
    assert application.decided_at == dt.datetime(2025, 3, 1, 9, tzinfo=dt.UTC)
    assert application.decision_message == "Welcome!"
    membership = Membership.objects.get(programme=programme, user=application.applicant)
    assert membership.role == Membership.Role.MENTOR
    assert membership.capacity == 4
    assert membership.ended_at is None


def test_approving_a_mentor_without_capacity_uses_the_programme_default(programme, coordinator):
    programme.default_mentor_capacity = 5
    programme.save()
    application = ApplicationFactory(programme=programme, role="mentor", capacity=None)

    application_approve(application=application, by=coordinator)

    assert Membership.objects.get(user=application.applicant).capacity == 5


def test_approving_a_mentee_creates_a_mentee_membership(programme, coordinator):
    application = ApplicationFactory(programme=programme)

    application_approve(application=application, by=coordinator)

    membership = Membership.objects.get(user=application.applicant)
    assert (membership.role, membership.capacity) == (Membership.Role.MENTEE, None)


def test_approving_someone_already_a_member_does_not_duplicate_the_membership(
    programme, coordinator, mentee
):
    application = ApplicationFactory(programme=programme, applicant=mentee)

    application_approve(application=application, by=coordinator)

    assert Membership.objects.active().filter(user=mentee, role="mentee").count() == 1


def test_approval_emails_the_applicant_with_the_coordinators_message(
    programme, coordinator, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(
        programme=programme, applicant=UserFactory(email="new@example.org")
    )

    with django_capture_on_commit_callbacks(execute=True):
        application_approve(application=application, by=coordinator, message="See you in May.")

    [msg] = mail.outbox
    assert msg.to == ["new@example.org"]
    assert "Welcome to Yorkshire Consultant Mentoring" in msg.subject
    assert "See you in May." in msg.body and "Cora Ordinator" in msg.body
    assert "See you in May." in msg.alternatives[0][0]


def test_declining_changes_the_status_and_emails_kindly(
    programme, coordinator, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(programme=programme, role="mentor")

    with django_capture_on_commit_callbacks(execute=True):
        application_decline(application=application, by=coordinator, message="Try again in spring.")

    application.refresh_from_db()
    assert application.status == Application.Status.DECLINED
    assert application.decision_message == "Try again in spring."
    assert not Membership.objects.filter(user=application.applicant).exists()
    [msg] = mail.outbox
    assert "Thank you for applying" in msg.body
    assert "not a judgement" in msg.body
    assert "Try again in spring." in msg.body
    assert "Try again in spring." in msg.alternatives[0][0]


def test_declining_without_a_message_leaves_out_the_note(
    programme, coordinator, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(programme=programme)
    with django_capture_on_commit_callbacks(execute=True):
        application_decline(application=application, by=coordinator)
    assert "A note from" not in mail.outbox[0].body


@pytest.mark.parametrize("status", ["approved", "declined", "withdrawn"])
@pytest.mark.parametrize("decide", [application_approve, application_decline])
def test_only_submitted_applications_can_be_decided(programme, coordinator, status, decide):
    application = ApplicationFactory(programme=programme, status=status)

    with pytest.raises(ProgrammeError, match="already been decided"):
        decide(application=application, by=coordinator)

    application.refresh_from_db()
    assert application.status == status


def test_another_programmes_coordinator_cannot_decide(programme, other_coordinator):
    application = ApplicationFactory(programme=programme)

    with pytest.raises(ProgrammeError, match="coordinators"):
        application_approve(application=application, by=other_coordinator)

    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


# Bulk approval -------------------------------------------------------------------


def test_bulk_approval_touches_only_this_programmes_submitted_applications(
    programme, other_programme, coordinator, django_capture_on_commit_callbacks
):
    waiting = ApplicationFactory.create_batch(3, programme=programme)
    mentor = ApplicationFactory(programme=programme, role="mentor", capacity=None)
    declined = ApplicationFactory(programme=programme, status="declined")
    withdrawn = ApplicationFactory(programme=programme, status="withdrawn")
    elsewhere = ApplicationFactory(programme=other_programme)
    ids = [a.pk for a in [*waiting, mentor, declined, withdrawn, elsewhere]]

    with django_capture_on_commit_callbacks(execute=True):
        approved = applications_approve_bulk(
            programme=programme, application_ids=ids, by=coordinator, message="Welcome aboard."
        )

    assert approved == 4
    for application in [*waiting, mentor]:
        application.refresh_from_db()
        assert application.status == "approved"
        assert application.decided_by == coordinator
        assert application.decision_message == "Welcome aboard."
    for application, status in [(declined, "declined"), (withdrawn, "withdrawn")]:
        application.refresh_from_db()
        assert application.status == status
    elsewhere.refresh_from_db()
    assert elsewhere.status == "submitted"
    assert Membership.objects.filter(programme=programme, role="mentee").count() == 3
    assert (
        Membership.objects.get(user=mentor.applicant).capacity == programme.default_mentor_capacity
    )
    assert not Membership.objects.filter(programme=other_programme, role="mentee").exists()
    assert len(mail.outbox) == 4
    assert all("Welcome aboard." in m.body and m.alternatives for m in mail.outbox)


def test_bulk_approval_of_nothing_approves_nothing(programme, coordinator):
    assert applications_approve_bulk(programme=programme, application_ids=[], by=coordinator) == 0


def test_bulk_approval_skips_people_already_members(programme, coordinator, mentee):
    application = ApplicationFactory(programme=programme, applicant=mentee)

    applications_approve_bulk(programme=programme, application_ids=[application.pk], by=coordinator)

    assert Membership.objects.active().filter(user=mentee, role="mentee").count() == 1


def test_bulk_approval_makes_a_fixed_number_of_queries(
    programme, coordinator, django_assert_max_num_queries
):
    ids = [a.pk for a in ApplicationFactory.create_batch(40, programme=programme)]

    # ... including one insert for everyone's emails in the outbox.
    with django_assert_max_num_queries(9):
        approved = applications_approve_bulk(
            programme=programme, application_ids=ids, by=coordinator
        )

    assert approved == 40
    from mentoring.notifications.models import Notification

    told = Notification.objects.filter(kind="event:application_approved")
    assert told.count() == 40
    assert {n.url for n in told} == {f"/programmes/{programme.slug}/"}


def test_bulk_approval_needs_a_coordinator(programme, other_coordinator):
    application = ApplicationFactory(programme=programme)
    with pytest.raises(ProgrammeError):
        applications_approve_bulk(
            programme=programme, application_ids=[application.pk], by=other_coordinator
        )


# Withdrawing ---------------------------------------------------------------------


def test_withdrawing_a_submitted_application(programme, outsider):
    application = ApplicationFactory(programme=programme, applicant=outsider)

    with time_machine.travel(dt.datetime(2025, 4, 2, 10, tzinfo=dt.UTC), tick=False):
        application_withdraw(application=application, by=outsider)

    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    assert application.withdrawn_at == dt.datetime(2025, 4, 2, 10, tzinfo=dt.UTC)


def test_withdrawing_an_approved_application_ends_the_membership_in_that_role(
    programme, coordinator, outsider
):
    as_mentee = ApplicationFactory(programme=programme, applicant=outsider)
    as_mentor = ApplicationFactory(programme=programme, applicant=outsider, role="mentor")
    application_approve(application=as_mentee, by=coordinator)
    application_approve(application=as_mentor, by=coordinator)

    application_withdraw(application=as_mentee, by=outsider)

    mentee_membership = Membership.objects.get(user=outsider, role="mentee")
    assert mentee_membership.ended_at is not None
    assert Membership.objects.active().filter(user=outsider, role="mentor").exists()


def test_only_the_applicant_can_withdraw(programme, coordinator, outsider):
    application = ApplicationFactory(programme=programme, applicant=outsider)

    with pytest.raises(ProgrammeError, match="Only the person who applied"):
        application_withdraw(application=application, by=coordinator)

    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


@pytest.mark.parametrize("status", ["declined", "withdrawn"])
def test_a_closed_application_cannot_be_withdrawn(programme, outsider, status):
    application = ApplicationFactory(programme=programme, applicant=outsider, status=status)
    with pytest.raises(ProgrammeError, match="nothing to withdraw"):
        application_withdraw(application=application, by=outsider)


def test_a_duplicate_live_application_is_refused_by_the_database_too(programme, outsider):
    ApplicationFactory(programme=programme, applicant=outsider)
    other = ProgrammeFactory()
    ApplicationFactory(programme=other, applicant=outsider)  # another programme is fine

    with pytest.raises(IntegrityError), transaction.atomic():
        ApplicationFactory(programme=programme, applicant=outsider)
