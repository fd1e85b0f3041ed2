from __future__ import annotations

from programmes.errors import ProgrammeError


class MatchingError(ProgrammeError):
    """A matching rule was broken; the message is written for the person acting."""
