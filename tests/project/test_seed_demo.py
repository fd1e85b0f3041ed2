"""`manage.py seed_demo`: the demo programmes, their matching and wellbeing, and the
logins `make run` prints. The matching and wellbeing details are tested in
tests/matching/test_demo.py and tests/wellbeing/test_demo.py."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matching.models import MatchingRun, MentorRequest, Mentorship
from mentoring.accounts.models import MatchingPreferences, Profile, User
from mentoring.notifications.models import Notification
from mentoring.vocabulary import REGIONS, SPECIALTIES, Framework
from programmes.demo import DEMO_PASSWORD, demo_seed
from programmes.models import Application, ApplicationQuestion, Invitation, Membership, Programme
from wellbeing.models import CheckIn, SupportRequest, SupportService

pytestmark = pytest.mark.django_db

LOGINS = [
    "coordinator1@demo.test",
    "coordinator2@demo.test",
    "mentor1@demo.test",
    "mentor30@demo.test",
    "mentee1@demo.test",
    "mentee80@demo.test",
    "welfare1@demo.test",
    "welfare2@demo.test",
]
YORKSHIRE = "yorkshire-consultant-mentoring"
NORTH_WEST = "north-west-trainee-peer-mentoring"


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(db) -> str:
    return seed()


def _programme(name: str) -> Programme:
    return Programme.objects.get(name=name)


def test_seeding_sends_no_email(db, django_capture_on_commit_callbacks):
    """The demo addresses do not exist: nothing waits in the outbox for the worker."""
    with django_capture_on_commit_callbacks(execute=True):
        seed()

    assert not Notification.objects.filter(kind__startswith="email:").exists()
    assert not mail.outbox
    # The bell still shows what happened to each person.
    assert Notification.objects.filter(kind__startswith="event:").exists()


def test_each_demo_login_signs_in_with_the_demo_password_and_no_second_factor(seeded, client):
    # One seed for every login: seeding is the slow part.
    for email in LOGINS:
        client.logout()
        response = client.post(
            reverse("account_login"), {"login": email, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, email
        assert response["Location"] == reverse("home"), email
        user = User.objects.get(email=email)
        assert int(client.session["_auth_user_id"]) == user.pk
        assert not Authenticator.objects.filter(user=user).exists()


def test_every_demo_person_has_a_verified_primary_email_and_a_profile(seeded):
    people = User.objects.filter(email__endswith="@demo.test")
    assert people.count() == 2 + 2 + 30 + 80  # coordinators, welfare leads, mentors, mentees
    verified = EmailAddress.objects.filter(user__in=people, verified=True, primary=True)
    assert verified.count() == people.count()
    assert Profile.objects.filter(user__in=people).count() == people.count()
    assert MatchingPreferences.objects.filter(user__in=people).count() == 110


def test_each_programme_has_its_own_coordinator_who_may_create_programmes(seeded):
    yorkshire = _programme("Yorkshire Consultant Mentoring")
    north_west = _programme("North West Trainee Peer Mentoring")
    assert (yorkshire.kind, north_west.kind) == (Programme.Kind.ONE_TO_ONE, Programme.Kind.PEER)
    for number, programme in ((1, yorkshire), (2, north_west)):
        coordinator = User.objects.get(email=f"coordinator{number}@demo.test")
        assert list(Programme.objects.coordinated_by(coordinator)) == [programme]
        assert coordinator.has_perm("programmes.add_programme")
        assert not programme.coordinators_require_mfa
        assert programme.enrolment_is_open()
        assert programme.questions.count() >= 2


def test_people_are_split_between_the_programmes(seeded):
    applications = Application.objects.values_list("programme__slug", "role")
    counts = {(slug, role): 0 for slug, role in applications}
    for key in applications:
        counts[key] += 1
    assert counts == {
        ("yorkshire-consultant-mentoring", "mentor"): 18,
        ("yorkshire-consultant-mentoring", "mentee"): 48,
        ("north-west-trainee-peer-mentoring", "mentor"): 12,
        ("north-west-trainee-peer-mentoring", "mentee"): 32,
    }


@pytest.mark.parametrize(
    "slug", ["yorkshire-consultant-mentoring", "north-west-trainee-peer-mentoring"]
)
def test_each_programme_has_applications_in_every_state(seeded, slug):
    applications = Application.objects.filter(programme__slug=slug)
    assert set(applications.values_list("status", flat=True)) == set(Application.Status.values)
    for application in applications.filter(status=Application.Status.DECLINED):
        assert application.decision_message and application.decided_by
    for application in applications.filter(status=Application.Status.WITHDRAWN):
        assert application.withdrawn_at and not application.decided_at
    assert all(a.answers for a in applications)


def test_approved_applicants_are_members_and_no_one_else_is(seeded):
    approved = Application.objects.filter(status=Application.Status.APPROVED)
    members = Membership.objects.active().filter(
        role__in=[Membership.Role.MENTOR, Membership.Role.MENTEE]
    )
    assert set(members.values_list("programme", "user", "role")) == set(
        approved.values_list("programme", "applicant", "role")
    )
    mentors = members.filter(role=Membership.Role.MENTOR)
    assert mentors.exists() and not mentors.filter(capacity__isnull=True).exists()
    for email in ("mentor1@demo.test", "mentor30@demo.test", "mentee1@demo.test"):
        assert members.filter(user__email=email).exists(), email


def test_answers_are_keyed_by_question_and_only_answer_the_applicants_questions(seeded):
    for application in Application.objects.select_related("programme"):
        questions = ApplicationQuestion.objects.filter(programme=application.programme)
        asked = {str(q.pk) for q in questions if q.applies_to(application.role)}
        assert set(application.answers) <= asked


def test_invitations_are_pending_expired_revoked_or_accepted_and_store_only_a_hash(seeded):
    states = {i.state for i in Invitation.objects.all()}
    assert states == {"pending", "expired", "revoked", "accepted"}
    for invitation in Invitation.objects.all():
        assert re.fullmatch(r"[0-9a-f]{64}", invitation.token_hash)
    for invitation in Invitation.objects.filter(accepted_at__isnull=False):
        assert Application.objects.filter(
            applicant=invitation.accepted_by, programme=invitation.programme, via_invitation=True
        ).exists()


def test_profiles_are_varied_and_drawn_from_the_vocabulary(seeded):
    profiles = Profile.objects.filter(user__email__regex=r"^ment[eo][er]\d+@")
    assert profiles.count() == 110
    assert {p.specialty for p in profiles} <= set(SPECIALTIES)
    assert len({p.specialty for p in profiles}) >= 10
    assert {p.region for p in profiles} <= set(REGIONS)
    assert len({p.years_in_practice for p in profiles}) == 5
    assert len({p.bio for p in profiles}) == 110
    assert len({p.user.full_name for p in profiles.select_related("user")}) >= 100
    assert all(p.is_complete and p.meeting_modes for p in profiles)


def test_regions_are_weighted_to_each_programmes_area(seeded):
    yorkshire = {"West Yorkshire", "South Yorkshire and Bassetlaw", "North Yorkshire and Humber"}
    applicants = Application.objects.filter(programme__slug="yorkshire-consultant-mentoring")
    regions = [a.applicant.profile.region for a in applicants.select_related("applicant__profile")]
    assert sum(region in yorkshire for region in regions) / len(regions) > 0.7


def test_most_mentors_are_trained_with_frameworks_and_trainees_have_grades(seeded):
    mentors = Profile.objects.filter(user__email__startswith="mentor")
    trained = [p for p in mentors if p.mentor_trained]
    assert len(trained) / mentors.count() > 0.6
    assert all(p.training_course and p.training_year and p.frameworks_taught for p in trained)
    assert all(set(p.frameworks_practised) <= set(p.frameworks_taught) for p in trained)
    assert {f for p in trained for f in p.frameworks_taught} <= set(Framework.values)
    trainees = Profile.objects.filter(job_role="trainee")
    assert trainees.exists() and all(p.grade for p in trainees)


def test_the_same_people_are_created_every_time(db):
    def snapshot():
        return list(
            Profile.objects.order_by("user__email").values_list(
                "user__email", "user__full_name", "specialty", "region", "bio"
            )
        )

    seed()
    first = snapshot()
    User.objects.all().delete()
    Programme.objects.all().delete()
    seed()
    assert snapshot() == first


def test_it_prints_a_summary(seeded):
    assert "2 programmes" in seeded
    assert "112 people: 2 coordinators, 30 mentors, 80 mentees" in seeded
    assert "mentoring-demo" in seeded
    assert "12 active mentorships" in seeded
    assert "4 requests waiting for a reply" in seeded
    assert "welfare1@demo.test" in seeded and "welfare2@demo.test" in seeded
    assert "1 support request waiting for contact" in seeded


def test_it_creates_pending_requests_a_published_run_and_mentorships_on_both_routes(seeded):
    assert MentorRequest.objects.pending().filter(programme__slug=YORKSHIRE).count() >= 3
    run = MatchingRun.objects.get(programme__slug=NORTH_WEST)
    assert run.status == MatchingRun.Status.PUBLISHED
    active = Mentorship.objects.filter(status=Mentorship.Status.ACTIVE)
    assert active.filter(programme__slug=YORKSHIRE, origin=Mentorship.Origin.REQUEST).count() >= 12
    assert active.filter(programme__slug=NORTH_WEST, run=run).count() >= 5


def test_it_creates_check_ins_welfare_leads_directories_and_a_support_request(seeded):
    for number, slug in ((1, YORKSHIRE), (2, NORTH_WEST)):
        lead = Membership.objects.active().get(
            user__email=f"welfare{number}@demo.test", role=Membership.Role.WELFARE_LEAD
        )
        assert lead.programme.slug == slug
        assert SupportService.objects.filter(programme__slug=slug).exists()
        assert CheckIn.objects.filter(programme__slug=slug).count() >= 30
    assert SupportRequest.objects.filter(status=SupportRequest.Status.OPEN).count() == 1


def test_if_empty_seeds_an_empty_database(db):
    output = seed("--if-empty")
    assert "Demo data created" in output
    assert User.objects.filter(email="mentee80@demo.test").exists()


def test_if_empty_does_nothing_once_anyone_has_signed_up(db, outsider):
    output = seed("--if-empty")
    assert "already has users" in output
    assert User.objects.count() == 1 and not Programme.objects.exists()


def test_if_empty_is_idempotent(seeded):
    def counts():
        return [
            model.objects.count()
            for model in (User, Application, Invitation, Mentorship, MentorRequest, CheckIn)
        ]

    before = counts()
    assert "already has users" in seed("--if-empty")
    assert counts() == before


def test_seeding_twice_without_if_empty_is_refused_with_a_clear_message(seeded):
    with pytest.raises(CommandError, match="Demo data is already here"):
        seed()


def test_it_refuses_to_run_in_production_mode(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        seed()
    with pytest.raises(CommandError, match="production"):
        seed("--if-empty")
    assert not User.objects.exists() and not Mentorship.objects.exists()


def test_the_command_lives_in_the_top_app_so_it_can_seed_every_layer():
    from django.core.management import get_commands

    assert get_commands()["seed_demo"] == "wellbeing"


def test_scale_multiplies_the_mentors_and_mentees(db):
    output = seed("--scale", "2")
    people = User.objects.filter(email__endswith="@demo.test")
    assert people.filter(email__startswith="mentor").count() == 60
    assert people.filter(email__startswith="mentee").count() == 160
    assert people.filter(email__in=["mentor31@demo.test", "mentee160@demo.test"]).count() == 2
    assert people.filter(email__startswith="coordinator").count() == 2
    assert Programme.objects.count() == 2
    assert "60 mentors, 160 mentees" in output


def test_scale_adds_the_matching_and_wellbeing_data_too(db):
    seed("--scale", "2")
    assert Mentorship.objects.filter(programme__slug=YORKSHIRE).count() == 14
    north_west = Membership.objects.active().filter(
        programme__slug=NORTH_WEST, role=Membership.Role.MENTEE
    )
    matched = Mentorship.objects.filter(programme__slug=NORTH_WEST).count()
    assert matched == north_west.count() // 2
    assert CheckIn.objects.count() > 200


def test_scale_multiplies_the_people(db):
    # How long a large seed takes is measured by the benchmarks, not here.
    output = seed("--scale", "2")
    assert "60 mentors, 160 mentees" in output


def test_scale_must_be_positive(db):
    with pytest.raises(CommandError, match="--scale"):
        seed("--scale", "0")


def test_seeding_uses_bulk_inserts_whatever_the_scale(db):
    with CaptureQueriesContext(connection) as queries:
        demo_seed(scale=3)
    # 330 people with profiles, applications and memberships, in a few dozen queries.
    assert len(queries) < 80


@pytest.mark.parametrize(
    ("email", "status"),
    [
        ("mentee3@demo.test", Application.Status.SUBMITTED),
        ("mentee6@demo.test", Application.Status.DECLINED),
        ("mentee9@demo.test", Application.Status.WITHDRAWN),
        ("mentor5@demo.test", Application.Status.SUBMITTED),
        ("mentor8@demo.test", Application.Status.DECLINED),
        ("mentor14@demo.test", Application.Status.WITHDRAWN),
    ],
)
def test_the_logins_the_readme_names_for_each_state_are_in_that_state(seeded, email, status):
    assert Application.objects.get(applicant__email=email).status == status
