"""Requests to a mentor: every refusal, accepting, declining, withdrawing, expiry."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from matching.errors import MatchingError
from matching.models import DeclaredConflict, MentorRequest, Mentorship
from matching.services.requests import (
    conflict_declare,
    request_accept,
    request_create,
    request_decline,
    request_withdraw,
    requests_expire,
)
from programmes.models import Membership, Programme
from tests.factories import MembershipFactory, UserFactory

from .mentoring_setup import ask, html_parts, make_mentee, make_mentor, mentorship, settings_of

pytestmark = pytest.mark.django_db
Status = MentorRequest.Status


def refused(match: str, **kwargs):
    return pytest.raises(MatchingError, match=match)


# Asking -----------------------------------------------------------------------------------


def test_a_request_waits_for_the_programmes_expiry_and_emails_the_mentor(
    programme, mentor, mentee, django_capture_on_commit_callbacks
):
    settings_of(programme, request_expiry_days=10)
    with django_capture_on_commit_callbacks(execute=True):
        request = ask(programme, mentee, mentor, "Help me plan my first year as a consultant.")
    assert request.status == Status.PENDING
    assert request.expires_at == pytest.approx(
        timezone.now() + dt.timedelta(days=10), abs=dt.timedelta(seconds=30)
    )
    [msg] = mail.outbox
    assert msg.to == [mentor.email]
    assert "Dr Sam Mentee would like you as their mentor" in msg.subject
    assert f"/mentoring/requests/{request.pk}/" in msg.body
    assert f"/mentoring/requests/{request.pk}/" in html_parts(msg)
    # The message is private to the pair: it stays on the site, not in an inbox.
    assert "first year as a consultant" not in msg.body


def test_a_request_needs_a_message(programme, mentor, mentee):
    with pytest.raises(MatchingError, match="what you would like help with") as caught:
        ask(programme, mentee, mentor, "   ")
    assert caught.value.field == "message"


def test_only_a_mentee_of_the_programme_can_ask(programme, mentor, outsider, other_programme):
    with refused("Only mentees of Yorkshire Consultant Mentoring can request a mentor"):
        ask(programme, outsider, mentor)
    elsewhere = make_mentee(other_programme)
    with refused("Only mentees"):
        ask(programme, elsewhere, mentor)


def test_a_mentor_who_left_cannot_be_asked(programme, mentor, mentee):
    Membership.objects.filter(user=mentor).update(ended_at=timezone.now())
    with refused("Dr Maya Mentor is not a mentor in Yorkshire Consultant Mentoring"):
        ask(programme, mentee, mentor)


def test_a_mentee_cannot_ask_someone_who_is_not_a_mentor(programme, mentee, coordinator):
    with refused("is not a mentor"):
        ask(programme, mentee, coordinator)
    with refused("is not a mentor"):
        ask(programme, mentee, mentee)


def test_a_mentor_not_taking_new_mentees_cannot_be_asked(programme, mentee):
    resting = make_mentor(programme, accepting=False, name="Dr Rest")
    with refused("Dr Rest is not taking new mentees at the moment"):
        ask(programme, mentee, resting)


def test_a_mentor_without_places_cannot_be_asked(programme, mentee):
    full = make_mentor(programme, capacity=1, name="Dr Full")
    mentorship(programme, full, make_mentee(programme))
    with refused("Dr Full has no places left at the moment"):
        ask(programme, mentee, full)


def test_one_pending_request_at_a_time_by_default(programme, mentor, mentee):
    ask(programme, mentee, mentor)
    with refused("You can have one request waiting for a reply at a time"):
        ask(programme, mentee, make_mentor(programme))


def test_a_programme_may_allow_more_pending_requests(programme, mentor, mentee):
    settings_of(programme, max_pending_requests=3)
    ask(programme, mentee, mentor)
    ask(programme, mentee, make_mentor(programme))
    ask(programme, mentee, make_mentor(programme))
    with refused("You can have 3 requests waiting for a reply at a time"):
        ask(programme, mentee, make_mentor(programme))


def test_asking_the_same_mentor_twice_is_refused(programme, mentor, mentee):
    settings_of(programme, max_pending_requests=3)
    ask(programme, mentee, mentor)
    with refused("You have already asked Dr Maya Mentor. They have until"):
        ask(programme, mentee, mentor)


def test_a_mentee_with_a_mentor_cannot_ask_for_another(programme, mentor, mentee):
    mentorship(programme, make_mentor(programme), mentee)
    with refused("You already have a mentor in Yorkshire Consultant Mentoring"):
        ask(programme, mentee, mentor)


def test_a_programme_may_allow_several_mentors(programme, mentor, mentee):
    settings_of(programme, allow_multiple_mentors=True)
    mentorship(programme, make_mentor(programme), mentee)
    assert ask(programme, mentee, mentor).status == Status.PENDING


def test_a_declared_supervisor_cannot_be_asked(programme, mentor, mentee):
    conflict_declare(programme=programme, mentee=mentee, mentor_id=mentor.pk, kind="supervisor")
    with refused("You told us Dr Maya Mentor is your supervisor or line manager"):
        ask(programme, mentee, mentor)


def test_a_pair_whose_mentorship_closed_cannot_pair_again(programme, mentor, mentee):
    mentorship(programme, mentor, mentee, status=Mentorship.Status.CLOSED)
    with refused("You and Dr Maya Mentor have already had a mentorship"):
        ask(programme, mentee, mentor)


def test_the_current_mentor_cannot_be_asked_again(programme, mentor, mentee):
    settings_of(programme, allow_multiple_mentors=True)
    mentorship(programme, mentor, mentee)
    with refused("Dr Maya Mentor is already your mentor"):
        ask(programme, mentee, mentor)


def test_cross_organisation_programmes_refuse_colleagues(programme, mentee):
    settings_of(programme, cross_organisation=True)
    mentee.profile.department = "Cardiology"
    mentee.profile.save()
    colleague = make_mentor(programme, department="cardiology", name="Dr Colleague")
    with refused("pairs people from different organisations"):
        ask(programme, mentee, colleague)


def test_requests_are_closed_where_coordinators_match(programme, mentor, mentee):
    Programme.objects.filter(pk=programme.pk).update(
        matching_route=Programme.MatchingRoute.COORDINATOR
    )
    programme.refresh_from_db()
    with refused("the coordinators match mentees with mentors"):
        ask(programme, mentee, mentor)


def test_a_closed_programme_takes_no_requests(programme, mentor, mentee):
    programme.status = Programme.Status.CLOSED
    programme.save()
    with refused("has closed"):
        ask(programme, mentee, mentor)


def test_declaring_a_conflict_withdraws_a_request_to_that_mentor(programme, mentor, mentee):
    request = ask(programme, mentee, mentor)
    conflict_declare(programme=programme, mentee=mentee, mentor_id=mentor.pk, kind="line_manager")
    request.refresh_from_db()
    assert request.status == Status.WITHDRAWN
    assert DeclaredConflict.objects.filter(mentee=mentee, mentor=mentor, kind="line_manager")


# Accepting --------------------------------------------------------------------------------


def test_accepting_starts_the_mentorship_and_emails_the_mentee(
    programme, mentor, mentee, django_capture_on_commit_callbacks
):
    request = ask(programme, mentee, mentor)
    with django_capture_on_commit_callbacks(execute=True):
        created = request_accept(request_id=request.pk, mentor=mentor, message="Welcome, Sam!")
    request.refresh_from_db()
    assert request.status == Status.ACCEPTED
    assert request.mentorship == created
    assert created.status == Mentorship.Status.ACTIVE
    assert created.origin == Mentorship.Origin.REQUEST
    assert created.planned_end_on is not None
    [msg] = mail.outbox
    assert msg.to == [mentee.email]
    assert "Dr Maya Mentor has accepted your request" in msg.subject
    assert "Welcome, Sam!" in msg.body and "Welcome, Sam!" in html_parts(msg)
    assert f"/mentoring/mentorships/{created.pk}/" in msg.body


def test_accepting_withdraws_the_mentees_other_requests_and_tells_those_mentors(
    programme, mentor, mentee, django_capture_on_commit_callbacks
):
    settings_of(programme, max_pending_requests=3)
    first = ask(programme, mentee, mentor)
    other_mentors = [make_mentor(programme), make_mentor(programme)]
    others = [ask(programme, mentee, m) for m in other_mentors]
    unrelated = ask(programme, make_mentee(programme), other_mentors[0])
    with django_capture_on_commit_callbacks(execute=True):
        request_accept(request_id=first.pk, mentor=mentor)
    for other in others:
        other.refresh_from_db()
        assert other.status == Status.WITHDRAWN
    unrelated.refresh_from_db()
    assert unrelated.status == Status.PENDING
    withdrawn = [m for m in mail.outbox if "withdrawn" in m.subject]
    assert sorted(m.to[0] for m in withdrawn) == sorted(m.email for m in other_mentors)
    assert all("started a mentorship with another mentor" in m.body for m in withdrawn)
    assert all(html_parts(m) for m in withdrawn)


def test_a_mentor_at_capacity_cannot_accept(programme, mentee):
    mentor = make_mentor(programme, capacity=1)
    request = ask(programme, mentee, mentor)
    mentorship(programme, mentor, make_mentee(programme))
    with refused(r"All your places in Yorkshire Consultant Mentoring are taken \(1 of 1 used\)"):
        request_accept(request_id=request.pk, mentor=mentor)
    request.refresh_from_db()
    assert request.status == Status.PENDING
    assert not Mentorship.objects.filter(mentee=mentee).exists()


def test_only_the_mentor_asked_can_accept(programme, mentor, mentee):
    request = ask(programme, mentee, mentor)
    for someone in (mentee, make_mentor(programme)):
        with refused("not yours to answer"):
            request_accept(request_id=request.pk, mentor=someone)


def test_an_answered_request_cannot_be_accepted(programme, mentor, mentee):
    request = ask(programme, mentee, mentor)
    request_decline(request_id=request.pk, mentor=mentor)
    with refused(r"no longer waiting for a reply \(declined\)"):
        request_accept(request_id=request.pk, mentor=mentor)


def test_an_expired_request_cannot_be_accepted(programme, mentor, mentee):
    request = ask(programme, mentee, mentor)
    later = timezone.now() + dt.timedelta(days=8)
    with time_machine.travel(later), refused("This request has expired"):
        request_accept(request_id=request.pk, mentor=mentor)


def test_a_request_cannot_be_accepted_once_the_mentee_has_a_mentor(programme, mentor, mentee):
    request = ask(programme, mentee, mentor)
    mentorship(programme, make_mentor(programme), mentee)
    with refused("Dr Sam Mentee has already started a mentorship"):
        request_accept(request_id=request.pk, mentor=mentor)


# Declining and withdrawing ----------------------------------------------------------------


def test_declining_keeps_the_reason_private_and_sends_the_kind_message(
    programme, mentor, mentee, django_capture_on_commit_callbacks
):
    request = ask(programme, mentee, mentor)
    with django_capture_on_commit_callbacks(execute=True):
        request_decline(
            request_id=request.pk,
            mentor=mentor,
            reason="Too close to my own department",
            message="I am full this term; I hope you find a great match.",
        )
    request.refresh_from_db()
    assert request.status == Status.DECLINED
    assert request.decline_reason == "Too close to my own department"
    [msg] = mail.outbox
    assert msg.to == [mentee.email]
    assert "I am full this term" in msg.body and "I am full this term" in html_parts(msg)
    assert "Too close" not in msg.body and "Too close" not in html_parts(msg)
    assert "/programmes/yorkshire/mentors/" in msg.body


def test_only_the_mentor_asked_can_decline(programme, mentor, mentee):
    request = ask(programme, mentee, mentor)
    with refused("not yours to answer"):
        request_decline(request_id=request.pk, mentor=mentee)


def test_the_mentee_can_withdraw_and_the_mentor_is_told(
    programme, mentor, mentee, django_capture_on_commit_callbacks
):
    request = ask(programme, mentee, mentor)
    with django_capture_on_commit_callbacks(execute=True):
        request_withdraw(request_id=request.pk, mentee=mentee)
    request.refresh_from_db()
    assert request.status == Status.WITHDRAWN
    [msg] = mail.outbox
    assert msg.to == [mentor.email]
    assert "has withdrawn their request" in msg.body
    assert html_parts(msg)
    # With the request withdrawn the mentee may ask someone else.
    assert ask(programme, mentee, make_mentor(programme)).status == Status.PENDING


def test_only_the_mentee_can_withdraw_and_only_while_waiting(programme, mentor, mentee):
    request = ask(programme, mentee, mentor)
    with refused("not yours to withdraw"):
        request_withdraw(request_id=request.pk, mentee=mentor)
    request_decline(request_id=request.pk, mentor=mentor)
    with refused("no longer waiting for a reply"):
        request_withdraw(request_id=request.pk, mentee=mentee)


# Expiry -----------------------------------------------------------------------------------


def test_the_expiry_sweep_expires_late_requests_and_tells_each_mentee_once(
    programme, mentor, mentee, django_capture_on_commit_callbacks
):
    late = ask(programme, mentee, mentor)
    fresh_mentee = make_mentee(programme)
    with time_machine.travel(timezone.now() + dt.timedelta(days=3)):
        fresh = ask(programme, fresh_mentee, make_mentor(programme))
    later = timezone.now() + dt.timedelta(days=7, hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert requests_expire(now=later) == 1
        assert requests_expire(now=later) == 0
    late.refresh_from_db()
    fresh.refresh_from_db()
    assert late.status == Status.EXPIRED
    assert fresh.status == Status.PENDING
    [msg] = mail.outbox
    assert msg.to == [mentee.email]
    assert "Your request to Dr Maya Mentor has expired" in msg.subject
    assert "/programmes/yorkshire/mentors/" in html_parts(msg)


def test_an_expired_request_frees_the_mentee_to_ask_again(programme, mentor, mentee):
    ask(programme, mentee, mentor)
    with time_machine.travel(timezone.now() + dt.timedelta(days=8)):
        # Even before the sweep runs, a lapsed request no longer counts as waiting.
        assert ask(programme, mentee, make_mentor(programme)).status == Status.PENDING


def test_the_expiry_task_runs_the_sweep(programme, mentor, mentee):
    from matching.tasks import expire_requests

    request = ask(programme, mentee, mentor)
    MentorRequest.objects.filter(pk=request.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert expire_requests.delay().get() == 1
    request.refresh_from_db()
    assert request.status == Status.EXPIRED


def test_request_create_reads_the_mentor_by_id_only_within_the_programme(
    programme, other_programme, mentee
):
    elsewhere = UserFactory(email="elsewhere@example.org", full_name="Dr Elsewhere")
    MembershipFactory(
        programme=other_programme, user=elsewhere, role=Membership.Role.MENTOR, capacity=3
    )
    with refused("Dr Elsewhere is not a mentor in Yorkshire Consultant Mentoring"):
        request_create(programme=programme, mentee=mentee, mentor_id=elsewhere.pk, message="Hi")
