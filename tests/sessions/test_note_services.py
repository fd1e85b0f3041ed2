"""Saving a session note with its action points, reflections and action point toggles."""

# ruff: noqa: F811, S608 (pytest fixtures imported from notes_setup; table names in raw SQL)
from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from sessions.errors import MeetingError
from sessions.models import ActionItem, Meeting, Reflection, SessionNote
from sessions.services.notes import action_item_toggle, note_save, reflection_save

from .notes_setup import make_meeting, other_pair, pair, past_meeting  # noqa: F401

pytestmark = pytest.mark.django_db

GROW_DATA = {
    "framework": "grow",
    "sections": {"goal": "Secret goal words", "reality": "", "options": "Hidden options"},
    "shared_summary": "Shared summary words",
    "private_notes": "Private pondering words",
    "tags": ["Career development", "Work-life balance"],
}
ITEMS = [
    {"text": "Draft the CV", "owner": "mentee", "due_on": dt.date(2030, 1, 10)},
    {"text": "Send the contact", "owner": "mentor", "due_on": None},
    {"text": "   ", "owner": "mentor", "due_on": None},  # an empty row is skipped
]


def test_note_and_action_items_saved_together(past_meeting, mentor):
    note = note_save(meeting=past_meeting, author=mentor, data=GROW_DATA, action_items=ITEMS)
    note.refresh_from_db()
    assert note.framework == "grow"
    assert note.sections == {"goal": "Secret goal words", "options": "Hidden options"}
    assert note.shared_summary == "Shared summary words"
    assert note.private_notes == "Private pondering words"
    assert note.tags == ["Career development", "Work-life balance"]
    items = list(ActionItem.objects.order_by("pk"))
    assert [(i.text, i.owner, i.mentorship_id, i.meeting_id) for i in items] == [
        ("Draft the CV", "mentee", past_meeting.mentorship_id, past_meeting.pk),
        ("Send the contact", "mentor", past_meeting.mentorship_id, past_meeting.pk),
    ]
    past_meeting.refresh_from_db()
    assert past_meeting.status == Meeting.Status.HELD


def test_saving_again_updates_the_one_note(past_meeting, mentor):
    note_save(meeting=past_meeting, author=mentor, data=GROW_DATA, action_items=[])
    note_save(
        meeting=past_meeting,
        author=mentor,
        data={**GROW_DATA, "framework": "egan", "sections": {"story": "Egan story"}},
        action_items=[],
    )
    assert SessionNote.objects.count() == 1
    assert SessionNote.objects.get().sections == {"story": "Egan story"}


@pytest.mark.parametrize(
    "data, items",
    [
        ({**GROW_DATA, "framework": "nonsense"}, ITEMS),
        ({**GROW_DATA, "sections": {"story": "An Egan step in a GROW note"}}, ITEMS),
        ({**GROW_DATA, "tags": ["Not a topic"]}, ITEMS),
        (GROW_DATA, [{"text": "Who owns me?", "owner": "coordinator", "due_on": None}]),
    ],
)
def test_invalid_input_is_rejected_and_nothing_is_saved(past_meeting, mentor, data, items):
    with pytest.raises(MeetingError):
        note_save(meeting=past_meeting, author=mentor, data=data, action_items=items)
    assert not SessionNote.objects.exists()
    assert not ActionItem.objects.exists()
    past_meeting.refresh_from_db()
    assert past_meeting.status == Meeting.Status.CONFIRMED


def test_only_the_mentor_writes_the_note(past_meeting, mentee):
    with pytest.raises(MeetingError):
        note_save(meeting=past_meeting, author=mentee, data=GROW_DATA, action_items=ITEMS)
    assert not SessionNote.objects.exists()


def test_no_note_before_the_meeting_or_for_a_cancelled_one(pair, mentor):
    upcoming = make_meeting(pair, days_ago=-3)
    cancelled = make_meeting(pair, days_ago=5, status=Meeting.Status.CANCELLED)
    for meeting in (upcoming, cancelled):
        with pytest.raises(MeetingError):
            note_save(meeting=meeting, author=mentor, data=GROW_DATA, action_items=[])
    assert not SessionNote.objects.exists()


def test_a_held_meeting_takes_a_note_even_before_its_end(pair, mentor):
    now = make_meeting(pair, days_ago=0, status=Meeting.Status.HELD)
    now.ends_at = timezone.now() + dt.timedelta(minutes=20)
    now.save()
    note_save(meeting=now, author=mentor, data=GROW_DATA, action_items=[])
    assert SessionNote.objects.filter(meeting=now).exists()


def test_reflection_is_the_mentees_only_and_empty_removes_it(past_meeting, mentor, mentee):
    with pytest.raises(MeetingError):
        reflection_save(meeting=past_meeting, author=mentor, text="Not mine")
    reflection_save(meeting=past_meeting, author=mentee, text="I felt heard")
    reflection_save(meeting=past_meeting, author=mentee, text="I felt heard, and clearer")
    assert Reflection.objects.get().text == "I felt heard, and clearer"
    reflection_save(meeting=past_meeting, author=mentee, text="  ")
    assert not Reflection.objects.exists()


def test_either_member_toggles_an_action_item_and_nobody_else(
    past_meeting, mentor, mentee, other_pair, coordinator
):
    note_save(meeting=past_meeting, author=mentor, data=GROW_DATA, action_items=ITEMS[:1])
    item = ActionItem.objects.get()
    assert action_item_toggle(item_id=item.pk, user=mentee).done_at is not None
    assert action_item_toggle(item_id=item.pk, user=mentor).done_at is None
    for stranger in (other_pair.mentor, other_pair.mentee, coordinator):
        with pytest.raises(MeetingError):
            action_item_toggle(item_id=item.pk, user=stranger)


def test_free_text_is_encrypted_at_rest(past_meeting, mentor, mentee):
    note = note_save(meeting=past_meeting, author=mentor, data=GROW_DATA, action_items=ITEMS)
    reflection = reflection_save(meeting=past_meeting, author=mentee, text="Reflective words")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT shared_summary, sections, private_notes FROM {SessionNote._meta.db_table}"
            " WHERE id = %s",
            [note.pk],
        )
        raw_note = " ".join(str(v) for v in cursor.fetchone())
        cursor.execute(
            f"SELECT text FROM {Reflection._meta.db_table} WHERE id = %s", [reflection.pk]
        )
        raw_reflection = str(cursor.fetchone()[0])
        cursor.execute(f"SELECT text FROM {ActionItem._meta.db_table}")
        raw_items = " ".join(str(r[0]) for r in cursor.fetchall())
    for words in ("Shared summary", "Secret goal", "Hidden options", "Private pondering"):
        assert words not in raw_note
    assert "Reflective" not in raw_reflection
    assert "Draft the CV" not in raw_items
