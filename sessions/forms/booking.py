"""Forms for availability, booking, proposing and changing meetings."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django import forms

from mentoring.bounds import meeting_date
from mentoring.vocabulary import MeetingMode

from ..models import AvailabilityWindow

WEEKDAYS = AvailabilityWindow._meta.get_field("weekday").choices
DATE = forms.DateInput(attrs={"type": "date"})
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _modes_field(label: str = "Ways to meet") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=MeetingMode.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[MeetingMode.VIDEO],
    )


def local_moment(day: dt.date, at: dt.time, zone: zoneinfo.ZoneInfo) -> dt.datetime | None:
    """The moment a wall-clock time happens in a zone, or None if the clocks skip it."""
    moment = dt.datetime.combine(day, at, tzinfo=zone)
    back = moment.astimezone(dt.UTC).astimezone(zone)
    if back.replace(tzinfo=None) != moment.replace(tzinfo=None):
        return None
    return moment


class WindowForm(forms.Form):
    weekday = forms.TypedChoiceField(label="Day", choices=WEEKDAYS, coerce=int)
    start_time = forms.TimeField(label="From", widget=TIME)
    end_time = forms.TimeField(label="Until", widget=TIME)
    modes = _modes_field()

    def clean(self):
        data = super().clean()
        if (
            data.get("start_time")
            and data.get("end_time")
            and data["end_time"] <= data["start_time"]
        ):
            self.add_error("end_time", "The window must end after it starts.")
        return data


class SlotForm(forms.Form):
    day = meeting_date(label="Date", widget=DATE)
    start_time = forms.TimeField(label="From", widget=TIME)
    end_time = forms.TimeField(label="Until", widget=TIME)
    modes = _modes_field()

    def __init__(self, *args, zone: zoneinfo.ZoneInfo, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        starts = local_moment(data["day"], data["start_time"], self.zone)
        ends = local_moment(data["day"], data["end_time"], self.zone)
        if starts is None or ends is None:
            raise forms.ValidationError("The clocks change at that time; please choose another.")
        if ends <= starts:
            self.add_error("end_time", "The time must end after it starts.")
        data["starts_at"], data["ends_at"] = starts, ends
        return data


class BlackoutForm(forms.Form):
    starts_on = meeting_date(label="First day away", widget=DATE)
    ends_on = meeting_date(label="Last day away", widget=DATE)
    note = forms.CharField(
        label="Reason (optional, only you see it)", max_length=120, required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "The last day cannot be before the first.")
        return data


class DefaultsForm(forms.Form):
    video_link = forms.URLField(label="Default video link", required=False, assume_scheme="https")
    location = forms.CharField(label="Default meeting place", max_length=300, required=False)


class BookForm(forms.Form):
    slot = forms.ChoiceField(
        label="Time",
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": "That time is no longer free. Please choose another.",
            "required": "Choose a time.",
        },
    )
    mode = forms.ChoiceField(label="How would you like to meet?", choices=MeetingMode.choices)

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = [
            (s.value, f"{s.starts_at:%a %d %b, %H:%M}–{s.ends_at:%H:%M}") for s in slots
        ]

    def clean_slot(self):
        value = self.cleaned_data["slot"]
        return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)


class WhenForm(forms.Form):
    """A date and time in the person's own time zone."""

    day = meeting_date(label="Date", widget=DATE)
    time = forms.TimeField(label="Start time", widget=TIME)

    def __init__(self, *args, zone: zoneinfo.ZoneInfo, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.fields["time"].help_text = f"In your time zone ({zone.key.replace('_', ' ')})."

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        starts = local_moment(data["day"], data["time"], self.zone)
        if starts is None:
            raise forms.ValidationError("The clocks change at that time; please choose another.")
        data["starts_at"] = starts
        return data


class ProposeForm(WhenForm):
    mode = forms.ChoiceField(label="How would you like to meet?", choices=MeetingMode.choices)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Reason (optional, shared with the other person)",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AgendaForm(forms.Form):
    text = forms.CharField(
        label="Something to talk about",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
