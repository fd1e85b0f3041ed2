"""Download my data: everything about the person, and nothing confidential of anyone else."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.urls import reverse

from matching.models import ClosingReview, DeclaredConflict, Mentorship
from mentoring.accounts.models import MatchingPreferences, Profile
from mentoring.privacy import SECTIONS
from programmes.models import Membership
from tests.factories import ApplicationFactory
from tests.support.pages import sign_in
from wellbeing.models import AccessLog
from wellbeing.services.privacy import data_export_build

from .support_setup import (
    make_checkin,
    make_member,
    make_mentor_request,
    make_mentorship,
    make_referral,
    make_service,
    make_support_request,
    make_welfare_lead,
)

pytestmark = pytest.mark.django_db
URL = reverse("wellbeing:data_export")

# What belongs to the mentee (must be in their download)...
MINE = {
    "checkin": "MINE-checkin-on-mind",
    "would_help": "MINE-checkin-would-help",
    "support": "MINE-support-message",
    "request": "MINE-request-to-mentor",
    "review": "MINE-closing-review-words",
    "close_note": "MINE-private-close-note",
    "bio": "MINE-profile-bio",
    "goals": "MINE-application-goals",
    "referral_note": "MINE-referral-note-from-mentor",
    "reply": "MINE-reply-received-from-mentor",
}
# ...and what belongs to other people (must never be).
THEIRS = {
    "mentor_checkin": "THEIRS-mentor-checkin",
    "mentor_close_note": "THEIRS-mentor-private-close-note",
    "mentor_review": "THEIRS-mentor-review-words",
    "decline_reason": "THEIRS-mentor-private-decline-reason",
    "other_support": "THEIRS-other-support-message",
    "other_checkin": "THEIRS-other-mentee-checkin",
    "other_request": "THEIRS-other-mentee-request",
}


@pytest.fixture
def records(programme, mentor, mentee):
    """The mentee's data, tangled with their mentor's and another mentee's."""
    lead = make_welfare_lead(programme, name="Wendy Welfare")
    someone = make_member(programme, "mentee", name="Dr Other Mentee")
    Profile.objects.filter(user=mentee).update(bio=MINE["bio"])
    MatchingPreferences.objects.create(user=mentee, religion="buddhist", prefer_same_religion=True)
    MatchingPreferences.objects.create(user=mentor, religion="jewish")
    ApplicationFactory(programme=programme, applicant=mentee, goals=MINE["goals"])

    make_checkin(mentee, programme, on_mind=MINE["checkin"], would_help=MINE["would_help"])
    make_checkin(mentor, programme, on_mind=THEIRS["mentor_checkin"], role="mentor")
    make_checkin(someone, programme, on_mind=THEIRS["other_checkin"])
    make_support_request(programme, mentee, message=MINE["support"])
    make_support_request(programme, someone, message=THEIRS["other_support"])

    # An earlier mentorship the mentor closed; the current one the mentee closed.
    earlier = make_mentorship(
        programme,
        mentor,
        mentee,
        status=Mentorship.Status.CLOSED,
        closed_by=mentor,
        close_note=THEIRS["mentor_close_note"],
        close_reason="completed",
    )
    ClosingReview.objects.create(
        mentorship=earlier,
        author=mentor,
        helpfulness=4,
        supportive_environment=4,
        comments=THEIRS["mentor_review"],
    )
    ClosingReview.objects.create(
        mentorship=earlier,
        author=mentee,
        helpfulness=5,
        supportive_environment=5,
        comments=MINE["review"],
    )
    current = make_mentorship(programme, mentor, mentee)
    Mentorship.objects.filter(pk=current.pk).update(
        status=Mentorship.Status.CLOSED, closed_by=mentee, close_note=MINE["close_note"]
    )
    make_mentor_request(
        programme,
        mentee,
        mentor,
        MINE["request"],
        status="declined",
        decline_reason=THEIRS["decline_reason"],
        reply_message=MINE["reply"],
    )
    make_mentor_request(programme, someone, mentor, THEIRS["other_request"])
    make_referral(current, service=make_service(programme), note=MINE["referral_note"])
    DeclaredConflict.objects.create(programme=programme, mentee=mentee, mentor=mentor, kind="other")
    AccessLog.objects.create(actor=lead, subject=mentee, record_type="support request", record_id=1)
    return {"lead": lead, "someone": someone}


