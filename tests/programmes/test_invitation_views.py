from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from programmes.models import Invitation, Membership
from programmes.services.invitations import INVITATION_LIFETIME, invitation_create
from tests.factories import ProfileFactory, UserFactory
from tests.support.pages import messages_of

pytestmark = pytest.mark.django_db

CAST = ["coordinator", "mentor", "mentee", "other_coordinator", "outsider", "anonymous"]
EXPECTED = {
    "coordinator": "allowed",
    "mentor": 404,
    "mentee": 404,
    "other_coordinator": 404,
    "outsider": 404,
    "anonymous": "login",
}


def invite(programme, by, email="new.person@example.org", role="mentee", **kwargs):
    return invitation_create(programme=programme, email=email, role=role, invited_by=by, **kwargs)


def list_url(programme, **query):
    url = reverse("programmes:invitations", kwargs={"slug": programme.slug})
    return f"{url}?{urlencode(query)}" if query else url


def upload_url(programme):
    return reverse("programmes:invitation_upload", kwargs={"slug": programme.slug})


def accept_url(token):
    return reverse("programmes:invitation_accept", kwargs={"token": token})


def csv_file(text: str, name: str = "invitations.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


@pytest.fixture
def as_who(client, request):
    """Log the client in as one of the cast (or stay anonymous)."""

    def login(who: str):
        if who != "anonymous":
            client.force_login(request.getfixturevalue(who))
        return client

    return login


def assert_outcome(response, expected, allowed_status=200):
    if expected == "allowed":
        assert response.status_code == allowed_status
    elif expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == expected


# Permission matrix ------------------------------------------------------------------


@pytest.mark.parametrize("who", CAST)
def test_invitation_list_permissions(who, as_who, programme, coordinator, mentor, mentee):
    response = as_who(who).get(list_url(programme))
    assert_outcome(response, EXPECTED[who])


@pytest.mark.parametrize("who", CAST)
def test_inviting_permissions(who, as_who, programme, coordinator, mentor, mentee):
    response = as_who(who).post(
        list_url(programme), {"email": "x@example.org", "role": "mentee", "full_name": ""}
    )
    assert_outcome(response, EXPECTED[who], allowed_status=302)
    assert Invitation.objects.exists() == (who == "coordinator")


@pytest.mark.parametrize("who", CAST)
def test_invitation_upload_permissions(who, as_who, programme, coordinator, mentor, mentee):
    client = as_who(who)
    assert_outcome(client.get(upload_url(programme)), EXPECTED[who])
    response = client.post(
        upload_url(programme), {"file": csv_file("email,role\nx@example.org,mentee\n")}
    )
    assert_outcome(response, EXPECTED[who], allowed_status=302)
    assert Invitation.objects.exists() == (who == "coordinator")


@pytest.mark.parametrize("who", CAST)
def test_invitation_revoke_permissions(who, as_who, programme, coordinator, mentor, mentee):
    invitation = invite(programme, coordinator).invitation
    url = reverse(
        "programmes:invitation_revoke", kwargs={"slug": programme.slug, "pk": invitation.pk}
    )
    response = as_who(who).post(url)
    assert_outcome(response, EXPECTED[who], allowed_status=302)
    invitation.refresh_from_db()
    assert (invitation.state == "revoked") == (who == "coordinator")


def test_a_coordinator_cannot_revoke_another_programmes_invitation_through_their_own(
    client, programme, other_programme, coordinator, other_coordinator
):
    theirs = invite(other_programme, other_coordinator).invitation
    client.force_login(coordinator)
    url = reverse("programmes:invitation_revoke", kwargs={"slug": programme.slug, "pk": theirs.pk})
    assert client.post(url).status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == "pending"


def test_revoking_needs_a_post(client, programme, coordinator):
    invitation = invite(programme, coordinator).invitation
    client.force_login(coordinator)
    url = reverse(
        "programmes:invitation_revoke", kwargs={"slug": programme.slug, "pk": invitation.pk}
    )
    assert client.get(url).status_code == 405


# The list and inviting one person ---------------------------------------------------


def test_inviting_someone_emails_them_and_says_so(
    client, programme, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            list_url(programme),
            {"email": "Priya.Shah@example.org", "full_name": "Dr Priya Shah", "role": "mentor"},
        )

    assert response.status_code == 302 and response["Location"] == list_url(programme)
    assert messages_of(response) == ["Invitation sent to priya.shah@example.org as a mentor."]
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "priya.shah@example.org",
        "mentor",
        coordinator,
    )
    assert [m.to for m in mail.outbox] == [["priya.shah@example.org"]]
    assert mail.outbox[0].alternatives[0][1] == "text/html"


