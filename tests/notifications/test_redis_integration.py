"""Reminders through real processes: Celery workers and beats on a private Redis.

PostgreSQL is the record and Redis only the transport, so whatever happens to the
transport (a worker killed mid-send, Redis stopped, Redis flushed, two beats at once)
each reminder arrives exactly once. Every child is the project's own `celery` command
configured only by its environment, against this test's database (committed rows:
`transaction=True`) and a redis-server this test starts on a free port, so stopping
or flushing it touches nothing shared. Emails are files written by
tests.support.mail; each reminder's email names its row (`?reminder=<id>`).
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from mentoring.notifications.models import Notification
from sessions.models import Meeting
from tests.project.processes import (
    BASE_DIR,
    REDIS_SERVER,
    RedisServer,
    beat_command,
    database_url,
    manage,
    project_env,
    running,
    stop,
    worker_command,
)
from tests.sessions.booking_setup import make_mentorship, meeting_at
from tests.support import booking, mail, reminders
from tests.support.mail import DELAY_VARIABLE

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

LEASE_SECONDS = 3
DEADLINE = 40  # seconds any one wait may take; each test stays well under a minute
# Once every row is sent: long enough for a stray second copy to be written if one were
# on its way (a send takes milliseconds, a dispatch runs every second).
SETTLE = 2.5


# --- Fixtures ----------------------------------------------------------------------------


@pytest.fixture
def redis_server(tmp_path):
    if not Path(REDIS_SERVER).exists():
        pytest.skip(f"needs {REDIS_SERVER} to run a private Redis that the test may stop")
    server = RedisServer(tmp_path / "redis")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def mail_dir(tmp_path) -> Path:
    return tmp_path / "mail"


@pytest.fixture
def logs(tmp_path) -> Path:
    folder = tmp_path / "logs"
    folder.mkdir()
    return folder


@pytest.fixture
def child_env(tmp_path, redis_server, mail_dir, settings) -> dict[str, str]:
    """What a worker, a beat or a web process of this test runs with."""
    return project_env(
        tmp_path,
        DATABASE_URL=database_url(connection.settings_dict),
        REDIS_URL=redis_server.url,
        SECRET_KEY=settings.SECRET_KEY,
        FIELD_ENCRYPTION_KEY=",".join(settings.FIELD_ENCRYPTION_KEYS),
        EMAIL_BACKEND="tests.support.mail.EmailBackend",
        EMAIL_FILE_PATH=str(mail_dir),
        NOTIFICATIONS_DISPATCH_EVERY="1",
        NOTIFICATIONS_LEASE_SECONDS=str(LEASE_SECONDS),
        SITE_URL=settings.SITE_URL,
        PYTHONPATH=str(BASE_DIR),
    )


@pytest.fixture
def pair(programme, mentor, mentee):
    return make_mentorship(programme, mentor, mentee)


@pytest.fixture
def meeting(pair) -> Meeting:
    return meeting_at(pair, timezone.now() + dt.timedelta(days=2))


def _reminders_for(meeting: Meeting, count: int) -> list[int]:
    """`count` rows of the test kind about `meeting`, due now, to the mentee."""
    reminders.schedule(meeting, [meeting.mentee_id], occurrences=[f"r{i}" for i in range(count)])
    return list(
        Notification.objects.filter(kind=reminders.KIND, subject_key__endswith=f":{meeting.pk}")
        .order_by("pk")
        .values_list("pk", flat=True)
    )


# --- Waiting -----------------------------------------------------------------------------


def _wait(condition: Callable[[], object], what: str, logs: Path, deadline: float = DEADLINE):
    """Poll until `condition()` is true; on time-out fail with the children's logs."""
    ends = time.monotonic() + deadline
    while time.monotonic() < ends:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out after {deadline}s waiting for {what}\n{_logs(logs)}")


def _logs(folder: Path) -> str:
    parts = []
    for log in sorted(folder.glob("*.log")):
        text = log.read_text()
        first_error = text.find("Traceback")
        if first_error >= 0:
            parts.append(f"--- {log.name}, first error\n{text[first_error : first_error + 3000]}")
        parts.append(f"--- {log.name}, last lines\n{text[-3000:]}")
    return "\n".join(parts)


def _sent_counts(mail_dir: Path) -> collections.Counter:
    return collections.Counter(reminders.reminder_ids(mail.messages(mail_dir)))


def _all_sent(ids: list[int]) -> bool:
    return Notification.objects.filter(pk__in=ids, status=Notification.Status.SENT).count() == len(
        ids
    )


def _delivered_once(ids: list[int], mail_dir: Path, logs: Path) -> collections.Counter:
    """Wait for every row to be sent and its email written, then check none went twice."""
    _wait(lambda: set(_sent_counts(mail_dir)) >= set(ids) and _all_sent(ids), "the emails", logs)
    time.sleep(SETTLE)
    counts = _sent_counts(mail_dir)
    assert {pk: n for pk, n in counts.items() if n != 1} == {}, "some reminder went twice"
    assert set(counts) == set(ids)
    return counts


# --- Scenarios ---------------------------------------------------------------------------


def test_a_worker_started_by_the_test_delivers_a_due_reminder(
    test_kind, meeting, child_env, mail_dir, logs
):
    (pk,) = _reminders_for(meeting, 1)
    started = time.monotonic()
    with running(child_env, logs) as launch:
        launch("worker", worker_command("w1"))
        launch("beat", beat_command(logs / "beat-schedule"))
        _delivered_once([pk], mail_dir, logs)
    print(f"first reminder delivered {time.monotonic() - started - SETTLE:.1f}s after start")

    (message,) = mail.messages(mail_dir)
    assert message["to"] == [meeting.mentee.email]
    assert f"?reminder={pk}" in message["html"][0]
    row = Notification.objects.get(pk=pk)
    assert (row.attempts, row.lease_token, row.sent_at is not None) == (1, None, True)


