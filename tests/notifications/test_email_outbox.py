"""Transactional emails go through the outbox: written with the change, sent by the worker.

A rendered message becomes a due-now row ("email:<name>") in the transaction that
makes it; after the commit a task is handed the row, and the dispatcher's sweep
sends anything that task missed. Delivery retries, backs off and dead-letters like a
reminder; no request ever talks to the mail server.
"""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from mentoring.notifications import services
from mentoring.notifications.emails import (
    build_email,
    email_queue,
    message_dump,
    message_load,
    send_email,
)
from mentoring.notifications.models import Notification, NotificationPreference
from tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db
Status = Notification.Status
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def mail_server_back(settings) -> None:
    settings.EMAIL_BACKEND = LOCMEM


def dispatch_later(hours: int = 1) -> int:
    """The dispatcher, run once the back-off of every failed row has passed."""
    return services.notifications_dispatch(now=timezone.now() + dt.timedelta(hours=hours))


def rows() -> list[Notification]:
    return list(Notification.objects.filter(kind__startswith="email:").order_by("pk"))


def _message(**extra) -> EmailMultiAlternatives:
    return build_email(
        "account_closed", to=["maya@example.org"], context={"recipient": None, **extra}
    )


# Writing and sending ---------------------------------------------------------------


def test_an_email_is_a_row_written_with_the_change_and_sent_only_after_the_commit(
    mentee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        send_email("account_closed", to=[mentee.email], context={"recipient": mentee})
        [row] = rows()
        assert mail.outbox == []
    assert (row.kind, row.status, row.recipient_id) == ("email:account_closed", "pending", None)
    assert row.due_at <= timezone.now()
    assert row.title == "Your account has been closed"
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    [sent] = mail.outbox
    assert sent.to == [mentee.email]
    row.refresh_from_db()
    assert row.status == Status.SENT and row.sent_at is not None
    # No copy of the message outlives its delivery.
    assert row.message is None


def test_a_rolled_back_change_writes_no_email(mentee, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        send_email("account_closed", to=[mentee.email], context={"recipient": mentee})
        raise RuntimeError("the change failed")
    assert rows() == []
    assert mail.outbox == []


def test_the_stored_message_is_encrypted_at_rest():
    with transaction.atomic():  # never committed: the row waits
        email_queue(_message(), name="account_closed")
    [row] = rows()
    with connection.cursor() as cursor:
        cursor.execute("SELECT message FROM notifications_notification WHERE id = %s", [row.pk])
        stored = cursor.fetchone()[0]
    assert "maya@example.org" not in stored
    assert "Your account has been closed" not in stored
    assert message_load(row.message).to == ["maya@example.org"]


def test_the_message_is_sent_as_rendered_with_every_part_and_attachment():
    original = _message()
    original.attach("meeting.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    original.attach("data.bin", b"\x00\x01\xff", "application/octet-stream")
    loaded = message_load(message_dump(original))
    assert (loaded.subject, loaded.body, loaded.from_email, loaded.to) == (
        original.subject,
        original.body,
        original.from_email,
        original.to,
    )
    assert loaded.alternatives == original.alternatives
    assert [tuple(a) for a in loaded.attachments] == [tuple(a) for a in original.attachments]
    assert loaded.reply_to == original.reply_to
    # The Message-ID is fixed when the row is written, so a retry is the same message.
    assert (
        loaded.extra_headers["Message-ID"]
        == message_load(message_dump(loaded)).extra_headers["Message-ID"]
    )


def test_with_no_worker_the_dispatcher_sweep_sends_what_is_waiting(mentee):
    # No commit hook ran (no worker, or the broker refused the hand-off): the row waits.
    with transaction.atomic():
        send_email("account_closed", to=[mentee.email], context={"recipient": mentee})
    assert mail.outbox == []
    assert services.notifications_dispatch() == 1
    assert [m.to for m in mail.outbox] == [[mentee.email]]
    assert services.notifications_dispatch() == 0
    assert len(mail.outbox) == 1


def test_a_broker_that_refuses_the_hand_off_leaves_the_row_for_the_sweep(
    mentee, django_capture_on_commit_callbacks
):
    from mentoring.notifications import tasks

    with (
        mock.patch.object(tasks.send_now, "apply_async", side_effect=OSError("no broker")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        send_email("account_closed", to=[mentee.email], context={"recipient": mentee})
    [row] = rows()
    assert row.status == Status.PENDING
    assert mail.outbox == []
    services.notifications_dispatch()
    assert len(mail.outbox) == 1


def test_after_a_refused_hand_off_requests_stop_trying_the_broker_for_a_while(
    mentee, django_capture_on_commit_callbacks
):
    """Each try with the broker down costs a request its connection timeout."""
    from mentoring.notifications import emails, tasks

    refused = mock.Mock(side_effect=OSError("no broker"))
    with mock.patch.object(tasks.send_now, "apply_async", refused):
        for _ in range(3):
            with django_capture_on_commit_callbacks(execute=True):
                send_email("account_closed", to=[mentee.email], context={"recipient": mentee})
        assert refused.call_count == 1
        later = emails.time.monotonic() + emails.HANDOFF_PAUSE_SECONDS + 1
        with (
            mock.patch.object(emails.time, "monotonic", return_value=later),
            django_capture_on_commit_callbacks(execute=True),
        ):
            send_email("account_closed", to=[mentee.email], context={"recipient": mentee})
        assert refused.call_count == 2
    # Nothing is lost: the sweep sends every waiting row.
    services.notifications_dispatch()
    assert len(mail.outbox) == 4


def test_no_email_is_written_while_emails_are_suppressed(mentee):
    from mentoring.notifications.emails import emails_suppressed

    with emails_suppressed():
        send_email("account_closed", to=[mentee.email], context={"recipient": mentee})
    assert rows() == []
    send_email("account_closed", to=[mentee.email], context={"recipient": mentee})
    assert len(rows()) == 1


def test_the_hand_off_sends_only_the_rows_the_change_wrote(
    mentee, mentor, django_capture_on_commit_callbacks
):
    with transaction.atomic():
        send_email("account_closed", to=[mentor.email], context={"recipient": mentor})
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        send_email("account_closed", to=[mentee.email], context={"recipient": mentee})
    assert [m.to for m in mail.outbox] == [[mentee.email]]
    assert [r.status for r in rows()] == [Status.PENDING, Status.SENT]


# The mail server is down -------------------------------------------------------------


def test_with_the_mail_server_down_the_email_waits_backs_off_and_goes_once_it_is_back(
    mentee, mail_server_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send_email("account_closed", to=[mentee.email], context={"recipient": mentee})
    [row] = rows()
    assert row.status == Status.PENDING
    assert row.attempts == 1
    assert "send:" in row.last_error
    assert row.due_at > timezone.now()  # backed off
    assert row.message  # kept until it is sent
    # A sweep before the back-off has passed leaves it alone.
    assert services.notifications_dispatch() == 0

    mail_server_back(mail_server_down)
    assert dispatch_later() == 1
    assert [m.to for m in mail.outbox] == [[mentee.email]]
    assert dispatch_later() == 0
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.status == Status.SENT


def test_an_email_that_keeps_failing_is_dead_lettered_with_its_message_kept(
    mentee, mail_server_down, django_capture_on_commit_callbacks
):
    mail_server_down.NOTIFICATIONS_MAX_ATTEMPTS = 3
    with transaction.atomic():
        send_email("account_closed", to=[mentee.email], context={"recipient": mentee})
    for hours in (1, 2, 3):
        dispatch_later(hours)
    [row] = rows()
    assert row.status == Status.DEAD
    assert row.attempts == 3
    assert row.message  # the admin's "try again" can still send it
    mail_server_back(mail_server_down)
    Notification.objects.filter(pk=row.pk).update(status=Status.PENDING, attempts=0)
    assert dispatch_later(4) == 1
    assert len(mail.outbox) == 1


# Whose email, and which preferences apply -------------------------------------------------


def test_transactional_emails_ignore_reminder_preferences_and_quiet_hours(
    mentee, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(user=mentee, kind="account_closed", channel="off")
    NotificationPreference.objects.create(user=mentee, kind="email:account_closed", channel="off")
    # 23:30 in London: a reminder would wait for the morning; this email does not.
    with (
        time_machine.travel(dt.datetime(2026, 11, 18, 23, 30, tzinfo=dt.UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        send_email(
            "account_closed", to=[mentee.email], context={"recipient": mentee}, in_app_for=mentee
        )
    assert len(mail.outbox) == 1


def test_an_email_for_an_account_closed_meanwhile_is_not_sent(mentee):
    with transaction.atomic():
        send_email(
            "account_closed", to=[mentee.email], context={"recipient": mentee}, in_app_for=mentee
        )
    mentee.is_active = False
    mentee.save(update_fields=["is_active"])
    services.notifications_dispatch()
    assert mail.outbox == []
    [row] = rows()
    assert row.status == Status.CANCELLED and row.message is None


def test_sent_emails_are_not_shown_twice_in_the_notifications_list(mentee):
    send_email(
        "account_closed", to=[mentee.email], context={"recipient": mentee}, in_app_for=mentee
    )
    assert len(mail.outbox) == 1
    # The event row shows it; the email's own row never does.
    assert [n.kind for n in Notification.objects.visible_to(mentee)] == ["event:account_closed"]


# From and Reply-To ---------------------------------------------------------------------


def test_every_email_replies_to_the_programmes_contact_address_when_it_has_one(db):
    programme = ProgrammeFactory(contact_email="scheme-team@nhs.example.org")
    message = build_email(
        "account_closed", to=["maya@example.org"], context={"programme": programme}
    )
    assert message.reply_to == ["scheme-team@nhs.example.org"]


def test_without_a_programme_contact_replies_go_to_the_configured_address(settings, db):
    settings.REPLY_TO_EMAIL = "helpdesk@trust.example.org"
    programme = ProgrammeFactory(contact_email="")
    for context in ({"programme": programme}, {}):
        message = build_email("account_closed", to=["maya@example.org"], context=context)
        assert message.reply_to == ["helpdesk@trust.example.org"]


def test_reply_to_defaults_to_the_support_address():
    from django.conf import settings as live

    assert live.REPLY_TO_EMAIL == live.SUPPORT_EMAIL


def test_the_sender_is_configured_per_deployment(settings, mentee):
    settings.DEFAULT_FROM_EMAIL = "North Trust Mentoring <mentoring@north.example.org>"
    settings.REPLY_TO_EMAIL = "mentoring-team@north.example.org"
    send_email("account_closed", to=[mentee.email], context={"recipient": mentee})
    [sent] = mail.outbox
    assert sent.from_email == "North Trust Mentoring <mentoring@north.example.org>"
    assert sent.reply_to == ["mentoring-team@north.example.org"]
    assert sent.message()["Reply-To"] == "mentoring-team@north.example.org"


def test_a_message_without_a_reply_to_gets_the_configured_one(settings):
    settings.REPLY_TO_EMAIL = "helpdesk@trust.example.org"
    bare = EmailMultiAlternatives("Hello", "Body", to=["maya@example.org"])
    with transaction.atomic():
        email_queue(bare, name="account/email/password_reset_key")
    [row] = rows()
    assert row.kind == "email:password_reset_key"
    assert message_load(row.message).reply_to == ["helpdesk@trust.example.org"]


def test_the_admin_never_shows_a_waiting_emails_rendered_message(rf, admin_user):
    from django.contrib import admin

    from mentoring.notifications.admin import NotificationAdmin

    with transaction.atomic():
        email_queue(_message(), name="account_closed")
    [row] = rows()
    request = rf.get("/")
    request.user = admin_user
    model_admin = NotificationAdmin(Notification, admin.site)
    shown = set(model_admin.get_fields(request, row)) | set(
        model_admin.get_readonly_fields(request, row)
    )
    assert "message" not in shown
    assert "title" in shown


def test_outside_any_transaction_the_email_is_handed_over_at_once(mentee):
    """allauth's views run in autocommit: the row is committed, then handed over."""
    email_queue(_message(), name="account/email/password_reset_key", recipient=mentee)
    [row] = rows()
    assert row.status == Status.SENT
    assert len(mail.outbox) == 1


def test_allauths_messages_go_through_the_outbox_with_a_reply_to(client, settings, mentee):
    settings.REPLY_TO_EMAIL = "helpdesk@trust.example.org"
    settings.DEFAULT_FROM_EMAIL = "Trust Mentoring <mentoring@trust.example.org>"
    response = client.post(reverse("account_reset_password"), {"email": mentee.email})
    assert response.status_code == 302
    [row] = rows()
    assert (row.kind, row.status, row.recipient_id) == (
        "email:password_reset_key",
        Status.SENT,
        mentee.pk,
    )
    [sent] = mail.outbox
    assert sent.reply_to == ["helpdesk@trust.example.org"]
    assert sent.from_email == "Trust Mentoring <mentoring@trust.example.org>"


def test_an_email_whose_renderer_fails_is_retried_not_lost(mentee):
    from mentoring.notifications.emails import Later, emails_queue_later

    with transaction.atomic():
        emails_queue_later([Later("no_such_email", {"x": 1}, mentee)])
    assert services.notifications_dispatch() == 1
    [row] = rows()
    assert row.status == Status.PENDING and row.attempts == 1
    assert "render:" in row.last_error and row.message
    assert mail.outbox == []
