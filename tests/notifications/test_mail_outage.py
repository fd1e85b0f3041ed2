"""With the mail server down, every action that emails still answers normally.

The request writes its emails to the outbox and returns; the delivery (run inline
here, as CELERY_TASK_ALWAYS_EAGER runs tasks) fails, backs off and leaves the rows
waiting. Once the server is back, a dispatch sends each email exactly once.
"""

from __future__ import annotations

import socket
from collections import Counter
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import connection, transaction
from django.urls import reverse

from mentoring.notifications import services, tasks
from mentoring.notifications.emails import message_for
from mentoring.notifications.models import Notification
from programmes.models import Invitation
from programmes.services import invitations
from programmes.services.invitation_import import MAX_IMPORT_ROWS
from programmes.services.invitations import invitation_create, invitation_revoke
from tests.factories import ApplicationFactory
from tests.sessions.booking_setup import NOW, make_mentorship, monday_mornings

from .test_email_outbox import dispatch_later, mail_server_back

pytestmark = pytest.mark.django_db
Status = Notification.Status
NEW_PASSWORD = "a-long-and-unusual-passphrase"


def email_rows():
    return Notification.objects.filter(kind__startswith="email:").order_by("pk")


def request_a_mentor(client, cast):
    client.force_login(cast["mentee"])
    url = reverse(
        "matching:request_create",
        kwargs={"slug": cast["programme"].slug, "mentor_id": cast["mentor"].pk},
    )
    return client.post(url, {"message": "Help me find my feet."}), cast["mentor"].email


def book_a_meeting(client, cast):
    monday_mornings(cast["mentor"])
    pair = make_mentorship(cast["programme"], cast["mentor"], cast["mentee"])
    client.force_login(cast["mentee"])
    url = reverse("meetings:book", kwargs={"mentorship_pk": pair.pk})
    return client.post(url, {"slot": "2026-10-19T08:00:00Z", "mode": "video"}), cast["mentor"].email


def decide_an_application(client, cast):
    application = ApplicationFactory(programme=cast["programme"])
    client.force_login(cast["coordinator"])
    url = reverse(
        "programmes:application_decide",
        kwargs={"slug": cast["programme"].slug, "pk": application.pk},
    )
    return client.post(url, {"decision": "approve"}), application.applicant.email


def invite_someone(client, cast):
    client.force_login(cast["coordinator"])
    url = reverse("programmes:invitations", kwargs={"slug": cast["programme"].slug})
    data = {"email": "priya.shah@example.org", "full_name": "Dr Priya Shah", "role": "mentor"}
    return client.post(url, data), "priya.shah@example.org"


