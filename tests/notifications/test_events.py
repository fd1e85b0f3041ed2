"""Events already told by email (a request, a meeting booked) also appear under the bell of
the person they were addressed to, never of the person who acted, and only if the change
that caused them was saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from matching.services.requests import request_accept
from mentoring.notifications.emails import event_record
from mentoring.notifications.models import Notification
from sessions.services.booking import meeting_cancel
from tests.matching.mentoring_setup import ask
from tests.sessions.booking_setup import make_mentorship, meeting_at


def _inbox(user) -> list[Notification]:
    return list(Notification.objects.visible_to(user).order_by("pk"))


def test_a_request_appears_for_the_mentor_and_its_answer_for_the_mentee(programme, mentor, mentee):
    request = ask(programme, mentee, mentor)
    [received] = _inbox(mentor)
    assert received.kind == "event:request_received"
    assert received.url == reverse("matching:request_detail", kwargs={"pk": request.pk})
    assert received.read_at is None
    assert "Dr Sam Mentee" in received.title
    assert _inbox(mentee) == []
    request_accept(request_id=request.pk, mentor=mentor)
    assert [n.kind for n in _inbox(mentee)] == ["event:request_accepted"]


def test_a_cancelled_meeting_appears_for_the_other_person_only(programme, mentor, mentee):
    pair = make_mentorship(programme, mentor, mentee)
    meeting = meeting_at(pair, timezone.now() + dt.timedelta(days=3))
    meeting_cancel(meeting=meeting, by=mentee, reason="")
    assert [n.kind for n in _inbox(mentor)] == ["event:meeting_cancelled"]
    assert _inbox(mentor)[0].url == f"/meetings/{meeting.pk}/"
    assert _inbox(mentee) == []


def test_a_change_rolled_back_leaves_no_event(programme, mentor, mentee):
    with pytest.raises(RuntimeError), transaction.atomic():
        ask(programme, mentee, mentor)
        raise RuntimeError("something failed half-way")
    assert not Notification.objects.exists()


def test_the_event_title_never_carries_the_request_message(programme, mentor, mentee):
    ask(programme, mentee, mentor, message="PRIVATE-burnout-details")
    assert "PRIVATE" not in _inbox(mentor)[0].title


def test_a_long_event_is_cut_to_the_columns_of_the_list(mentee):
    title_max = Notification._meta.get_field("title").max_length
    url_max = Notification._meta.get_field("url").max_length
    kind_max = Notification._meta.get_field("kind").max_length
    event_record(name="n" * 100, recipient=mentee, title="t" * 500, url="/" + "u" * 500)
    [row] = _inbox(mentee)
    assert row.title == "t" * title_max
    assert row.url == ("/" + "u" * 500)[:url_max]
    assert row.kind == ("event:" + "n" * 100)[:kind_max]
