from __future__ import annotations

import pytest
from django.urls import reverse

from programmes.models import Application, Membership, Programme
from programmes.selectors import home_programmes_for
from tests.factories import (
    ApplicationFactory,
    MembershipFactory,
    ProfileFactory,
    ProgrammeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def card_for(user, programme):
    overview = home_programmes_for(user=user)
    (card,) = [c for c in overview.cards if c.programme == programme]
    return card


def step_texts(card) -> list[str]:
    return [step.text for step in card.steps]


def test_a_brand_new_person_is_shown_how_to_start(client, outsider, programme):
    client.force_login(outsider)

    response = client.get(reverse("home"))

    body = response.content.decode()
    assert "You have not joined a programme yet." in body
    assert reverse("accounts:profile_edit") in body
    assert "Complete your profile" in body
    assert programme.name in body  # suggested: it is open for enrolment
    assert reverse("programmes:list") in body


def test_a_mentee_is_invited_to_find_a_mentor(mentee, programme):
    card = card_for(mentee, programme)
    assert card.roles == ["Mentee"]
    (step,) = card.steps
    assert step.action == "Find a mentor"
    assert step.url == programme.get_absolute_url()


def test_a_mentee_waits_for_the_coordinators_where_they_match(mentee, programme):
    Programme.objects.filter(pk=programme.pk).update(
        matching_route=Programme.MatchingRoute.COORDINATOR
    )
    (step,) = card_for(mentee, programme).steps
    assert "coordinators will match you with a mentor" in step.text


def test_a_mentor_is_asked_to_keep_their_profile_and_capacity_up_to_date(mentor, programme):
    card = card_for(mentor, programme)
    assert card.roles == ["Mentor"]
    (step,) = card.steps
    assert "Keep your profile and capacity up to date" in step.text
    assert step.url == reverse("accounts:profile_edit")


def test_a_member_without_a_complete_profile_is_asked_to_complete_it(programme):
    person = UserFactory()
    ProfileFactory(user=person, specialty="")
    MembershipFactory(programme=programme, user=person, role=Membership.Role.MENTEE)

    card = card_for(person, programme)

    assert [s.action for s in card.steps] == ["Complete your profile"]
    assert card.steps[0].url == reverse("accounts:profile_edit")
    assert home_programmes_for(user=person).profile_complete is False


def test_an_applicant_sees_their_application_is_awaiting_review(outsider, programme):
    ProfileFactory(user=outsider)
    ApplicationFactory(programme=programme, applicant=outsider, role=Application.Role.MENTOR)

    card = card_for(outsider, programme)

    assert card.roles == ["Mentor applicant"]
    assert step_texts(card) == [
        "Your application as a mentor is awaiting review by the coordinators."
    ]


def test_an_applicant_without_a_profile_is_also_asked_to_complete_it(outsider, programme):
    ApplicationFactory(programme=programme, applicant=outsider)

    card = card_for(outsider, programme)

    assert [s.action for s in card.steps] == ["Complete your profile", "See your applications"]


def test_a_declined_applicant_is_told_gently(outsider, programme):
    ProfileFactory(user=outsider)
    ApplicationFactory(
        programme=programme,
        applicant=outsider,
        role=Application.Role.MENTEE,
        status=Application.Status.DECLINED,
    )

    card = card_for(outsider, programme)

    assert step_texts(card) == ["Your application as a mentee was not accepted this time."]


def test_a_withdrawn_application_leaves_no_card(outsider, programme):
    ApplicationFactory(programme=programme, applicant=outsider, status=Application.Status.WITHDRAWN)
    overview = home_programmes_for(user=outsider)
    assert overview.cards == []
    assert programme not in overview.suggestions  # they know it already


def test_only_the_latest_application_per_role_counts(outsider, programme):
    ProfileFactory(user=outsider)
    ApplicationFactory(programme=programme, applicant=outsider, status="declined")
    ApplicationFactory(programme=programme, applicant=outsider, status="submitted")

    card = card_for(outsider, programme)

    assert step_texts(card) == [
        "Your application as a mentee is awaiting review by the coordinators."
    ]


def test_a_coordinator_is_told_how_many_applications_to_review(coordinator, programme):
    ApplicationFactory.create_batch(3, programme=programme)
    ApplicationFactory(programme=programme, status=Application.Status.APPROVED)

    card = card_for(coordinator, programme)

    assert card.is_coordinator and card.roles == ["Coordinator"]
    assert card.steps[0].text == "3 applications to review."
    assert card.steps[0].url == reverse("programmes:review", kwargs={"slug": programme.slug})


def test_a_coordinator_of_a_draft_is_asked_to_open_it(coordinator, programme):
    Programme.objects.filter(pk=programme.pk).update(status=Programme.Status.DRAFT)
    card = card_for(coordinator, programme)
    assert "open enrolment" in card.steps[0].text
    assert card.steps[0].url == reverse("programmes:manage", kwargs={"slug": programme.slug})


def test_one_person_can_hold_roles_in_several_programmes(mentor, programme, other_programme):
    ProfileFactory(user=mentor)
    MembershipFactory(programme=other_programme, user=mentor, role=Membership.Role.MENTEE)

    overview = home_programmes_for(user=mentor)

    assert [(c.programme.name, c.roles) for c in overview.cards] == [
        ("North West Peer Mentoring", ["Mentee"]),
        ("Yorkshire Consultant Mentoring", ["Mentor"]),
    ]
    assert overview.suggestions == []


def test_the_home_page_shows_roles_next_steps_and_manage_links(client, coordinator, programme):
    ApplicationFactory(programme=programme)
    client.force_login(coordinator)

    body = client.get(reverse("home")).content.decode()

    assert "Coordinator</span>" in body
    assert "1 application to review." in body
    assert reverse("programmes:review", kwargs={"slug": programme.slug}) in body
    assert reverse("programmes:manage", kwargs={"slug": programme.slug}) in body


def test_welfare_leads_and_closed_programmes_have_calm_messages(programme, other_programme):
    person = UserFactory()
    ProfileFactory(user=person)
    MembershipFactory(programme=programme, user=person, role=Membership.Role.WELFARE_LEAD)
    MembershipFactory(programme=other_programme, user=person, role=Membership.Role.MENTOR)
    Programme.objects.filter(pk=other_programme.pk).update(status=Programme.Status.CLOSED)

    assert "emailed if someone asks for support" in step_texts(card_for(person, programme))[0]
    assert step_texts(card_for(person, other_programme)) == ["This programme has closed."]


def test_suggestions_are_a_few_open_programmes_not_yet_joined(outsider):
    for n in range(5):
        ProgrammeFactory(name=f"Open {n}")
    ProgrammeFactory(name="Draft", status=Programme.Status.DRAFT)

    overview = home_programmes_for(user=outsider)

    assert [p.name for p in overview.suggestions] == ["Open 0", "Open 1", "Open 2"]


def test_home_makes_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    person = UserFactory()
    ProfileFactory(user=person)
    for n in range(30):
        programme = ProgrammeFactory(name=f"Programme {n:02d}")
        role = [Membership.Role.COORDINATOR, Membership.Role.MENTOR, Membership.Role.MENTEE][n % 3]
        MembershipFactory(programme=programme, user=person, role=role)
        ApplicationFactory.create_batch(2, programme=programme)
        ApplicationFactory(programme=programme, applicant=person, role="mentor")
    client.force_login(person)

    # 10 for the programmes themselves, 3 for the mentoring steps matching adds, 1 for the
    # next meeting sessions adds.
    with django_assert_max_num_queries(14):
        response = client.get(reverse("home"))

    assert response.status_code == 200
    assert len(response.context["overview"].cards) == 30
