"""The support directory: seeded defaults, members reading it, coordinators keeping it."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from programmes.errors import ProgrammeError
from programmes.models import Membership
from tests.support.pages import messages_of
from tests.wellbeing.checkin_setup import (
    is_login_redirect,
    make_person,
    other_welfare_lead,  # noqa: F401 (fixture)
    welfare_lead,  # noqa: F401 (fixture)
)
from wellbeing.models import (
    AccessLog,
    CheckIn,
    Referral,
    SupportRequest,
    SupportService,
    WellbeingSettings,
)
from wellbeing.services.directory import (
    DEFAULT_SERVICES,
    directory_seed_defaults,
    service_create,
    service_move,
)

pytestmark = pytest.mark.django_db


def url(name: str, programme, **kwargs) -> str:
    return reverse(f"wellbeing:{name}", kwargs={"slug": programme.slug, **kwargs})


def names(programme) -> list[str]:
    return list(programme.support_services.values_list("name", flat=True))


# Seeding ------------------------------------------------------------------------------


def test_the_defaults_are_the_uk_services_for_doctors(programme):
    assert directory_seed_defaults(programme) is True

    services = {s.name: s for s in programme.support_services.all()}
    assert len(services) == len(DEFAULT_SERVICES) == 8
    assert services["Samaritans"].phone == "116 123" and services["Samaritans"].urgent
    assert services["Emergency services (999 or A&E)"].urgent
    assert services["NHS 111"].urgent
    bma = services["BMA counselling and peer support"]
    assert bma.phone == "0330 123 1245" and not bma.urgent
    assert "not an emergency service" in bma.purpose
    health = services["NHS Practitioner Health"]
    assert health.phone == "0300 0303 300"
    assert health.hours == "Weekdays 8am-8pm, Saturday 8am-2pm"
    assert {"Your own GP", "Occupational health", "Professional support unit"} <= set(services)


def test_urgent_services_come_first(programme):
    directory_seed_defaults(programme)
    ordered = list(programme.support_services.all())
    assert [s.urgent for s in ordered] == sorted((s.urgent for s in ordered), reverse=True)
    assert ordered[0].name.startswith("Emergency services")


def test_seeding_happens_once_even_after_the_coordinator_empties_the_directory(programme):
    directory_seed_defaults(programme)
    assert directory_seed_defaults(programme) is False
    programme.support_services.all().delete()

    assert directory_seed_defaults(programme) is False
    assert names(programme) == []
    assert WellbeingSettings.objects.get(programme=programme).directory_seeded_at is not None


def test_seeding_keeps_services_added_before_it_in_their_place(programme, coordinator):
    service_create(
        programme=programme,
        actor=coordinator,
        data={"name": "Trust psychology", "purpose": "Talking therapies for staff."},
    )
    directory_seed_defaults(programme)
    # After the three urgent defaults, ahead of the other defaults.
    assert names(programme)[3] == "Trust psychology"
    assert len(names(programme)) == 9


# Members reading it ----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["mentee", "mentor", "coordinator", "welfare_lead"])
def test_members_read_the_directory_urgent_services_first(client, request, programme, who):
    client.force_login(request.getfixturevalue(who))

    response = client.get(url("directory", programme))

    body = response.content.decode().split('id="main"')[1]
    assert response.status_code == 200
    assert body.index("Samaritans") < body.index("BMA counselling") < body.index("Your own GP")
    assert 'href="tel:116123"' in body


@pytest.mark.parametrize("who", ["other_coordinator", "other_welfare_lead", "outsider"])
def test_people_outside_the_programme_get_404(client, request, programme, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url("directory", programme)).status_code == 404
    assert not SupportService.objects.exists()


def test_a_former_member_gets_404(client, programme, mentee):
    Membership.objects.filter(user=mentee).update(ended_at="2020-01-01T00:00:00Z")
    client.force_login(mentee)
    assert client.get(url("directory", programme)).status_code == 404


def test_the_directory_needs_signing_in(client, programme):
    assert is_login_redirect(client.get(url("directory", programme)))


def test_reading_the_directory_is_not_logged(client, programme, mentee):
    client.force_login(mentee)
    client.get(url("directory", programme))
    assert not AccessLog.objects.exists()


def test_the_directory_page_is_paginated_with_a_fixed_number_of_queries(
    client, programme, mentee, django_assert_max_num_queries
):
    client.force_login(mentee)
    client.get(url("directory", programme))
    with django_assert_max_num_queries(20) as few:
        client.get(url("directory", programme))
    SupportService.objects.bulk_create(
        SupportService(programme=programme, name=f"Peer group {n}", purpose="Meet others")
        for n in range(40)
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("directory", programme))
    assert response.context["page_obj"].paginator.num_pages == 2


# Coordinators keeping it ------------------------------------------------------------------


def test_the_coordinator_sees_the_list_and_the_add_form(client, programme, coordinator):
    client.force_login(coordinator)
    response = client.get(url("directory_manage", programme))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Samaritans" in body and "Add a service" in body
    assert 'aria-current="page"><i class="bi bi-heart-pulse"' in body


MANAGE_PAGES = [
    ("directory_manage", {}),
    ("directory_service_edit", {"pk": 0}),
    ("directory_service_delete", {"pk": 0}),
]


@pytest.mark.parametrize(("name", "kwargs"), MANAGE_PAGES)
@pytest.mark.parametrize(
    "who", ["mentee", "mentor", "welfare_lead", "other_coordinator", "outsider"]
)
def test_management_pages_are_for_the_programmes_coordinators_only(
    client, request, programme, coordinator, name, kwargs, who
):
    directory_seed_defaults(programme)
    service = programme.support_services.first()
    kwargs = {k: service.pk for k in kwargs}
    client.force_login(request.getfixturevalue(who))

    assert client.get(url(name, programme, **kwargs)).status_code == 404
    assert client.post(url(name, programme, **kwargs), {"name": "X"}).status_code == 404
    assert programme.support_services.count() == 8
    assert programme.support_services.filter(name="X").count() == 0


@pytest.mark.parametrize(("name", "kwargs"), MANAGE_PAGES)
def test_management_pages_need_signing_in(client, programme, name, kwargs):
    directory_seed_defaults(programme)
    kwargs = {k: programme.support_services.first().pk for k in kwargs}
    assert is_login_redirect(client.get(url(name, programme, **kwargs)))


def test_a_service_of_another_programme_is_not_found(
    client, programme, other_programme, coordinator
):
    directory_seed_defaults(other_programme)
    theirs = other_programme.support_services.first()
    client.force_login(coordinator)
    assert client.get(url("directory_service_edit", programme, pk=theirs.pk)).status_code == 404
    assert client.post(url("directory_service_delete", programme, pk=theirs.pk)).status_code == 404
    assert other_programme.support_services.filter(pk=theirs.pk).exists()


def test_add_a_service(client, programme, coordinator):
    client.force_login(coordinator)
    response = client.post(
        url("directory_manage", programme),
        {
            "name": "Leeds staff wellbeing hub",
            "purpose": "Talking therapies for NHS staff in Leeds.",
            "phone": "0113 555 0100",
            "url": "www.example.org/hub",
            "hours": "Weekdays 9am-5pm",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url("directory_manage", programme)
    service = programme.support_services.get(name="Leeds staff wellbeing hub")
    assert service.url == "https://www.example.org/hub" and not service.urgent
    assert names(programme)[-1] == "Leeds staff wellbeing hub"
    assert messages_of(response) == ["Leeds staff wellbeing hub has been added to the directory."]


def test_a_bad_service_is_explained_and_nothing_is_added(client, programme, coordinator):
    client.force_login(coordinator)
    response = client.post(url("directory_manage", programme), {"name": "", "purpose": "x"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert programme.support_services.count() == 8
    assert messages_of(response) == ["Please correct the errors below."]


def test_a_service_needs_to_say_what_it_is_for(programme, coordinator):
    with pytest.raises(ProgrammeError) as error:
        service_create(programme=programme, actor=coordinator, data={"name": "Mystery"})
    assert error.value.field == "purpose"
    assert not programme.support_services.exists()


def test_only_a_coordinator_can_change_the_directory(programme, mentor):
    with pytest.raises(ProgrammeError, match="Only this programme's coordinators"):
        service_create(programme=programme, actor=mentor, data={"name": "X", "purpose": "Y"})


def test_edit_a_service(client, programme, coordinator):
    directory_seed_defaults(programme)
    gp = programme.support_services.get(name="Your own GP")
    client.force_login(coordinator)

    assert client.get(url("directory_service_edit", programme, pk=gp.pk)).status_code == 200
    response = client.post(
        url("directory_service_edit", programme, pk=gp.pk),
        {"name": "Your GP practice", "purpose": "Book an appointment.", "urgent": "on"},
    )

    gp.refresh_from_db()
    assert response.status_code == 302
    assert (gp.name, gp.purpose, gp.urgent) == ("Your GP practice", "Book an appointment.", True)
    assert messages_of(response) == ["Your GP practice has been saved."]


def test_a_bad_edit_changes_nothing(client, programme, coordinator):
    directory_seed_defaults(programme)
    gp = programme.support_services.get(name="Your own GP")
    client.force_login(coordinator)
    response = client.post(
        url("directory_service_edit", programme, pk=gp.pk), {"name": "", "url": "not a url"}
    )
    assert response.status_code == 400
    gp.refresh_from_db()
    assert gp.name == "Your own GP"


def test_delete_asks_first_then_removes(client, programme, coordinator):
    directory_seed_defaults(programme)
    unit = programme.support_services.get(name="Professional support unit")
    client.force_login(coordinator)

    confirm = client.get(url("directory_service_delete", programme, pk=unit.pk))
    assert confirm.status_code == 200 and "Remove this service?" in confirm.content.decode()
    assert programme.support_services.filter(pk=unit.pk).exists()

    response = client.post(url("directory_service_delete", programme, pk=unit.pk))
    assert response.status_code == 302
    assert not programme.support_services.filter(pk=unit.pk).exists()
    assert messages_of(response) == [
        "Professional support unit has been removed from the directory."
    ]


def test_move_a_service_up_and_down_within_its_group(client, programme, coordinator):
    directory_seed_defaults(programme)
    client.force_login(coordinator)
    unit = programme.support_services.get(name="Professional support unit")
    move = url("directory_service_move", programme, pk=unit.pk)

    response = client.post(move, {"direction": "up"})
    assert messages_of(response) == ["Professional support unit has been moved up."]
    assert names(programme)[-2:] == ["Professional support unit", "Occupational health"]

    client.post(move, {"direction": "down"})
    assert names(programme)[-1] == "Professional support unit"
    response = client.post(move, {"direction": "down"})
    assert messages_of(response)[-1] == "Professional support unit is already at the bottom."


def test_an_urgent_service_cannot_be_moved_below_the_others(programme, coordinator):
    directory_seed_defaults(programme)
    last_urgent = programme.support_services.filter(urgent=True).last()
    assert service_move(service=last_urgent, actor=coordinator, direction="down") is False
    assert service_move(service=last_urgent, actor=coordinator, direction="up") is True
    assert [s.urgent for s in programme.support_services.all()][:3] == [True, True, True]


def test_moving_needs_a_post(client, programme, coordinator):
    directory_seed_defaults(programme)
    client.force_login(coordinator)
    service = programme.support_services.first()
    response = client.get(url("directory_service_move", programme, pk=service.pk))
    assert response.status_code == 405


def test_the_management_page_makes_a_fixed_number_of_queries(
    client, programme, coordinator, django_assert_max_num_queries
):
    client.force_login(coordinator)
    client.get(url("directory_manage", programme))
    with django_assert_max_num_queries(25) as few:
        client.get(url("directory_manage", programme))
    SupportService.objects.bulk_create(
        SupportService(programme=programme, name=f"Group {n}", purpose="Peers") for n in range(40)
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("directory_manage", programme))
    assert response.context["page_obj"].paginator.num_pages == 2


# The support page ---------------------------------------------------------------------------


def test_the_support_page_adds_the_programmes_own_urgent_services(
    client, programme, coordinator, mentee
):
    directory_seed_defaults(programme)
    service_create(
        programme=programme,
        actor=coordinator,
        data={
            "name": "Trust crisis line",
            "purpose": "Out-of-hours support for staff.",
            "phone": "0113 555 0199",
            "urgent": True,
        },
    )
    client.force_login(mentee)

    body = client.get(reverse("support")).content.decode()

    assert "Trust crisis line" in body and "tel:01135550199" in body
    assert body.index("Samaritans") < body.index("Trust crisis line")
    # The national numbers the page always lists are not repeated.
    assert body.count("116 123") == 1
    assert not AccessLog.objects.exists()


def test_the_support_page_shows_no_programme_services_to_outsiders(client, programme, outsider):
    directory_seed_defaults(programme)
    SupportService.objects.create(
        programme=programme, name="Trust crisis line", phone="0113 555 0199", urgent=True
    )
    client.force_login(outsider)
    assert "Trust crisis line" not in client.get(reverse("support")).content.decode()


def test_the_support_page_writes_nothing(client, programme, mentee):
    client.force_login(mentee)
    client.get(reverse("support"))
    assert not SupportService.objects.exists() and not AccessLog.objects.exists()


def test_the_support_page_works_signed_out(client):
    response = client.get(reverse("support"))
    assert response.status_code == 200 and "116 123" in response.content.decode()


def test_make_person_helper_gives_a_mentor_membership(programme):
    person = make_person(programme, Membership.Role.MENTOR)
    assert Membership.objects.filter(user=person, role="mentor").exists()


def test_the_admin_offers_the_directory_and_nothing_confidential():
    registry = admin.site._registry
    assert SupportService in registry
    assert not {CheckIn, SupportRequest, Referral, AccessLog} & set(registry)
