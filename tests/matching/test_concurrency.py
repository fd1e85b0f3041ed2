"""Concurrent accepts on PostgreSQL: a mentor's places are never over-filled.

Each thread works in its own database connection, as separate web requests would.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from matching.errors import MatchingError
from matching.models import MentorRequest, Mentorship
from matching.services.requests import request_accept

from .mentoring_setup import ask, make_mentee, make_mentor, mentorship, settings_of

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
THREADS = 8


def race(calls) -> tuple[list, list[str]]:
    """Run the calls at the same moment, each in its own connection."""
    barrier = threading.Barrier(len(calls))
    results: list = []
    refusals: list[str] = []
    lock = threading.Lock()

    def run(call):
        try:
            barrier.wait()
            outcome = call()
            with lock:
                results.append(outcome)
        except MatchingError as error:
            with lock:
                refusals.append(error.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return results, refusals


def test_many_accepts_against_the_last_place_exactly_one_wins(programme):
    mentor = make_mentor(programme, capacity=3)
    mentorship(programme, mentor, make_mentee(programme))
    mentorship(programme, mentor, make_mentee(programme))
    requests = [ask(programme, make_mentee(programme), mentor) for _ in range(THREADS)]

    results, refusals = race(
        [lambda r=r: request_accept(request_id=r.pk, mentor=mentor) for r in requests]
    )

    assert len(results) == 1
    assert len(refusals) == THREADS - 1
    assert all("All your places" in message for message in refusals)
    open_count = Mentorship.objects.open().filter(programme=programme, mentor=mentor).count()
    assert open_count == 3
    statuses = list(MentorRequest.objects.filter(mentor=mentor).values_list("status", flat=True))
    assert statuses.count(MentorRequest.Status.ACCEPTED) == 1
    assert statuses.count(MentorRequest.Status.PENDING) == THREADS - 1


def test_two_mentors_accepting_the_same_mentee_at_once_gives_one_mentorship(programme):
    settings_of(programme, max_pending_requests=3)
    mentee = make_mentee(programme)
    mentors = [make_mentor(programme) for _ in range(3)]
    requests = [ask(programme, mentee, m) for m in mentors]

    results, refusals = race(
        [
            lambda r=r, m=m: request_accept(request_id=r.pk, mentor=m)
            for r, m in zip(requests, mentors, strict=True)
        ]
    )

    assert len(results) == 1
    assert len(refusals) == 2
    assert Mentorship.objects.open().filter(programme=programme, mentee=mentee).count() == 1
    statuses = sorted(MentorRequest.objects.filter(mentee=mentee).values_list("status", flat=True))
    assert statuses == ["accepted", "withdrawn", "withdrawn"]