def download(client, user) -> tuple[dict, str]:
    response = sign_in(client, user).get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["data.json", "summary.html"]
    return json.loads(archive.read("data.json")), archive.read("summary.html").decode()


def test_the_download_holds_everything_about_the_person(client, records, mentee):
    data, summary = download(client, mentee)
    text = json.dumps(data)
    for value in MINE.values():
        assert value in text, value
        assert value in summary, value
    assert data["account"]["email"] == mentee.email
    assert data["matching_preferences"]["religion"] == "buddhist"
    assert [m["role"] for m in data["memberships"]] == ["Mentee"]
    assert data["access_log"][0]["who"] == "Wendy Welfare"
    assert data["declared_conflicts"][0]["mentor"] == "Dr Maya Mentor"
    assert {s.key for s in SECTIONS} <= set(data)
    assert "Wellbeing check-ins" in summary and "Who has read your records" in summary


def test_the_download_holds_nothing_confidential_of_anyone_else(client, records, mentee):
    data, summary = download(client, mentee)
    text = json.dumps(data)
    for value in THEIRS.values():
        assert value not in text, value
        assert value not in summary, value
    assert "jewish" not in text  # the mentor's private preferences
    assert "your_private_decline_reason" not in text


def test_a_mentor_gets_their_own_private_words_and_not_the_mentees(client, records, mentor):
    data, summary = download(client, mentor)
    text = json.dumps(data)
    for value in (
        THEIRS["mentor_checkin"],
        THEIRS["mentor_close_note"],
        THEIRS["mentor_review"],
        THEIRS["decline_reason"],
        THEIRS["other_request"],
        MINE["request"],
        MINE["reply"],
    ):
        assert value in text, value  # their own, or correspondence sent to them
    for value in (
        MINE["checkin"],
        MINE["support"],
        MINE["close_note"],
        MINE["review"],
        MINE["bio"],
        THEIRS["other_checkin"],
        THEIRS["other_support"],
        "buddhist",
    ):
        assert value not in text, value
        assert value not in summary, value


def test_a_welfare_lead_does_not_get_the_requests_they_handle(client, records):
    data, _ = download(client, records["lead"])
    text = json.dumps(data)
    assert MINE["support"] not in text and THEIRS["other_support"] not in text
    assert data["support_requests"] == []


def test_the_download_makes_a_bounded_number_of_queries(
    client, programme, mentee, mentor, django_assert_max_num_queries
):
    for n in range(20):
        make_checkin(mentee, programme, on_mind=f"note {n}")
        make_support_request(programme, mentee)
        other = make_member(programme, "mentor")
        make_mentorship(programme, other, mentee, status="closed")
        make_mentor_request(programme, mentee, other, f"request {n}", status="declined")
    sign_in(client, mentee)
    with django_assert_max_num_queries(40):
        response = client.get(URL)
    assert response.status_code == 200


def test_every_section_is_built_with_a_fixed_number_of_queries(
    programme, mentee, django_assert_max_num_queries
):
    make_checkin(mentee, programme)
    with django_assert_max_num_queries(40) as small:
        data_export_build(user=mentee)
    for _ in range(15):
        make_checkin(mentee, programme)
        make_support_request(programme, mentee)
        other = make_member(programme, "mentor")
        make_referral(make_mentorship(programme, other, mentee))
        Membership.objects.create(
            programme=programme, user=mentee, role="mentor", ended_at="2024-01-01T00:00Z"
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        data_export_build(user=mentee)


def test_the_my_data_page_explains_both_rights(client, mentee):
    html = sign_in(client, mentee).get(reverse("wellbeing:my_data")).content.decode()
    assert "Download my data" in html and "Close my account" in html
    assert URL in html and reverse("wellbeing:account_close") in html


def test_anonymous_people_are_sent_to_sign_in(client):
    for url in (URL, reverse("wellbeing:my_data")):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url
