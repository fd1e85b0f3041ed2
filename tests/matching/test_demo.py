"""The demo matching data `seed_demo` adds: requests and mentorships in every state on
the mentee-chooses programme, a published run on the coordinator-matching one."""

from __future__ import annotations

from io import StringIO

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from matching.demo import NORTH_WEST_SETTINGS
from matching.models import ClosingReview, MatchingRun, MentorRequest, Mentorship
from matching.selectors.runs import eligible_mentee_ids, pool_summary
from matching.services.runs import run_create
from mentoring.accounts.models import User
from programmes.models import Membership, Programme

pytestmark = pytest.mark.django_db

YORKSHIRE = "yorkshire-consultant-mentoring"
NORTH_WEST = "north-west-trainee-peer-mentoring"
Status = Mentorship.Status


@pytest.fixture
def seeded(db) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _user(name: str) -> User:
    return User.objects.get(email=f"{name}@demo.test")


def _pairs(**filters) -> set[tuple[str, str]]:
    rows = Mentorship.objects.filter(**filters).values_list("mentee__email", "mentor__email")
    return {(mentee.split("@")[0], mentor.split("@")[0]) for mentee, mentor in rows}


def test_yorkshire_mentees_request_and_north_west_coordinators_match(seeded):
    yorkshire = Programme.objects.get(slug=YORKSHIRE)
    north_west = Programme.objects.get(slug=NORTH_WEST)
    assert yorkshire.allows_mentee_requests
    assert north_west.matching_route == Programme.MatchingRoute.COORDINATOR


def test_yorkshire_has_mentorships_and_requests_in_every_state(seeded):
    mentorships = Mentorship.objects.filter(programme__slug=YORKSHIRE)
    active = mentorships.filter(status=Status.ACTIVE)
    assert active.count() == 12
    assert not active.exclude(origin=Mentorship.Origin.REQUEST).exists()
    # Each came from the mentee's request, which the mentor accepted.
    accepted = MentorRequest.objects.filter(
        programme__slug=YORKSHIRE, status=MentorRequest.Status.ACCEPTED
    )
    assert set(accepted.values_list("mentorship", flat=True)) == set(
        mentorships.values_list("pk", flat=True)
    )
    assert ("mentee1", "mentor1") in _pairs(programme__slug=YORKSHIRE, status=Status.ACTIVE)

    paused = mentorships.get(status=Status.PAUSED)
    assert (paused.mentee.email, paused.mentor.email) == ("mentee24@demo.test", "mentor2@demo.test")
    assert paused.paused_until > timezone.localdate()

    closed = mentorships.get(status=Status.CLOSED)
    assert closed.close_reason == Mentorship.CloseReason.COMPLETED
    assert _pairs(pk=closed.pk) == {("mentee34", "mentor11")}
    reviews = ClosingReview.objects.filter(mentorship=closed)
    assert set(reviews.values_list("author", flat=True)) == {closed.mentor_id, closed.mentee_id}

    requests = MentorRequest.objects.filter(programme__slug=YORKSHIRE)
    pending = requests.pending()
    assert pending.count() == 4
    asked = {(r.mentee.email, r.mentor.email) for r in pending.select_related("mentee", "mentor")}
    assert ("mentee2@demo.test", "mentor2@demo.test") in asked
    assert ("mentee5@demo.test", "mentor1@demo.test") in asked
    declined = requests.get(status=MentorRequest.Status.DECLINED)
    assert declined.reply_message and declined.decline_reason
    expired = requests.get(status=MentorRequest.Status.EXPIRED)
    assert expired.expires_at < timezone.now()


def test_no_mentor_is_over_capacity_and_every_waiting_request_can_be_accepted(seeded):
    mentors = Membership.objects.active().filter(role=Membership.Role.MENTOR)
    for membership in mentors.select_related("programme"):
        load = (
            Mentorship.objects.open()
            .filter(programme=membership.programme, mentor=membership.user)
            .count()
        )
        waiting = (
            MentorRequest.objects.pending()
            .filter(programme=membership.programme, mentor=membership.user)
            .count()
        )
        assert load + waiting <= membership.capacity, membership.user.email
    # Mentees browsing Yorkshire still find mentors with room.
    assert pool_summary(Programme.objects.get(slug=YORKSHIRE)).places >= 8


