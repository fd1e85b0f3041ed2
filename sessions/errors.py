from __future__ import annotations

from programmes.errors import ProgrammeError


class MeetingError(ProgrammeError):
    """A meetings rule was broken; the message is written for the person acting."""