def sign_up(client, cast):
    data = {
        "full_name": "Dr Priya Shah",
        "email": "priya.shah@example.org",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    return client.post(reverse("account_signup"), data), "priya.shah@example.org"


def reset_a_password(client, cast):
    data = {"email": cast["mentee"].email}
    return client.post(reverse("account_reset_password"), data), cast["mentee"].email


ACTIONS = [
    request_a_mentor,
    book_a_meeting,
    decide_an_application,
    invite_someone,
    sign_up,
    reset_a_password,
]


@pytest.fixture(autouse=True)
def _clear_cache():
    """allauth's rate limits (one confirmation per address every few minutes) live here."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def cast(programme, coordinator, mentor, mentee):
    return {"programme": programme, "coordinator": coordinator, "mentor": mentor, "mentee": mentee}


@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.__name__)
def test_an_action_that_emails_answers_normally_with_the_mail_server_down(
    action, client, cast, mail_server_down, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW, tick=True):
        with django_capture_on_commit_callbacks(execute=True):
            response, addressee = action(client, cast)

        assert response.status_code == 302, response.content[:500]
        waiting = list(email_rows())
        assert waiting, "the action wrote its emails to the outbox"
        assert {r.status for r in waiting} == {Status.PENDING}
        assert all(r.attempts == 1 and "send:" in r.last_error for r in waiting)
        addressed = Counter(a for r in waiting for a in message_for(r.message).to)
        assert addressee in addressed
        assert mail.outbox == []

        mail_server_back(mail_server_down)
        assert dispatch_later() == len(waiting)
        assert dispatch_later() == 0
    assert Counter(a for m in mail.outbox for a in m.to) == addressed
    assert {r.status for r in email_rows()} == {Status.SENT}


def _recorder(calls: list):
    return lambda *args, **kwargs: calls.append(kwargs or {"args": args})


def _blackhole():
    """A mail server that accepts the connection and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(50)
    return server


@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.__name__)
def test_the_request_only_writes_rows_and_hands_them_to_the_broker(
    action, client, cast, settings, django_capture_on_commit_callbacks
):
    """With a worker (the default outside tests), the request never opens a connection."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with _blackhole() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = server.getsockname()
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 30
        published, sent = [], []
        with (
            mock.patch.object(tasks.send_now, "apply_async", side_effect=_recorder(published)),
            mock.patch.object(SMTPBackend, "send_messages", side_effect=_recorder(sent)),
            time_machine.travel(NOW, tick=True),
            # No connection is opened in the request (sent stays empty): it cannot wait
            # on the silent server, whose 30-second timeout a request used to sit out.
            django_capture_on_commit_callbacks(execute=True),
        ):
            response, _ = action(client, cast)
    assert response.status_code == 302
    assert sent == []
    handed = [pk for call in published for pk in call["args"][0]]
    assert sorted(handed) == [r.pk for r in email_rows()]
    assert {r.status for r in email_rows()} == {Status.PENDING}


# Large imports -----------------------------------------------------------------------


def _csv(rows: int) -> SimpleUploadedFile:
    text = "email,role\n" + "".join(f"p{n}@example.org,mentee\n" for n in range(rows))
    return SimpleUploadedFile("invitations.csv", text.encode(), content_type="text/csv")


def test_two_thousand_invitations_write_two_thousand_rows_in_a_bounded_number_of_queries(
    client, programme, coordinator, mail_server_down, django_assert_max_num_queries
):
    client.force_login(coordinator)
    url = reverse("programmes:invitation_upload", kwargs={"slug": programme.slug})
    # Invitations and emails are each inserted in a few batches, whatever the file's size,
    # and no email is rendered in the request: the worker renders each as it sends it.
    with (
        django_assert_max_num_queries(60),
        mock.patch.object(invitations, "build_email", wraps=invitations.build_email) as render,
    ):
        response = client.post(url, {"file": _csv(MAX_IMPORT_ROWS)})
    assert response.status_code == 302
    assert render.call_count == 0
    assert Invitation.objects.count() == MAX_IMPORT_ROWS
    rows = email_rows()
    assert rows.count() == MAX_IMPORT_ROWS
    assert set(rows.values_list("kind", "status").distinct()) == {("email:invitation", "pending")}
    assert mail.outbox == []
    # The dispatcher hands every one of them on, in chunks, without sending them itself.
    handed = []
    services.notifications_dispatch(enqueue=lambda pk, token: handed.append(pk))
    assert sorted(handed) == sorted(rows.values_list("pk", flat=True))


def test_an_import_hands_its_emails_over_in_a_few_tasks(
    client, programme, coordinator, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    client.force_login(coordinator)
    url = reverse("programmes:invitation_upload", kwargs={"slug": programme.slug})
    published = []
    with (
        mock.patch.object(tasks.send_now, "apply_async", side_effect=_recorder(published)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.post(url, {"file": _csv(1200)})
    assert [len(call["args"][0]) for call in published] == [500, 500, 200]


def test_imported_invitations_flow_from_the_outbox_once_the_commit_hands_them_on(
    client, programme, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    url = reverse("programmes:invitation_upload", kwargs={"slug": programme.slug})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"file": _csv(30)})
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"p{n}@example.org" for n in range(30))
    assert set(email_rows().values_list("status", flat=True)) == {Status.SENT}


def test_an_invitation_withdrawn_before_its_email_went_is_not_sent(programme, coordinator):
    with transaction.atomic():
        issued = invitation_create(
            programme=programme,
            email="priya.shah@example.org",
            role="mentor",
            invited_by=coordinator,
        )
    invitation_revoke(invitation=issued.invitation)
    services.notifications_dispatch()
    assert mail.outbox == []
    [row] = email_rows()
    assert row.status == Status.CANCELLED and row.message is None


def test_an_invitation_row_keeps_its_link_encrypted_and_is_titled_once_sent(programme, coordinator):
    with transaction.atomic():
        issued = invitation_create(
            programme=programme,
            email="priya.shah@example.org",
            role="mentor",
            invited_by=coordinator,
        )
    [row] = email_rows()
    with connection.cursor() as cursor:
        cursor.execute("SELECT message FROM notifications_notification WHERE id = %s", [row.pk])
        assert issued.token not in cursor.fetchone()[0]
    services.notifications_dispatch()
    [sent] = mail.outbox
    assert issued.token in sent.body
    row.refresh_from_db()
    assert row.status == Status.SENT
    assert row.title and row.title in sent.subject
