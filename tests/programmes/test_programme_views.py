from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from programmes.models import Application, ApplicationQuestion, Membership, Programme
from tests.factories import (
    ApplicationFactory,
    MembershipFactory,
    ProgrammeFactory,
    UserFactory,
)
from tests.support.pages import messages_of

pytestmark = pytest.mark.django_db

Status = Programme.Status


def form_data(**overrides) -> dict:
    data = {
        "name": "Leeds Trainee Mentoring",
        "description": "Mentoring for doctors in training.",
        "audience": "Doctors in training",
        "starts_on": "2025-09-01",
        "ends_on": "",
        "enrolment_opens_on": "",
        "enrolment_closes_on": "",
        "kind": "one_to_one",
        "matching_route": "both",
        "default_mentor_capacity": "2",
        "relationship_months": "12",
        "meeting_frequency": "monthly",
        "meeting_length_minutes": "50",
        "co_coordinator_emails": "",
    }
    return {**data, **overrides}


# The permission matrix for every management page


def question_for(programme) -> ApplicationQuestion:
    return ApplicationQuestion.objects.create(programme=programme, text="Why now?")


MANAGEMENT_PAGES = [
    ("programmes:manage", lambda p: {}),
    ("programmes:edit", lambda p: {}),
    ("programmes:team", lambda p: {}),
    ("programmes:questions", lambda p: {}),
    ("programmes:question_edit", lambda p: {"pk": question_for(p).pk}),
    ("programmes:question_delete", lambda p: {"pk": question_for(p).pk}),
]

POST_ONLY_PAGES = [
    ("programmes:status", lambda p: {}, {"status": "running"}),
    (
        "programmes:team_remove",
        lambda p: {
            "membership_id": MembershipFactory(programme=p, role=Membership.Role.WELFARE_LEAD).pk
        },
        {},
    ),
]


@pytest.fixture
def cast(coordinator, other_coordinator, mentor, mentee, outsider):
    return {
        "coordinator": coordinator,
        "other_coordinator": other_coordinator,
        "mentor": mentor,
        "mentee": mentee,
        "outsider": outsider,
    }


@pytest.mark.parametrize(("name", "kwargs"), MANAGEMENT_PAGES)
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("coordinator", 200),
        ("mentor", 404),
        ("mentee", 404),
        ("other_coordinator", 404),
        ("outsider", 404),
    ],
)
def test_management_pages_are_only_for_the_programmes_coordinators(
    client, programme, cast, name, kwargs, who, expected
):
    url = reverse(name, kwargs={"slug": programme.slug, **kwargs(programme)})
    client.force_login(cast[who])
    response = client.get(url)
    assert response.status_code == expected
    if expected == 404:
        main = response.content.decode().split("<main", 1)[1]
        assert programme.name not in main


@pytest.mark.parametrize(("name", "kwargs"), MANAGEMENT_PAGES)
def test_management_pages_send_anonymous_visitors_to_sign_in(client, programme, name, kwargs):
    url = reverse(name, kwargs={"slug": programme.slug, **kwargs(programme)})
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize(("name", "kwargs", "data"), POST_ONLY_PAGES)
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("coordinator", 302),
        ("mentor", 404),
        ("mentee", 404),
        ("other_coordinator", 404),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
def test_management_actions_are_only_for_the_programmes_coordinators(
    client, programme, cast, name, kwargs, data, who, expected
):
    url = reverse(name, kwargs={"slug": programme.slug, **kwargs(programme)})
    if who != "anonymous":
        client.force_login(cast[who])
    response = client.post(url, data)
    assert response.status_code == expected
    if who == "anonymous":
        assert reverse("account_login") in response["Location"]
    programme.refresh_from_db()
    changed = (
        programme.status == Status.RUNNING
        or Membership.objects.filter(programme=programme, ended_at__isnull=False).exists()
    )
    assert changed == (who == "coordinator")


def test_management_actions_refuse_get(client, programme, coordinator):
    client.force_login(coordinator)
    assert (
        client.get(reverse("programmes:status", kwargs={"slug": programme.slug})).status_code == 405
    )


def test_management_pages_ask_for_two_factor_authentication_when_the_programme_requires_it(
    client, programme, coordinator
):
    Programme.objects.filter(pk=programme.pk).update(coordinators_require_mfa=True)
    client.force_login(coordinator)
    response = client.get(reverse("programmes:manage", kwargs={"slug": programme.slug}))
    assert response.status_code == 302
    assert reverse("mfa_activate_totp") in response["Location"]


def test_the_management_tabs_mark_the_current_page(client, programme, coordinator):
    client.force_login(coordinator)
    body = client.get(reverse("programmes:team", kwargs={"slug": programme.slug})).content.decode()
    team_url = reverse("programmes:team", kwargs={"slug": programme.slug})
    assert f'class="nav-link active" href="{team_url}" aria-current="page"' in body
    for name in ("manage", "review", "members", "invitations", "questions", "edit"):
        assert reverse(f"programmes:{name}", kwargs={"slug": programme.slug}) in body


# Creating a programme


