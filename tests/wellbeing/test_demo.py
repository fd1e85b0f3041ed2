"""The demo wellbeing data `seed_demo` adds: directories, welfare leads, six months of
check-ins, one shared with a mentor, and a support request waiting."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from matching.models import Mentorship
from mentoring.accounts.models import User
from programmes.demo import DEMO_PASSWORD
from programmes.models import Membership, Programme
from wellbeing.instruments import WHO5
from wellbeing.models import CheckIn, SupportRequest, SupportService, WellbeingSettings
from wellbeing.selectors.aggregates import SHOWN, SMALL, programme_aggregates
from wellbeing.services.directory import DEFAULT_SERVICES

pytestmark = pytest.mark.django_db

SLUGS = ("yorkshire-consultant-mentoring", "north-west-trainee-peer-mentoring")


@pytest.fixture
def seeded(db) -> None:
    call_command("seed_demo", stdout=StringIO())


def _user(name: str) -> User:
    return User.objects.get(email=f"{name}@demo.test")


def test_each_directory_starts_with_the_default_services(seeded):
    for slug in SLUGS:
        services = SupportService.objects.filter(programme__slug=slug)
        assert sorted(services.values_list("name", flat=True)) == sorted(
            s["name"] for s in DEFAULT_SERVICES
        )
        assert WellbeingSettings.objects.get(programme__slug=slug).directory_seeded_at


def test_each_programme_has_one_welfare_lead_who_can_sign_in(seeded, client):
    for number, slug in enumerate(SLUGS, start=1):
        leads = Membership.objects.active().filter(
            programme__slug=slug, role=Membership.Role.WELFARE_LEAD
        )
        (lead,) = leads.select_related("user")
        assert lead.user.email == f"welfare{number}@demo.test"
        assert lead.user.emailaddress_set.get().verified
        assert lead.user.profile.is_complete
        assert client.login(email=lead.user.email, password=DEMO_PASSWORD)


def test_six_months_of_check_ins_scored_with_the_who5(seeded):
    now = timezone.now()
    checkins = list(CheckIn.objects.select_related("programme"))
    assert len(checkins) >= 100
    assert min(c.created_at for c in checkins) > now - dt.timedelta(days=181)
    months = {timezone.localtime(c.created_at).date().replace(day=1) for c in checkins}
    assert 6 <= len(months) <= 7
    joined = {
        (m.programme_id, m.user_id): (m.joined_at, m.role)
        for m in Membership.objects.active().filter(
            role__in=[Membership.Role.MENTEE, Membership.Role.MENTOR]
        )
    }
    for checkin in checkins:
        assert checkin.raw_score == sum(checkin.answers) and len(checkin.answers) == 5
        assert checkin.score == checkin.raw_score * 4
        assert checkin.band == WHO5.band_for(checkin.score).code
        member_since, role = joined[(checkin.programme_id, checkin.user_id)]
        assert member_since <= checkin.created_at <= now
        assert checkin.role == role
    assert {c.band for c in checkins} == {b.code for b in WHO5.bands}
    assert {c.role for c in checkins} == {Membership.Role.MENTEE, Membership.Role.MENTOR}


def test_coordinators_figures_show_real_numbers_and_suppress_small_groups(seeded):
    shown, suppressed = 0, 0
    for programme in Programme.objects.filter(slug__in=SLUGS):
        for months in programme_aggregates(programme=programme).values():
            for figures in months:
                if figures.small:
                    suppressed += 1
                    continue
                assert figures.median is not None
                states = [band.state for band in figures.bands]
                shown += states.count(SHOWN)
                suppressed += states.count(SMALL)
    assert shown >= 5 and suppressed >= 5


def test_mentee1_shared_a_check_in_that_only_their_mentor_can_read(seeded):
    mentee, mentor = _user("mentee1"), _user("mentor1")
    shared = CheckIn.objects.get(share_with_mentor=True)
    assert shared.user == mentee and shared.what_would_help
    assert shared.shared_mentorship.mentor == mentor
    assert shared.shared_mentorship.status == Mentorship.Status.ACTIVE
    assert CheckIn.objects.visible_to(mentor).filter(pk=shared.pk).exists()
    for other in ("coordinator1", "welfare1", "mentor2"):
        assert not CheckIn.objects.visible_to(_user(other)).filter(user=mentee).exists()


def test_one_support_request_waits_for_the_yorkshire_welfare_lead_only(seeded):
    (request,) = SupportRequest.objects.all()
    assert request.status == SupportRequest.Status.OPEN
    assert request.user == _user("mentee15") and request.programme.slug == SLUGS[0]
    assert SupportRequest.objects.visible_to(_user("welfare1")).get() == request
    for other in ("welfare2", "coordinator1", "mentor7"):
        assert not SupportRequest.objects.visible_to(_user(other)).exists()


@pytest.mark.parametrize("day", [1, 28])
def test_the_same_people_make_the_same_check_ins_whatever_the_day(db, day):
    def snapshot():
        rows = CheckIn.objects.order_by("user__email", "created_at")
        return list(rows.values_list("user__email", "score", "band"))

    with time_machine.travel(dt.datetime(2025, 3, 14, 12, tzinfo=dt.UTC)):
        call_command("seed_demo", stdout=StringIO())
    first = snapshot()
    User.objects.all().delete()
    Programme.objects.all().delete()
    with time_machine.travel(dt.datetime(2025, 6, day, 8, tzinfo=dt.UTC)):
        call_command("seed_demo", stdout=StringIO())
    assert snapshot() == first
