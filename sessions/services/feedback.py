"""The mentee's one-click "how did it go?" after a meeting (1-5), for programme evaluation.

The email carries one signed link per rating. Mail scanners follow links, so a link
only opens a page with the rating chosen and a "Send" button; the rating is recorded
on POST, by the signed-in mentee of that meeting only.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing
from django.db import transaction
from django.utils import timezone

from ..errors import MeetingError
from ..models import Meeting, MeetingFeedback

SALT = "mentoring_sessions.meeting_feedback"
# Long enough for someone back from leave; the meeting page offers the same form anyway.
LINK_MAX_AGE = 60 * 60 * 24 * 90
RATINGS = (1, 2, 3, 4, 5)
RATING_LABELS = {
    1: "Not helpful",
    2: "A little helpful",
    3: "Helpful",
    4: "Very helpful",
    5: "Extremely helpful",
}


@dataclass(frozen=True)
class FeedbackLink:
    meeting_id: int
    mentee_id: int
    rating: int


def feedback_token(*, meeting_id: int, mentee_id: int, rating: int) -> str:
    return signing.dumps({"m": meeting_id, "u": mentee_id, "r": rating}, salt=SALT)


def feedback_token_read(token: str) -> FeedbackLink:
    """What a link says; raises signing.BadSignature (expired included) for anything else."""
    data = signing.loads(token, salt=SALT, max_age=LINK_MAX_AGE)
    try:
        link = FeedbackLink(int(data["m"]), int(data["u"]), int(data["r"]))
    except (KeyError, TypeError, ValueError) as error:
        raise signing.BadSignature("not a feedback link") from error
    if link.rating not in RATINGS:
        raise signing.BadSignature("not a rating")
    return link


def can_give_feedback(meeting: Meeting) -> bool:
    """A meeting that has ended and was not cancelled or missed."""
    return (
        meeting.status in (Meeting.Status.CONFIRMED, Meeting.Status.HELD)
        and meeting.ends_at <= timezone.now()
    )


@transaction.atomic
def feedback_record(*, meeting: Meeting, by, rating: int) -> MeetingFeedback:
    """Record or change the mentee's rating of a meeting."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if by.pk != meeting.mentee_id:
        raise MeetingError("Only the mentee rates a meeting.")
    if not can_give_feedback(meeting):
        raise MeetingError("You can say how it went once the meeting has taken place.")
    if rating not in RATINGS:
        raise MeetingError("Choose a rating from 1 to 5.", field="rating")
    # The meeting's row lock makes two sends at once (a double click) wait for each other.
    feedback, _ = MeetingFeedback.objects.update_or_create(
        meeting=meeting, mentee=by, defaults={"rating": rating}
    )
    return feedback
