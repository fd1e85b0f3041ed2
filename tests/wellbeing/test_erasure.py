"""Close my account: erase what is confidential, anonymise what is shared, keep the counts."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from matching.models import ClosingReview, DeclaredConflict, MentorRequest, Mentorship
from matching.privacy import REMOVED_TEXT
from mentoring.accounts.models import MatchingPreferences, Profile, User
from mentoring.privacy import FORMER_MEMBER, former_member_email
from programmes.models import Application, Invitation, Membership
from tests.factories import PASSWORD, ApplicationFactory, MembershipFactory, UserFactory
from tests.support.pages import sign_in
from wellbeing.models import AccessLog, CheckIn, Referral, SupportRequest

from .support_setup import (
    html_part,
    make_checkin,
    make_member,
    make_mentor_request,
    make_mentorship,
    make_referral,
    make_support_request,
    make_welfare_lead,
)

pytestmark = pytest.mark.django_db
URL = reverse("wellbeing:account_close")
ERASED = "ERASED-mentee-words"
KEPT = "KEPT-mentor-words"


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(programme, mentor, mentee):
    """The mentee's records, tangled with their mentor's, whose own must survive."""
    lead = make_welfare_lead(programme, name="Wendy Welfare")
    MatchingPreferences.objects.create(user=mentee, religion="buddhist")
    MatchingPreferences.objects.create(user=mentor, religion="jewish")
    Profile.objects.filter(user=mentee).update(bio=f"{ERASED} bio", employer="Leeds")
    ApplicationFactory(programme=programme, applicant=mentee, goals=f"{ERASED} goals")
    mine = [
        make_checkin(mentee, programme, on_mind=ERASED, would_help=ERASED, score=s)
        for s in (24, 44, 80)
    ]
    theirs = make_checkin(mentor, programme, on_mind=KEPT, role="mentor")
    support_request = make_support_request(programme, mentee, message=ERASED)
    AccessLog.objects.create(
        actor=lead, subject=mentee, record_type="support request", record_id=support_request.pk
    )
    earlier = make_mentorship(
        programme, mentor, mentee, status="closed", closed_by=mentee, close_note=ERASED
    )
    ClosingReview.objects.create(
        mentorship=earlier, author=mentee, helpfulness=5, supportive_environment=4, comments=ERASED
    )
    ClosingReview.objects.create(
        mentorship=earlier, author=mentor, helpfulness=3, supportive_environment=3, comments=KEPT
    )
    current = make_mentorship(programme, mentor, mentee)
    referral = make_referral(current, note=ERASED)
    make_mentor_request(programme, mentee, mentor, ERASED, status="accepted", reply_message="Yes")
    DeclaredConflict.objects.create(programme=programme, mentee=mentee, mentor=mentor, kind="other")
    return {
        "lead": lead,
        "mine": mine,
        "theirs": theirs,
        "support_request": support_request,
        "earlier": earlier,
        "current": current,
        "referral": referral,
    }


def close(client, user, password=PASSWORD, **extra):
    return sign_in(client, user).post(URL, {"password": password, "understood": "on", **extra})


def raw(sql: str, *params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# The form --------------------------------------------------------------------------------------


def test_the_page_explains_what_happens(client, mentee):
    html = sign_in(client, mentee).get(URL).content.decode()
    for words in ("Erased", "Ended", "Kept, without your name", "cannot be undone"):
        assert words in html
    assert "Your password" in html


def test_a_wrong_password_changes_nothing(
    client, world, mentee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = close(client, mentee, password="not-my-password")
    assert response.status_code == 400
    assert "That is not your current password" in response.content.decode()
    mentee.refresh_from_db()
    assert mentee.is_active and mentee.full_name == "Dr Sam Mentee"
    assert CheckIn.objects.get(pk=world["mine"][0].pk).anything_on_mind == ERASED
    assert SupportRequest.objects.filter(user=mentee).exists()
    assert mail.outbox == []
    assert client.get(reverse("wellbeing:my_data")).status_code == 200  # still signed in


def test_the_person_must_confirm_they_understand(client, mentee):
    response = sign_in(client, mentee).post(URL, {"password": PASSWORD})
    assert "Please tick to confirm" in response.content.decode()
    mentee.refresh_from_db()
    assert mentee.is_active


def test_password_guesses_are_rate_limited(client, mentee):
    for _ in range(10):
        close(client, mentee, password="guess")
    response = close(client, mentee)
    assert response.status_code == 429
    mentee.refresh_from_db()
    assert mentee.is_active


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.post(URL, {"password": PASSWORD, "understood": "on"})
    assert response.status_code == 302 and "/accounts/login/" in response.url


# Closing ---------------------------------------------------------------------------------------


def test_closing_signs_the_person_out_and_they_cannot_sign_in_again(client, world, mentee):
    response = close(client, mentee)
    assert response.status_code == 302 and response.url == reverse("account_login")
    assert "_auth_user_id" not in client.session
    assert not client.login(email="mentee@example.org", password=PASSWORD)
    follow = client.get(response.url)
    assert "Your account is closed" in follow.content.decode()


def test_other_signed_in_sessions_end_too(client, world, mentee):
    from django.test import Client

    elsewhere = Client()
    sign_in(elsewhere, mentee)
    close(client, mentee)
    response = elsewhere.get(reverse("wellbeing:my_data"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_identity_is_replaced_by_former_member(client, world, mentee):
    Authenticator.objects.create(user=mentee, type="totp", data={})
    close(client, mentee)
    person = User.objects.get(pk=mentee.pk)
    assert person.full_name == FORMER_MEMBER
    assert person.preferred_name == "" and person.pronouns == ""
    assert person.email == former_member_email(mentee.pk)
    assert person.email.endswith(".invalid")
    assert not person.is_active and not person.has_usable_password()
    assert not EmailAddress.objects.filter(user=person).exists()
    assert not Authenticator.objects.filter(user=person).exists()
    profile = Profile.objects.get(user=person)
    assert profile.bio == "" and profile.employer == "" and profile.specialty == ""
    assert profile.topics_seeking == []


def test_two_closed_accounts_do_not_collide(client, world, mentee, mentor):
    close(client, mentee)
    close(client, mentor)
    assert User.objects.filter(full_name=FORMER_MEMBER).count() == 2


def test_confidential_records_are_erased(client, world, mentee):
    close(client, mentee)
    rows = raw(
        "SELECT anything_on_mind, what_would_help, answers FROM wellbeing_checkin "
        "WHERE user_id = %s",
        mentee.pk,
    )
    assert len(rows) == 3
    for on_mind, would_help, answers in rows:
        assert on_mind is None and would_help is None and answers in ("[]", [])
    assert raw("SELECT id FROM wellbeing_supportrequest WHERE user_id = %s", mentee.pk) == []
    assert not Referral.objects.filter(pk=world["referral"].pk).exists()
    assert raw("SELECT comments FROM matching_closingreview WHERE author_id = %s", mentee.pk) == [
        (None,)
    ]
    assert (
        raw("SELECT close_note FROM matching_mentorship WHERE closed_by_id = %s", mentee.pk)
        == [(None,)] * 2
    )
    assert not MatchingPreferences.objects.filter(user=mentee).exists()
    assert not DeclaredConflict.objects.filter(mentee=mentee).exists()
    assert MentorRequest.objects.get(mentee=mentee).message == REMOVED_TEXT
    application = Application.objects.get(applicant=mentee)
    assert application.goals == "" and application.motivation == ""
    text = " ".join(str(row) for row in raw("SELECT * FROM wellbeing_checkin"))
    assert "ERASED" not in text  # not even as plain text anywhere


def test_the_other_party_keeps_their_own_records(client, world, mentee, mentor):
    close(client, mentee)
    assert CheckIn.objects.get(pk=world["theirs"].pk).anything_on_mind == KEPT
    assert ClosingReview.objects.get(author=mentor).comments == KEPT
    assert MatchingPreferences.objects.get(user=mentor).religion == "jewish"
    mentor.refresh_from_db()
    assert mentor.is_active and mentor.full_name == "Dr Maya Mentor"
    earlier = Mentorship.objects.select_related("mentee").get(pk=world["earlier"].pk)
    assert earlier.mentor == mentor and earlier.mentee.full_name == FORMER_MEMBER


def test_relationships_end(client, programme, world, mentee, mentor):
    other_mentor = make_member(programme, "mentor", name="Dr Pending Mentor")
    pending = make_mentor_request(programme, mentee, other_mentor, "Please mentor me")
    close(client, mentee)
    current = Mentorship.objects.get(pk=world["current"].pk)
    assert current.status == Mentorship.Status.CLOSED
    assert current.close_reason == Mentorship.CloseReason.MENTEE_WITHDREW
    assert current.closed_at is not None and current.closed_by_id == mentee.pk
    pending.refresh_from_db()
    assert pending.status == MentorRequest.Status.WITHDRAWN
    assert not Membership.objects.active().filter(user=mentee).exists()
    assert Membership.objects.filter(user=mentee).exists()  # history kept, anonymised


def test_a_mentor_closing_ends_their_mentorships_as_mentor_withdrew(
    client, programme, mentor, mentee
):
    mentorship = make_mentorship(programme, mentor, mentee)
    close(client, mentor)
    mentorship.refresh_from_db()
    assert mentorship.close_reason == Mentorship.CloseReason.MENTOR_WITHDREW


def test_aggregate_figures_keep_counting(client, world, programme, mentee):
    before = list(
        CheckIn.objects.filter(programme=programme)
        .order_by("pk")
        .values_list("user_id", "role", "score", "band", "created_at")
    )
    close(client, mentee)
    after = list(
        CheckIn.objects.filter(programme=programme)
        .order_by("pk")
        .values_list("user_id", "role", "score", "band", "created_at")
    )
    assert after == before
    ratings = ClosingReview.objects.filter(author=mentee).values_list(
        "helpfulness", "supportive_environment"
    )
    assert list(ratings) == [(5, 4)]


def test_the_readers_log_stays_but_shows_a_former_member(client, world, mentee, programme):
    lead = world["lead"]
    leads_own = make_support_request(programme, lead)
    AccessLog.objects.create(
        actor=mentee, subject=lead, record_type="support request", record_id=leads_own.pk
    )
    close(client, mentee)
    html = sign_in(client, lead).get(reverse("wellbeing:access_log")).content.decode()
    assert FORMER_MEMBER in html and "Dr Sam Mentee" not in html


def test_invitations_to_the_old_address_are_anonymised(client, programme, coordinator):
    person = UserFactory(email="invited@example.org", full_name="Ivy Invited")
    MembershipFactory(programme=programme, user=person, role="mentee")
    invitation = Invitation.objects.create(
        programme=programme,
        email="Invited@example.org",
        full_name="Ivy Invited",
        role="mentee",
        token_hash="a" * 64,
        expires_at="2099-01-01T00:00Z",
    )
    close(client, person)
    invitation.refresh_from_db()
    assert invitation.email == former_member_email(person.pk) and invitation.full_name == ""
    assert invitation.revoked_at is not None


def test_emails_confirm_to_the_old_address_and_tell_the_other_party(
    client, world, mentee, mentor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        close(client, mentee)
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {"mentee@example.org", mentor.email}
    confirmation = by_recipient["mentee@example.org"]
    assert "closed" in confirmation.subject
    assert "Dear Sam" in confirmation.body and "Dear Sam" in html_part(confirmation)
    assert "Former member" in confirmation.body
    partner = by_recipient[mentor.email]
    assert "Dr Sam Mentee has closed their account" in partner.body
    assert "Dr Sam Mentee has closed their account" in html_part(partner)
    assert "keep" in partner.body.lower() or "stay with you" in partner.body


def test_the_only_coordinator_of_a_running_programme_cannot_close(
    client, programme, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = close(client, coordinator)
    assert "You are the only coordinator of Yorkshire Consultant Mentoring" in (
        response.content.decode()
    )
    coordinator.refresh_from_db()
    assert coordinator.is_active and mail.outbox == []


def test_a_coordinator_with_a_co_coordinator_can_close(client, programme, coordinator):
    make_member(programme, "coordinator")
    close(client, coordinator)
    coordinator.refresh_from_db()
    assert not coordinator.is_active


def test_a_welfare_lead_closing_leaves_the_requests_they_handled(client, world, mentee):
    lead = world["lead"]
    SupportRequest.objects.filter(pk=world["support_request"].pk).update(handled_by=lead)
    close(client, lead)
    support_request = SupportRequest.objects.get(pk=world["support_request"].pk)
    assert support_request.message == ERASED  # the mentee's record, untouched
    assert support_request.handled_by.full_name == FORMER_MEMBER


def test_the_persons_notifications_and_reminder_choices_go(client, world, mentee, mentor):
    from django.utils import timezone

    from mentoring.notifications.models import Notification, NotificationPreference

    now = timezone.now()
    for person in (mentee, mentor):
        Notification.objects.create(
            kind="event:meeting_booked",
            subject_key=f"event:{person.pk}",
            recipient=person,
            due_at=now,
            status="sent",
            title="Meeting booked",
            delivered_at=now,
        )
    NotificationPreference.objects.create(user=mentee, kind="meeting_upcoming", channel="off")
    close(client, mentee)
    assert not Notification.objects.filter(recipient=mentee).exists()
    assert not NotificationPreference.objects.filter(user=mentee).exists()
    assert Notification.objects.filter(recipient=mentor).exists()
