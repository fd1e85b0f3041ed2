"""Which meeting emails carry a calendar invitation, and answering a proposal.

Only a booked meeting is in anyone's calendar: a proposal (new, moved, declined or
withdrawn) never carries an invitation, not even a CANCEL.
"""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from sessions.errors import MeetingError
from sessions.models import Meeting
from sessions.services.booking import (
    meeting_book,
    meeting_cancel,
    meeting_propose,
    meeting_reschedule,
    meeting_respond,
)
from tests.support.pages import messages_of, sign_in

from .booking_setup import NOW, london, make_mentorship, monday_mornings

pytestmark = pytest.mark.django_db
Status = Meeting.Status


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def pair(programme, mentor, mentee):
    monday_mornings(mentor)
    return make_mentorship(programme, mentor, mentee)


@pytest.fixture
def proposal(pair, mentor):
    return meeting_propose(
        mentorship=pair, by=mentor, starts_at=london(2026, 10, 22, 17, 0), mode="phone"
    )


def calendar_parts(msg) -> list:
    return [p for p in msg.message().walk() if p.get_content_type() == "text/calendar"]


def test_moving_a_proposal_asks_the_other_person_again_without_an_invitation(
    pair, proposal, mentor, mentee, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        moved = meeting_reschedule(
            meeting=proposal, by=mentor, starts_at=london(2026, 10, 23, 17, 0)
        )
    assert moved.status == Status.PROPOSED
    [msg] = mailoutbox
    assert msg.to == [mentee.email]
    assert msg.attachments == [] and calendar_parts(msg) == []
    assert "proposed" in msg.subject.lower()
    assert "accept or decline" in msg.body


def test_a_proposal_moved_by_the_person_asked_goes_back_to_the_proposer(
    pair, proposal, mentor, mentee, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        moved = meeting_reschedule(
            meeting=proposal, by=mentee, starts_at=london(2026, 10, 23, 17, 0)
        )
    assert moved.proposed_by == mentee
    assert [m.to for m in mailoutbox] == [[mentor.email]]
    assert calendar_parts(mailoutbox[0]) == []
    with pytest.raises(MeetingError, match="other person"):
        meeting_respond(meeting=moved, by=mentee, accept=True)
    assert meeting_respond(meeting=moved, by=mentor, accept=True).status == Status.CONFIRMED


def test_declining_a_proposal_tells_the_proposer_without_a_cancel_invitation(
    pair, proposal, mentor, mentee, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        declined = meeting_respond(meeting=proposal, by=mentee, accept=False)
    assert declined.status == Status.CANCELLED
    [msg] = mailoutbox
    assert msg.to == [mentor.email]
    assert msg.attachments == [] and calendar_parts(msg) == []
    assert "calendar" not in msg.body
    assert "calendar" not in msg.alternatives[0][0]


def test_withdrawing_a_proposal_sends_no_cancel_invitation(
    pair, proposal, mentor, mentee, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=proposal, by=mentor, reason="Clinic overran")
    [msg] = mailoutbox
    assert msg.to == [mentee.email]
    assert calendar_parts(msg) == []


def test_cancelling_a_booked_meeting_still_sends_cancel_to_both(
    pair, mentor, mentee, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = meeting_book(
        mentorship=pair, by=mentee, starts_at=london(2026, 10, 19, 9, 0), mode="video"
    )
    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=meeting, by=mentor, reason="On call")
    assert sorted(m.to[0] for m in mailoutbox) == sorted([mentor.email, mentee.email])
    for msg in mailoutbox:
        [part] = calendar_parts(msg)
        assert part.get_param("method") == "CANCEL"
        assert "removes it from your calendar" in msg.body


def test_accepting_a_proposal_sends_the_first_invitation(
    pair, proposal, mentor, mentee, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting_respond(meeting=proposal, by=mentee, accept=True)
    assert sorted(m.to[0] for m in mailoutbox) == sorted([mentor.email, mentee.email])
    for msg in mailoutbox:
        [part] = calendar_parts(msg)
        assert part.get_param("method") == "REQUEST"


def test_meeting_emails_reply_to_the_programmes_contact_address(
    pair, mentee, programme, mailoutbox, django_capture_on_commit_callbacks
):
    programme.contact_email = "yorkshire-mentoring@nhs.example.org"
    programme.save(update_fields=["contact_email"])
    with django_capture_on_commit_callbacks(execute=True):
        meeting_book(mentorship=pair, by=mentee, starts_at=london(2026, 10, 19, 9, 0), mode="video")
    assert {tuple(m.reply_to) for m in mailoutbox} == {("yorkshire-mentoring@nhs.example.org",)}


# Answering a proposal from its page -----------------------------------------------------


def _respond(client, meeting, data):
    return client.post(reverse("meetings:meeting_respond", kwargs={"pk": meeting.pk}), data)


@pytest.mark.parametrize("data", [{}, {"answer": ""}, {"answer": "maybe"}, {"answer": "Decline"}])
def test_a_post_without_an_explicit_answer_declines_nothing(
    client, proposal, mentee, mailoutbox, data
):
    sign_in(client, mentee)
    response = _respond(client, proposal, data)
    assert response.status_code == 400
    assert "Choose whether to accept or decline" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == Status.PROPOSED
    assert mailoutbox == []


def test_an_explicit_decline_declines(client, proposal, mentee):
    sign_in(client, mentee)
    response = _respond(client, proposal, {"answer": "decline"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Status.CANCELLED


@pytest.mark.parametrize("who", ["coordinator", "outsider", "other"])
def test_only_the_person_asked_can_answer(client, request, proposal, mentor, who):
    user = mentor if who == "other" else request.getfixturevalue(who)
    sign_in(client, user)
    response = _respond(client, proposal, {"answer": "decline"})
    if who == "other":  # the mentor who proposed it is sent back to the meeting
        assert response.status_code == 302
        detail = reverse("meetings:meeting_detail", kwargs={"pk": proposal.pk})
        assert response["Location"] == detail
        assert messages_of(response) == ["The other person answers a time you proposed."]
    else:  # people outside the pair are told it does not exist
        assert response.status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == Status.PROPOSED


def test_answering_needs_sign_in(client, proposal):
    response = _respond(client, proposal, {"answer": "decline"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    proposal.refresh_from_db()
    assert proposal.status == Status.PROPOSED
