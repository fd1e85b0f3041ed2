"""The notifications list, the bell, reminder settings and one-click unsubscribe."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from mentoring.notifications import preferences, services
from mentoring.notifications.models import Notification, NotificationPreference

from .test_outbox import test_kinds  # noqa: F401  (registers the test kinds)

Status = Notification.Status


def _delivered(user, n=1, *, status=Status.SENT, read=False, url="/meetings/1/"):
    now = timezone.now()
    start = Notification.objects.count()
    rows = [
        Notification(
            kind="test_reminder",
            subject_key=f"x:{start + i}",
            recipient=user,
            due_at=now,
            status=status,
            title=f"Reminder {start + i}",
            url=url,
            delivered_at=now,
            read_at=now if read else None,
        )
        for i in range(n)
    ]
    return Notification.objects.bulk_create(rows)


def test_anonymous_people_are_sent_to_sign_in(client):
    for name in ("notifications:list", "notifications:unread", "notifications:settings"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_list_shows_only_my_delivered_notifications(client, mentee, mentor):
    mine = _delivered(mentee)[0]
    _delivered(mentor)
    Notification.objects.create(
        kind="test_reminder", subject_key="x:9", recipient=mentee, due_at=timezone.now()
    )  # waiting: not shown yet
    client.force_login(mentee)
    response = client.get(reverse("notifications:list"))
    assert list(response.context["page_obj"]) == [mine]
    assert response.context["unread"] == 1


def test_the_list_is_paginated_with_a_fixed_number_of_queries(
    client, mentee, django_assert_max_num_queries
):
    _delivered(mentee, 60)
    client.force_login(mentee)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("notifications:list"), {"page": 2})
    assert len(response.context["page_obj"]) == 20


def test_the_bell_shows_the_unread_count(client, mentee):
    _delivered(mentee, 3)
    _delivered(mentee, 2, read=True)
    client.force_login(mentee)
    response = client.get(reverse("notifications:unread"))
    assert ">3<" in response.content.decode()
    client.force_login(_other(mentee))
    assert "badge" not in client.get(reverse("notifications:unread")).content.decode()


def _other(user):
    from tests.factories import UserFactory

    return UserFactory(email="someone.else@example.org")


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(client, mentee):
    n = _delivered(mentee)[0]
    client.force_login(mentee)
    response = client.get(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 302 and response["Location"] == "/meetings/1/"
    n.refresh_from_db()
    assert n.read_at is not None


@pytest.mark.parametrize("who", ["mentor", "coordinator", "outsider"])
def test_nobody_else_can_open_my_notification(client, mentee, who, request):
    n = _delivered(mentee)[0]
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("notifications:open", args=[n.pk])).status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_an_offsite_link_is_never_followed(client, mentee):
    n = _delivered(mentee, url="https://evil.example.com/")[0]
    client.force_login(mentee)
    response = client.get(reverse("notifications:open", args=[n.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_mark_all_read_touches_only_mine(client, mentee, mentor):
    _delivered(mentee, 2)
    theirs = _delivered(mentor)[0]
    client.force_login(mentee)
    assert client.get(reverse("notifications:mark_all_read")).status_code == 405
    client.post(reverse("notifications:mark_all_read"))
    assert not Notification.objects.filter(recipient=mentee, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_settings_save_a_choice_per_kind(client, mentee):
    client.force_login(mentee)
    page = client.get(reverse("notifications:settings"))
    assert "Test reminders" in page.content.decode()
    data = {k: "email" for k in preferences.preferences_for(mentee)}
    data["test_reminder"] = "digest"
    response = client.post(reverse("notifications:settings"), data)
    assert response.status_code == 302
    assert preferences.preference_for(mentee.pk, "test_reminder") == "digest"


def test_settings_show_only_the_reminders_that_can_reach_the_person(client, mentee, coordinator):
    client.force_login(mentee)
    page = client.get(reverse("notifications:settings")).content.decode()
    assert "As a mentee" in page and "As a coordinator" not in page
    client.force_login(coordinator)
    page = client.get(reverse("notifications:settings")).content.decode()
    assert "As a coordinator" in page and "As a mentee" not in page


def test_settings_with_bad_input_change_nothing(client, mentee):
    client.force_login(mentee)
    data = {k: "email" for k in preferences.preferences_for(mentee)}
    data["test_reminder"] = "carrier-pigeon"
    response = client.post(reverse("notifications:settings"), data)
    assert response.status_code == 400
    assert "Please choose one option" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_an_unsubscribe_link_shows_a_button_and_changes_nothing_on_get(client, mentee):
    token = preferences.unsubscribe_token(mentee.pk, "test_reminder")
    response = client.get(reverse("notifications:unsubscribe", args=[token]))
    assert response.status_code == 200 and "Test reminders" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_a_signed_out_person_unsubscribes_with_one_click(client, mentee):
    token = preferences.unsubscribe_token(mentee.pk, "test_reminder")
    response = client.post(reverse("notifications:unsubscribe", args=[token]))
    assert response.status_code == 200 and "Done" in response.content.decode()
    assert preferences.preference_for(mentee.pk, "test_reminder") == "off"


def test_a_mail_client_one_click_post_works_without_a_csrf_token(mentee):
    from django.test import Client

    token = preferences.unsubscribe_token(mentee.pk, "test_reminder")
    response = Client(enforce_csrf_checks=True).post(
        reverse("notifications:unsubscribe", args=[token]), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200 and response.content == b"Unsubscribed."
    assert preferences.preference_for(mentee.pk, "test_reminder") == "off"


def test_the_digest_link_turns_off_every_optional_kind(client, mentee):
    token = preferences.unsubscribe_token(mentee.pk, preferences.ALL_OPTIONAL)
    client.post(reverse("notifications:unsubscribe", args=[token]))
    assert set(preferences.preferences_for(mentee).values()) == {"off"}


def test_a_tampered_or_foreign_token_is_refused(client, mentee, mentor):
    token = preferences.unsubscribe_token(mentee.pk, "test_reminder")
    forged = token.replace(token[-5:], "AAAAA")
    assert client.post(reverse("notifications:unsubscribe", args=[forged])).status_code == 404
    essential = preferences.unsubscribe_token(mentee.pk, "test_essential")
    assert client.post(reverse("notifications:unsubscribe", args=[essential])).status_code == 404
    assert not NotificationPreference.objects.exists()


def test_run_reminders_sends_what_is_due(mentee, capsys):
    from django.core import mail
    from django.core.management import call_command

    services.notification_schedule(
        kind="test_reminder",
        subject=mentee,
        recipient_id=mentee.pk,
        due_at=timezone.now() - dt.timedelta(minutes=1),
    )
    mentee.time_zone = "UTC"
    mentee.save(update_fields=["time_zone"])
    import time_machine

    with time_machine.travel(dt.datetime(2026, 11, 18, 12, tzinfo=dt.UTC), tick=False):
        Notification.objects.update(due_at=timezone.now())
        call_command("run_reminders", "--kind", "test_reminder")
    assert "1 sent" in capsys.readouterr().out
    assert len(mail.outbox) == 1


def test_run_reminders_refuses_an_unknown_kind():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="unknown kind"):
        call_command("run_reminders", "--kind", "nope")
