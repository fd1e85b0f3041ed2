from __future__ import annotations


class ProgrammeError(Exception):
    """A domain rule was broken; the message is written for the person acting."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
