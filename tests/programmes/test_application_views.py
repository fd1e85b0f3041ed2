"""Applying, following one's applications and withdrawing, in the browser's shoes."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from mentoring.accounts.models import Profile
from programmes.models import Application, ApplicationQuestion, Membership, Programme
from tests.factories import ApplicationFactory, ProfileFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def apply_url(programme, role="mentee"):
    return reverse("programmes:apply", kwargs={"slug": programme.slug, "role": role})


def withdraw_url(application):
    return reverse("programmes:application_withdraw", kwargs={"pk": application.pk})


MY_APPLICATIONS = reverse("programmes:my_applications")

FORM = {
    "job_role": "trainee",
    "grade": "ST4",
    "specialty": "Anaesthetics",
    "years_in_practice": "6-10",
    "employer": "Leeds Teaching Hospitals NHS Trust",
    "region": "West Yorkshire",
    "topics_seeking": ["Work-life balance"],
    "meeting_modes": ["video"],
    "goals": "Find a sustainable way to work less than full time.",
    "motivation": "A colleague recommended the programme.",
}


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# Applying ----------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, programme):
    response = client.get(apply_url(programme))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_the_form_is_pre_filled_from_the_profile(client, programme, outsider):
    ProfileFactory(user=outsider, employer="Harrogate and District NHS Foundation Trust")
    client.force_login(outsider)

    response = client.get(apply_url(programme, "mentor"))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Apply to Yorkshire Consultant Mentoring as a mentor" in body
    assert 'value="Harrogate and District NHS Foundation Trust"' in body
    assert 'value="2"' in body  # the programme's default capacity


def test_an_unknown_role_is_404(client, programme, outsider):
    client.force_login(outsider)
    assert client.get(apply_url(programme, "coordinator")).status_code == 404


def test_a_programme_the_person_cannot_see_is_404(client, outsider):
    draft = ProgrammeFactory(status=Programme.Status.DRAFT)
    client.force_login(outsider)
    assert client.get(apply_url(draft)).status_code == 404


def test_closed_enrolment_sends_the_person_back_with_a_message(client, programme, mentee):
    programme.status = Programme.Status.RUNNING
    programme.save()
    client.force_login(mentee)

    response = client.get(apply_url(programme, "mentor"))

    assert response.status_code == 302
    assert response["Location"] == programme.get_absolute_url()
    assert any("closed" in text for text in texts(response))


def test_applying_saves_the_application_and_the_profile_and_sends_emails(
    client, programme, coordinator, outsider, django_capture_on_commit_callbacks
):
    question = ApplicationQuestion.objects.create(
        programme=programme, text="Which site?", kind="choice", choices="Leeds\nBradford"
    )
    client.force_login(outsider)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            apply_url(programme), {**FORM, f"question_{question.pk}": "Bradford"}
        )

    assert response.status_code == 302
    assert response["Location"] == MY_APPLICATIONS
    application = Application.objects.get(applicant=outsider)
    assert application.role == "mentee"
    assert application.answers == {str(question.pk): "Bradford"}
    assert application.goals == FORM["goals"]
    profile = Profile.objects.get(user=outsider)
    assert (profile.specialty, profile.grade) == ("Anaesthetics", "ST4")
    assert profile.topics_seeking == ["Work-life balance"]
    assert {m.to[0] for m in mail.outbox} == {"outsider@example.org", "coordinator@example.org"}
    assert any("has been sent" in text for text in texts(response))


def test_a_mentor_application_records_capacity(client, programme, outsider):
    client.force_login(outsider)
    data = {**FORM, "topics_offering": ["Workload"], "capacity": "3"}
    del data["goals"]

    response = client.post(apply_url(programme, "mentor"), data)

    assert response.status_code == 302
    application = Application.objects.get(applicant=outsider)
    assert (application.role, application.capacity) == ("mentor", 3)
    assert Profile.objects.get(user=outsider).topics_offering == ["Workload"]


def test_a_missing_required_answer_shows_an_error_and_saves_nothing(client, programme, outsider):
    ProfileFactory(user=outsider, specialty="Cardiology")
    question = ApplicationQuestion.objects.create(programme=programme, text="Your service?")
    client.force_login(outsider)

    response = client.post(apply_url(programme), FORM)

    assert response.status_code == 400
    assert f"question_{question.pk}" in response.context["form"].errors
    assert "Please correct the errors below." in texts(response)
    assert not Application.objects.exists()
    assert Profile.objects.get(user=outsider).specialty == "Cardiology"


def test_an_invalid_choice_shows_an_error_and_saves_nothing(client, programme, outsider):
    question = ApplicationQuestion.objects.create(
        programme=programme, text="Which site?", kind="choice", choices="Leeds\nBradford"
    )
    client.force_login(outsider)

    response = client.post(apply_url(programme), {**FORM, f"question_{question.pk}": "Hull"})

    assert response.status_code == 400
    assert f"question_{question.pk}" in response.context["form"].errors
    assert not Application.objects.exists()


def test_a_second_application_in_the_same_role_is_turned_away(client, programme, outsider):
    ApplicationFactory(programme=programme, applicant=outsider)
    client.force_login(outsider)

    response = client.post(apply_url(programme), FORM)

    assert response.status_code == 302
    assert response["Location"] == MY_APPLICATIONS
    assert any("already applied" in text for text in texts(response))
    assert Application.objects.filter(applicant=outsider).count() == 1


def test_a_current_member_is_told_they_are_already_in(client, programme, mentor):
    client.force_login(mentor)
    response = client.get(apply_url(programme, "mentor"))
    assert response.status_code == 302
    assert any("already a mentor" in text for text in texts(response))


# My applications -----------------------------------------------------------------


def test_my_applications_lists_only_my_own(
    client, programme, other_programme, outsider, coordinator
):
    ApplicationFactory(programme=programme, applicant=outsider, status="approved")
    ApplicationFactory(programme=other_programme, applicant=outsider, role="mentor")
    someone_else = ApplicationFactory(programme=programme)
    client.force_login(outsider)

    response = client.get(MY_APPLICATIONS)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Yorkshire Consultant Mentoring" in body and "North West Peer Mentoring" in body
    assert len(response.context["page_obj"]) == 2
    assert someone_else.applicant.full_name not in body


def test_a_coordinator_does_not_see_applicants_in_their_own_list(client, programme, coordinator):
    ApplicationFactory(programme=programme)
    client.force_login(coordinator)

    response = client.get(MY_APPLICATIONS)

    assert len(response.context["page_obj"]) == 0
    assert "You have not applied to any programme yet." in response.content.decode()


def test_my_applications_is_paginated_with_a_fixed_number_of_queries(
    client, outsider, django_assert_max_num_queries
):
    for programme in ProgrammeFactory.create_batch(40):
        ApplicationFactory(programme=programme, applicant=outsider)
    client.force_login(outsider)

    with django_assert_max_num_queries(10):
        response = client.get(MY_APPLICATIONS)

    assert len(response.context["page_obj"]) == 25
    assert response.context["page_obj"].paginator.num_pages == 2
    assert client.get(MY_APPLICATIONS + "?page=2").context["page_obj"].number == 2


def test_my_applications_needs_sign_in(client):
    response = client.get(MY_APPLICATIONS)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


# Withdrawing -------------------------------------------------------------------


def test_withdrawing_asks_for_confirmation_first(client, programme, outsider):
    application = ApplicationFactory(programme=programme, applicant=outsider)
    client.force_login(outsider)

    response = client.get(withdraw_url(application))

    assert response.status_code == 200
    assert "Withdraw your application?" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "submitted"


def test_confirming_withdraws_the_application(client, programme, outsider):
    application = ApplicationFactory(programme=programme, applicant=outsider)
    client.force_login(outsider)

    response = client.post(withdraw_url(application))

    assert response.status_code == 302
    assert response["Location"] == MY_APPLICATIONS
    application.refresh_from_db()
    assert application.status == "withdrawn"
    assert any("withdrawn your application" in text for text in texts(response))


def test_withdrawing_an_approved_application_ends_the_membership(client, programme, outsider):
    application = ApplicationFactory(programme=programme, applicant=outsider, status="approved")
    Membership.objects.create(programme=programme, user=outsider, role="mentee")
    client.force_login(outsider)

    client.post(withdraw_url(application))

    assert not Membership.objects.active().filter(user=outsider, programme=programme).exists()


def test_withdrawing_twice_gives_a_clear_message(client, programme, outsider):
    application = ApplicationFactory(programme=programme, applicant=outsider, status="withdrawn")
    client.force_login(outsider)

    response = client.post(withdraw_url(application))

    assert response.status_code == 302
    assert any("nothing to withdraw" in text for text in texts(response))


@pytest.mark.parametrize("who", ["coordinator", "other_coordinator", "mentor", "mentee"])
def test_nobody_else_can_withdraw_someones_application(client, request, programme, outsider, who):
    application = ApplicationFactory(programme=programme, applicant=outsider)
    client.force_login(request.getfixturevalue(who))

    assert client.get(withdraw_url(application)).status_code == 404
    assert client.post(withdraw_url(application)).status_code == 404

    application.refresh_from_db()
    assert application.status == "submitted"


def test_withdrawing_needs_sign_in(client, programme, outsider):
    application = ApplicationFactory(programme=programme, applicant=outsider)
    response = client.post(withdraw_url(application))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
