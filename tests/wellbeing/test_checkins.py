"""Making a check-in, seeing its result and the person's own history."""

# Fixtures imported from checkin_setup are used as test arguments, which ruff reads as
# redefinitions.
# ruff: noqa: F811

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.urls import reverse

from matching.models import Mentorship
from programmes.errors import ProgrammeError
from programmes.models import Membership
from tests.factories import MembershipFactory
from tests.support.pages import messages_of
from tests.wellbeing.checkin_setup import (
    LOW_ANSWERS,
    NOT_LOW_ANSWERS,
    VERY_LOW_ANSWERS,
    check_in,
    former_mentor,  # noqa: F401 (fixture)
    is_login_redirect,
    make_mentorship,
    make_person,
    mentorship,  # noqa: F401 (fixture)
    other_welfare_lead,  # noqa: F401 (fixture)
    welfare_lead,  # noqa: F401 (fixture)
)
from wellbeing.models import AccessLog, CheckIn, SupportRequest, SupportService

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("wellbeing:checkin_create")
HOME_URL = reverse("wellbeing:checkin_home")


def result_url(checkin) -> str:
    return reverse("wellbeing:checkin_result", kwargs={"pk": checkin.pk})


def answers_post(answers, **extra) -> dict:
    data = {f"item_{n}": str(a) for n, a in enumerate(answers, start=1)}
    data.update(extra)
    return data


# The service -------------------------------------------------------------------------


def test_a_check_in_is_scored_and_banded_with_the_persons_role(programme, mentee):
    checkin = check_in(mentee, programme, LOW_ANSWERS)

    assert (checkin.raw_score, checkin.score, checkin.band) == (10, 40, "low")
    assert checkin.answers == LOW_ANSWERS
    assert checkin.role == Membership.Role.MENTEE
    assert checkin.instrument == "who5"
    assert not checkin.share_with_mentor and checkin.shared_mentorship is None


def test_a_mentor_can_check_in_too(programme, mentor):
    assert check_in(mentor, programme).role == Membership.Role.MENTOR


def test_someone_who_is_both_counts_as_a_mentee(programme, mentor):
    MembershipFactory(programme=programme, user=mentor, role=Membership.Role.MENTEE)
    assert check_in(mentor, programme).role == Membership.Role.MENTEE


@pytest.mark.parametrize("who", ["coordinator", "outsider", "welfare_lead"])
def test_only_mentors_and_mentees_can_check_in(request, programme, who):
    person = request.getfixturevalue(who)
    with pytest.raises(ProgrammeError, match="for mentors and mentees"):
        check_in(person, programme)
    assert not CheckIn.objects.exists()


