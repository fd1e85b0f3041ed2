from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from matching.models import MatchingRun, MatchingSettings, Mentorship, ProposedPair
from matching.services import runs as services
from programmes.models import Membership
from tests.matching.runs_setup import (
    SENSITIVE,
    SENSITIVE_LABELS,
    mentee_in,
    mentor_in,
    two_by_two,
    with_private_preferences,
)
from tests.support.pages import messages_of

pytestmark = pytest.mark.django_db


def url(name: str, programme, **kwargs) -> str:
    return reverse(f"matching:{name}", kwargs={"slug": programme.slug, **kwargs})


@pytest.fixture
def proposal(programme, coordinator):
    """A draft run over two mentees and two mentors: (run, ada, ben, xena, yusuf)."""
    ada, ben, xena, yusuf = two_by_two(programme)
    MatchingSettings.objects.update_or_create(programme=programme, defaults={"min_score": 0})
    run = services.run_create(programme=programme, by=coordinator).run
    return run, ada, ben, xena, yusuf


def pair_of(run, mentee) -> ProposedPair:
    return run.pairs.get(mentee=mentee)


def every_page(programme, run) -> list[tuple[str, str, dict]]:
    """(method, url, data) for every matching-run page and action."""
    pair = run.pairs.first()
    return [
        ("get", url("runs", programme), {}),
        ("post", url("run_create", programme), {}),
        ("get", url("run_detail", programme, pk=run.pk), {}),
        ("get", url("run_detail", programme, pk=run.pk) + "?show=unmatched", {}),
        ("get", url("pair_action", programme, pk=run.pk, pair_pk=pair.pk), {}),
        ("post", url("pair_action", programme, pk=run.pk, pair_pk=pair.pk), {"action": "lock"}),
        ("post", url("run_rerun", programme, pk=run.pk), {}),
        ("get", url("run_publish", programme, pk=run.pk), {}),
        ("post", url("run_publish", programme, pk=run.pk), {}),
    ]


# -- Who may see runs -------------------------------------------------------------------------


def test_the_coordinator_can_open_every_page(client, programme, coordinator, proposal):
    run = proposal[0]
    client.force_login(coordinator)

    for method, address, _data in every_page(programme, run):
        if method == "get":
            assert client.get(address).status_code == 200, address


@pytest.mark.parametrize("who", ["other_coordinator", "mentor", "mentee", "outsider"])
def test_everyone_else_gets_404_and_changes_nothing(client, request, programme, proposal, who):
    run = proposal[0]
    client.force_login(request.getfixturevalue(who))

    for method, address, data in every_page(programme, run):
        response = getattr(client, method)(address, data)
        assert response.status_code == 404, (method, address)
    assert MatchingRun.objects.get().status == MatchingRun.Status.DRAFT
    assert not run.pairs.filter(locked=True).exists()
    assert not Mentorship.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, programme, proposal):
    login = reverse("account_login")

    for method, address, data in every_page(programme, proposal[0]):
        response = getattr(client, method)(address, data)
        assert response.status_code == 302 and login in response["Location"], address


def test_a_run_of_another_programme_is_404_under_this_one(
    client, programme, other_programme, coordinator, other_coordinator
):
    mentee_in(other_programme, "far@example.org", "Dr Far")
    mentor_in(other_programme, "away@example.org", "Dr Away")
    elsewhere = services.run_create(programme=other_programme, by=other_coordinator).run
    client.force_login(coordinator)

    assert client.get(url("run_detail", programme, pk=elsewhere.pk)).status_code == 404
    assert client.get(url("run_detail", other_programme, pk=elsewhere.pk)).status_code == 404


def test_creating_a_run_needs_a_post(client, programme, coordinator):
    client.force_login(coordinator)

    assert client.get(url("run_create", programme)).status_code == 405


# -- The list of runs -------------------------------------------------------------------------


def test_the_list_explains_who_is_matched_and_offers_to_run(client, programme, coordinator):
    two_by_two(programme)
    client.force_login(coordinator)

    response = client.get(url("runs", programme))

    body = response.content.decode()
    assert "Only approved mentees who have no mentor yet and no request waiting" in body
    assert "mentors with places" in body
    assert url("run_create", programme) in body
    assert "No matching runs yet" in body
    assert 'href="' + url("runs", programme) + '"' in body  # the Matching tab


