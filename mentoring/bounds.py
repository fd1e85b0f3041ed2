"""Bounds on the numbers and dates a form accepts.

Python's dates end in the year 9999 and PostgreSQL's integers at 2**63 - 1: a value near
either edge passes a plain form field, then overflows when a service adds a meeting's
length or a query compares an id, and the person sees an error page. Every form field
that takes an id or a date is bounded here instead, with a message a person can act on.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible

ID_MIN = 1
ID_MAX = 2**63 - 1  # PostgreSQL's bigint, the type of every primary key
IDS_MAX = 500  # ids in one bulk action: more than a page of any list
YEAR = 365

# How far ahead and back each kind of date may be, in days.
MEETING_AHEAD = 2 * YEAR + 1  # meetings, availability and time away: within two years
MEETING_BACK = YEAR
PLAN_AHEAD = 5 * YEAR  # action points, pauses and programme dates
PLAN_BACK = 5 * YEAR


def _on(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


@deconstructible
class DateWithin:
    """A date no more than `back` days before and `ahead` days after today."""

    def __init__(self, *, back: int, ahead: int):
        self.back = back
        self.ahead = ahead

    def __call__(self, value) -> None:
        if value is None:
            return
        if isinstance(value, dt.datetime):
            value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        today = timezone.localdate()
        earliest = today - dt.timedelta(days=self.back)
        latest = today + dt.timedelta(days=self.ahead)
        if value > latest:
            raise ValidationError(
                f"Please choose a date on or before {_on(latest)}.", code="too_late"
            )
        if value < earliest:
            raise ValidationError(
                f"Please choose a date on or after {_on(earliest)}.", code="too_early"
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, DateWithin) and (self.back, self.ahead) == (
            other.back,
            other.ahead,
        )


def meeting_date(**kwargs) -> forms.DateField:
    """A date field for meetings and availability: within the next two years."""
    kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}))
    return forms.DateField(
        validators=[DateWithin(back=MEETING_BACK, ahead=MEETING_AHEAD)], **kwargs
    )


def plan_date(**kwargs) -> forms.DateField:
    """A date field for plans further out: due dates, pauses."""
    kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}))
    return forms.DateField(validators=[DateWithin(back=PLAN_BACK, ahead=PLAN_AHEAD)], **kwargs)


def id_field(**kwargs) -> forms.IntegerField:
    """An id sent back by a page (a hidden field, a select): a positive bigint."""
    kwargs.setdefault("error_messages", {})
    kwargs["error_messages"].setdefault("max_value", "That choice is not valid.")
    kwargs["error_messages"].setdefault("min_value", "That choice is not valid.")
    return forms.IntegerField(min_value=ID_MIN, max_value=ID_MAX, **kwargs)


def parse_id(value) -> int | None:
    """An id from a raw request value, or None if it is not one (non-numeric, out of range)."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if ID_MIN <= number <= ID_MAX else None


class IdListField(forms.Field):
    """Several ids (checkboxes on a list): each a positive bigint, at most IDS_MAX of them."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "invalid": "Some of the selected items are not valid.",
        "too_many": f"Please select at most {IDS_MAX} at a time.",
    }

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        if isinstance(value, str | int):
            value = [value]
        if len(value) > IDS_MAX:
            raise ValidationError(self.error_messages["too_many"], code="too_many")
        ids = {parse_id(v) for v in value}
        if None in ids:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return sorted(ids)
