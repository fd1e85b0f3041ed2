"""Session notes (with their action items), reflections and action items."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from matching.models import Mentorship
from mentoring.vocabulary import TOPICS

from .. import frameworks
from ..errors import MeetingError
from ..models import ActionItem, Meeting, Reflection, SessionNote
from .reminders import action_items_due_schedule, action_points_schedule

MAX_SECTION_CHARS = 10_000


def meeting_is_over(meeting: Meeting) -> bool:
    """Notes are written once a meeting is held, or its time has passed."""
    if meeting.status == Meeting.Status.HELD:
        return True
    return meeting.status != Meeting.Status.CANCELLED and meeting.ends_at <= timezone.now()


def _clean_sections(framework_key: str, sections: dict) -> dict:
    framework = frameworks.get(framework_key)
    if framework is None:
        raise MeetingError("Choose one of the frameworks offered.", field="framework")
    cleaned = {}
    for key, text in (sections or {}).items():
        if framework.section(key) is None:
            raise MeetingError(f"“{key}” is not a section of {framework.title}.", field="framework")
        text = (text or "").strip()
        if len(text) > MAX_SECTION_CHARS:
            raise MeetingError("A section can hold up to 10,000 characters.", field=key)
        if text:  # only the sections used this time are kept
            cleaned[key] = text
    return cleaned


def _clean_tags(tags) -> list[str]:
    tags = list(dict.fromkeys(tags or []))
    unknown = [t for t in tags if t not in TOPICS]
    if unknown:
        raise MeetingError("Choose issues from the list offered.", field="tags")
    return tags


def _clean_items(action_items) -> list[dict]:
    cleaned = []
    for item in action_items or []:
        text = (item.get("text") or "").strip()
        if not text:
            continue
        owner = item.get("owner")
        if owner not in ActionItem.Owner.values:
            raise MeetingError("Each action point needs an owner: mentor or mentee.")
        due_on = item.get("due_on")
        if due_on is not None and not isinstance(due_on, date):
            raise MeetingError("Give due dates as dates.")
        cleaned.append({"text": text, "owner": owner, "due_on": due_on})
    return cleaned


@transaction.atomic
def note_save(*, meeting: Meeting, author, data: dict, action_items: list[dict]) -> SessionNote:
    """Create or update the mentor's note of a meeting, with new action points, at once.

    `data`: framework, sections (key -> text), shared_summary, private_notes, tags.
    Anything invalid raises MeetingError and nothing is written.
    """
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if author.pk != meeting.mentor_id:
        raise MeetingError("Only the mentor writes the note of a meeting.")
    if not meeting_is_over(meeting):
        raise MeetingError("You can write the note once the meeting has taken place.")
    framework_key = data.get("framework") or ""
    sections = _clean_sections(framework_key, data.get("sections") or {})
    tags = _clean_tags(data.get("tags"))
    items = _clean_items(action_items)

    note = SessionNote.objects.select_for_update().filter(meeting=meeting).first()
    if note is None:
        note = SessionNote(meeting=meeting, author=author)
    note.framework = framework_key
    note.sections = sections
    note.shared_summary = (data.get("shared_summary") or "").strip()
    note.private_notes = (data.get("private_notes") or "").strip()
    note.tags = tags
    note.save()
    created = ActionItem.objects.bulk_create(
        ActionItem(
            mentorship_id=meeting.mentorship_id,
            meeting=meeting,
            created_by=author,
            **item,
        )
        for item in items
    )
    if meeting.status == Meeting.Status.CONFIRMED:
        # Writing a note of a past, booked meeting records that it was held.
        meeting.status = Meeting.Status.HELD
        meeting.save(update_fields=["status", "updated_at"])
    _schedule_reminders(meeting, note, created)
    return note


def _schedule_reminders(meeting: Meeting, note: SessionNote, created: list[ActionItem]) -> None:
    # In the note's transaction: the reminders exist exactly when the note does.
    action_points_schedule(meeting=meeting, note=note)
    if any(item.due_on for item in created):
        mentorship = Mentorship.objects.select_related("mentor", "mentee").get(
            pk=meeting.mentorship_id
        )
        action_items_due_schedule(items=created, mentorship=mentorship)


@transaction.atomic
def reflection_save(*, meeting: Meeting, author, text: str) -> Reflection | None:
    """The mentee's private reflection on a meeting; empty text removes it."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if author.pk != meeting.mentee_id:
        raise MeetingError("Only the mentee keeps reflections on a meeting.")
    if meeting.status == Meeting.Status.CANCELLED:
        raise MeetingError("This meeting was cancelled.")
    text = (text or "").strip()
    if len(text) > MAX_SECTION_CHARS:
        raise MeetingError("A reflection can hold up to 10,000 characters.", field="text")
    reflection = (
        Reflection.objects.select_for_update().filter(meeting=meeting, author=author).first()
    )
    if not text:
        if reflection is not None:
            reflection.delete()
        return None
    if reflection is None:
        reflection = Reflection(meeting=meeting, author=author)
    reflection.text = text
    reflection.save()
    return reflection


@transaction.atomic
def action_item_toggle(*, item_id: int, user) -> ActionItem:
    """Either member marks an action point done, or not done again."""
    item = ActionItem.objects.visible_to(user).select_for_update().filter(pk=item_id).first()
    if item is None:
        raise MeetingError("That action point was not found.")
    item.done_at = None if item.done_at else timezone.now()
    item.save(update_fields=["done_at"])
    if item.done_at is None and item.due_on:
        _due_reminder(item)  # reopened: its reminder may not have been written yet
    return item


def _due_reminder(item: ActionItem) -> None:
    mentorship = Mentorship.objects.select_related("mentor", "mentee").get(pk=item.mentorship_id)
    action_items_due_schedule(items=[item], mentorship=mentorship)


@transaction.atomic
def action_item_set_due(*, item_id: int, user, due_on: date | None) -> ActionItem:
    """Either member changes when an action point is due; its reminder follows the date.

    The reminder of the old date stays written and drops itself at its re-check.
    """
    item = ActionItem.objects.visible_to(user).select_for_update().filter(pk=item_id).first()
    if item is None:
        raise MeetingError("That action point was not found.")
    if due_on is not None and not isinstance(due_on, date):
        raise MeetingError("Give due dates as dates.", field="due_on")
    item.due_on = due_on
    item.save(update_fields=["due_on"])
    if due_on is not None and item.done_at is None:
        _due_reminder(item)
    return item
