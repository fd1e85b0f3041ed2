"""The reminder machinery: schedule, claim, deliver once, preferences, quiet hours, failures.

A test kind ("test_reminder") stands in for the real ones, which have their own tests
beside their apps; its render re-reads a flag the test controls.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine
from django.core import mail

from mentoring.notifications import preferences, registry, services
from mentoring.notifications.models import Notification, NotificationPreference

Status = Notification.Status
LONDON_NOON = dt.datetime(2026, 11, 18, 12, 0, tzinfo=dt.UTC)  # a Wednesday, GMT
WHAT = {"outcome": "send"}


def _render(n: Notification):
    if WHAT["outcome"] == "cancel":
        return None
    if WHAT["outcome"] == "defer":
        return registry.Defer(until=n.due_at + dt.timedelta(days=3))
    if WHAT["outcome"] == "boom":
        raise RuntimeError("render failed")
    item = SimpleNamespace(title="Your meeting is tomorrow", url="/meetings/1/")
    return registry.Message(
        template="reminder_digest", context={"items": [item], "site_url": ""}, url="/meetings/1/"
    )


TEST_KIND = registry.Kind(name="test_reminder", label="Test reminders", render=_render)
ESSENTIAL = registry.Kind(
    name="test_essential", label="Test essential", render=_render, optional=False
)


@pytest.fixture(autouse=True)
def test_kinds():
    WHAT["outcome"] = "send"
    for k in (TEST_KIND, ESSENTIAL):
        registry._KINDS[k.name] = k
    yield
    for k in (TEST_KIND, ESSENTIAL):
        registry._KINDS.pop(k.name, None)


def _schedule(user, due=LONDON_NOON, kind="test_reminder", occurrence="1"):
    services.notification_schedule(
        kind=kind, subject=user, recipient_id=user.pk, due_at=due, occurrence=occurrence
    )
    return Notification.objects.get(kind=kind, recipient=user, occurrence=occurrence)


def test_scheduling_twice_writes_one_row(mentee):
    _schedule(mentee)
    _schedule(mentee, due=LONDON_NOON + dt.timedelta(hours=1))
    assert Notification.objects.count() == 1
    assert Notification.objects.get().due_at == LONDON_NOON


def test_a_due_reminder_is_sent_once_and_shown_in_the_app(mentee, deliver_reminders):
    n = _schedule(mentee)
    assert deliver_reminders(LONDON_NOON, sweeps=False) == ["sent"]
    assert deliver_reminders(LONDON_NOON + dt.timedelta(hours=1), sweeps=False) == []
    assert len(mail.outbox) == 1
    n.refresh_from_db()
    assert n.status == Status.SENT and n.attempts == 1
    assert n.title == "Your weekly reminders: 1 item" and n.url == "/meetings/1/"
    assert n.delivered_at is not None and n.lease_token is None


def test_a_reminder_not_yet_due_waits(mentee, deliver_reminders):
    _schedule(mentee, due=LONDON_NOON + dt.timedelta(minutes=1))
    assert deliver_reminders(LONDON_NOON, sweeps=False) == []
    assert mail.outbox == []


def test_a_repeated_delivery_of_the_same_claim_sends_nothing_more(mentee):
    n = _schedule(mentee)
    token, ids = services.notifications_claim(now=LONDON_NOON)
    assert ids == [n.pk]
    deliver = services.notification_deliver
    assert deliver(notification_id=n.pk, token=token, now=LONDON_NOON) == "sent"
    assert deliver(notification_id=n.pk, token=token, now=LONDON_NOON) == "not-ours"
    assert len(mail.outbox) == 1


def test_an_expired_lease_is_claimed_again_and_the_old_claim_is_void(mentee, settings):
    n = _schedule(mentee)
    old, _ = services.notifications_claim(now=LONDON_NOON)
    # Nothing new to claim while the lease runs.
    assert services.notifications_claim(now=LONDON_NOON)[1] == []
    later = LONDON_NOON + dt.timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS + 1)
    new, ids = services.notifications_claim(now=later)
    assert ids == [n.pk]
    assert services.notification_deliver(notification_id=n.pk, token=old, now=later) == "not-ours"
    assert services.notification_deliver(notification_id=n.pk, token=new, now=later) == "sent"
    assert len(mail.outbox) == 1


def test_a_reminder_no_longer_needed_is_cancelled(mentee, deliver_reminders):
    WHAT["outcome"] = "cancel"
    n = _schedule(mentee)
    assert deliver_reminders(LONDON_NOON, sweeps=False) == ["cancelled"]
    n.refresh_from_db()
    assert n.status == Status.CANCELLED and mail.outbox == []
    assert not Notification.objects.visible_to(mentee).exists()


def test_a_deferred_reminder_waits_until_the_new_time(mentee, deliver_reminders):
    WHAT["outcome"] = "defer"
    n = _schedule(mentee)
    assert deliver_reminders(LONDON_NOON, sweeps=False) == ["deferred"]
    n.refresh_from_db()
    assert n.status == Status.PENDING and n.due_at == LONDON_NOON + dt.timedelta(days=3)


def test_cancelling_by_subject_stops_waiting_reminders(mentee, mentor, deliver_reminders):
    _schedule(mentee)
    _schedule(mentor)
    assert services.notifications_cancel(subject=mentee, kinds=["test_reminder"]) == 1
    assert deliver_reminders(LONDON_NOON, sweeps=False) == ["sent"]
    assert mail.outbox[0].to == [mentor.email]


def test_an_optional_email_carries_one_click_unsubscribe(mentee, deliver_reminders):
    _schedule(mentee)
    deliver_reminders(LONDON_NOON, sweeps=False)
    message = mail.outbox[0]
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert "/notifications/unsubscribe/" in url
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = message.alternatives[0][0]
    assert url in message.body and url in html
    assert "/notifications/settings/" in message.body


def test_someone_who_turned_a_kind_off_sees_it_in_the_app_only(mentee, deliver_reminders):
    NotificationPreference.objects.create(user=mentee, kind="test_reminder", channel="off")
    n = _schedule(mentee)
    assert deliver_reminders(LONDON_NOON, sweeps=False) == ["muted"]
    assert mail.outbox == []
    n.refresh_from_db()
    assert n.status == Status.MUTED
    assert list(Notification.objects.visible_to(mentee)) == [n]


def test_an_essential_kind_ignores_preferences_and_quiet_hours(mentee, deliver_reminders):
    NotificationPreference.objects.create(user=mentee, kind="test_essential", channel="off")
    night = dt.datetime(2026, 11, 18, 23, 30, tzinfo=dt.UTC)
    _schedule(mentee, due=night, kind="test_essential")
    assert deliver_reminders(night, sweeps=False) == ["sent"]
    assert "List-Unsubscribe" not in mail.outbox[0].extra_headers


@pytest.mark.parametrize(
    ("zone", "utc_now", "morning"),
    [
        # 22:30 in London waits for 07:00 the next day.
        ("Europe/London", dt.datetime(2026, 11, 18, 22, 30), dt.datetime(2026, 11, 19, 7, 0)),
        # 05:00 in London waits for 07:00 the same day.
        ("Europe/London", dt.datetime(2026, 11, 18, 5, 0), dt.datetime(2026, 11, 18, 7, 0)),
        # 14:00 UTC is 23:00 in Tokyo: 07:00 Tokyo is 22:00 UTC.
        ("Asia/Tokyo", dt.datetime(2026, 11, 18, 14, 0), dt.datetime(2026, 11, 18, 22, 0)),
        # Summer time: 21:30 in London is 20:30 UTC; 07:00 BST is 06:00 UTC.
        ("Europe/London", dt.datetime(2026, 7, 1, 20, 30), dt.datetime(2026, 7, 2, 6, 0)),
    ],
)
def test_no_optional_reminder_lands_in_the_night(mentee, deliver_reminders, zone, utc_now, morning):
    mentee.time_zone = zone
    mentee.save(update_fields=["time_zone"])
    now = utc_now.replace(tzinfo=dt.UTC)
    n = _schedule(mentee, due=now)
    assert deliver_reminders(now, sweeps=False) == ["quiet-hours"]
    n.refresh_from_db()
    assert n.status == Status.PENDING and n.due_at == morning.replace(tzinfo=dt.UTC)
    assert deliver_reminders(n.due_at, sweeps=False) == ["sent"]


def test_the_weekly_digest_gathers_what_the_person_chose_to_receive_that_way(
    mentee, deliver_reminders
):
    NotificationPreference.objects.create(user=mentee, kind="test_reminder", channel="digest")
    _schedule(mentee, occurrence="1")
    _schedule(mentee, occurrence="2")
    assert deliver_reminders(LONDON_NOON, sweeps=False) == ["digest", "digest"]
    assert mail.outbox == []
    digest = Notification.objects.get(kind="digest")
    # Wednesday 18 November: the digest waits for Monday 23 November, 08:00 London.
    assert digest.due_at == dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)
    assert digest.occurrence == "2026-W48"
    assert deliver_reminders(digest.due_at, sweeps=False) == ["sent"]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].body.count("Your weekly reminders: 1 item") == 2
    assert Notification.objects.filter(status=Status.DIGESTED).count() == 2
    # The digest's own unsubscribe link turns off every optional kind.
    assert "List-Unsubscribe" in mail.outbox[0].extra_headers


def test_a_failing_send_is_retried_later_then_marked_dead(mentee, settings, monkeypatch):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    n = _schedule(mentee)

    def refuse(*args, **kwargs):
        raise OSError("mail server refused")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    token, _ = services.notifications_claim(now=LONDON_NOON)
    assert services.notification_deliver(notification_id=n.pk, token=token, now=LONDON_NOON) == (
        "retry"
    )
    n.refresh_from_db()
    assert n.status == Status.PENDING and n.due_at == LONDON_NOON + dt.timedelta(minutes=2)
    assert "mail server refused" in n.last_error
    token, _ = services.notifications_claim(now=n.due_at)
    assert services.notification_deliver(notification_id=n.pk, token=token, now=n.due_at) == (
        "dead"
    )
    n.refresh_from_db()
    assert n.status == Status.DEAD


def test_each_retry_of_a_failing_send_waits_twice_as_long(mentee, settings, monkeypatch):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 5
    n = _schedule(mentee)

    def refuse(*args, **kwargs):
        raise OSError("mail server refused")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    waits = []
    for _ in range(3):
        now = n.due_at
        token, _ = services.notifications_claim(now=now)
        assert services.notification_deliver(notification_id=n.pk, token=token, now=now) == "retry"
        n.refresh_from_db()
        waits.append(n.due_at - now)
    assert waits == [dt.timedelta(minutes=m) for m in (2, 4, 8)]


def test_a_digest_lists_at_most_its_limit_oldest_first(mentee):
    for i in range(services.DIGEST_MAX_ITEMS + 1):
        Notification.objects.create(
            kind="test_reminder",
            subject_key=f"test:{i}",
            recipient=mentee,
            due_at=LONDON_NOON,
            status=Status.DIGEST,
            delivered_at=LONDON_NOON + dt.timedelta(seconds=i),
        )
    items = services.digest_items(mentee.pk)
    assert len(items) == services.DIGEST_MAX_ITEMS
    assert items[0].subject_key == "test:0"


def test_one_broken_reminder_does_not_stop_the_others(mentee, mentor, deliver_reminders):
    WHAT["outcome"] = "boom"
    _schedule(mentee)
    assert deliver_reminders(LONDON_NOON, sweeps=False) == ["retry"]
    WHAT["outcome"] = "send"
    _schedule(mentor)
    assert deliver_reminders(LONDON_NOON, sweeps=False) == ["sent"]
    assert mail.outbox[0].to == [mentor.email]


def test_a_row_redelivered_more_times_than_the_cap_is_dead(mentee, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    n = _schedule(mentee)
    Notification.objects.filter(pk=n.pk).update(attempts=3)
    token, _ = services.notifications_claim(now=LONDON_NOON)
    assert services.notification_deliver(notification_id=n.pk, token=token, now=LONDON_NOON) == (
        "dead"
    )
    assert mail.outbox == []


def test_a_deactivated_recipient_gets_nothing(mentee, deliver_reminders):
    mentee.is_active = False
    mentee.save(update_fields=["is_active"])
    _schedule(mentee)
    assert deliver_reminders(LONDON_NOON, sweeps=False) == ["cancelled"]


def test_an_unknown_kind_is_dead_not_stuck(mentee, deliver_reminders):
    _schedule(mentee, kind="no_such_kind")
    assert deliver_reminders(LONDON_NOON, sweeps=False) == ["dead"]


def test_with_the_broker_down_rows_stay_claimed_and_go_once_it_is_back(
    mentee, mentor, settings, deliver_reminders
):
    _schedule(mentee)
    _schedule(mentor)

    def broker_down(pk, token):
        raise ConnectionError("broker unreachable")

    assert services.notifications_dispatch(now=LONDON_NOON, enqueue=broker_down) == 0
    assert Notification.objects.filter(status=Status.LEASED).count() == 2
    # The same minute: still leased, nothing sent twice.
    assert deliver_reminders(LONDON_NOON, sweeps=False) == []
    later = LONDON_NOON + dt.timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS + 1)
    assert deliver_reminders(later, sweeps=False) == ["sent", "sent"]
    assert len(mail.outbox) == 2


def test_dispatch_works_in_chunks(mentee, deliver_reminders):
    for i in range(7):
        _schedule(mentee, occurrence=str(i))
    handed = []
    count = services.notifications_dispatch(
        now=LONDON_NOON, chunk=3, enqueue=lambda pk, token: handed.append((pk, token))
    )
    assert count == 7 and len({pk for pk, _ in handed}) == 7
    assert len({token for _, token in handed}) == 3


def test_the_celery_tasks_deliver_through_the_worker_path(mentee):
    from mentoring.notifications.tasks import dispatch

    _schedule(mentee)
    with time_machine.travel(LONDON_NOON, tick=False):
        assert dispatch.delay().get() == 1  # eager in tests: deliver runs inline
    assert len(mail.outbox) == 1


def test_preferences_refuse_unknown_kinds_and_channels(mentee):
    with pytest.raises(ValueError):
        preferences.preferences_update(user=mentee, channels={"no_such_kind": "off"})
    with pytest.raises(ValueError):
        preferences.preferences_update(user=mentee, channels={"test_reminder": "pigeon"})
    assert not NotificationPreference.objects.exists()


def test_an_opt_in_kind_defaults_to_off(mentee):
    opt_in = registry.Kind(name="test_opt_in", label="x", render=_render, default_channel="off")
    registry._KINDS[opt_in.name] = opt_in
    try:
        assert preferences.preference_for(mentee.pk, "test_opt_in") == "off"
        assert preferences.preferences_for(mentee)["test_opt_in"] == "off"
    finally:
        registry._KINDS.pop(opt_in.name)