def test_a_bad_address_is_shown_on_the_form_and_nothing_is_sent(
    client, programme, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(list_url(programme), {"email": "not-an-email", "role": "mentee"})
    assert response.status_code == 400
    assert response.context["form"].errors["email"]
    assert messages_of(response) == ["Please correct the errors below."]
    assert not Invitation.objects.exists() and mail.outbox == []


def test_inviting_an_existing_member_is_refused_on_the_form(client, programme, coordinator, mentor):
    client.force_login(coordinator)
    response = client.post(list_url(programme), {"email": mentor.email, "role": "mentor"})
    assert response.status_code == 400
    assert "already a mentor" in str(response.context["form"].errors["email"])
    assert not Invitation.objects.exists()


def test_resending_replaces_the_link_and_says_the_old_one_stopped(client, programme, coordinator):
    first = invite(programme, coordinator, full_name="Dr Nia")
    client.force_login(coordinator)
    page = client.get(list_url(programme)).content.decode()
    assert "Resend" in page and "Revoke" in page

    response = client.post(
        list_url(programme),
        {"email": first.invitation.email, "full_name": "Dr Nia", "role": "mentee"},
    )

    assert "earlier link no longer works" in messages_of(response)[0]
    first.invitation.refresh_from_db()
    assert first.invitation.state == "revoked"
    assert Invitation.objects.pending().get().full_name == "Dr Nia"


def test_revoking_says_the_link_no_longer_works(client, programme, coordinator):
    invitation = invite(programme, coordinator).invitation
    client.force_login(coordinator)
    url = reverse(
        "programmes:invitation_revoke", kwargs={"slug": programme.slug, "pk": invitation.pk}
    )
    response = client.post(url)
    assert response["Location"] == list_url(programme)
    assert "no longer works" in messages_of(response)[0]
    again = client.post(url)
    assert "already revoked" in messages_of(again)[-1]


@pytest.fixture
def invitations_in_every_state(programme, coordinator):
    now = timezone.now()
    pending = invite(programme, coordinator, email="pending@example.org").invitation
    expired = invite(programme, coordinator, email="expired@example.org").invitation
    Invitation.objects.filter(pk=expired.pk).update(expires_at=now - dt.timedelta(days=1))
    revoked = invite(programme, coordinator, email="revoked@example.org").invitation
    Invitation.objects.filter(pk=revoked.pk).update(revoked_at=now)
    accepted = invite(programme, coordinator, email="accepted@example.org").invitation
    Invitation.objects.filter(pk=accepted.pk).update(accepted_at=now)
    return {"pending": pending, "expired": expired, "revoked": revoked, "accepted": accepted}


@pytest.mark.parametrize("state", ["pending", "expired", "revoked", "accepted"])
def test_the_list_filters_by_state(
    client, programme, coordinator, invitations_in_every_state, state
):
    client.force_login(coordinator)
    response = client.get(list_url(programme, state=state))
    shown = [i.email for i in response.context["invitations"]]
    assert shown == [f"{state}@example.org"]
    assert response.context["counts"] == {
        "all": 4,
        "pending": 1,
        "expired": 1,
        "revoked": 1,
        "accepted": 1,
    }


def test_the_list_searches_and_ignores_an_unknown_state(
    client, programme, coordinator, invitations_in_every_state
):
    client.force_login(coordinator)
    found = client.get(list_url(programme, q="EXPIRED"))
    assert [i.email for i in found.context["invitations"]] == ["expired@example.org"]
    everything = client.get(list_url(programme, state="nonsense"))
    assert len(everything.context["invitations"]) == 4


def test_the_list_shows_only_this_programmes_invitations(
    client, programme, other_programme, coordinator, other_coordinator
):
    invite(other_programme, other_coordinator, email="theirs@example.org")
    client.force_login(coordinator)
    response = client.get(list_url(programme))
    assert "theirs@example.org" not in response.content.decode()
    assert "No invitations yet" in response.content.decode()


def test_the_list_is_paginated_with_a_fixed_number_of_queries(
    client, programme, coordinator, django_assert_max_num_queries
):
    client.force_login(coordinator)
    invite(programme, coordinator, email="first@example.org")

    def queries_for_page() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(list_url(programme))
        assert response.status_code == 200
        return len(ctx)

    few = queries_for_page()
    for n in range(60):
        inviter = coordinator if n % 2 else UserFactory(email=f"co{n}@example.org")
        invite(programme, inviter, email=f"person{n}@example.org", role=("mentor", "mentee")[n % 2])
    Invitation.objects.filter(email__startswith="person1").update(accepted_at=timezone.now())
    with django_assert_max_num_queries(few):
        response = client.get(list_url(programme))
    assert len(response.context["invitations"]) == 25
    assert response.context["page_obj"].paginator.num_pages == 3
    assert client.get(list_url(programme, page=3)).context["page_obj"].number == 3


# Upload ----------------------------------------------------------------------------


def test_the_upload_page_offers_an_example_file(client, programme, coordinator):
    client.force_login(coordinator)
    page = client.get(upload_url(programme)).content.decode()
    assert "examples/invitations.csv" in page and "full_name" in page


def test_uploading_a_clean_file_sends_every_invitation(
    client, programme, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    text = "email,role,name\r\na@example.org,mentor,Dr A\r\nb@example.org,mentee,Dr B\r\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(upload_url(programme), {"file": csv_file("\ufeff" + text)})

    assert response.status_code == 302 and response["Location"] == list_url(programme)
    assert messages_of(response) == ["2 invitations sent."]
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]


def test_uploading_a_bad_file_lists_every_problem_and_imports_nothing(
    client, programme, coordinator, mentor, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    text = (
        "email,role\n"
        "ok@example.org,mentee\n"
        "broken@,mentee\n"
        "x@example.org,supervisor\n"
        "ok@example.org,mentee\n"
        f"{mentor.email},mentor\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(upload_url(programme), {"file": csv_file(text)})

    assert response.status_code == 200
    assert [(e.row, e.reason.split(" ")[0]) for e in response.context["errors"]] == [
        (3, "'broken@'"),
        (4, "Unknown"),
        (5, "Duplicate:"),
        (6, f"{mentor.email}"),
    ]
    page = response.content.decode()
    assert 'id="import-errors"' in page and "Row 5" in page and "row 2" in page
    assert "Nothing was imported" in messages_of(response)[0]
    assert not Invitation.objects.exists() and mail.outbox == []


def test_uploading_without_a_file_or_with_a_spreadsheet_is_refused(client, programme, coordinator):
    client.force_login(coordinator)
    empty = client.post(upload_url(programme), {})
    assert empty.status_code == 400 and empty.context["form"].errors["file"]
    xlsx = client.post(upload_url(programme), {"file": csv_file("PK", name="people.xlsx")})
    assert xlsx.context["form"].errors["file"]
    assert not Invitation.objects.exists()


# Accepting --------------------------------------------------------------------------


@pytest.fixture
def invitee(db):
    return UserFactory(email="new.person@example.org", full_name="Dr Nia Newperson")


@pytest.fixture
def issued(programme, coordinator):
    return invite(programme, coordinator, role="mentor")


def test_an_anonymous_visitor_sees_the_invitation_and_both_ways_in(client, issued, programme):
    url = accept_url(issued.token)
    response = client.get(url)

    assert response.status_code == 200
    page = response.content.decode()
    assert programme.name in page and "mentor" in page
    next_query = urlencode({"next": url})
    assert f"{reverse('account_login')}?{next_query}" in page
    assert f"{reverse('account_signup')}?{next_query}" in page
    assert "Accept invitation" not in page


def test_an_anonymous_post_is_sent_to_log_in_and_accepts_nothing(client, issued):
    response = client.post(accept_url(issued.token))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["next"] == [accept_url(issued.token)]
    assert Invitation.objects.get().state == "pending"


def test_the_wrong_person_is_told_which_address_was_invited(client, issued, outsider):
    client.force_login(outsider)
    page = client.get(accept_url(issued.token)).content.decode()
    assert "new.person@example.org" in page and "Accept invitation" not in page

    response = client.post(accept_url(issued.token))
    assert response.status_code == 302 and response["Location"] == accept_url(issued.token)
    assert "sent to new.person@example.org" in messages_of(response)[0]
    assert Invitation.objects.get().state == "pending"
    assert not Membership.objects.filter(user=outsider).exists()


def test_the_invited_person_accepts_and_is_asked_to_complete_their_profile(
    client, issued, invitee, programme
):
    client.force_login(invitee)
    page = client.get(accept_url(issued.token)).content.decode()
    assert "Accept invitation" in page

    response = client.post(accept_url(issued.token))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:profile_edit"))
    assert urlencode({"next": programme.get_absolute_url()}) in response["Location"]
    assert f"Welcome to {programme.name}" in messages_of(response)[0]
    assert Membership.objects.filter(user=invitee, programme=programme, role="mentor").exists()


def test_a_person_with_a_complete_profile_goes_to_the_programme(client, issued, invitee, programme):
    ProfileFactory(user=invitee)
    client.force_login(invitee)
    response = client.post(accept_url(issued.token))
    assert response["Location"] == programme.get_absolute_url()


def test_a_second_submit_is_refused_clearly(client, issued, invitee):
    client.force_login(invitee)
    client.post(accept_url(issued.token))

    again = client.post(accept_url(issued.token))

    assert again.status_code == 410
    assert "You have already accepted" in again.content.decode()
    assert Membership.objects.filter(user=invitee).count() == 1


def test_a_used_link_shows_a_gone_page_to_anyone_else(client, issued, invitee, outsider):
    client.force_login(invitee)
    client.post(accept_url(issued.token))
    client.force_login(outsider)

    response = client.get(accept_url(issued.token))

    assert response.status_code == 410
    page = response.content.decode()
    assert "already been used" in page and "new invitation" in page


def test_an_expired_link_shows_a_gone_page_saying_what_to_do(
    client, programme, coordinator, invitee
):
    start = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        issued = invite(programme, coordinator)
    client.force_login(invitee)
    with time_machine.travel(start + INVITATION_LIFETIME + dt.timedelta(seconds=1)):
        response = client.get(accept_url(issued.token))
        posted = client.post(accept_url(issued.token))

    assert response.status_code == 410 and posted.status_code == 410
    page = response.content.decode()
    assert "has expired" in page and "ask the programme" in page.lower()
    assert Invitation.objects.get().accepted_at is None


def test_a_revoked_link_shows_a_gone_page(client, programme, coordinator):
    first = invite(programme, coordinator)
    invite(programme, coordinator)  # resending revokes the first link
    response = client.get(accept_url(first.token))
    assert response.status_code == 410
    assert "withdrew this invitation" in response.content.decode()


def test_an_unknown_link_shows_a_friendly_not_found_page(client):
    response = client.get(accept_url("made-up-token"))
    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()