def test_a_worker_killed_mid_send_is_replaced_and_the_email_goes_once(
    test_kind, meeting, child_env, mail_dir, logs
):
    (pk,) = _reminders_for(meeting, 1)
    with running(child_env, logs) as launch:
        launch("beat", beat_command(logs / "beat-schedule"))
        # The first worker's mail server answers so slowly that it is killed while sending.
        first = launch("worker-killed", worker_command("w1"), **{DELAY_VARIABLE: "60"})
        _wait(lambda: mail.sending_markers(mail_dir), "the first worker to start sending", logs)
        stop(first, kill=True)
        killed_at = time.monotonic()
        assert mail.messages(mail_dir) == []
        assert Notification.objects.get(pk=pk).status == Notification.Status.LEASED

        launch("worker-replacement", worker_command("w2"))
        _delivered_once([pk], mail_dir, logs)
        print(f"delivered {time.monotonic() - killed_at - SETTLE:.1f}s after the kill")

    row = Notification.objects.get(pk=pk)
    # The killed attempt counts towards the cap; the lease ran out and the row was claimed again.
    assert (row.status, row.attempts) == (Notification.Status.SENT, 2)


def test_with_redis_stopped_bookings_succeed_and_their_reminders_go_once_it_is_back(
    test_kind, pair, redis_server, child_env, mail_dir, logs
):
    booking.open_every_day(pair.mentor)
    redis_server.stop()

    code = (
        f"from tests.support.booking import book_with_reminders; book_with_reminders({pair.pk}, 50)"
    )
    done = manage("shell", "-c", code, env=child_env, timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"with Redis stopped: {report}")
    assert len(report["meetings"]) == 50
    assert Meeting.objects.filter(pk__in=report["meetings"], status="confirmed").count() == 50
    # The booking emails wait in the outbox with the reminders: nothing could be handed over.
    assert _booked(mail_dir) == []
    assert report["dispatched"] == 0
    emails = list(Notification.objects.filter(kind="email:meeting_booked").values_list("pk"))
    assert len(emails) == 100
    ids = list(
        Notification.objects.filter(kind=reminders.KIND).order_by("pk").values_list("pk", flat=True)
    )
    assert len(ids) == 100
    # The dispatcher claimed them but could not hand them over: they wait for their lease.
    assert Notification.objects.filter(pk__in=ids, status="leased").count() == 100

    redis_server.start()
    back = time.monotonic()
    with running(child_env, logs) as launch:
        launch("worker", worker_command("w1"))
        launch("beat", beat_command(logs / "beat-schedule"))
        _delivered_once(ids, mail_dir, logs)
        _wait(lambda: len(_booked(mail_dir)) >= 100, "the booking emails", logs)
        time.sleep(SETTLE)
    print(f"100 reminders delivered {time.monotonic() - back - SETTLE:.1f}s after Redis was back")
    booked = _booked(mail_dir)
    assert collections.Counter(m["to"][0] for m in booked) == {
        pair.mentor.email: 50,
        pair.mentee.email: 50,
    }
    assert not Notification.objects.filter(kind="email:meeting_booked").exclude(status="sent")


def _booked(mail_dir: Path) -> list[dict]:
    """The booking emails (the test reminders use the same template but name their row)."""
    return [
        m
        for m in mail.messages(mail_dir)
        if "Meeting booked" in m["subject"] and not reminders.reminder_ids([m])
    ]


def test_after_a_flushall_the_lost_tasks_are_rebuilt_from_postgresql(
    test_kind, meeting, redis_server, child_env, mail_dir, logs
):
    ids = _reminders_for(meeting, 20)
    code = "from mentoring.notifications.services import notifications_dispatch as d; print(d())"
    done = manage("shell", "-c", code, env=child_env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-1] == "20"
    server = redis_server.client()
    assert server.llen("celery") == 20  # twenty delivery tasks, waiting for a worker

    server.flushall()
    flushed = time.monotonic()
    assert server.llen("celery") == 0
    assert Notification.objects.filter(pk__in=ids, status="leased").count() == 20

    with running(child_env, logs) as launch:
        launch("worker", worker_command("w1"))
        launch("beat", beat_command(logs / "beat-schedule"))
        _delivered_once(ids, mail_dir, logs)
    print(
        f"20 reminders rebuilt and sent {time.monotonic() - flushed - SETTLE:.1f}s after FLUSHALL"
    )
    # The flushed tasks never ran: each row was sent by the one task of its second claim.
    assert set(Notification.objects.filter(pk__in=ids).values_list("attempts", flat=True)) == {1}


def test_two_beats_at_once_send_no_duplicate(test_kind, meeting, child_env, mail_dir, logs):
    ids = _reminders_for(meeting, 30)
    started = time.monotonic()
    with running(child_env, logs) as launch:
        launch("beat-1", beat_command(logs / "beat-1-schedule"))
        launch("beat-2", beat_command(logs / "beat-2-schedule"))
        launch("worker-1", worker_command("w1"))
        launch("worker-2", worker_command("w2"))
        _delivered_once(ids, mail_dir, logs)
    print(f"30 reminders with two beats and two workers: {time.monotonic() - started:.1f}s")
    for beat in ("beat-1", "beat-2"):
        assert "notifications-dispatch" in (logs / f"{beat}.log").read_text(), beat
