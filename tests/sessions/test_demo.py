"""The demo meetings `seed_demo` adds: availability, held meetings with notes in every
framework, action points, confirmed agreements and meetings booked ahead."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from matching.models import Mentorship
from mentoring.accounts.models import User
from sessions import frameworks
from sessions.models import (
    ActionItem,
    AvailabilityWindow,
    Meeting,
    MeetingDefaults,
    MentoringAgreement,
    SessionNote,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def output(db) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_every_active_mentorships_mentor_has_windows_and_meeting_defaults(output):
    mentor_ids = set(
        Mentorship.objects.filter(status=Mentorship.Status.ACTIVE).values_list(
            "mentor_id", flat=True
        )
    )
    assert mentor_ids
    for mentor_id in mentor_ids:
        assert AvailabilityWindow.objects.filter(mentor_id=mentor_id).count() == 2
        assert MeetingDefaults.objects.get(mentor_id=mentor_id).video_link
    assert "weekly availability windows" in output


def test_mentee1_and_mentor1_have_held_meetings_with_notes(output):
    mentorship = Mentorship.objects.get(
        mentee__email="mentee1@demo.test", mentor__email="mentor1@demo.test"
    )
    held = Meeting.objects.filter(mentorship=mentorship, status=Meeting.Status.HELD)
    assert 2 <= held.count() <= 3
    for meeting in held:
        assert meeting.mentor_id == mentorship.mentor_id
        assert meeting.mentee_id == mentorship.mentee_id
        assert meeting.ends_at < timezone.now()
        note = meeting.note
        assert note.author_id == mentorship.mentor_id
        assert note.shared_summary and note.private_notes and note.sections and note.tags


def test_every_held_meeting_is_within_its_mentorship_and_has_a_note(output):
    meetings = Meeting.objects.filter(status=Meeting.Status.HELD).select_related("mentorship")
    assert meetings.count() >= 20
    for meeting in meetings:
        assert meeting.starts_at.date() >= meeting.mentorship.started_on
    assert SessionNote.objects.count() == meetings.count()


def test_notes_use_every_framework_with_its_own_sections(output):
    used = set(SessionNote.objects.values_list("framework", flat=True))
    assert used == set(frameworks.FRAMEWORKS)
    for note in SessionNote.objects.all():
        framework = frameworks.get(note.framework)
        assert set(note.sections) <= set(framework.section_keys)


def test_action_points_some_done_and_some_still_open(output):
    items = ActionItem.objects.all()
    assert items.filter(done_at__isnull=False).exists()
    assert items.filter(done_at__isnull=True).exists()
    assert set(items.values_list("owner", flat=True)) == {"mentor", "mentee"}


def test_some_mentorships_have_a_confirmed_agreement(output):
    agreements = MentoringAgreement.objects.all()
    assert agreements.exists()
    for agreement in agreements:
        assert agreement.mentor_confirmed_at and agreement.mentee_confirmed_at
    active = Mentorship.objects.filter(status=Mentorship.Status.ACTIVE).count()
    assert agreements.count() < active


def test_several_mentorships_have_an_upcoming_booked_meeting(output):
    upcoming = Meeting.objects.filter(status=Meeting.Status.CONFIRMED, starts_at__gt=timezone.now())
    assert upcoming.values("mentorship").distinct().count() >= 5
    for meeting in upcoming.select_related("mentorship"):
        assert meeting.mentorship.status == Mentorship.Status.ACTIVE
        assert meeting.proposed_by_id == meeting.mentee_id


def test_demo_meetings_never_overlap_for_anyone(output):
    meetings = list(
        Meeting.objects.live().values_list("mentor_id", "mentee_id", "starts_at", "ends_at")
    )
    for i, (mentor, mentee, starts, ends) in enumerate(meetings):
        for other in meetings[i + 1 :]:
            shared = {mentor, mentee} & {other[0], other[1]}
            if shared:
                assert not (starts < other[3] and other[2] < ends)


@pytest.mark.django_db(transaction=True)
def test_seeding_sends_no_email_though_bookings_and_agreements_are_made():
    # A real commit, so the emails queued on commit are really sent (or not).
    call_command("seed_demo", stdout=StringIO())
    assert Meeting.objects.filter(status=Meeting.Status.CONFIRMED).exists()
    assert mail.outbox == []


def test_seeding_again_with_if_empty_adds_no_meetings(output):
    counts = (Meeting.objects.count(), SessionNote.objects.count(), ActionItem.objects.count())
    out = StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert "already has users" in out.getvalue()
    assert (
        Meeting.objects.count(),
        SessionNote.objects.count(),
        ActionItem.objects.count(),
    ) == counts


def test_seed_at_scale_two_still_adds_meetings(db):
    call_command("seed_demo", "--scale", "2", stdout=StringIO())
    assert User.objects.filter(email__endswith="@demo.test").count() > 114
    assert Meeting.objects.filter(status=Meeting.Status.HELD).exists()
    assert Meeting.objects.filter(status=Meeting.Status.CONFIRMED).exists()
