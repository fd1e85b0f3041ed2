"""Dispatchers racing over the same due reminders send each one once.

Two threads, each with its own database connection (as two beat-driven dispatch tasks
in two workers would have), claim and deliver the same due rows at once: the claim's
`select_for_update(skip_locked=True)` and the lease keep them apart. A delivery renews
its lease when it starts, so one that waited long in the queue cannot still be sending
when the next dispatch claims the row again.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import threading

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from mentoring.notifications import registry, services
from mentoring.notifications.models import Notification
from tests.sessions.booking_setup import make_mentorship, meeting_at
from tests.support import reminders

ROWS = 200


@pytest.fixture
def meeting(programme, mentor, mentee):
    pair = make_mentorship(programme, mentor, mentee)
    return meeting_at(pair, timezone.now() + dt.timedelta(days=2))


def _due(meeting, count: int) -> list[int]:
    reminders.schedule(meeting, [meeting.mentee_id], occurrences=[f"r{i}" for i in range(count)])
    return list(Notification.objects.filter(kind=reminders.KIND).values_list("pk", flat=True))


def _sent_counts() -> collections.Counter:
    return collections.Counter(reminders.reminder_ids({"body": m.body} for m in mail.outbox))


def _race(workers: int) -> tuple[list[list[str]], list[BaseException]]:
    barrier = threading.Barrier(workers)
    outcomes: list[list[str]] = [[] for _ in range(workers)]
    crashes: list[BaseException] = []

    def run(i: int) -> None:
        def deliver(pk: int, token: str) -> None:
            outcomes[i].append(services.notification_deliver(notification_id=pk, token=token))

        try:
            barrier.wait()
            # Small chunks, so the two claim and deliver in turns over the same rows.
            services.notifications_dispatch(enqueue=deliver, chunk=5)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            crashes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a dispatcher is stuck"
    return outcomes, crashes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_at_once_send_each_reminder_once(test_kind, meeting):
    ids = _due(meeting, ROWS)

    outcomes, crashes = _race(2)

    assert crashes == []
    assert all(outcomes), "both dispatchers should have delivered some reminders"
    assert sorted(o for each in outcomes for o in each) == ["sent"] * ROWS
    counts = _sent_counts()
    assert set(counts) == set(ids) and set(counts.values()) == {1}
    assert Notification.objects.filter(status="sent").count() == ROWS


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_dispatching_again_after_everything_went_sends_nothing(test_kind, meeting):
    _due(meeting, 20)
    _race(2)
    assert len(mail.outbox) == 20

    outcomes, crashes = _race(2)

    assert (outcomes, crashes) == ([[], []], [])
    assert len(mail.outbox) == 20


@pytest.mark.django_db
def test_a_delivery_started_late_in_its_lease_is_not_sent_again_by_a_new_claim(
    test_kind, meeting, monkeypatch
):
    """The delivery renews its lease when it starts, so the next dispatch cannot claim
    the row while it is being sent (and a delivery whose lease ran out sends nothing)."""
    (pk,) = _due(meeting, 1)
    lease = dt.timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)
    claimed_at = timezone.now()
    token, _ = services.notifications_claim(now=claimed_at)
    # The task waited in the queue behind a backlog and starts one second before its lease
    # ends; it is still sending when the next dispatch runs.
    starts = claimed_at + lease - dt.timedelta(seconds=1)
    next_dispatch = claimed_at + lease + dt.timedelta(seconds=1)
    reclaimed: list[tuple[int, str]] = []
    kind = registry.kind(reminders.KIND)

    def slow_render(n):
        if not reclaimed:
            services.notifications_dispatch(
                now=next_dispatch, enqueue=lambda *claim: reclaimed.append(claim)
            )
        return kind.render(n)

    monkeypatch.setitem(
        registry._KINDS, reminders.KIND, dataclasses.replace(kind, render=slow_render)
    )

    services.notification_deliver(notification_id=pk, token=token, now=starts)
    for again_pk, again_token in reclaimed:
        services.notification_deliver(
            notification_id=again_pk, token=again_token, now=next_dispatch
        )

    assert reclaimed == []
    assert _sent_counts() == {pk: 1}
    assert Notification.objects.get(pk=pk).status == Notification.Status.SENT


@pytest.mark.django_db
def test_a_delivery_whose_lease_ran_out_leaves_the_row_for_the_next_claim(test_kind, meeting):
    (pk,) = _due(meeting, 1)
    lease = dt.timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)
    claimed_at = timezone.now()
    token, _ = services.notifications_claim(now=claimed_at)

    late = claimed_at + lease + dt.timedelta(seconds=1)
    outcome = services.notification_deliver(notification_id=pk, token=token, now=late)

    assert outcome == "not-ours" and mail.outbox == []
    new_token, ids = services.notifications_claim(now=late)
    assert ids == [pk]
    assert services.notification_deliver(notification_id=pk, token=new_token, now=late) == "sent"
    assert _sent_counts() == {pk: 1}
