from __future__ import annotations

import datetime as dt
import hashlib
import re
import threading

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.db import connection
from django.utils import timezone

from programmes.errors import ProgrammeError
from programmes.models import Application, Invitation, Membership, Programme
from programmes.services.invitations import (
    INVITATION_LIFETIME,
    invitation_accept,
    invitation_create,
    invitation_revoke,
)
from tests.factories import ApplicationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

START = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)


def invite(programme, coordinator, email="new.person@example.org", role="mentee", **kwargs):
    return invitation_create(
        programme=programme, email=email, role=role, invited_by=coordinator, **kwargs
    )


def test_it_stores_only_a_hash_of_the_token(programme, coordinator):
    issued = invite(programme, coordinator)

    invitation = Invitation.objects.get()
    assert invitation.token_hash == hashlib.sha256(issued.token.encode()).hexdigest()
    stored = [str(v) for v in Invitation.objects.values_list().get()]
    assert not any(issued.token in value for value in stored)


def test_it_emails_the_invitee_an_absolute_link_in_text_and_html(
    programme, coordinator, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://mentoring.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        issued = invite(programme, coordinator, full_name="Dr Priya Shah", role="mentor")

    assert len(mail.outbox) == 1
    msg = mail.outbox[0]
    link = f"https://mentoring.example.org/invitations/{issued.token}/"
    assert msg.to == ["new.person@example.org"]
    assert programme.name in msg.subject and "mentor" in msg.subject
    assert link in msg.body and "Dr Priya Shah" in msg.body
    html, mimetype = msg.alternatives[0]
    assert mimetype == "text/html"
    assert link in html and "Accept your invitation" in html


def test_it_sends_nothing_when_the_transaction_rolls_back(
    programme, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invite(programme, coordinator)
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_it_normalises_the_email_and_expires_after_the_lifetime(programme, coordinator):
    with time_machine.travel(START, tick=False):
        issued = invite(programme, coordinator, email="  Priya.Shah@Example.ORG ")

    assert issued.invitation.email == "priya.shah@example.org"
    assert issued.invitation.expires_at == START + INVITATION_LIFETIME
    assert dt.timedelta(days=14) == INVITATION_LIFETIME


def test_reinviting_revokes_the_earlier_pending_invitation(programme, coordinator, mentor):
    first = invite(programme, coordinator)
    second = invite(programme, coordinator, email="NEW.person@example.org")

    first.invitation.refresh_from_db()
    assert first.invitation.state == "revoked"
    assert second.invitation.state == "pending"
    assert second.replaced_earlier and not first.replaced_earlier


def test_reinviting_in_another_role_or_programme_leaves_the_first_alone(
    programme, other_programme, coordinator, other_coordinator
):
    first = invite(programme, coordinator, role="mentee")
    invite(programme, coordinator, role="mentor")
    invite(other_programme, other_coordinator, role="mentee")

    first.invitation.refresh_from_db()
    assert first.invitation.state == "pending"


def test_it_refuses_someone_already_a_member_in_that_role(programme, coordinator, mentor):
    with pytest.raises(ProgrammeError, match="already a mentor") as excinfo:
        invite(programme, coordinator, email="MENTOR@example.org", role="mentor")
    assert excinfo.value.field == "email"
    assert not Invitation.objects.exists()


def test_it_refuses_a_member_known_by_a_secondary_address(programme, coordinator, mentor):
    EmailAddress.objects.create(user=mentor, email="maya@trust.example.org", verified=True)
    with pytest.raises(ProgrammeError, match="already a mentor"):
        invite(programme, coordinator, email="maya@trust.example.org", role="mentor")


def test_a_member_may_be_invited_in_the_other_role(programme, coordinator, mentor):
    issued = invite(programme, coordinator, email=mentor.email, role="mentee")
    assert issued.invitation.role == "mentee"


def test_a_former_member_may_be_invited_again(programme, coordinator, mentor):
    Membership.objects.filter(user=mentor).update(ended_at=timezone.now())
    assert invite(programme, coordinator, email=mentor.email, role="mentor")


@pytest.mark.parametrize(
    ("email", "role", "message"),
    [
        ("not-an-email", "mentee", "not a valid email"),
        ("someone@example.org", "coordinator", "mentor or a mentee"),
    ],
)
def test_it_refuses_bad_input(programme, coordinator, email, role, message):
    with pytest.raises(ProgrammeError, match=message):
        invite(programme, coordinator, email=email, role=role)
    assert not Invitation.objects.exists()


def test_it_refuses_to_invite_to_a_closed_programme(programme, coordinator):
    Programme.objects.filter(pk=programme.pk).update(status=Programme.Status.CLOSED)
    with pytest.raises(ProgrammeError, match="has closed"):
        invite(programme, coordinator)


# Accepting --------------------------------------------------------------------------


@pytest.fixture
def invitee(db):
    return UserFactory(email="new.person@example.org", full_name="Dr Nia Newperson")


def test_accepting_creates_an_approved_application_and_membership(programme, coordinator, invitee):
    issued = invite(programme, coordinator, role="mentor")

    invitation = invitation_accept(token=issued.token, user=invitee)

    assert invitation.state == "accepted"
    invitation.refresh_from_db()
    assert invitation.accepted_by == invitee and invitation.accepted_at
    application = Application.objects.get(applicant=invitee)
    assert application.status == Application.Status.APPROVED
    assert application.via_invitation and application.role == "mentor"
    assert application.capacity == programme.default_mentor_capacity
    assert application.decided_by == coordinator
    membership = Membership.objects.get(user=invitee, programme=programme)
    assert membership.role == Membership.Role.MENTOR
    assert membership.capacity == programme.default_mentor_capacity


def test_a_mentee_membership_has_no_capacity(programme, coordinator, invitee):
    issued = invite(programme, coordinator, role="mentee")
    invitation_accept(token=issued.token, user=invitee)
    membership = Membership.objects.get(user=invitee, programme=programme)
    assert membership.role == Membership.Role.MENTEE and membership.capacity is None


def test_an_invitation_works_once(programme, coordinator, invitee):
    issued = invite(programme, coordinator)
    invitation_accept(token=issued.token, user=invitee)

    with pytest.raises(ProgrammeError, match="already accepted"):
        invitation_accept(token=issued.token, user=invitee)
    assert Membership.objects.filter(user=invitee).count() == 1
    assert Application.objects.filter(applicant=invitee).count() == 1


def test_a_used_invitation_cannot_be_used_by_someone_else(programme, coordinator, invitee):
    issued = invite(programme, coordinator)
    invitation_accept(token=issued.token, user=invitee)
    other = UserFactory(email="other@example.org")
    EmailAddress.objects.create(user=other, email="new.person@example.org", verified=False)

    with pytest.raises(ProgrammeError, match="already been used"):
        invitation_accept(token=issued.token, user=other)


def test_an_expired_invitation_is_refused(programme, coordinator, invitee):
    with time_machine.travel(START, tick=False):
        issued = invite(programme, coordinator)
    with time_machine.travel(START + INVITATION_LIFETIME - dt.timedelta(minutes=1), tick=False):
        assert Invitation.objects.get().state == "pending"
    with (
        time_machine.travel(START + INVITATION_LIFETIME, tick=False),
        pytest.raises(ProgrammeError, match="expired"),
    ):
        invitation_accept(token=issued.token, user=invitee)
    assert not Membership.objects.filter(user=invitee).exists()


def test_a_revoked_invitation_is_refused(programme, coordinator, invitee):
    issued = invite(programme, coordinator)
    invitation_revoke(invitation=issued.invitation)

    with pytest.raises(ProgrammeError, match="withdrawn"):
        invitation_accept(token=issued.token, user=invitee)
    assert not Membership.objects.filter(user=invitee).exists()


def test_the_earlier_link_stops_working_after_a_resend(programme, coordinator, invitee):
    first = invite(programme, coordinator)
    second = invite(programme, coordinator)

    with pytest.raises(ProgrammeError, match="withdrawn"):
        invitation_accept(token=first.token, user=invitee)
    invitation_accept(token=second.token, user=invitee)
    assert Membership.objects.filter(user=invitee, programme=programme).exists()


def test_the_wrong_person_is_refused_with_the_invited_address(programme, coordinator, outsider):
    issued = invite(programme, coordinator)

    with pytest.raises(ProgrammeError, match=re.escape("sent to new.person@example.org")):
        invitation_accept(token=issued.token, user=outsider)
    assert Invitation.objects.get().state == "pending"
    assert not Membership.objects.filter(user=outsider).exists()


def test_an_unverified_matching_address_is_not_enough(programme, coordinator, outsider):
    EmailAddress.objects.create(user=outsider, email="new.person@example.org", verified=False)
    issued = invite(programme, coordinator)
    with pytest.raises(ProgrammeError, match="sent to"):
        invitation_accept(token=issued.token, user=outsider)


def test_a_verified_secondary_address_matches_whatever_its_case(programme, coordinator, outsider):
    EmailAddress.objects.create(user=outsider, email="New.Person@Example.org", verified=True)
    issued = invite(programme, coordinator)
    invitation_accept(token=issued.token, user=outsider)
    assert Membership.objects.filter(user=outsider, role="mentee").exists()


def test_an_unknown_token_is_refused(invitee):
    with pytest.raises(ProgrammeError, match="not valid"):
        invitation_accept(token="not-a-real-token", user=invitee)


def test_accepting_approves_a_pending_application_instead_of_adding_one(
    programme, coordinator, invitee
):
    application = ApplicationFactory(programme=programme, applicant=invitee, role="mentee")
    issued = invite(programme, coordinator)

    invitation_accept(token=issued.token, user=invitee)

    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED and application.via_invitation
    assert Application.objects.filter(applicant=invitee).count() == 1


def test_accepting_keeps_an_existing_active_membership(programme, coordinator, invitee):
    issued = invite(programme, coordinator)
    MembershipFactory(programme=programme, user=invitee, role=Membership.Role.MENTEE)

    invitation_accept(token=issued.token, user=invitee)

    assert Membership.objects.filter(user=invitee, programme=programme).count() == 1
    assert Invitation.objects.get().state == "accepted"


def test_revoking_twice_or_after_acceptance_is_refused(programme, coordinator, invitee):
    issued = invite(programme, coordinator)
    invitation_accept(token=issued.token, user=invitee)
    with pytest.raises(ProgrammeError, match="already accepted"):
        invitation_revoke(invitation=issued.invitation)

    other = invite(programme, coordinator, email="someone.else@example.org")
    invitation_revoke(invitation=other.invitation)
    with pytest.raises(ProgrammeError, match="already revoked"):
        invitation_revoke(invitation=other.invitation)


# Double submits ---------------------------------------------------------------------


def test_a_request_that_read_a_stale_row_loses_the_claim(
    programme, coordinator, invitee, monkeypatch
):
    """Where row locks do not exist (SQLite), the conditional claim still accepts once."""
    from programmes.services import invitations as service

    issued = invite(programme, coordinator)
    check = service._unavailable_reason

    def accepted_elsewhere_meanwhile(invitation, user):
        reason = check(invitation, user)  # reads "pending"...
        Invitation.objects.filter(pk=invitation.pk).update(
            accepted_at=timezone.now(), accepted_by=user
        )  # ...then another request accepts before this one claims
        return reason

    monkeypatch.setattr(service, "_unavailable_reason", accepted_elsewhere_meanwhile)
    with pytest.raises(ProgrammeError, match="already been used"):
        invitation_accept(token=issued.token, user=invitee)
    assert not Membership.objects.filter(user=invitee).exists()
    assert not Application.objects.filter(applicant=invitee).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_accepts_join_once(programme, coordinator, invitee):
    issued = invite(programme, coordinator)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def accept():
        try:
            barrier.wait()
            invitation_accept(token=issued.token, user=invitee)
            outcomes.append("accepted")
        except ProgrammeError as error:
            outcomes.append(error.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["You have already accepted this invitation.", "accepted"]
    assert Membership.objects.filter(user=invitee, programme=programme).count() == 1
    assert Application.objects.filter(applicant=invitee, programme=programme).count() == 1