def test_a_former_member_cannot_check_in(programme, mentee):
    Membership.objects.filter(user=mentee).update(ended_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    with pytest.raises(ProgrammeError):
        check_in(mentee, programme)


def test_bad_answers_are_refused_and_nothing_is_saved(programme, mentee):
    with pytest.raises(ProgrammeError, match="answer all 5"):
        check_in(mentee, programme, [3, 3, 3])
    with pytest.raises(ProgrammeError, match="choose one of the answers"):
        check_in(mentee, programme, [3, 3, 3, 3, 9])
    assert not CheckIn.objects.exists()


def test_sharing_links_the_current_mentorship(programme, mentee, mentorship):
    checkin = check_in(mentee, programme, share_with_mentor=True)
    assert checkin.share_with_mentor and checkin.shared_mentorship == mentorship


def test_a_paused_mentorship_still_counts_as_current(programme, mentor, mentee):
    paused = make_mentorship(programme, mentor, mentee, status=Mentorship.Status.PAUSED)
    assert check_in(mentee, programme, share_with_mentor=True).shared_mentorship == paused


@pytest.mark.parametrize("status", [Mentorship.Status.PROPOSED, Mentorship.Status.CLOSED])
def test_sharing_is_refused_without_a_current_mentor(programme, mentor, mentee, status):
    make_mentorship(programme, mentor, mentee, status=status)
    with pytest.raises(ProgrammeError, match="do not have a current mentor") as error:
        check_in(mentee, programme, share_with_mentor=True)
    assert error.value.field == "share_with_mentor"
    assert not CheckIn.objects.exists()


def test_a_mentor_cannot_share_with_the_person_they_mentor(programme, mentor, mentee, mentorship):
    # Sharing goes to one's own mentor; mentoring someone gives no one to share with.
    with pytest.raises(ProgrammeError):
        check_in(mentor, programme, share_with_mentor=True)


def test_free_text_is_stripped_limited_and_optional(programme, mentee):
    checkin = check_in(mentee, programme, anything_on_mind="  ", what_would_help=" Sleep ")
    assert checkin.anything_on_mind is None and checkin.what_would_help == "Sleep"
    with pytest.raises(ProgrammeError, match="200 characters"):
        check_in(mentee, programme, what_would_help="x" * 201)


def test_free_text_is_encrypted_at_rest(programme, mentee):
    checkin = check_in(
        mentee,
        programme,
        anything_on_mind="Rota worries keep me awake",
        what_would_help="A quieter week",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT anything_on_mind, what_would_help FROM wellbeing_checkin WHERE id = %s",
            [checkin.pk],
        )
        on_mind, would_help = cursor.fetchone()
    assert "Rota" not in on_mind and "quieter" not in would_help
    fresh = CheckIn.objects.get(pk=checkin.pk)
    assert fresh.anything_on_mind == "Rota worries keep me awake"
    assert fresh.what_would_help == "A quieter week"


def test_a_very_low_check_in_alerts_no_one(programme, mentee, mentorship, welfare_lead):
    check_in(mentee, programme, VERY_LOW_ANSWERS, share_with_mentor=True)
    assert mail.outbox == []
    assert not SupportRequest.objects.exists()
    assert not AccessLog.objects.exists()


# Making a check-in in the browser ----------------------------------------------------------


def test_the_form_shows_every_item_with_large_answer_buttons(client, mentee):
    client.force_login(mentee)
    response = client.get(CREATE_URL)

    body = response.content.decode()
    assert response.status_code == 200
    assert "Over the last two weeks" in body
    assert "I woke up feeling fresh and rested" in body
    assert body.count('class="btn-check"') == 30
    assert body.count("<legend>") == 5
    assert "All of the time" in body and "At no time" in body


def test_submitting_saves_and_shows_the_result(client, programme, mentee):
    client.force_login(mentee)
    response = client.post(CREATE_URL, answers_post(NOT_LOW_ANSWERS, programme=programme.pk))

    checkin = CheckIn.objects.get()
    assert response.status_code == 302 and response["Location"] == result_url(checkin)
    assert checkin.user == mentee and checkin.score == 68
    assert messages_of(response) == ["Thank you: we have saved your check-in."]


def test_submitting_with_sharing_says_so(client, programme, mentee, mentorship):
    client.force_login(mentee)
    response = client.post(
        CREATE_URL, answers_post(LOW_ANSWERS, programme=programme.pk, share_with_mentor="on")
    )
    assert CheckIn.objects.get().shared_mentorship == mentorship
    assert messages_of(response) == [
        "Thank you: we have saved your check-in and shared it with your mentor."
    ]


def test_a_missing_answer_is_shown_and_nothing_is_saved(client, programme, mentee):
    client.force_login(mentee)
    data = answers_post(NOT_LOW_ANSWERS, programme=programme.pk)
    del data["item_3"]

    response = client.post(CREATE_URL, data)

    assert response.status_code == 400
    assert "Please choose an answer for this statement." in response.content.decode()
    assert not CheckIn.objects.exists()
    assert messages_of(response) == ["Please correct the errors below."]


def test_sharing_without_a_mentor_is_explained_on_the_form(client, programme, mentee):
    client.force_login(mentee)
    response = client.post(
        CREATE_URL, answers_post(LOW_ANSWERS, programme=programme.pk, share_with_mentor="on")
    )
    assert response.status_code == 400
    assert "do not have a current mentor" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_the_share_box_shows_only_to_someone_with_a_mentor(client, programme, mentee):
    client.force_login(mentee)
    assert "Share this check-in with my mentor" not in client.get(CREATE_URL).content.decode()
    make_mentorship(programme, make_person(programme, "mentor"), mentee)
    assert "Share this check-in with my mentor" in client.get(CREATE_URL).content.decode()


def test_a_person_in_several_programmes_picks_one(client, programme, other_programme, mentee):
    MembershipFactory(programme=other_programme, user=mentee, role=Membership.Role.MENTOR)
    client.force_login(mentee)

    body = client.get(CREATE_URL).content.decode()
    assert "Which programme is this check-in for?" in body
    assert programme.name in body and other_programme.name in body

    client.post(CREATE_URL, answers_post(LOW_ANSWERS, programme=other_programme.pk))
    checkin = CheckIn.objects.get()
    assert checkin.programme == other_programme and checkin.role == Membership.Role.MENTOR


def test_a_programme_the_person_is_not_in_is_refused(client, mentee, other_programme):
    client.force_login(mentee)
    response = client.post(CREATE_URL, answers_post(LOW_ANSWERS, programme=other_programme.pk))
    assert response.status_code == 400
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("who", ["coordinator", "outsider"])
def test_people_without_a_mentoring_role_are_sent_back_with_an_explanation(client, request, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(CREATE_URL)
    assert response.status_code == 302 and response["Location"] == HOME_URL
    assert "Check-ins are for mentors and mentees" in messages_of(response)[0]


def test_making_a_check_in_needs_signing_in(client):
    assert is_login_redirect(client.get(CREATE_URL))
    assert is_login_redirect(client.post(CREATE_URL, answers_post(LOW_ANSWERS)))


# The result --------------------------------------------------------------------------------


def body_of(client, checkin) -> str:
    response = client.get(result_url(checkin))
    assert response.status_code == 200
    return response.content.decode()


def test_a_very_low_result_puts_the_urgent_contacts_first(client, programme, mentee):
    checkin = check_in(mentee, programme, VERY_LOW_ANSWERS)
    client.force_login(mentee)

    body = body_of(client, checkin)
    main = body[body.index('id="main"') :]

    positions = [main.index(text) for text in ("999", "116 123", "0330 123 1245", "0300 0303 300")]
    assert positions == sorted(positions)
    assert positions[0] < main.index("Your wellbeing score")
    # Then the rest of the programme's directory, without repeating the urgent numbers.
    assert main.index("Your own GP") > main.index("Your wellbeing score")
    assert main.count("116 123") == 1
    assert "saving it has not alerted anyone" in main
    assert reverse("wellbeing:support_request_create", kwargs={"slug": programme.slug}) in main


def test_a_low_result_shows_the_directory_and_suggests_the_mentor_or_gp(client, programme, mentee):
    checkin = check_in(mentee, programme, LOW_ANSWERS)
    client.force_login(mentee)

    main = body_of(client, checkin).split('id="main"')[1]

    assert "If you need someone now" not in main
    assert "Your mentor is there for you, and your GP can help" in main
    assert "Samaritans" in main and "NHS Practitioner Health" in main
    assert reverse("wellbeing:directory", kwargs={"slug": programme.slug}) in main


def test_a_not_low_result_keeps_the_directory_one_click_away(client, programme, mentee):
    checkin = check_in(mentee, programme, NOT_LOW_ANSWERS)
    client.force_login(mentee)

    main = body_of(client, checkin).split('id="main"')[1]

    assert "68" in main and "Not low" in main
    assert reverse("wellbeing:directory", kwargs={"slug": programme.slug}) in main
    assert "Samaritans" not in main


@pytest.mark.parametrize("answers", [VERY_LOW_ANSWERS, LOW_ANSWERS, NOT_LOW_ANSWERS])
def test_no_result_ever_calls_anyone_safe(client, programme, mentee, answers):
    checkin = check_in(mentee, programme, answers)
    client.force_login(mentee)
    assert "safe" not in body_of(client, checkin).lower()


def test_a_meaningful_change_since_the_last_check_in_is_shown(client, programme, mentee):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)):
        check_in(mentee, programme, NOT_LOW_ANSWERS)  # 68
    with time_machine.travel(dt.datetime(2026, 3, 20, 9, tzinfo=dt.UTC)):
        checkin = check_in(mentee, programme, LOW_ANSWERS)  # 40
    client.force_login(mentee)

    main = body_of(client, checkin).split('id="main"')[1]

    assert "Down 28 points" in main and "since your last check-in on 2 March" in main


