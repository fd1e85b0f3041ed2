"""The readable summary in the download says things in words, never in stored codes."""

from __future__ import annotations

import html
import re

import pytest

from mentoring.accounts.models import MatchingPreferences, Profile
from mentoring.notifications.emails import Event, events_record
from mentoring.notifications.models import NotificationPreference
from sessions.models import AvailabilityWindow

from .support_setup import make_checkin
from .test_export import download

pytestmark = pytest.mark.django_db


def values_of(summary: str, label: str) -> list[str]:
    """The texts shown against a label, in every record of the summary."""
    found = re.findall(rf"<dt>{re.escape(label)}</dt><dd>(.*?)</dd>", summary, re.S)
    return [html.unescape(value) for value in found]


@pytest.fixture
def coded(programme, mentor, mentee):
    Profile.objects.filter(user=mentee).update(
        job_role="consultant", meeting_modes=["in_person", "video"], frameworks_taught=["grow"]
    )
    MatchingPreferences.objects.create(
        user=mentee, age_band="under_35", religion="buddhist", prefer_mentor_sex="female"
    )
    make_checkin(mentee, programme, answers=[4, 3, 2, 1, 0], score=40, band="low")
    accepted = Event(name="request_accepted", recipient=mentee, title="Accepted", url="")
    events_record([accepted])
    NotificationPreference.objects.create(user=mentee, kind="event:request_accepted", channel="off")
    AvailabilityWindow.objects.create(
        mentor=mentee,
        weekday=0,
        start_time="09:00",
        end_time="10:00",
        time_zone="Europe/London",
        modes=["in_person"],
    )
    return mentee


def test_profile_and_private_preferences_show_their_labels(client, coded):
    _, summary = download(client, coded)
    assert values_of(summary, "Job role") == ["Consultant"]
    assert values_of(summary, "Years in practice") == ["Under 5 years"]
    assert values_of(summary, "Meeting modes") == ["In person | Video"]
    assert values_of(summary, "Frameworks taught") == ["GROW"]
    assert values_of(summary, "Age band") == ["Under 35"]
    assert values_of(summary, "Religion") == ["Buddhist"]


def test_a_checkin_shows_the_instrument_band_and_answers_in_words(client, coded):
    _, summary = download(client, coded)
    assert values_of(summary, "Instrument") == ["WHO-5 Well-Being Index"]
    assert values_of(summary, "Band") == ["Low"]
    assert values_of(summary, "Answers") == [
        "I have felt cheerful and in good spirits: Most of the time"
        " | I have felt calm and relaxed: More than half of the time"
        " | I have felt active and vigorous: Less than half of the time"
        " | I woke up feeling fresh and rested: Some of the time"
        " | My daily life has been filled with things that interest me: At no time"
    ]


def test_notifications_show_readable_kinds_statuses_and_choices(client, coded):
    _, summary = download(client, coded)
    assert values_of(summary, "Kind") == ["Request accepted", "Request accepted"]
    assert values_of(summary, "Status") == ["Sent"]
    assert values_of(summary, "Channel") == ["No email (in the app only)"]


def test_availability_shows_meeting_modes_in_words(client, coded):
    _, summary = download(client, coded)
    assert "Modes: In person" in values_of(summary, "Weekly windows")[0]


def test_no_stored_code_reaches_the_summary_while_data_json_keeps_them(client, coded):
    data, summary = download(client, coded)
    for code in ("not_low", "who5", "under_35", "event:request_accepted", "in_person", "buddhist"):
        assert code not in summary, code
    assert ">consultant<" not in summary and ">low<" not in summary
    # data.json stays as it was, for other software: the stored values.
    assert data["profile"]["job_role"] == "consultant"
    assert data["matching_preferences"]["age_band"] == "under_35"
    assert data["checkins"][0]["instrument"] == "who5"
    assert data["checkins"][0]["answers"] == [4, 3, 2, 1, 0]
    assert data["notifications"][0]["kind"] == "event:request_accepted"
