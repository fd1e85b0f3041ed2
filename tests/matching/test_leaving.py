"""Leaving a programme ends the mentorships and requests that depended on it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from matching.models import MentorRequest, Mentorship
from matching.services.mentorships import mentorship_create
from programmes.models import Application, Membership
from programmes.services.applications import application_withdraw
from tests.factories import ApplicationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _approved(programme, user, role):
    return ApplicationFactory(
        programme=programme, applicant=user, role=role, status=Application.Status.APPROVED
    )


def test_a_mentee_who_withdraws_has_their_mentorship_closed_and_the_mentor_told(
    programme, mentor, mentee, mailoutbox, django_capture_on_commit_callbacks
):
    mentorship = mentorship_create(
        programme=programme, mentor_id=mentor.pk, mentee_id=mentee.pk, origin="request"
    )
    application = _approved(programme, mentee, "mentee")
    with django_capture_on_commit_callbacks(execute=True):
        application_withdraw(application=application, by=mentee)

    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.CLOSED
    assert mentorship.close_reason == Mentorship.CloseReason.MENTEE_WITHDREW
    assert [m.to for m in mailoutbox] == [[mentor.email]]


def test_a_mentor_who_withdraws_frees_nothing_for_later_and_their_waiting_requests_end(
    programme, mentor, mentee
):
    other_mentee = UserFactory()
    MembershipFactory(programme=programme, user=other_mentee, role=Membership.Role.MENTEE)
    mentorship = mentorship_create(
        programme=programme, mentor_id=mentor.pk, mentee_id=mentee.pk, origin="request"
    )
    waiting = MentorRequest.objects.create(
        programme=programme,
        mentee=other_mentee,
        mentor=mentor,
        message="Could we talk about consultant interviews?",
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    application_withdraw(application=_approved(programme, mentor, "mentor"), by=mentor)

    mentorship.refresh_from_db()
    waiting.refresh_from_db()
    assert mentorship.status == Mentorship.Status.CLOSED
    assert mentorship.close_reason == Mentorship.CloseReason.MENTOR_WITHDREW
    assert waiting.status == MentorRequest.Status.WITHDRAWN


def test_withdrawing_a_pending_application_touches_no_mentorship(programme, mentor, mentee):
    mentorship = mentorship_create(
        programme=programme, mentor_id=mentor.pk, mentee_id=mentee.pk, origin="request"
    )
    pending = ApplicationFactory(programme=programme, applicant=mentee, role="mentor")
    application_withdraw(application=pending, by=mentee)
    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.ACTIVE