def test_running_matching_shows_the_proposal(client, programme, coordinator):
    two_by_two(programme)
    client.force_login(coordinator)

    response = client.post(url("run_create", programme))

    run = MatchingRun.objects.get()
    assert response["Location"] == url("run_detail", programme, pk=run.pk)
    assert messages_of(response) == [
        "Matching proposes 2 pairs and leaves 0 mentees unmatched. "
        "Nothing is published until you publish it."
    ]


def test_running_again_says_the_previous_proposal_was_discarded(
    client, programme, coordinator, proposal
):
    client.force_login(coordinator)

    response = client.post(url("run_create", programme))

    assert "replaces the previous proposal, which has been discarded" in messages_of(response)[0]


def test_running_with_nobody_waiting_says_why(client, programme, coordinator):
    client.force_login(coordinator)

    response = client.post(url("run_create", programme))

    assert response["Location"] == url("runs", programme)
    assert "No mentees are waiting for a mentor" in messages_of(response)[0]


def test_the_list_of_runs_is_paginated_with_a_fixed_number_of_queries(
    client, programme, coordinator, django_assert_max_num_queries
):
    ada, ben, xena, yusuf = two_by_two(programme)
    run = services.run_create(programme=programme, by=coordinator).run
    for _ in range(30):
        copy = MatchingRun.objects.create(
            programme=programme, created_by=coordinator, status="discarded"
        )
        ProposedPair.objects.create(run=copy, mentee=ada, mentor=xena, score=50)
    client.force_login(coordinator)

    with django_assert_max_num_queries(16):
        response = client.get(url("runs", programme))

    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == 25
    assert response.context["page_obj"].paginator.count == 31
    assert url("run_detail", programme, pk=run.pk) in response.content.decode()


# -- A proposal -------------------------------------------------------------------------------


def test_the_proposal_shows_pairs_breakdown_reasons_and_runner_up(
    client, programme, coordinator, proposal
):
    run, ada, ben, xena, yusuf = proposal
    client.force_login(coordinator)

    response = client.get(url("run_detail", programme, pk=run.pk))

    body = response.content.decode()
    assert "Dr Ada Heart" in body and "Dr Xena Valve" in body
    assert "overall match" in body and "Runner-up mentor" in body
    for label in ("Specialty", "Topics", "Career stage", "Meeting modes", "Language"):
        assert label in body
    assert "Same specialty (Cardiology)" in body
    assert "Re-run around the locks" in body and url("run_publish", programme, pk=run.pk) in body


def test_run_pages_never_show_private_preferences(client, programme, coordinator):
    ada, ben, xena, yusuf = two_by_two(programme)
    for user in (ada, ben):
        with_private_preferences(user, as_mentee=True)
    for user in (xena, yusuf):
        with_private_preferences(user, as_mentee=False)
    lonely = mentee_in(programme, "lonely@example.org", "Dr Lonely", specialty="Dermatology")
    with_private_preferences(lonely, as_mentee=True)
    run = services.run_create(programme=programme, by=coordinator).run
    pair = run.pairs.first()
    client.force_login(coordinator)

    pages = [
        url("runs", programme),
        url("run_detail", programme, pk=run.pk),
        url("run_detail", programme, pk=run.pk) + "?show=unmatched",
        url("pair_action", programme, pk=run.pk, pair_pk=pair.pk),
        url("run_publish", programme, pk=run.pk),
    ]
    for address in pages:
        body = client.get(address).content.decode()
        assert "preference" not in body.lower(), address
        for value in [*SENSITIVE.values(), *SENSITIVE_LABELS]:
            assert value not in body, (address, value)
        assert "Female" not in body and "Sikh" not in body


def test_the_unmatched_tab_lists_each_mentee_with_why(client, programme, coordinator, proposal):
    run = proposal[0]
    ada = proposal[1]
    services.pair_remove(run=run, pair=pair_of(run, ada), by=coordinator)
    client.force_login(coordinator)

    response = client.get(url("run_detail", programme, pk=run.pk) + "?show=unmatched")

    body = response.content.decode()
    assert "Dr Ada Heart" in body and services.REMOVED_REASON in body


def test_the_proposal_page_makes_a_fixed_number_of_queries_with_many_pairs(
    client, programme, coordinator, django_assert_max_num_queries
):
    for i in range(60):
        mentee_in(programme, f"mentee{i}@example.org", f"Dr Mentee {i}")
        mentor_in(programme, f"mentor{i}@example.org", f"Dr Mentor {i}")
    for i in range(30):
        mentee_in(programme, f"extra{i}@example.org", f"Dr Extra {i}")
    run = services.run_create(programme=programme, by=coordinator).run
    assert run.pairs.count() == 60 and run.unmatched.count() == 30
    client.force_login(coordinator)

    with django_assert_max_num_queries(16):
        response = client.get(url("run_detail", programme, pk=run.pk))
    assert len(response.context["page_obj"].object_list) == 50
    with django_assert_max_num_queries(16):
        response = client.get(url("run_detail", programme, pk=run.pk) + "?show=unmatched")
    assert len(response.context["page_obj"].object_list) == 25