def test_dates_read_like_a_history_that_never_runs_ahead_of_itself(seeded):
    now, today = timezone.now(), timezone.localdate()
    joined = {(m.programme_id, m.user_id): m.joined_at for m in Membership.objects.active().all()}
    for mentorship in Mentorship.objects.select_related("programme"):
        started = mentorship.created_at
        assert started <= now
        assert started >= joined[(mentorship.programme_id, mentorship.mentee_id)]
        assert started >= joined[(mentorship.programme_id, mentorship.mentor_id)]
        assert mentorship.started_on <= today
        months = mentorship.programme.relationship_months
        assert mentorship.planned_end_on == mentorship.started_on + relativedelta(months=months)
        if mentorship.closed_at:
            assert started < mentorship.closed_at <= now
    for request in MentorRequest.objects.all():
        assert request.created_at <= now
        assert request.created_at < request.expires_at
        if request.responded_at:
            assert request.created_at <= request.responded_at <= now
    started = Mentorship.objects.filter(programme__slug=YORKSHIRE).values_list(
        "started_on", flat=True
    )
    assert min(started) < today - relativedelta(months=2)


def test_north_west_has_one_published_run_that_matched_about_half_its_mentees(seeded):
    north_west = Programme.objects.get(slug=NORTH_WEST)
    settings = north_west.matching_settings
    for name, value in NORTH_WEST_SETTINGS.items():
        assert getattr(settings, name) == value, name
    (run,) = MatchingRun.objects.filter(programme=north_west)
    assert run.status == MatchingRun.Status.PUBLISHED and run.published_at < timezone.now()
    mentorships = Mentorship.objects.filter(programme=north_west)
    assert set(mentorships.values_list("run", "status", "origin")) == {
        (run.pk, Status.ACTIVE, Mentorship.Origin.MATCHING)
    }
    assert mentorships.count() == run.pairs.count()
    mentees = Membership.objects.active().filter(programme=north_west, role=Membership.Role.MENTEE)
    waiting = eligible_mentee_ids(north_west)
    assert mentorships.count() == mentees.count() // 2
    assert len(waiting) == mentees.count() - mentorships.count()
    assert not MentorRequest.objects.filter(programme=north_west).exists()


def test_the_north_west_coordinator_can_run_matching_for_the_mentees_still_waiting(seeded):
    north_west = Programme.objects.get(slug=NORTH_WEST)
    summary = pool_summary(north_west)
    assert summary.mentees_waiting >= 5 and summary.places >= 5
    outcome = run_create(programme=north_west, by=_user("coordinator2"))
    assert outcome.pairs >= 5 and not outcome.replaced_draft


def test_the_demo_logins_see_their_mentoring(seeded, client):
    client.force_login(_user("mentor1"))
    page = client.get(reverse("matching:my_mentoring")).content.decode()
    assert _user("mentee1").full_name in page and _user("mentee5").full_name in page
    client.force_login(_user("mentee2"))
    page = client.get(reverse("matching:my_mentoring")).content.decode()
    assert _user("mentor2").full_name in page
    client.force_login(_user("coordinator2"))
    response = client.get(reverse("matching:runs", kwargs={"slug": NORTH_WEST}))
    assert response.status_code == 200
    assert "Run matching" in response.content.decode()


def test_the_same_pairs_and_requests_are_made_every_time(db):
    def snapshot():
        requests = MentorRequest.objects.values_list("mentee__email", "mentor__email", "status")
        return _pairs(), sorted(requests)

    call_command("seed_demo", stdout=StringIO())
    first = snapshot()
    User.objects.all().delete()
    Programme.objects.all().delete()
    call_command("seed_demo", stdout=StringIO())
    assert snapshot() == first


@pytest.mark.django_db(transaction=True)
def test_seeding_emails_nobody():
    call_command("seed_demo", stdout=StringIO())
    assert Mentorship.objects.exists()
    assert mail.outbox == []


def test_the_people_the_readme_names_are_in_the_states_it_describes(seeded):
    open_pairs = _pairs(status__in=[Status.ACTIVE, Status.PAUSED])
    assert {("mentee1", "mentor1"), ("mentee24", "mentor2"), ("mentee67", "mentor19")} <= (
        open_pairs
    )
    assert any(mentee == "mentee14" for mentee, _ in open_pairs)
    for name in ("mentee7", "mentee10", "mentee44", "mentee80"):
        person = _user(name)
        assert not Mentorship.objects.open().filter(mentee=person).exists(), name
        assert not MentorRequest.objects.pending().filter(mentee=person).exists(), name
    north_west = Programme.objects.get(slug=NORTH_WEST)
    assert _user("mentee80").pk in eligible_mentee_ids(north_west)