def test_create_needs_the_permission_and_says_so_kindly(client, outsider):
    client.force_login(outsider)
    response = client.get(reverse("programmes:create"))
    assert response.status_code == 403
    assert "This page is not available to you" in response.content.decode()
    assert client.post(reverse("programmes:create"), form_data()).status_code == 403
    assert not Programme.objects.filter(name="Leeds Trainee Mentoring").exists()


def test_create_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("programmes:create"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_create_shows_the_form(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("programmes:create"))
    assert response.status_code == 200
    body = response.content.decode()
    for label in ("Who it is for", "How mentees get mentors", "Co-coordinators"):
        assert label in body
    assert 'value="50"' in body


def test_create_makes_a_draft_and_opens_its_dashboard(
    client, coordinator, django_capture_on_commit_callbacks
):
    UserFactory(email="colleague@example.org")
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("programmes:create"),
            form_data(co_coordinator_emails="colleague@example.org"),
        )

    programme = Programme.objects.get(name="Leeds Trainee Mentoring")
    assert response.status_code == 302
    assert response["Location"] == reverse("programmes:manage", kwargs={"slug": programme.slug})
    assert programme.status == Status.DRAFT
    assert set(
        programme.memberships.filter(role="coordinator").values_list("user__email", flat=True)
    ) == {coordinator.email, "colleague@example.org"}
    assert "created as a draft" in messages_of(response)[0]


def test_create_with_an_unknown_co_coordinator_shows_a_form_error(client, coordinator):
    client.force_login(coordinator)

    response = client.post(
        reverse("programmes:create"), form_data(co_coordinator_emails="nobody@example.org")
    )

    assert response.status_code == 400
    errors = response.context["form"].errors["co_coordinator_emails"]
    assert "nobody@example.org" in errors[0]
    assert not Programme.objects.filter(name="Leeds Trainee Mentoring").exists()
    assert messages_of(response) == ["Please correct the errors below."]


# The programme page