def test_a_small_change_is_not_made_much_of(client, programme, mentee):
    check_in(mentee, programme, [3, 3, 3, 3, 3])  # 60
    checkin = check_in(mentee, programme, [3, 3, 3, 3, 4])  # 64
    client.force_login(mentee)

    main = body_of(client, checkin).split('id="main"')[1]

    assert "Much the same as your last check-in" in main
    assert "points" not in main.split("Your wellbeing score")[1].split("What next")[0]


def test_the_result_shows_the_persons_own_words_back_to_them(client, programme, mentee):
    checkin = check_in(mentee, programme, anything_on_mind="Exams in May")
    client.force_login(mentee)
    assert "Exams in May" in body_of(client, checkin)


# Who may see a check-in's result ------------------------------------------------------------


@pytest.fixture
def shared_checkin(programme, mentee, mentorship):
    return check_in(
        mentee,
        programme,
        VERY_LOW_ANSWERS,
        anything_on_mind="Zebra crossing thoughts",
        share_with_mentor=True,
    )


def test_the_owner_sees_their_result(client, mentee, shared_checkin):
    client.force_login(mentee)
    assert "Zebra crossing thoughts" in body_of(client, shared_checkin)


@pytest.mark.parametrize(
    "who",
    [
        "mentor",  # the current mentor, even though it was shared: only band and messages
        "former_mentor",
        "coordinator",
        "other_coordinator",
        "welfare_lead",
        "other_welfare_lead",
        "outsider",
    ],
)
def test_nobody_else_can_open_a_result(client, request, who, programme, mentee, shared_checkin):
    client.force_login(request.getfixturevalue(who))
    response = client.get(result_url(shared_checkin))
    assert response.status_code == 404
    assert not AccessLog.objects.exists()


