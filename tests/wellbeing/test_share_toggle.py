"""Sharing an existing check-in with the current mentor, and stopping at once."""

# Fixtures imported from checkin_setup are used as test arguments, which ruff reads as
# redefinitions.
# ruff: noqa: F811

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.support.pages import messages_of
from tests.wellbeing.checkin_setup import (
    check_in,
    close,
    is_login_redirect,
    make_mentorship,
    make_person,
    mentorship,  # noqa: F401 (fixture)
    other_mentor,  # noqa: F401 (fixture)
    welfare_lead,  # noqa: F401 (fixture)
)
from wellbeing.models import AccessLog, CheckIn
from wellbeing.services.checkins import checkin_share, checkin_unshare

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(programme, mentee, mentorship):
    return check_in(mentee, programme, anything_on_mind="Quokka feelings", share_with_mentor=True)


@pytest.fixture
def private(programme, mentee, mentorship):
    return check_in(mentee, programme, anything_on_mind="Narwhal private thought")


def share_url(checkin) -> str:
    return reverse("wellbeing:checkin_share", kwargs={"pk": checkin.pk})


def unshare_url(checkin) -> str:
    return reverse("wellbeing:checkin_unshare", kwargs={"pk": checkin.pk})


def detail_url(checkin) -> str:
    return reverse("wellbeing:shared_checkin_detail", kwargs={"pk": checkin.pk})


def sharing_of(checkin) -> tuple[bool, int | None]:
    checkin.refresh_from_db()
    return checkin.share_with_mentor, checkin.shared_mentorship_id


# The mentor's view of one shared check-in.


def test_the_current_mentor_opens_a_shared_check_in_and_the_read_is_logged(
    client, mentor, mentee, shared
):
    client.force_login(mentor)
    response = client.get(detail_url(shared))

    assert response.status_code == 200
    assert "Quokka feelings" in response.content.decode()
    entry = AccessLog.objects.get(subject=mentee)
    assert (entry.actor, entry.action, entry.record_id) == (mentor, "viewed", shared.pk)


def test_nobody_else_can_open_a_shared_check_in(
    client, shared, coordinator, other_coordinator, other_mentor, welfare_lead, outsider, mentee
):
    for person in (coordinator, other_coordinator, other_mentor, welfare_lead, outsider, mentee):
        client.force_login(person)
        assert client.get(detail_url(shared)).status_code == 404
    client.logout()
    assert is_login_redirect(client.get(detail_url(shared)))
    assert not AccessLog.objects.exists()


def test_the_mentor_cannot_open_a_check_in_that_was_never_shared(client, mentor, private):
    client.force_login(mentor)
    assert client.get(detail_url(private)).status_code == 404


# Stopping sharing.


def test_stop_sharing_takes_effect_at_once_for_the_mentor(client, mentor, mentee, shared):
    client.force_login(mentor)
    assert client.get(detail_url(shared)).status_code == 200

    client.force_login(mentee)
    response = client.post(unshare_url(shared))
    assert response.status_code == 302
    assert response["Location"] == reverse("wellbeing:checkin_result", kwargs={"pk": shared.pk})
    assert "stopped sharing" in messages_of(response)[0]
    assert sharing_of(shared) == (False, None)

    client.force_login(mentor)
    assert client.get(detail_url(shared)).status_code == 404
    shared_page = client.get(reverse("wellbeing:shared_checkins")).content.decode()
    assert "Quokka feelings" not in shared_page
    assert not CheckIn.objects.visible_to(mentor).exists()


def test_stop_sharing_is_written_to_the_owners_access_log(client, mentee, shared):
    client.force_login(mentee)
    client.post(unshare_url(shared))

    entry = AccessLog.objects.get(subject=mentee)
    assert (entry.actor, entry.action, entry.record_id) == (mentee, "stopped sharing", shared.pk)
    page = client.get(reverse("wellbeing:access_log")).content.decode()
    assert "Stopped sharing your check-in with your mentor" in page


