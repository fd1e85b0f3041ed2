from __future__ import annotations

import pytest
from django.urls import reverse

from matching.errors import MatchingError
from matching.models import MatchingSettings
from matching.services.mentorships import matching_settings_for
from matching.services.settings import matching_settings_update
from tests.support.pages import messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def settings_url(programme):
    return reverse("matching:settings", kwargs={"slug": programme.slug})


def valid_data(**changes) -> dict:
    data = {
        "weight_specialty": 6,
        "weight_topics": 9,
        "weight_career_stage": 3,
        "weight_location": 0,
        "weight_modes": 2,
        "weight_language": 1,
        "weight_preferences": 5,
        "min_career_gap": 2,
        "min_score": 45,
        "cross_organisation": "on",
        "max_pending_requests": 3,
        "request_expiry_days": 14,
        "allow_multiple_mentors": "",
        "publish_as_introductions": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_the_page_labels_every_setting_in_plain_words(client, coordinator, settings_url):
    client.force_login(coordinator)

    response = client.get(settings_url)

    body = response.content.decode()
    assert response.status_code == 200
    for label in (
        "Same specialty",
        "Topics overlap",
        "Career-stage gap",
        "Same region or time zone",
        "Meeting modes in common",
        "A shared language",
        "The mentee&#x27;s stated preferences",
        "Minimum score for a proposed pair (0-100)",
        "Pairs must be from different organisations",
        "Requests a mentee may have pending at once",
        "Days before an unanswered request expires",
        "A mentee may have more than one mentor at once",
        "Matches are introductions both people must accept",
    ):
        assert label in body, label
    assert 'max="10"' in body and 'name="weight_topics"' in body


def test_saving_the_settings_changes_them_and_says_so(client, programme, coordinator, settings_url):
    client.force_login(coordinator)

    response = client.post(settings_url, valid_data())

    assert response.status_code == 302 and response["Location"] == settings_url
    saved = MatchingSettings.objects.get(programme=programme)
    assert (saved.weight_topics, saved.weight_location, saved.min_score) == (9, 0, 45)
    assert saved.cross_organisation and saved.publish_as_introductions
    assert not saved.allow_multiple_mentors
    assert (saved.max_pending_requests, saved.request_expiry_days, saved.min_career_gap) == (
        3,
        14,
        2,
    )
    assert messages_of(response) == [
        "The matching settings have been saved. They apply to the next run."
    ]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("weight_topics", 11),
        ("weight_specialty", -1),
        ("max_pending_requests", 4),
        ("max_pending_requests", 0),
        ("min_score", 101),
        ("request_expiry_days", 0),
        ("min_career_gap", 5),
    ],
)
def test_out_of_range_values_are_form_errors_and_change_nothing(
    client, programme, coordinator, settings_url, field, value
):
    client.force_login(coordinator)

    response = client.post(settings_url, valid_data(**{field: value}))

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert messages_of(response) == ["Please correct the errors below."]
    saved = matching_settings_for(programme)
    assert saved.weight_topics == 8 and saved.max_pending_requests == 1


def test_at_least_one_criterion_must_count(client, programme, coordinator, settings_url):
    client.force_login(coordinator)
    zeros = {name: 0 for name in valid_data() if name.startswith("weight_")}

    response = client.post(settings_url, valid_data(**zeros))

    assert response.status_code == 400
    assert "At least one criterion must count" in response.content.decode()
    assert matching_settings_for(programme).weight_topics == 8


def test_only_a_coordinator_of_the_programme_can_change_them(programme, mentor, other_coordinator):
    for person in (mentor, other_coordinator):
        with pytest.raises(MatchingError, match="Only this programme's coordinators"):
            matching_settings_update(programme=programme, by=person, data={"min_score": 90})
    assert matching_settings_for(programme).min_score == 30


def test_the_service_refuses_invalid_values(programme, coordinator):
    with pytest.raises(MatchingError) as caught:
        matching_settings_update(programme=programme, by=coordinator, data={"min_score": 500})

    assert caught.value.field == "min_score"
    assert matching_settings_for(programme).min_score == 30


@pytest.mark.parametrize("who", ["other_coordinator", "mentor", "mentee", "outsider"])
def test_everyone_else_gets_404(client, request, settings_url, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(settings_url).status_code == 404
    assert client.post(settings_url, valid_data()).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, settings_url):
    response = client.get(settings_url)

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
