"""Check-in figures for coordinators, and the small-number suppression behind them."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from programmes.models import Membership
from tests.factories import MembershipFactory
from tests.wellbeing.checkin_setup import (
    is_login_redirect,
    make_person,
    other_welfare_lead,  # noqa: F401 (fixture)
    welfare_lead,  # noqa: F401 (fixture)
)
from wellbeing.models import CheckIn
from wellbeing.selectors.aggregates import (
    HIDDEN,
    SHOWN,
    SMALL,
    programme_aggregates,
    suppress_counts,
)

# The pure function -----------------------------------------------------------------------


def test_nothing_is_hidden_when_every_group_is_large():
    assert suppress_counts([10, 7, 5]) == suppress_counts([10, 7, 5], total=22)
    result = suppress_counts([10, 7, 5])
    assert result.cells == (SHOWN, SHOWN, SHOWN) and result.total_shown


def test_a_group_of_fewer_than_five_shows_nothing():
    result = suppress_counts([1, 2, 1])
    assert result.cells == (SMALL, SMALL, SMALL) and not result.total_shown


def test_a_group_of_exactly_five_is_not_small_itself():
    result = suppress_counts([5, 0, 0])
    # Not "fewer than 5", but hidden, and so is the total: it would give the zeros away.
    assert result.cells == (HIDDEN, SMALL, SMALL)
    assert not result.total_shown


def test_total_minus_the_shown_groups_would_reveal_a_single_small_one():
    # 20 people: 3 very low, 10 low, 7 not low. Showing 10, 7 and the total 20 gives 3 away.
    result = suppress_counts([3, 10, 7], total=20)
    assert result.cells == (SMALL, SHOWN, HIDDEN)
    assert result.total_shown


def test_the_smallest_other_group_is_the_one_hidden_with_it():
    assert suppress_counts([12, 2, 30]).cells == (HIDDEN, SMALL, SHOWN)


def test_two_small_groups_protect_each_other():
    result = suppress_counts([3, 2, 20])
    assert result.cells == (SMALL, SMALL, SHOWN) and result.total_shown


def test_two_zeros_would_be_worked_out_from_the_total():
    # Showing "20 of 20 not low" tells that nobody was low or very low.
    result = suppress_counts([0, 0, 20])
    assert result.cells == (SMALL, SMALL, HIDDEN)
    assert result.total_shown


def test_two_fours_would_be_worked_out_from_the_total():
    # 28 people, 20 shown: the 8 left over in two cells under 5 must be 4 and 4.
    result = suppress_counts([4, 4, 20])
    assert result.cells == (SMALL, SMALL, HIDDEN)


def test_the_total_is_hidden_when_hiding_cells_is_not_enough():
    # Five people, all in one band: with the total shown, the two zeros could be worked out.
    result = suppress_counts([0, 0, 5])
    assert result.cells == (SMALL, SMALL, HIDDEN)
    assert not result.total_shown


def test_a_single_category_group_hides_its_total_when_small():
    assert suppress_counts([7]) == suppress_counts([7], total=7)
    assert suppress_counts([7]).cells == (SHOWN,)
    assert suppress_counts([3]).total_shown is False


def test_the_threshold_can_be_changed():
    assert suppress_counts([8, 20], threshold=10).cells == (SMALL, HIDDEN)


def worked_out(counts, result, threshold=5) -> bool:
    """Brute force: could someone who sees the shown figures pin down a hidden count?"""
    total = sum(counts)
    hidden = [i for i, state in enumerate(result.cells) if state != SHOWN]
    if not hidden or not result.total_shown:
        return False

    def domain(i):
        return range(threshold) if result.cells[i] == SMALL else range(threshold, total + 1)

    remainder = total - sum(c for i, c in enumerate(counts) if result.cells[i] == SHOWN)
    possible = {i: set() for i in hidden}
    for values in itertools.product(*(domain(i) for i in hidden)):
        if sum(values) == remainder:
            for i, value in zip(hidden, values, strict=True):
                possible[i].add(value)
    return any(len(values) == 1 for values in possible.values())


@given(st.lists(st.integers(min_value=0, max_value=14), min_size=2, max_size=4))
def test_no_suppressed_count_can_ever_be_worked_out(counts):
    result = suppress_counts(counts)
    assert all(
        (state == SMALL) == (c < 5 or sum(counts) < 5)
        for c, state in zip(counts, result.cells, strict=True)
    )
    assert not worked_out(counts, result)


# The figures ---------------------------------------------------------------------------------

TODAY = dt.date(2026, 6, 15)


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def add_checkin(user, programme, day: dt.date, score: int, role="mentee", band=None):
    band = band or ("very_low" if score <= 28 else "low" if score <= 50 else "not_low")
    checkin = CheckIn.objects.create(
        user=user,
        programme=programme,
        role=role,
        answers=[score // 20] * 5,
        raw_score=score // 4,
        score=score,
        band=band,
        anything_on_mind="Platypus in the on-call room",
    )
    CheckIn.objects.filter(pk=checkin.pk).update(created_at=at(day))
    return checkin


@pytest.fixture
def running(programme):
    programme.starts_on = dt.date(2025, 1, 1)
    programme.save()
    return programme


def people(programme, role, n, joined=dt.date(2025, 1, 1)):
    persons = [make_person(programme, role) for _ in range(n)]
    Membership.objects.filter(user__in=persons).update(joined_at=at(joined))
    return persons


@pytest.mark.django_db
def test_figures_per_month_and_role(running):
    mentees = people(running, "mentee", 8)
    mentors = people(running, "mentor", 3)
    june = dt.date(2026, 6, 3)
    for person, score in zip(mentees[:6], [20, 60, 64, 68, 72, 80], strict=True):
        add_checkin(person, running, june, score)
    add_checkin(mentors[0], running, june, 60, role="mentor")

    figures = programme_aggregates(programme=running, today=TODAY)

    row = figures["mentee"][0]
    assert row.month == dt.date(2026, 6, 1)
    assert (row.members, row.checkins, row.people) == (8, 6, 6)
    assert row.response_rate == 75.0
    assert row.median == 66.0
    # One very low and no low: together they stay "fewer than 5" and cannot be told apart.
    assert [(b.band.code, b.state, b.count) for b in row.bands] == [
        ("very_low", SMALL, None),
        ("low", SMALL, None),
        ("not_low", SHOWN, 5),
    ]
    mentor_row = figures["mentor"][0]
    assert mentor_row.small and mentor_row.median is None and mentor_row.checkins is None


@pytest.mark.django_db
def test_each_persons_latest_check_in_in_the_month_counts_once(running):
    mentees = people(running, "mentee", 6)
    for person in mentees:
        add_checkin(person, running, dt.date(2026, 5, 2), 20)
        add_checkin(person, running, dt.date(2026, 5, 20), 80)

    may = programme_aggregates(programme=running, today=TODAY)["mentee"][1]

    assert may.month == dt.date(2026, 5, 1)
    assert (may.checkins, may.people, may.median) == (12, 6, 80)
    assert [b.state for b in may.bands] == [SMALL, SMALL, HIDDEN]


@pytest.mark.django_db
def test_band_shares_are_shown_for_large_groups(running):
    mentees = people(running, "mentee", 20)
    scores = [20] * 5 + [40] * 5 + [80] * 10
    for person, score in zip(mentees, scores, strict=True):
        add_checkin(person, running, dt.date(2026, 6, 1), score)

    row = programme_aggregates(programme=running, today=TODAY)["mentee"][0]

    assert [(b.count, b.share) for b in row.bands] == [(5, 25.0), (5, 25.0), (10, 50.0)]
    assert row.response_rate == 100.0


@pytest.mark.django_db
def test_members_are_counted_for_the_months_they_belonged(running):
    early, late = people(running, "mentee", 1)[0], people(running, "mentee", 1)[0]
    Membership.objects.filter(user=late).update(joined_at=at(dt.date(2026, 6, 10)))
    Membership.objects.filter(user=early).update(ended_at=at(dt.date(2026, 4, 20)))

    rows = {r.month: r for r in programme_aggregates(programme=running, today=TODAY)["mentee"]}

    assert rows[dt.date(2026, 6, 1)].members == 1
    assert rows[dt.date(2026, 5, 1)].members == 0
    assert rows[dt.date(2026, 4, 1)].members == 1


@pytest.mark.django_db
def test_twelve_months_newest_first_and_none_before_the_programme_started(programme):
    programme.starts_on = dt.date(2020, 1, 1)
    programme.save()
    rows = programme_aggregates(programme=programme, today=TODAY)["mentee"]
    assert len(rows) == 12
    assert rows[0].month == dt.date(2026, 6, 1) and rows[-1].month == dt.date(2025, 7, 1)
    programme.starts_on = dt.date(2026, 4, 9)
    programme.save()
    rows = programme_aggregates(programme=programme, today=TODAY)["mentee"]
    assert [r.month for r in rows] == [
        dt.date(2026, 6, 1),
        dt.date(2026, 5, 1),
        dt.date(2026, 4, 1),
    ]


@pytest.mark.django_db
def test_other_programmes_check_ins_are_not_counted(running, other_programme):
    mentees = people(running, "mentee", 6)
    for person in mentees:
        MembershipFactory(programme=other_programme, user=person, role="mentee")
        add_checkin(person, other_programme, dt.date(2026, 6, 1), 80)
    row = programme_aggregates(programme=running, today=TODAY)["mentee"][0]
    assert row.small and row.checkins is None


# The page ------------------------------------------------------------------------------------


def aggregates_url(programme) -> str:
    return reverse("wellbeing:aggregates", kwargs={"slug": programme.slug})


@pytest.mark.django_db
def test_the_coordinator_sees_figures_and_never_a_person(client, running, coordinator):
    mentees = people(running, "mentee", 7)
    today = timezone.localdate()
    for person, score in zip(mentees, [20, 32, 44, 60, 64, 76, 88], strict=True):
        add_checkin(person, running, today, score)
    lonely = people(running, "mentor", 1)[0]
    add_checkin(lonely, running, today, 52, role="mentor")
    client.force_login(coordinator)

    response = client.get(aggregates_url(running))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Check-in figures" in body and "fewer than 5" in body
    assert "Platypus" not in body
    for person in [*mentees, lonely]:
        assert person.full_name not in body and person.email not in body
    assert "/wellbeing/check-ins/" not in body  # no link to anyone's check-in
    assert "fewer than 5 people checked in" in body  # the single mentor's month


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who",
    ["mentee", "mentor", "welfare_lead", "other_welfare_lead", "other_coordinator", "outsider"],
)
def test_the_figures_are_for_the_programmes_coordinators_only(client, request, running, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(aggregates_url(running)).status_code == 404


@pytest.mark.django_db
def test_the_figures_need_signing_in(client, running):
    assert is_login_redirect(client.get(aggregates_url(running)))


@pytest.mark.django_db
def test_the_page_makes_a_fixed_number_of_queries(
    client, running, coordinator, django_assert_max_num_queries
):
    client.force_login(coordinator)
    with django_assert_max_num_queries(20) as few:
        client.get(aggregates_url(running))
    mentees = people(running, "mentee", 30)
    today = timezone.localdate()
    for months_ago in range(12):
        day = (today.replace(day=1) - dt.timedelta(days=27 * months_ago)).replace(day=5)
        for person in mentees:
            add_checkin(person, running, day, 40 + months_ago)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(aggregates_url(running))
    assert response.status_code == 200
