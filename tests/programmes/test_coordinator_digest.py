"""The coordinators' weekly digest: new applications, unmatched mentees, quiet pairs, ends."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.db import connection

from matching.models import Mentorship
from mentoring.notifications import preferences, registry, services
from mentoring.notifications.models import Notification
from programmes.models import Application, Membership, Programme
from programmes.reminders import (
    DIGEST_SECTION_ORDER,
    KIND,
    DigestSection,
    coordinator_digests_schedule,
    digest_section_position,
    digest_sections_for,
)
from sessions.models import Meeting
from tests.factories import ApplicationFactory, MembershipFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC
LONDON = zoneinfo.ZoneInfo("Europe/London")
DAY = dt.timedelta(days=1)
# Thursday 15 October 2026, 10:00 in London (BST).
NOW = dt.datetime(2026, 10, 15, 9, 0, tzinfo=UTC)
TODAY = dt.date(2026, 10, 15)
# Monday 19 October 2026, 08:00 in London.
MONDAY = dt.datetime(2026, 10, 19, 7, 0, tzinfo=UTC)
WEEK = "2026-W43"
CONFIDENTIAL = "CONFIDENTIAL-TEXT"
_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def deliver(deliver_reminders):
    def run(now=None):
        return deliver_reminders(now, kinds=[KIND])

    return run


def person(programme, role, name="", **membership):
    n = next(_numbers)
    user = UserFactory(email=f"digest{n}@example.org", full_name=name or f"Dr Person {n}")
    MembershipFactory(programme=programme, user=user, role=role, **membership)
    return user


def apply(programme, name, *, days_ago=2, role=Application.Role.MENTEE, **fields):
    n = next(_numbers)
    applicant = UserFactory(email=f"applicant{n}@example.org", full_name=name)
    return ApplicationFactory(
        programme=programme,
        applicant=applicant,
        role=role,
        submitted_at=NOW - days_ago * DAY,
        goals=CONFIDENTIAL,
        motivation=CONFIDENTIAL,
        **fields,
    )


def pair(programme, mentor, mentee, *, started_days_ago=120, **fields) -> Mentorship:
    values = {
        "status": Mentorship.Status.ACTIVE,
        "origin": "request",
        "started_on": TODAY - started_days_ago * DAY,
        "created_at": NOW - started_days_ago * DAY,
        "close_note": CONFIDENTIAL,
    }
    values.update(fields)
    return Mentorship.objects.create(programme=programme, mentor=mentor, mentee=mentee, **values)


def meeting(mentorship, starts_at, status=Meeting.Status.HELD) -> Meeting:
    return Meeting.objects.create(
        mentorship=mentorship,
        mentor=mentorship.mentor,
        mentee=mentorship.mentee,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=50),
        mode="video",
        status=status,
        proposed_by=mentorship.mentee,
        location=CONFIDENTIAL,
    )


def rows(**filters) -> list[Notification]:
    return list(Notification.objects.filter(kind=KIND, **filters).order_by("recipient_id"))


def mails_to(user) -> list:
    return [m for m in mail.outbox if m.to == [user.email]]


def both_parts(msg) -> str:
    return msg.subject + msg.body + msg.alternatives[0][0]


def render(row: Notification):
    return registry.kind(KIND).render(row)


@pytest.fixture
def busy(programme, coordinator, mentor, mentee):
    """One of each thing the digest reports."""
    apply(programme, "Dr Nia Newcomer")
    person(programme, Membership.Role.MENTEE, "Dr Una Matched")
    quiet = pair(programme, mentor, mentee)
    meeting(quiet, NOW - 100 * DAY)
    ending_mentor = person(programme, Membership.Role.MENTOR, "Dr Eve Ending")
    ending_mentee = person(programme, Membership.Role.MENTEE, "Dr Ed Ending")
    ending = pair(programme, ending_mentor, ending_mentee, planned_end_on=TODAY + 20 * DAY)
    meeting(ending, NOW - 10 * DAY)
    return programme


# The weekly sweep --------------------------------------------------------------------------


def test_the_sweep_writes_one_row_per_coordinator_for_next_monday_morning(
    programme, coordinator, other_coordinator
):
    new_york = person(programme, Membership.Role.COORDINATOR)
    new_york.time_zone = "America/New_York"
    new_york.save(update_fields=["time_zone"])

    assert coordinator_digests_schedule(NOW) == 3

    mine = {r.recipient_id: r for r in rows(subject_key=f"programmes.programme:{programme.pk}")}
    assert set(mine) == {coordinator.pk, new_york.pk}
    assert (mine[coordinator.pk].due_at, mine[coordinator.pk].occurrence) == (MONDAY, WEEK)
    assert mine[new_york.pk].due_at == dt.datetime(2026, 10, 19, 12, 0, tzinfo=UTC)
    assert dt.date(2026, 10, 19).isocalendar()[:2] == (2026, 43)
    [theirs] = rows(recipient=other_coordinator)
    assert theirs.subject_key == services.subject_key(other_coordinator.memberships.get().programme)


def test_running_the_sweep_twice_writes_each_row_once(programme, coordinator, other_coordinator):
    assert coordinator_digests_schedule(NOW) == 2
    assert coordinator_digests_schedule(NOW) == 0
    services.sweeps_run(now=NOW, kind=KIND)

    assert len(rows()) == 2


def test_draft_and_closed_programmes_get_no_digest(programme, coordinator):
    for status in (Programme.Status.DRAFT, Programme.Status.CLOSED):
        other = ProgrammeFactory(status=status)
        MembershipFactory(programme=other, user=coordinator, role=Membership.Role.COORDINATOR)
    running = ProgrammeFactory(status=Programme.Status.RUNNING)
    MembershipFactory(programme=running, user=coordinator, role=Membership.Role.COORDINATOR)

    coordinator_digests_schedule(NOW)

    assert {services.subject_pk(r) for r in rows(recipient=coordinator)} == {
        programme.pk,
        running.pk,
    }


def test_former_coordinators_and_other_roles_get_no_row(programme, coordinator, mentor):
    Membership.objects.filter(user=coordinator).update(ended_at=NOW)

    coordinator_digests_schedule(NOW)

    assert rows() == []


def test_on_monday_the_sweep_offers_that_days_row_and_from_tuesday_the_next(programme, coordinator):
    coordinator_digests_schedule(MONDAY + dt.timedelta(hours=3))
    coordinator_digests_schedule(MONDAY + dt.timedelta(days=1))

    assert [(r.due_at, r.occurrence) for r in rows()] == [
        (MONDAY, WEEK),
        # The clocks went back on the 25th: 08:00 in London is 08:00 UTC again.
        (dt.datetime(2026, 10, 26, 8, 0, tzinfo=UTC), "2026-W44"),
    ]


# Delivery --------------------------------------------------------------------------------


def test_the_digest_goes_on_monday_at_eight(busy, coordinator, deliver):
    assert deliver() == []  # Thursday: the sweep writes Monday's row
    with time_machine.travel(MONDAY - dt.timedelta(minutes=1), tick=False):
        assert deliver() == []
    with time_machine.travel(MONDAY, tick=False):
        assert deliver() == ["sent"]

    [msg] = mails_to(coordinator)
    assert busy.name in msg.subject
    assert msg.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_digest_lists_names_and_dates_and_nothing_confidential(busy, coordinator, deliver):
    with time_machine.travel(MONDAY, tick=False):
        coordinator_digests_schedule(NOW)
        assert deliver() == ["sent"]

    [msg] = mails_to(coordinator)
    for part in (msg.body, msg.alternatives[0][0]):
        assert "New applications this week: 1" in part
        assert "Dr Nia Newcomer (mentee)" in part
        assert ", applied 13 Oct 2026" in part
        assert "Mentees without a mentor: 1" in part
        assert "Dr Una Matched" in part
        assert "Pairs with no meeting for about 12 weeks: 1" in part
        assert "Dr Maya Mentor and Dr Sam Mentee" in part
        assert ", last met 7 Jul 2026" in part
        assert "Mentorships ending in the next four weeks: 1" in part
        assert "Dr Eve Ending and Dr Ed Ending" in part
        assert ", ends 4 Nov 2026" in part
        assert "Cora" in part  # their display name
    assert CONFIDENTIAL not in both_parts(msg)
    # Sections in order: applications, unmatched, quiet, ending.
    body = msg.body
    assert (
        body.index("New applications")
        < body.index("Mentees without")
        < body.index("Pairs with no meeting")
        < body.index("Mentorships ending")
    )


def test_delivering_twice_sends_one_digest(busy, coordinator, deliver):
    coordinator_digests_schedule(NOW)
    with time_machine.travel(MONDAY, tick=False):
        assert deliver() == ["sent"]
        assert deliver() == []
    assert len(mails_to(coordinator)) == 1


def test_a_coordinator_who_turned_it_off_gets_no_email(busy, coordinator, deliver):
    preferences.preferences_update(user=coordinator, channels={KIND: "off"})
    coordinator_digests_schedule(NOW)

    with time_machine.travel(MONDAY, tick=False):
        assert deliver() == ["muted"]
    assert mails_to(coordinator) == []


def test_a_late_digest_waits_for_the_morning(busy, coordinator, deliver):
    coordinator_digests_schedule(NOW)
    late = dt.datetime(2026, 10, 19, 20, 30, tzinfo=UTC)  # 21:30 in London

    with time_machine.travel(late, tick=False):
        assert deliver() == ["quiet-hours"]
    assert mails_to(coordinator) == []
    [row] = rows(occurrence=WEEK)
    assert row.due_at == dt.datetime(2026, 10, 20, 6, 0, tzinfo=UTC)


def test_a_coordinator_of_another_programme_gets_nothing_about_it(
    busy, coordinator, other_coordinator, other_programme, deliver
):
    apply(other_programme, "Dr Olu Elsewhere")
    coordinator_digests_schedule(NOW)

    with time_machine.travel(MONDAY, tick=False):
        assert sorted(deliver()) == ["sent", "sent"]

    assert not rows(recipient=other_coordinator, subject_key=services.subject_key(busy))
    [theirs] = mails_to(other_coordinator)
    text = both_parts(theirs)
    assert "Dr Olu Elsewhere" in text
    for name in (busy.name, "Dr Nia Newcomer", "Dr Una Matched", "Dr Sam Mentee", "Dr Ed Ending"):
        assert name not in text


def test_no_digest_once_the_programme_closed(busy, coordinator, deliver):
    coordinator_digests_schedule(NOW)
    Programme.objects.filter(pk=busy.pk).update(status=Programme.Status.CLOSED)

    with time_machine.travel(MONDAY, tick=False):
        assert deliver() == ["cancelled"]
    assert mails_to(coordinator) == []


def test_no_digest_for_a_coordinator_who_stepped_down(busy, coordinator, deliver):
    coordinator_digests_schedule(NOW)
    Membership.objects.filter(user=coordinator).update(ended_at=NOW)

    with time_machine.travel(MONDAY, tick=False):
        assert deliver() == ["cancelled"]


def test_no_email_when_nothing_needs_attention(programme, coordinator, deliver):
    with time_machine.travel(MONDAY, tick=False):
        coordinator_digests_schedule(NOW)
        assert deliver() == ["cancelled"]
    assert mails_to(coordinator) == []


# What each section counts ------------------------------------------------------------------


def _sections(programme, coordinator, now=MONDAY):
    from programmes.reminders import digest_sections_for

    with time_machine.travel(now, tick=False):
        return {
            s.title.split(" ")[0]: s
            for s in digest_sections_for(programme=programme, recipient=coordinator, now=now)
        }


def test_new_applications_are_those_of_the_last_seven_days(programme, coordinator):
    apply(programme, "Dr Recent", days_ago=2)
    apply(programme, "Dr Mentor Applicant", days_ago=3, role=Application.Role.MENTOR)
    apply(programme, "Dr Old", days_ago=10)
    apply(programme, "Dr Withdrawn", days_ago=1, status=Application.Status.WITHDRAWN)

    section = _sections(programme, coordinator, NOW)["New"]

    assert section.count == 2
    assert [line.text for line in section.lines] == [
        "Dr Mentor Applicant (mentor)",
        "Dr Recent (mentee)",
    ]


def test_a_long_list_shows_ten_names_and_how_many_more(programme, coordinator, deliver):
    for n in range(12):
        apply(programme, f"Dr Applicant {n:02d}")

    section = _sections(programme, coordinator, NOW)["New"]
    assert (section.count, len(section.lines), section.more) == (12, 10, 2)

    coordinator_digests_schedule(NOW)
    with time_machine.travel(MONDAY, tick=False):
        deliver()
    [msg] = mails_to(coordinator)
    for part in (msg.body, msg.alternatives[0][0]):
        assert "and 2 more" in part


def test_unmatched_mentees_are_approved_mentees_without_an_open_mentorship(
    programme, coordinator, mentor, mentee
):
    pair(programme, mentor, mentee, started_days_ago=5)
    waiting = person(programme, Membership.Role.MENTEE, "Dr Waiting")
    closed = person(programme, Membership.Role.MENTEE, "Dr Was Matched")
    pair(programme, mentor, closed, status=Mentorship.Status.CLOSED)
    introduced = person(programme, Membership.Role.MENTEE, "Dr Introduced")
    pair(programme, mentor, introduced, status=Mentorship.Status.PROPOSED)
    left = person(programme, Membership.Role.MENTEE, "Dr Left")
    Membership.objects.filter(user=left).update(ended_at=NOW)
    person(programme, Membership.Role.MENTOR, "Dr Only Mentor")

    section = _sections(programme, coordinator)["Mentees"]

    assert [line.text for line in section.lines] == ["Dr Waiting", "Dr Was Matched"]
    assert waiting.pk


def test_quiet_pairs_have_had_no_meeting_held_or_booked_for_three_intervals(programme, coordinator):
    Programme.objects.filter(pk=programme.pk).update(
        meeting_frequency=Programme.MeetingFrequency.FORTNIGHTLY
    )
    programme.refresh_from_db()

    def new_pair(name, **fields):
        return pair(
            programme,
            person(programme, Membership.Role.MENTOR, f"Dr {name} Mentor"),
            person(programme, Membership.Role.MENTEE, f"Dr {name} Mentee"),
            **fields,
        )

    meeting(new_pair("Quiet"), NOW - 50 * DAY)
    new_pair("Never Met")
    meeting(new_pair("Recent"), NOW - 20 * DAY)
    meeting(new_pair("Booked"), NOW + 5 * DAY, status=Meeting.Status.CONFIRMED)
    meeting(new_pair("Cancelled"), NOW - 5 * DAY, status=Meeting.Status.CANCELLED)
    new_pair("New", started_days_ago=30)
    new_pair("Paused", status=Mentorship.Status.PAUSED, paused_until=TODAY + 10 * DAY)
    new_pair("Resumed", paused_until=TODAY - 10 * DAY)
    new_pair("Closed", status=Mentorship.Status.CLOSED)

    section = _sections(programme, coordinator, NOW)["Pairs"]

    assert section.title == "Pairs with no meeting for about 6 weeks"
    assert [(line.text, line.date_label) for line in section.lines] == [
        ("Dr Never Met Mentor and Dr Never Met Mentee", "started, not met yet"),
        ("Dr Cancelled Mentor and Dr Cancelled Mentee", "started, not met yet"),
        ("Dr Quiet Mentor and Dr Quiet Mentee", "last met"),
    ]
    assert section.lines[2].date == (NOW - 50 * DAY).astimezone(LONDON).date()


def test_mentorships_ending_within_four_weeks(programme, coordinator, mentor, mentee):
    soon = pair(programme, mentor, mentee, planned_end_on=TODAY + 27 * DAY)
    other_mentee = person(programme, Membership.Role.MENTEE)
    pair(programme, mentor, other_mentee, planned_end_on=TODAY + 40 * DAY)
    paused_mentee = person(programme, Membership.Role.MENTEE, "Dr Paused")
    pair(
        programme,
        mentor,
        paused_mentee,
        status=Mentorship.Status.PAUSED,
        planned_end_on=TODAY + 3 * DAY,
    )
    gone = person(programme, Membership.Role.MENTEE)
    pair(programme, mentor, gone, status=Mentorship.Status.CLOSED, planned_end_on=TODAY)

    section = _sections(programme, coordinator, NOW)["Mentorships"]

    assert [line.date for line in section.lines] == [TODAY + 3 * DAY, soon.planned_end_on]


# Queries ---------------------------------------------------------------------------------


def _grow(programme, size: int) -> None:
    for n in range(size):
        apply(programme, f"Dr Applicant {n}")
        mentor = person(programme, Membership.Role.MENTOR)
        quiet_mentee = person(programme, Membership.Role.MENTEE)
        ending = pair(programme, mentor, quiet_mentee, planned_end_on=TODAY + 10 * DAY)
        meeting(ending, NOW - 100 * DAY - n * dt.timedelta(hours=2))
        person(programme, Membership.Role.MENTEE)  # unmatched


@pytest.mark.parametrize("size", [2, 25])
def test_the_digest_makes_a_bounded_number_of_queries(
    programme, coordinator, size, django_assert_max_num_queries
):
    _grow(programme, size)
    coordinator_digests_schedule(NOW)
    [row] = rows()
    row = Notification.objects.select_related("recipient").get(pk=row.pk)

    with time_machine.travel(MONDAY, tick=False), django_assert_max_num_queries(12):
        message = render(row)

    sections = {s.title.split(" ")[0]: s for s in message.context["sections"]}
    assert all(s.count == size for s in sections.values())
    assert all(len(s.lines) == min(size, 10) for s in sections.values())


# Concurrency (PostgreSQL) ----------------------------------------------------------------


def race(call, times: int = 4) -> list:
    """Run `call` in `times` threads at the same moment, each with its own connection."""
    barrier = threading.Barrier(times)
    results: list = []
    lock = threading.Lock()

    def run():
        try:
            barrier.wait()
            outcome = call()
            with lock:
                results.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return results


def _dispatch_and_deliver() -> list[str]:
    outcomes: list[str] = []

    def deliver(pk: int, token: str) -> None:
        outcomes.append(services.notification_deliver(notification_id=pk, token=token))

    services.notifications_dispatch(kinds=[KIND], enqueue=deliver)
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_sweeps_and_dispatchers_running_at_once_send_each_digest_once(
    busy, coordinator, other_coordinator
):
    race(lambda: coordinator_digests_schedule(NOW))
    assert len(rows()) == 2

    with time_machine.travel(MONDAY, tick=False):
        outcomes = race(_dispatch_and_deliver)

    assert sorted(o for run in outcomes for o in run) == ["cancelled", "sent"]
    assert len(mails_to(coordinator)) == 1


def test_every_section_from_every_app_is_placed_by_its_name_in_the_one_order(busy, coordinator):
    sections = digest_sections_for(programme=busy, recipient=coordinator, now=NOW)
    assert [s.key for s in sections] == list(DIGEST_SECTION_ORDER)


def test_a_section_the_order_does_not_name_goes_last_by_key():
    unknown_b = DigestSection("B", 1, key="zz-unknown")
    unknown_a = DigestSection("A", 1, key="aa-unknown")
    known = [DigestSection(key, 1, key=key) for key in reversed(DIGEST_SECTION_ORDER)]
    ordered = sorted([unknown_b, *known, unknown_a], key=digest_section_position)
    assert [s.key for s in ordered] == [*DIGEST_SECTION_ORDER, "aa-unknown", "zz-unknown"]
