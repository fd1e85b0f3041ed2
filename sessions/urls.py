from __future__ import annotations

from django.urls import path

from .views import availability, booking, feedback, feeds, notes

app_name = "meetings"

meeting = "meetings/<int:pk>"

urlpatterns = [
    # A mentor's own availability.
    path("availability/", availability.availability, name="availability"),
    path("availability/weekly/", availability.window_add, name="window_add"),
    path("availability/one-off/", availability.slot_add, name="slot_add"),
    path("availability/away/", availability.blackout_add, name="blackout_add"),
    path("availability/defaults/", availability.defaults_edit, name="defaults_edit"),
    path(
        "availability/<str:kind>/<int:pk>/remove/",
        availability.availability_remove,
        name="availability_remove",
    ),
    # Booking and meetings.
    path("meetings/", booking.meeting_list, name="meeting_list"),
    path("mentorships/<int:mentorship_pk>/book/", booking.book, name="book"),
    path("mentorships/<int:mentorship_pk>/propose/", booking.propose, name="propose"),
    path(f"{meeting}/", booking.meeting_detail, name="meeting_detail"),
    path(f"{meeting}/reschedule/", booking.meeting_reschedule, name="meeting_reschedule"),
    path(f"{meeting}/cancel/", booking.meeting_cancel, name="meeting_cancel"),
    path(f"{meeting}/respond/", booking.meeting_respond, name="meeting_respond"),
    path(f"{meeting}/mark/", booking.meeting_mark, name="meeting_mark"),
    path(f"{meeting}/agenda/", booking.agenda_add, name="agenda_add"),
    # How did it go? From the meeting page, or a signed link in the day-after email.
    path(f"{meeting}/feedback/", feedback.feedback, name="feedback"),
    path("meetings/feedback/<str:token>/", feedback.feedback_link, name="feedback_link"),
    # Notes, reflections, action items and agreements.
    path("meetings/<int:meeting_pk>/note/", notes.note_edit, name="note_edit"),
    path("meetings/<int:meeting_pk>/reflection/", notes.reflection_edit, name="reflection_edit"),
    path("action-items/", notes.action_items, name="action_items"),
    path("action-items/<int:pk>/done/", notes.action_item_toggle, name="action_item_toggle"),
    path(
        "mentorships/<int:mentorship_pk>/agreement/",
        notes.agreement_edit,
        name="agreement_edit",
    ),
    path(
        "mentorships/<int:mentorship_pk>/agreement/confirm/",
        notes.agreement_confirm,
        name="agreement_confirm",
    ),
    # A private calendar feed.
    path("calendar/", feeds.calendar_settings, name="calendar_settings"),
    path("calendar/revoke/", feeds.calendar_revoke, name="calendar_revoke"),
    path("calendar/<str:token>.ics", feeds.calendar_feed, name="calendar_feed"),
]