def test_stopping_twice_changes_and_logs_nothing_more(mentee, shared):
    checkin_unshare(user=mentee, checkin_id=shared.pk)
    checkin_unshare(user=mentee, checkin_id=shared.pk)
    assert AccessLog.objects.filter(action="stopped sharing").count() == 1


def test_the_result_page_offers_stop_sharing_for_a_shared_check_in(client, mentee, shared):
    client.force_login(mentee)
    page = client.get(reverse("wellbeing:checkin_result", kwargs={"pk": shared.pk}))
    assert unshare_url(shared) in page.content.decode()
    assert share_url(shared) not in page.content.decode()


# Sharing an existing check-in.


def test_the_owner_shares_an_existing_check_in_with_the_current_mentor(
    client, mentor, mentee, mentorship, private
):
    client.force_login(mentee)
    page = client.get(reverse("wellbeing:checkin_result", kwargs={"pk": private.pk}))
    assert share_url(private) in page.content.decode()

    response = client.post(share_url(private))
    assert response.status_code == 302
    assert "shared this check-in" in messages_of(response)[0]
    assert sharing_of(private) == (True, mentorship.pk)
    entry = AccessLog.objects.get(subject=mentee)
    assert (entry.actor, entry.action) == (mentee, "shared")

    client.force_login(mentor)
    assert "Narwhal private thought" in client.get(detail_url(private)).content.decode()


def test_sharing_again_after_stopping_works(mentor, mentee, mentorship, shared):
    checkin_unshare(user=mentee, checkin_id=shared.pk)
    checkin_share(user=mentee, checkin_id=shared.pk)
    assert CheckIn.objects.visible_to(mentor).get() == shared
    assert list(
        AccessLog.objects.filter(subject=mentee).order_by("pk").values_list("action", flat=True)
    ) == ["stopped sharing", "shared"]


def test_an_old_check_in_goes_to_the_new_mentor_only(
    programme, mentor, mentee, mentorship, private
):
    close(mentorship)
    successor = make_person(programme, "mentor", name="Dr Nia New")
    current = make_mentorship(programme, successor, mentee)

    checkin_share(user=mentee, checkin_id=private.pk)

    assert sharing_of(private) == (True, current.pk)
    assert CheckIn.objects.visible_to(successor).get() == private
    assert not CheckIn.objects.visible_to(mentor).exists()


def test_sharing_without_a_current_mentor_explains_and_changes_nothing(
    client, programme, mentee, mentorship, private
):
    close(mentorship)
    client.force_login(mentee)
    page = client.get(reverse("wellbeing:checkin_result", kwargs={"pk": private.pk}))
    assert share_url(private) not in page.content.decode()

    response = client.post(share_url(private))
    assert response.status_code == 302
    assert "do not have a current mentor" in messages_of(response)[0]
    assert sharing_of(private) == (False, None)
    assert not AccessLog.objects.exists()


# Who may change the sharing.


@pytest.mark.parametrize("action", ["share", "unshare"])
def test_nobody_but_the_owner_can_change_the_sharing(
    client, action, shared, private, mentor, coordinator, other_coordinator, outsider, welfare_lead
):
    for checkin in (shared, private):
        url = share_url(checkin) if action == "share" else unshare_url(checkin)
        before = sharing_of(checkin)
        for person in (mentor, coordinator, other_coordinator, outsider, welfare_lead):
            client.force_login(person)
            assert client.post(url).status_code == 404
        client.logout()
        assert is_login_redirect(client.post(url))
        assert sharing_of(checkin) == before
    assert not AccessLog.objects.exists()


def test_the_sharing_urls_answer_only_posts(client, mentee, shared):
    client.force_login(mentee)
    assert client.get(unshare_url(shared)).status_code == 405
    assert client.get(share_url(shared)).status_code == 405
    assert sharing_of(shared)[0] is True
