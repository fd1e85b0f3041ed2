"""Racing bookings on PostgreSQL: one wins, the rest get a clear message, nothing half-written.

Each thread works in its own database connection, as separate web requests would.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connection, transaction

from sessions.errors import MeetingError
from sessions.models import Meeting
from sessions.services.booking import meeting_book, meeting_propose

from .booking_setup import london, make_mentorship, meeting_at, monday_mornings, person

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
THREADS = 8


def race(calls) -> tuple[list, list[str], list[BaseException]]:
    barrier = threading.Barrier(len(calls))
    results: list = []
    refusals: list[str] = []
    crashes: list[BaseException] = []
    lock = threading.Lock()

    def run(call):
        try:
            barrier.wait()
            outcome = call()
            with lock:
                results.append(outcome)
        except MeetingError as error:
            with lock:
                refusals.append(error.message)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            with lock:
                crashes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return results, refusals, crashes


def _next_monday() -> dt.date:
    today = dt.date.today()
    return today + dt.timedelta(days=(7 - today.weekday()) or 7)


def test_many_mentees_racing_for_one_mentors_overlapping_times_exactly_one_wins(programme):
    mentor = person(programme, "mentor")
    monday_mornings(mentor)
    pairs = [
        make_mentorship(programme, mentor, person(programme, "mentee")) for _ in range(THREADS)
    ]
    monday = _next_monday()
    times = [london(monday.year, monday.month, monday.day, 9, 0)] * (THREADS // 2) + [
        london(monday.year, monday.month, monday.day, 9, 25)
    ] * (THREADS - THREADS // 2)

    calls = []
    for pair, starts_at in zip(pairs, times, strict=True):
        if starts_at.minute == 0:
            calls.append(
                lambda p=pair, s=starts_at: meeting_book(
                    mentorship=p, by=p.mentee, starts_at=s, mode="video"
                )
            )
        else:
            calls.append(
                lambda p=pair, s=starts_at: meeting_propose(
                    mentorship=p, by=p.mentee, starts_at=s, mode="video"
                )
            )
    results, refusals, crashes = race(calls)

    assert crashes == []
    assert len(results) == 1
    assert len(refusals) == THREADS - 1
    assert set(refusals) == {"That time has just been taken. Please choose another."}
    assert Meeting.objects.count() == 1
    assert Meeting.objects.get().pk == results[0].pk


def test_a_mentee_racing_two_mentors_for_the_same_time_gets_one_meeting(programme):
    mentee = person(programme, "mentee")
    pairs = []
    for _ in range(THREADS):
        mentor = person(programme, "mentor")
        monday_mornings(mentor)
        pairs.append(make_mentorship(programme, mentor, mentee))
    monday = _next_monday()
    starts_at = london(monday.year, monday.month, monday.day, 9, 50)
    results, refusals, crashes = race(
        [
            lambda p=p: meeting_book(mentorship=p, by=mentee, starts_at=starts_at, mode="video")
            for p in pairs
        ]
    )
    assert crashes == []
    assert len(results) == 1 and len(refusals) == THREADS - 1
    assert Meeting.objects.filter(mentee=mentee).count() == 1


def test_the_exclusion_constraint_refuses_an_overlap_written_around_the_service(programme):
    mentor = person(programme, "mentor")
    first = make_mentorship(programme, mentor, person(programme, "mentee"))
    second = make_mentorship(programme, mentor, person(programme, "mentee"))
    monday = _next_monday()
    meeting_at(first, london(monday.year, monday.month, monday.day, 9, 0))
    with pytest.raises(IntegrityError), transaction.atomic():
        meeting_at(second, london(monday.year, monday.month, monday.day, 9, 30))
    # A cancelled meeting does not hold the time.
    meeting_at(
        second,
        london(monday.year, monday.month, monday.day, 9, 30),
        status=Meeting.Status.CANCELLED,
    )
    assert Meeting.objects.count() == 2