def test_a_result_needs_signing_in(client, shared_checkin):
    assert is_login_redirect(client.get(result_url(shared_checkin)))


# The person's own history -----------------------------------------------------------------


def test_home_shows_the_trend_chart_and_an_accessible_table(client, programme, mentee):
    for answers in (LOW_ANSWERS, NOT_LOW_ANSWERS, VERY_LOW_ANSWERS):
        check_in(mentee, programme, answers)
    client.force_login(mentee)

    body = client.get(HOME_URL).content.decode()

    assert "<svg" in body and "<polyline" in body
    assert body.count('<circle class="dot"') == 3
    assert 'class="area-very_low"' in body and 'class="area-not_low"' in body
    assert '<table class="visually-hidden">' in body
    assert "Check in now" in body


def test_home_lists_only_the_persons_own_check_ins(
    client, programme, mentee, mentor, shared_checkin
):
    client.force_login(mentor)
    body = client.get(HOME_URL).content.decode()
    assert "Zebra crossing thoughts" not in body
    assert reverse("wellbeing:checkin_result", kwargs={"pk": shared_checkin.pk}) not in body
    # The mentor is pointed to what was shared with them instead.
    assert reverse("wellbeing:shared_checkins") in body


@pytest.mark.parametrize("who", ["coordinator", "welfare_lead", "outsider"])
def test_home_shows_nobody_else_a_members_check_ins(client, request, who, shared_checkin):
    client.force_login(request.getfixturevalue(who))
    response = client.get(HOME_URL)
    assert response.status_code == 200
    assert reverse("wellbeing:checkin_result", kwargs={"pk": shared_checkin.pk}) not in (
        response.content.decode()
    )


def test_home_without_a_programme_explains_who_check_ins_are_for(client, outsider):
    client.force_login(outsider)
    body = client.get(HOME_URL).content.decode()
    assert "Check-ins are for mentors and mentees." in body


def test_home_needs_signing_in(client):
    assert is_login_redirect(client.get(HOME_URL))


def test_home_is_paginated_with_a_fixed_number_of_queries(
    client, programme, mentee, django_assert_max_num_queries
):
    check_in(mentee, programme)
    client.force_login(mentee)
    with django_assert_max_num_queries(20) as few:
        client.get(HOME_URL)
    CheckIn.objects.bulk_create(
        CheckIn(
            user=mentee,
            programme=programme,
            role="mentee",
            answers=[3, 3, 3, 3, 3],
            raw_score=15,
            score=60,
            band="not_low",
        )
        for _ in range(60)
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(HOME_URL)
    assert response.context["page_obj"].paginator.num_pages == 3
    assert len(response.context["checkins"]) == 25
    assert response.content.decode().count('<circle class="dot"') == 12


def test_the_result_page_makes_a_fixed_number_of_queries(
    client, programme, mentee, django_assert_max_num_queries
):
    for _ in range(20):
        check_in(mentee, programme, LOW_ANSWERS)
    SupportService.objects.bulk_create(
        SupportService(programme=programme, name=f"Service {n}", purpose="Help") for n in range(30)
    )
    checkin = check_in(mentee, programme, VERY_LOW_ANSWERS)
    client.force_login(mentee)
    client.get(result_url(checkin))  # seeds the directory once
    with django_assert_max_num_queries(16):
        client.get(result_url(checkin))