def test_a_published_run_links_each_pair_to_its_mentorship(
    client, programme, coordinator, proposal, django_assert_max_num_queries
):
    run = proposal[0]
    services.run_publish(run=run, by=coordinator)
    client.force_login(coordinator)

    response = client.get(url("run_detail", programme, pk=run.pk))

    body = response.content.decode()
    for mentorship in Mentorship.objects.filter(run=run):
        assert reverse("matching:mentorship_detail", kwargs={"pk": mentorship.pk}) in body
    assert "can no longer be changed" in body
    assert "Re-run around the locks" not in body


# -- Pair actions -----------------------------------------------------------------------------


def test_locking_a_pair_without_javascript_redirects_back_to_the_page(
    client, programme, coordinator, proposal
):
    run, ada = proposal[0], proposal[1]
    pair = pair_of(run, ada)
    client.force_login(coordinator)

    response = client.post(
        url("pair_action", programme, pk=run.pk, pair_pk=pair.pk), {"action": "lock", "page": "1"}
    )

    assert response["Location"] == url("run_detail", programme, pk=run.pk) + "?page=1"
    pair.refresh_from_db()
    assert pair.locked
    assert messages_of(response) == [
        "Dr Ada Heart and Dr Xena Valve are locked together: a re-run keeps them."
    ]


def test_locking_with_htmx_returns_the_pair_card(client, programme, coordinator, proposal):
    run, ada = proposal[0], proposal[1]
    pair = pair_of(run, ada)
    client.force_login(coordinator)

    response = client.post(
        url("pair_action", programme, pk=run.pk, pair_pk=pair.pk),
        {"action": "lock"},
        HTTP_HX_REQUEST="true",
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="pair-{pair.pk}"' in body and "Unlock" in body
    assert 'hx-swap-oob="true"' in body and "locked together" in body
    assert "<html" not in body


def test_swapping_from_the_pair_page(client, programme, coordinator, proposal):
    run, ada, ben, xena, yusuf = proposal
    client.force_login(coordinator)
    address = url("pair_action", programme, pk=run.pk, pair_pk=pair_of(run, ada).pk)

    page = client.get(address).content.decode()
    response = client.post(address, {"action": "swap", "other_pair": pair_of(run, ben).pk})

    assert "Swap mentors with another pair" in page and "Choose another mentor" in page
    assert response["Location"] == url("run_detail", programme, pk=run.pk)
    assert pair_of(run, ada).mentor_id == yusuf.pk
    assert messages_of(response)[0].startswith("Mentors swapped: Dr Ada Heart with Dr Yusuf Neuron")


def test_a_refused_swap_explains_why_and_returns_to_the_pair_page(
    client, programme, coordinator, proposal
):
    run, ada, ben, xena, yusuf = proposal
    MatchingSettings.objects.filter(programme=programme).update(cross_organisation=True)
    run.settings_snapshot["cross_organisation"] = True
    run.save()
    for user in (ada, yusuf):
        user.profile.employer, user.profile.department = "Leeds Trust", "Cardiology"
        user.profile.save()
    client.force_login(coordinator)
    address = url("pair_action", programme, pk=run.pk, pair_pk=pair_of(run, ada).pk)

    response = client.post(address, {"action": "swap", "other_pair": pair_of(run, ben).pk})

    assert response["Location"].startswith(address)
    assert "same organisation" in messages_of(response)[0]
    assert pair_of(run, ada).mentor_id == xena.pk


def test_reassigning_from_the_pair_page(client, programme, coordinator, proposal):
    run, ada = proposal[0], proposal[1]
    spare = mentor_in(programme, "spare@example.org", "Dr Spare", capacity=1)
    client.force_login(coordinator)
    address = url("pair_action", programme, pk=run.pk, pair_pk=pair_of(run, ada).pk)

    page = client.get(address).content.decode()
    response = client.post(address, {"action": "reassign", "mentor": spare.pk})

    assert "Dr Spare: overall match" in page
    assert pair_of(run, ada).mentor_id == spare.pk
    assert "Dr Ada Heart is now proposed with Dr Spare" in messages_of(response)[0]


def test_a_bad_action_is_an_error_message(client, programme, coordinator, proposal):
    run, ada = proposal[0], proposal[1]
    client.force_login(coordinator)
    address = url("pair_action", programme, pk=run.pk, pair_pk=pair_of(run, ada).pk)

    response = client.post(address, {"action": "swap"})

    assert messages_of(response) == ["Choose the pair to swap mentors with."]
    assert client.post(address, {"action": "explode"}).status_code == 302


def test_removing_a_pair(client, programme, coordinator, proposal):
    run, ada = proposal[0], proposal[1]
    client.force_login(coordinator)

    response = client.post(
        url("pair_action", programme, pk=run.pk, pair_pk=pair_of(run, ada).pk), {"action": "remove"}
    )

    assert not run.pairs.filter(mentee=ada).exists()
    assert messages_of(response) == [
        "Dr Ada Heart has been taken out of the proposal and is listed as unmatched."
    ]


def test_rerunning_says_the_proposal_was_updated_in_place(client, programme, coordinator, proposal):
    run, ada = proposal[0], proposal[1]
    services.pair_lock_set(run=run, pair=pair_of(run, ada), by=coordinator, locked=True)
    client.force_login(coordinator)

    response = client.post(url("run_rerun", programme, pk=run.pk))

    assert response["Location"] == url("run_detail", programme, pk=run.pk)
    assert messages_of(response) == [
        "Matching has run again around 1 locked pair: this proposal has been updated in place "
        "and now has 2 pairs and 0 unmatched mentees."
    ]


# -- Publishing -------------------------------------------------------------------------------


def test_publishing_asks_for_confirmation_first(client, programme, coordinator, proposal):
    run = proposal[0]
    client.force_login(coordinator)

    response = client.get(url("run_publish", programme, pk=run.pk))

    body = response.content.decode()
    assert "Publish this proposal?" in body and "2 mentorships will start today" in body
    assert not Mentorship.objects.exists()


def test_publishing_starts_the_mentorships_and_emails_everyone(
    client, programme, coordinator, proposal, django_capture_on_commit_callbacks
):
    run = proposal[0]
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("run_publish", programme, pk=run.pk))

    assert response["Location"] == url("run_detail", programme, pk=run.pk)
    assert messages_of(response) == [
        "Published: 2 mentorships started. We have emailed both people."
    ]
    assert Mentorship.objects.filter(run=run, status="active").count() == 2
    assert len(mail.outbox) == 4


