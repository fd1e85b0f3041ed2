"""The coordinators' review queue, one application, and decisions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from mentoring.accounts.models import MatchingPreferences
from programmes.models import Application, ApplicationQuestion, Membership
from tests.factories import ApplicationFactory, ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

DENIED = ["mentor", "mentee", "other_coordinator", "outsider"]


def review_url(programme):
    return reverse("programmes:review", kwargs={"slug": programme.slug})


def detail_url(programme, application):
    return reverse(
        "programmes:application_detail", kwargs={"slug": programme.slug, "pk": application.pk}
    )


def decide_url(programme, application):
    return reverse(
        "programmes:application_decide", kwargs={"slug": programme.slug, "pk": application.pk}
    )


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def applicant(name, email, **profile):
    user = UserFactory(full_name=name, email=email)
    ProfileFactory(user=user, **profile)
    return user


# Permission matrix ---------------------------------------------------------------


def test_the_coordinator_can_open_every_page(client, programme, coordinator):
    application = ApplicationFactory(programme=programme)
    client.force_login(coordinator)

    assert client.get(review_url(programme)).status_code == 200
    assert client.get(detail_url(programme, application)).status_code == 200
    response = client.post(decide_url(programme, application), {"decision": "approve"})
    assert response.status_code == 302


@pytest.mark.parametrize("who", DENIED)
def test_everyone_else_gets_404_on_the_review_pages(client, request, programme, who):
    application = ApplicationFactory(programme=programme)
    client.force_login(request.getfixturevalue(who))

    assert client.get(review_url(programme)).status_code == 404
    assert (
        client.post(review_url(programme), {"application_ids": [application.pk]}).status_code == 404
    )
    assert client.get(detail_url(programme, application)).status_code == 404
    assert (
        client.post(decide_url(programme, application), {"decision": "approve"}).status_code == 404
    )
    application.refresh_from_db()
    assert application.status == "submitted"


def test_the_applicant_cannot_open_their_application_on_the_review_pages(client, programme):
    application = ApplicationFactory(programme=programme)
    client.force_login(application.applicant)
    assert client.get(detail_url(programme, application)).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, programme):
    application = ApplicationFactory(programme=programme)
    login = reverse("account_login")
    for response in [
        client.get(review_url(programme)),
        client.get(detail_url(programme, application)),
        client.post(decide_url(programme, application), {"decision": "approve"}),
    ]:
        assert response.status_code == 302
        assert login in response["Location"]
    application.refresh_from_db()
    assert application.status == "submitted"


def test_an_application_of_another_programme_is_404_under_this_one(
    client, programme, other_programme, coordinator
):
    elsewhere = ApplicationFactory(programme=other_programme)
    client.force_login(coordinator)

    assert client.get(detail_url(programme, elsewhere)).status_code == 404
    assert client.post(decide_url(programme, elsewhere), {"decision": "approve"}).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.status == "submitted"


def test_a_coordinator_without_mfa_is_sent_to_set_it_up(client, programme, coordinator):
    programme.coordinators_require_mfa = True
    programme.save()
    client.force_login(coordinator)

    response = client.get(review_url(programme))

    assert response.status_code == 302
    assert reverse("mfa_activate_totp") in response["Location"]


def test_deciding_needs_a_post(client, programme, coordinator):
    application = ApplicationFactory(programme=programme)
    client.force_login(coordinator)
    assert client.get(decide_url(programme, application)).status_code == 405


# The queue ---------------------------------------------------------------------


def test_the_queue_shows_applications_awaiting_review_by_default(client, programme, coordinator):
    waiting = ApplicationFactory(programme=programme, applicant=applicant("Ada Waiting", "a@x.org"))
    ApplicationFactory(
        programme=programme, status="approved", applicant=applicant("Ben Approved", "b@x.org")
    )
    client.force_login(coordinator)

    response = client.get(review_url(programme))

    assert list(response.context["page_obj"]) == [waiting]
    body = response.content.decode()
    assert "Ada Waiting" in body and "Ben Approved" not in body
    assert response.context["counts"]["submitted"] == 1
    assert response.context["counts"]["approved"] == 1


def test_the_queue_does_not_show_other_programmes_applications(
    client, programme, other_programme, coordinator
):
    ApplicationFactory(programme=other_programme, applicant=applicant("Elsie Else", "e@x.org"))
    client.force_login(coordinator)

    response = client.get(review_url(programme))

    assert "Elsie Else" not in response.content.decode()
    assert "No applications are awaiting review" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "all"}, ["Ada", "Ben", "Cat"]),
        ({"status": "approved"}, ["Ben"]),
        ({"role": "mentor"}, ["Cat"]),
        ({"specialty": "Paediatrics"}, ["Ada"]),
        ({"region": "Merseyside", "status": "all"}, ["Ben", "Cat"]),
        ({"q": "cat@"}, ["Cat"]),
        ({"q": "ADA"}, ["Ada"]),
        ({"status": "all", "sort": "name"}, ["Ada", "Ben", "Cat"]),
        ({"status": "all", "sort": "oldest"}, ["Cat", "Ben", "Ada"]),
        ({"status": "all", "sort": "newest"}, ["Ada", "Ben", "Cat"]),
    ],
)
def test_the_queue_filters_and_sorts(client, programme, coordinator, query, expected):
    now = timezone.now()
    people = {
        "Ada": ("submitted", "mentee", "Paediatrics", "West Yorkshire", 1),
        "Ben": ("approved", "mentee", "Cardiology", "Merseyside", 2),
        "Cat": ("submitted", "mentor", "Cardiology", "Merseyside", 3),
    }
    for name, (status, role, specialty, region, days_ago) in people.items():
        ApplicationFactory(
            programme=programme,
            applicant=applicant(
                f"{name} Person", f"{name.lower()}@x.org", specialty=specialty, region=region
            ),
            status=status,
            role=role,
            submitted_at=now - dt.timedelta(days=days_ago),
        )
    client.force_login(coordinator)

    response = client.get(review_url(programme), query)

    names = [a.applicant.full_name.split()[0] for a in response.context["page_obj"]]
    assert names == expected


def test_the_queue_is_paginated_with_a_fixed_number_of_queries(
    client, programme, coordinator, django_assert_max_num_queries
):
    for n in range(40):
        ApplicationFactory(
            programme=programme,
            applicant=applicant(f"Person {n}", f"p{n}@x.org"),
            role="mentor" if n % 3 else "mentee",
        )
    client.force_login(coordinator)

    with django_assert_max_num_queries(12):
        response = client.get(review_url(programme))

    assert len(response.context["page_obj"]) == 25
    with django_assert_max_num_queries(12):
        second = client.get(review_url(programme), {"page": 2})
    assert len(second.context["page_obj"]) == 15


def test_approving_selected_applications_in_bulk(
    client, programme, other_programme, coordinator, django_capture_on_commit_callbacks
):
    chosen = ApplicationFactory.create_batch(3, programme=programme)
    left = ApplicationFactory(programme=programme)
    elsewhere = ApplicationFactory(programme=other_programme)
    client.force_login(coordinator)
    ids = [a.pk for a in chosen] + [elsewhere.pk]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            review_url(programme) + "?role=mentee",
            {"application_ids": ids, "message": "Welcome!"},
        )

    assert response.status_code == 302
    assert response["Location"] == review_url(programme) + "?role=mentee"
    assert "Approved 3 applications. Each applicant has been emailed." in texts(response)
    assert Application.objects.filter(pk__in=[a.pk for a in chosen], status="approved").count() == 3
    left.refresh_from_db()
    elsewhere.refresh_from_db()
    assert (left.status, elsewhere.status) == ("submitted", "submitted")
    assert len(mail.outbox) == 3


def test_bulk_approval_with_nothing_selected_says_so(client, programme, coordinator):
    client.force_login(coordinator)
    response = client.post(review_url(programme), {})
    assert response.status_code == 302
    assert "Select at least one application to approve." in texts(response)


def test_bulk_approval_of_already_decided_applications_changes_nothing(
    client, programme, coordinator
):
    declined = ApplicationFactory(programme=programme, status="declined")
    client.force_login(coordinator)

    response = client.post(review_url(programme), {"application_ids": [declined.pk]})

    assert any("nothing changed" in text for text in texts(response))
    declined.refresh_from_db()
    assert declined.status == "declined"


def test_bulk_approval_makes_a_fixed_number_of_queries(
    client, programme, coordinator, django_assert_max_num_queries
):
    ids = [a.pk for a in ApplicationFactory.create_batch(40, programme=programme)]
    client.force_login(coordinator)

    with django_assert_max_num_queries(16):
        client.post(review_url(programme), {"application_ids": ids})

    assert Membership.objects.filter(programme=programme, role="mentee").count() == 40


# One application ---------------------------------------------------------------


def test_the_detail_page_shows_the_application_and_the_profile(client, programme, coordinator):
    person = applicant(
        "Dr Priya Patel",
        "priya@x.org",
        job_role="consultant",
        specialty="Cardiology",
        years_in_practice="16-20",
        employer="Bradford Teaching Hospitals",
        department="Cardiac catheter lab",
        region="West Yorkshire",
        languages="English, Gujarati",
        topics_offering=["Managing change"],
        meeting_modes=["in_person"],
        mentor_trained=True,
        training_course="Mentoring skills for clinicians",
        training_organiser="The Deanery",
        training_year=2019,
        frameworks_taught=["egan", "grow"],
        frameworks_practised=["grow"],
    )
    question = ApplicationQuestion.objects.create(programme=programme, text="Which site?")
    application = ApplicationFactory(
        programme=programme,
        applicant=person,
        role="mentor",
        capacity=3,
        motivation="I was mentored myself and it changed my career.",
        answers={str(question.pk): "Bradford Royal Infirmary"},
    )
    client.force_login(coordinator)

    body = client.get(detail_url(programme, application)).content.decode()

    for text in [
        "Dr Priya Patel",
        "I was mentored myself and it changed my career.",
        "Which site?",
        "Bradford Royal Infirmary",
        "Consultant",
        "16-20 years",
        "Bradford Teaching Hospitals",
        "Cardiac catheter lab",
        "West Yorkshire",
        "English, Gujarati",
        "Managing change",
        "In person",
        "Mentoring skills for clinicians",
        "The Deanery",
        "2019",
        "Egan&#x27;s Skilled Helper, GROW",
        "Approve as mentor",
        "Decline",
    ]:
        assert text in body, text
    assert ">3<" in body  # capacity


def test_the_detail_page_shows_a_mentees_goals(client, programme, coordinator):
    application = ApplicationFactory(programme=programme, goals="Lead my first audit.")
    client.force_login(coordinator)
    assert "Lead my first audit." in client.get(detail_url(programme, application)).content.decode()


def test_the_detail_page_copes_without_a_profile(client, programme, coordinator):
    application = ApplicationFactory(programme=programme)
    client.force_login(coordinator)

    response = client.get(detail_url(programme, application))

    assert response.status_code == 200
    assert "has not filled in a profile yet" in response.content.decode()


def test_the_detail_page_never_shows_matching_preferences(client, programme, coordinator):
    person = applicant("Dr Noor Private", "noor@x.org")
    MatchingPreferences.objects.create(
        user=person,
        sex="female",
        age_band="45_54",
        ethnicity="asian",
        religion="sikh",
        prefer_mentor_sex="male",
        prefer_mentor_age_band="55_plus",
        prefer_same_ethnicity=True,
        prefer_same_religion=True,
    )
    application = ApplicationFactory(programme=programme, applicant=person)
    Membership.objects.create(programme=programme, user=person, role="mentor", capacity=1)
    client.force_login(coordinator)

    pages = [
        client.get(detail_url(programme, application)),
        client.get(review_url(programme)),
        client.get(reverse("programmes:members", kwargs={"slug": programme.slug})),
    ]

    for response in pages:
        assert response.status_code == 200
        body = response.content.decode()
        assert "Dr Noor Private" in body
        for private in [
            "Female",
            "female",
            "45-54",
            "55 and over",
            "Asian",
            "Sikh",
            "religion",
            "ethnicity",
            "prefer a mentor",
            "Prefer a mentor",
        ]:
            assert private not in body, private


def test_a_decided_application_shows_the_outcome_instead_of_the_forms(
    client, programme, coordinator
):
    application = ApplicationFactory(
        programme=programme,
        status="declined",
        decided_at=timezone.now(),
        decided_by=coordinator,
        decision_message="Our places are full this year.",
    )
    client.force_login(coordinator)

    body = client.get(detail_url(programme, application)).content.decode()

    assert "Our places are full this year." in body
    assert "Cora Ordinator" in body
    assert "Approve as" not in body


# Deciding ----------------------------------------------------------------------


def test_approving_creates_the_membership_and_emails_the_applicant(
    client, programme, coordinator, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(programme=programme, role="mentor", capacity=4)
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            decide_url(programme, application),
            {"decision": "approve", "message": "Delighted to have you."},
        )

    assert response.status_code == 302
    assert response["Location"] == review_url(programme)
    membership = Membership.objects.get(user=application.applicant, programme=programme)
    assert (membership.role, membership.capacity) == ("mentor", 4)
    [msg] = mail.outbox
    assert "Delighted to have you." in msg.body
    assert "Delighted to have you." in msg.alternatives[0][0]
    assert any("is now a mentor" in text for text in texts(response))


def test_declining_emails_the_applicant(
    client, programme, coordinator, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(programme=programme)
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(decide_url(programme, application), {"decision": "decline"})

    application.refresh_from_db()
    assert application.status == "declined"
    assert not Membership.objects.filter(user=application.applicant).exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].alternatives
    assert any("You declined" in text for text in texts(response))


def test_deciding_twice_gives_a_clear_error(client, programme, coordinator):
    application = ApplicationFactory(programme=programme, status="approved")
    client.force_login(coordinator)

    response = client.post(decide_url(programme, application), {"decision": "decline"})

    assert response.status_code == 302
    assert response["Location"] == detail_url(programme, application)
    assert any("already been decided" in text for text in texts(response))
    application.refresh_from_db()
    assert application.status == "approved"


def test_a_too_long_message_shows_an_error_on_the_form_and_changes_nothing(
    client, programme, coordinator
):
    application = ApplicationFactory(programme=programme)
    client.force_login(coordinator)

    response = client.post(
        decide_url(programme, application), {"decision": "decline", "message": "x" * 2001}
    )

    assert response.status_code == 400
    assert "message" in response.context["decline_form"].errors
    assert 'id="decline-message"' in response.content.decode()
    application.refresh_from_db()
    assert application.status == "submitted"


def test_an_unknown_decision_changes_nothing(client, programme, coordinator):
    application = ApplicationFactory(programme=programme)
    client.force_login(coordinator)

    response = client.post(decide_url(programme, application), {"decision": "maybe"})

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "submitted"