def test_an_open_programme_is_visible_to_anyone_signed_in(client, programme, outsider):
    client.force_login(outsider)
    response = client.get(programme.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert programme.name in body and programme.audience in body
    assert "Apply as a mentor" in body and "Apply as a mentee" in body
    apply_url = reverse("programmes:apply", kwargs={"slug": programme.slug, "role": "mentee"})
    assert apply_url in body
    assert "Manage" not in body.split("<main", 1)[1]


def test_the_programme_page_sends_anonymous_visitors_to_sign_in(client, programme):
    response = client.get(programme.get_absolute_url())
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_someone_elses_draft_programme_is_not_found(client, outsider, other_coordinator):
    draft = ProgrammeFactory(status=Status.DRAFT, name="Secret Pilot")
    client.force_login(outsider)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 404
    assert "Secret Pilot" not in response.content.decode()
    assert "We could not find that page" in response.content.decode()


def test_a_coordinator_sees_their_draft_with_a_manage_link(client, programme, coordinator):
    Programme.objects.filter(pk=programme.pk).update(status=Status.DRAFT)
    client.force_login(coordinator)
    response = client.get(programme.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("programmes:manage", kwargs={"slug": programme.slug}) in body
    assert "Apply as a" not in body


def test_a_programme_with_closed_enrolment_offers_no_apply_buttons(client, programme, mentor):
    Programme.objects.filter(pk=programme.pk).update(status=Status.RUNNING)
    client.force_login(mentor)
    body = client.get(programme.get_absolute_url()).content.decode()
    assert "Apply as a" not in body
    assert "You are a <strong>mentor</strong>" in body


def test_the_page_shows_the_persons_application_and_hides_that_apply_button(
    client, programme, outsider
):
    ApplicationFactory(programme=programme, applicant=outsider, role=Application.Role.MENTEE)
    client.force_login(outsider)
    body = client.get(programme.get_absolute_url()).content.decode()
    assert "Your application as a mentee" in body and "Awaiting review" in body
    assert "Apply as a mentee" not in body
    assert "Apply as a mentor" in body


def test_a_declined_applicant_may_apply_again(client, programme, outsider):
    ApplicationFactory(
        programme=programme,
        applicant=outsider,
        role=Application.Role.MENTOR,
        status=Application.Status.DECLINED,
    )
    client.force_login(outsider)
    body = client.get(programme.get_absolute_url()).content.decode()
    assert "Not accepted" in body
    assert "Apply as a mentor" in body


def test_enrolment_window_in_the_future_offers_no_apply_buttons(client, programme, outsider):
    Programme.objects.filter(pk=programme.pk).update(
        enrolment_opens_on=timezone.localdate() + dt.timedelta(days=3)
    )
    ApplicationFactory(programme=programme, applicant=outsider)  # so the page stays visible
    client.force_login(outsider)
    body = client.get(programme.get_absolute_url()).content.decode()
    assert "Apply as a mentor" not in body


# The list of programmes


def test_the_list_shows_open_programmes_and_the_persons_own(
    client, programme, mentor, other_programme
):
    draft = ProgrammeFactory(status=Status.DRAFT, name="Hidden Draft")
    mine_running = ProgrammeFactory(status=Status.RUNNING, name="My Running Programme")
    MembershipFactory(programme=mine_running, user=mentor, role=Membership.Role.MENTEE)
    client.force_login(mentor)

    response = client.get(reverse("programmes:list"))

    names = [p.name for p in response.context["programmes"]]
    assert programme.name in names and other_programme.name in names
    assert mine_running.name in names
    assert draft.name not in names
    assert "Mentor</span>" in response.content.decode()


def test_the_list_searches_by_name(client, programme, other_programme, outsider):
    client.force_login(outsider)
    response = client.get(reverse("programmes:list"), {"q": "north"})
    assert [p.name for p in response.context["programmes"]] == [other_programme.name]

    response = client.get(reverse("programmes:list"), {"q": "zzz"})
    assert 'No programmes match "zzz"' in response.content.decode()


def test_the_list_is_paginated_with_a_fixed_number_of_queries(
    client, outsider, django_assert_max_num_queries
):
    for n in range(60):
        programme = ProgrammeFactory(name=f"Programme {n:02d} mentoring")
        MembershipFactory(programme=programme, user=outsider, role=Membership.Role.MENTEE)
        ApplicationFactory(programme=programme, applicant=outsider, role="mentor")
    client.force_login(outsider)

    with django_assert_max_num_queries(9):
        response = client.get(reverse("programmes:list"), {"q": "mentoring", "page": 2})

    assert len(response.context["programmes"]) == 25
    body = response.content.decode()
    assert "Showing 26&ndash;50 of 60" in body
    assert "?q=mentoring&amp;page=3" in body
    assert "?q=mentoring&amp;page=1" in body


# The dashboard, settings and status


def test_the_dashboard_counts_what_needs_attention(client, programme, coordinator, mentor, mentee):
    ApplicationFactory.create_batch(2, programme=programme, role="mentor")
    ApplicationFactory.create_batch(3, programme=programme, role="mentee")
    ApplicationFactory(programme=programme, role="mentee", status="declined")
    MembershipFactory(programme=programme, role="mentor", capacity=None)  # default 2
    MembershipFactory(programme=programme, role="mentor", capacity=4)
    client.force_login(coordinator)

    response = client.get(reverse("programmes:manage", kwargs={"slug": programme.slug}))

    dashboard = response.context["dashboard"]
    assert (dashboard.awaiting_mentors, dashboard.awaiting_mentees, dashboard.awaiting) == (2, 3, 5)
    assert (dashboard.mentors, dashboard.mentor_capacity, dashboard.mentees) == (3, 8, 1)
    body = response.content.decode()
    assert "Close enrolment" in body and "Close programme" in body
    assert "Open enrolment" not in body


def test_a_draft_dashboard_offers_to_open_enrolment(client, programme, coordinator):
    Programme.objects.filter(pk=programme.pk).update(status=Status.DRAFT)
    client.force_login(coordinator)
    body = client.get(
        reverse("programmes:manage", kwargs={"slug": programme.slug})
    ).content.decode()
    assert "Open enrolment" in body
    assert "Close programme" not in body


def test_opening_enrolment_from_the_dashboard(client, programme, coordinator):
    Programme.objects.filter(pk=programme.pk).update(status=Status.DRAFT)
    client.force_login(coordinator)

    response = client.post(
        reverse("programmes:status", kwargs={"slug": programme.slug}), {"status": "open"}
    )

    assert response["Location"] == reverse("programmes:manage", kwargs={"slug": programme.slug})
    programme.refresh_from_db()
    assert programme.status == Status.OPEN
    assert messages_of(response) == [
        f"Enrolment is open: people can now apply to {programme.name}."
    ]


def test_a_refused_status_change_explains_why(client, programme, coordinator):
    Programme.objects.filter(pk=programme.pk).update(status=Status.CLOSED)
    client.force_login(coordinator)

    response = client.post(
        reverse("programmes:status", kwargs={"slug": programme.slug}), {"status": "open"}
    )

    programme.refresh_from_db()
    assert programme.status == Status.CLOSED
    assert "cannot be moved" in messages_of(response)[0]


def test_the_settings_page_saves_changes(client, programme, coordinator):
    client.force_login(coordinator)
    url = reverse("programmes:edit", kwargs={"slug": programme.slug})
    assert "co_coordinator_emails" not in client.get(url).content.decode()

    response = client.post(url, form_data(name="Yorkshire Mentoring", meeting_length_minutes="45"))

    assert response.status_code == 302
    programme.refresh_from_db()
    assert (programme.name, programme.meeting_length_minutes, programme.slug) == (
        "Yorkshire Mentoring",
        45,
        "yorkshire",
    )
    assert messages_of(response) == ["The programme's settings have been saved."]


def test_bad_settings_change_nothing(client, programme, coordinator):
    client.force_login(coordinator)
    url = reverse("programmes:edit", kwargs={"slug": programme.slug})

    response = client.post(url, form_data(name="Renamed", ends_on="2020-01-01"))

    assert response.status_code == 400
    assert "The programme cannot end before it starts." in response.content.decode()
    programme.refresh_from_db()
    assert programme.name == "Yorkshire Consultant Mentoring"