def test_publishing_introductions_says_both_must_accept(
    client, programme, coordinator, proposal, django_capture_on_commit_callbacks
):
    run = proposal[0]
    MatchingSettings.objects.filter(programme=programme).update(publish_as_introductions=True)
    client.force_login(coordinator)

    page = client.get(url("run_publish", programme, pk=run.pk)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("run_publish", programme, pk=run.pk))

    assert "2 introductions will be sent" in page
    assert messages_of(response)[0].startswith("Published: 2 introductions sent.")
    assert Mentorship.objects.filter(run=run, status="proposed").count() == 2


def test_a_failed_publish_names_the_pair_and_publishes_nothing(
    client, programme, coordinator, proposal
):
    run, ada, ben, xena, yusuf = proposal
    Membership.objects.filter(user=xena, role="mentor").update(capacity=0)
    client.force_login(coordinator)

    response = client.post(url("run_publish", programme, pk=run.pk))

    assert response["Location"] == url("run_detail", programme, pk=run.pk)
    message = messages_of(response)[0]
    assert "Nothing has been published" in message and "Dr Ada Heart with Dr Xena Valve" in message
    assert not Mentorship.objects.exists()
    run.refresh_from_db()
    assert run.status == MatchingRun.Status.DRAFT


def test_a_published_run_refuses_changes(client, programme, coordinator, proposal):
    run, ada = proposal[0], proposal[1]
    services.run_publish(run=run, by=coordinator)
    client.force_login(coordinator)
    address = url("pair_action", programme, pk=run.pk, pair_pk=pair_of(run, ada).pk)

    response = client.post(address, {"action": "remove"})

    assert messages_of(response) == ["This run has been published and can no longer be changed."]
    assert run.pairs.filter(mentee=ada).exists()
    assert client.get(address)["Location"] == url("run_detail", programme, pk=run.pk)
    assert client.get(url("run_publish", programme, pk=run.pk)).status_code == 302
