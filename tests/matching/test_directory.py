"""The mentor directory and a mentor's page, as a mentee of the programme sees them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from matching.models import DeclaredConflict, MentorRequest, Mentorship
from programmes.models import Programme
from tests.accounts.test_privacy import assert_preferences_hidden, give_distinctive_preferences
from tests.support.pages import sign_in

from .mentoring_setup import ask, make_mentee, make_mentor, mentorship, settings_of

pytestmark = pytest.mark.django_db


def directory_url(programme) -> str:
    return reverse("matching:directory", kwargs={"slug": programme.slug})


def mentor_url(programme, mentor) -> str:
    return reverse(
        "matching:mentor_detail", kwargs={"slug": programme.slug, "mentor_id": mentor.pk}
    )


@pytest.fixture
def pool(programme, mentor, mentee):
    """Mentors of different fit for the mentee (cardiology, seeks career development)."""
    return {
        "close": make_mentor(
            programme,
            name="Dr Close Match",
            topics_offering=["Career development", "Workload"],
            bio="Twenty years in cardiology and a love of teaching.",
        ),
        "far": make_mentor(
            programme,
            name="Dr Far Match",
            specialty="Psychiatry",
            region="Wales",
            topics_offering=["Stress"],
            meeting_modes=["in_person"],
        ),
    }


def test_a_mentee_sees_mentors_with_room_best_match_first(client, programme, mentee, pool):
    full = make_mentor(programme, capacity=1, name="Dr No Room")
    mentorship(programme, full, make_mentee(programme))
    make_mentor(programme, accepting=False, name="Dr Resting")
    response = sign_in(client, mentee).get(directory_url(programme))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Dr Close Match") < html.index("Dr Far Match")
    assert "Dr No Room" not in html and "Dr Resting" not in html
    assert "overall match" in html
    assert "Same specialty (Cardiology)" in html
    assert "2 shared topics" in html
    assert "Twenty years in cardiology" in html
    assert "21 years and over in practice" in html


def test_filters_narrow_the_directory(client, programme, mentee, pool):
    sign_in(client, mentee)
    html = client.get(directory_url(programme), {"specialty": "Psychiatry"}).content.decode()
    assert "Dr Far Match" in html and "Dr Close Match" not in html
    html = client.get(directory_url(programme), {"mode": "in_person"}).content.decode()
    assert "Dr Far Match" in html and "Dr Close Match" not in html
    html = client.get(directory_url(programme), {"topic": "Workload"}).content.decode()
    assert "Dr Close Match" in html and "Dr Far Match" not in html
    html = client.get(directory_url(programme), {"region": "Wales"}).content.decode()
    assert "Dr Far Match" in html and "Dr Close Match" not in html
    html = client.get(directory_url(programme), {"framework": "oskar"}).content.decode()
    assert "No mentors with room match these filters" in html


def test_mentors_the_mentee_cannot_have_are_not_offered(client, programme, mentee, pool):
    DeclaredConflict.objects.create(
        programme=programme, mentee=mentee, mentor=pool["far"], kind="supervisor"
    )
    mentorship(programme, pool["close"], mentee, status=Mentorship.Status.CLOSED)
    html = sign_in(client, mentee).get(directory_url(programme)).content.decode()
    assert "Dr Far Match" not in html and "Dr Close Match" not in html
    assert "Dr Maya Mentor" in html


def test_declaring_a_supervisor_removes_them_from_the_list(client, programme, mentee, pool):
    sign_in(client, mentee)
    url = reverse(
        "matching:conflict_declare", kwargs={"slug": programme.slug, "mentor_id": pool["far"].pk}
    )
    response = client.post(url, {"kind": "supervisor"}, follow=True)
    assert "We will not suggest this person" in response.content.decode()
    assert DeclaredConflict.objects.filter(mentee=mentee, mentor=pool["far"]).exists()
    assert "Dr Far Match" not in client.get(directory_url(programme)).content.decode()
    assert client.get(mentor_url(programme, pool["far"])).status_code == 404


def test_the_directory_never_shows_private_preferences(client, programme, mentor, mentee, pool):
    for person in (mentor, mentee, *pool.values()):
        give_distinctive_preferences(person)
    settings_of(programme, weight_preferences=10)
    sign_in(client, mentee)
    for url in (directory_url(programme), mentor_url(programme, pool["close"])):
        html = client.get(url).content.decode()
        assert_preferences_hidden(html, page=url)
        assert "preferences" not in html.lower()


def test_the_directory_makes_a_fixed_number_of_queries(
    client, programme, mentee, django_assert_max_num_queries
):
    for n in range(40):
        mentor = make_mentor(programme)
        give_distinctive_preferences(mentor)
        if n % 3 == 0:
            mentorship(programme, mentor, make_mentee(programme))
    settings_of(programme, max_pending_requests=3)
    ask(programme, mentee, mentor)
    sign_in(client, mentee)
    client.get(directory_url(programme))
    with django_assert_max_num_queries(18):
        response = client.get(directory_url(programme))
    assert response.context["page_obj"].paginator.count == 40
    assert len(response.context["offers"]) == 25
    with django_assert_max_num_queries(18):
        client.get(directory_url(programme), {"page": 2, "mode": "video"})


def test_the_directory_is_for_mentees_of_the_programme_only(
    client, programme, mentor, coordinator, other_coordinator, outsider, other_programme
):
    elsewhere = make_mentee(other_programme)
    for person in (mentor, coordinator, other_coordinator, outsider, elsewhere):
        sign_in(client, person)
        assert client.get(directory_url(programme)).status_code == 404
        assert client.get(mentor_url(programme, mentor)).status_code == 404
        client.logout()
    response = client.get(directory_url(programme))
    assert response.status_code == 302 and "login" in response.url


def test_a_mentor_page_shows_the_profile_and_a_request_form(client, programme, mentee, pool):
    response = sign_in(client, mentee).get(mentor_url(programme, pool["close"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Dr Close Match" in html
    assert "What would you like help with?" in html
    assert "How you match" in html and "Topics" in html


def test_a_mentor_not_offered_has_no_page(client, programme, mentee):
    full = make_mentor(programme, capacity=1)
    mentorship(programme, full, make_mentee(programme))
    sign_in(client, mentee)
    assert client.get(mentor_url(programme, full)).status_code == 404
    assert client.get(mentor_url(programme, mentee)).status_code == 404


def test_where_coordinators_match_the_directory_explains_and_goes_back(client, programme, mentee):
    Programme.objects.filter(pk=programme.pk).update(
        matching_route=Programme.MatchingRoute.COORDINATOR
    )
    response = sign_in(client, mentee).get(directory_url(programme), follow=True)
    assert "the coordinators match mentees with mentors" in response.content.decode()


def test_the_programme_page_links_mentees_to_the_directory(client, programme, mentee, mentor):
    sign_in(client, mentee)
    detail = reverse("programmes:detail", kwargs={"slug": programme.slug})
    assert directory_url(programme) in client.get(detail).content.decode()
    client.logout()
    sign_in(client, mentor)
    assert directory_url(programme) not in client.get(detail).content.decode()


def test_sending_a_request_from_a_mentor_page(
    client, programme, mentee, pool, django_capture_on_commit_callbacks
):
    sign_in(client, mentee)
    url = reverse(
        "matching:request_create", kwargs={"slug": programme.slug, "mentor_id": pool["close"].pk}
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"message": "Help me find my feet."}, follow=True)
    html = response.content.decode()
    assert "Your request has been sent to Dr Close Match" in html
    assert "Help me find my feet." in html
    # The card now says the request is waiting, and the limit of one is reached.
    html = client.get(directory_url(programme)).content.decode()
    assert "Request sent" in html
    assert "the most this programme allows at once" in html


def test_a_refused_request_shows_the_reason_and_changes_nothing(client, programme, mentee, pool):
    sign_in(client, mentee)
    url = reverse(
        "matching:request_create", kwargs={"slug": programme.slug, "mentor_id": pool["close"].pk}
    )
    response = client.post(url, {"message": "  "})
    assert response.status_code == 400
    assert "Tell the mentor a little about what you would like help with" in (
        response.content.decode()
    )
    ask(programme, mentee, pool["far"])
    response = client.post(url, {"message": "Please?"})
    assert response.status_code == 400
    assert "You can have one request waiting for a reply at a time" in response.content.decode()
    assert MentorRequest.objects.filter(mentee=mentee).count() == 1


def test_only_mentees_can_post_requests(client, programme, mentor, coordinator, outsider):
    url = reverse(
        "matching:request_create", kwargs={"slug": programme.slug, "mentor_id": mentor.pk}
    )
    for person in (mentor, coordinator, outsider):
        sign_in(client, person)
        assert client.post(url, {"message": "Hello"}).status_code == 404
        client.logout()
    # Signed out, even a GET is sent to sign in first (the sign-in check runs before the
    # POST-only one).
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
