"""Invitations to a wellbeing check-in, at the programme's cadence, for those who opted in."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse

from mentoring.notifications import preferences
from mentoring.notifications.models import Notification, NotificationPreference
from programmes.models import Membership, Programme
from tests.factories import MembershipFactory, ProgrammeFactory
from tests.support.pages import messages_of, sign_in
from tests.wellbeing.checkin_setup import check_in, is_login_redirect, make_person
from wellbeing.models import WellbeingSettings
from wellbeing.reminders import (
    KIND,
    checkin_invitations_changed,
    checkin_invitations_set,
    checkin_invitations_start,
)

pytestmark = pytest.mark.django_db

UTC = dt.UTC
# Thursday 15 October 2026, 10:00 in London (BST).
NOW = dt.datetime(2026, 10, 15, 9, 0, tzinfo=UTC)
DAY = dt.timedelta(days=1)
HOME_URL = reverse("wellbeing:checkin_home")
SWITCH_URL = reverse("wellbeing:checkin_invitations")
SECRET = "I have been struggling with the rota"


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def deliver(deliver_reminders):
    """Deliver only check-in invitations (other kinds have their own tests)."""

    def run(now=None):
        return deliver_reminders(now, kinds=[KIND])

    return run


def rows(user) -> list[Notification]:
    return list(Notification.objects.filter(kind=KIND, recipient=user).order_by("due_at"))


def opt_in(user, channel="email"):
    preferences.preferences_update(user=user, channels={KIND: channel})
    checkin_invitations_start(user=user)


def invitations_for(user) -> list:
    return [m for m in mail.outbox if m.to == [user.email]]


def both_parts(msg) -> str:
    return msg.body + msg.alternatives[0][0]


# Opting in and the first invitation ------------------------------------------------------


def test_nobody_is_invited_without_opting_in(mentee, deliver):
    check_in(mentee, mentee.memberships.get().programme)
    with time_machine.travel(NOW + 60 * DAY, tick=False):
        assert deliver() == []
    assert rows(mentee) == []
    assert preferences.preference_for(mentee.pk, KIND) == "off"


def test_opting_in_without_a_check_in_invites_now(programme, mentee, deliver):
    opt_in(mentee)

    [row] = rows(mentee)
    assert (row.due_at, row.occurrence) == (NOW, "2026-10-15")
    assert deliver() == ["sent"]
    [msg] = invitations_for(mentee)
    assert "check-in" in msg.subject.lower()
    link = settings.SITE_URL + reverse("wellbeing:checkin_create")
    for part in (msg.body, msg.alternatives[0][0]):
        assert link in part
        assert "every 30 days" in part
        assert "Sam" in part  # their display name
    assert msg.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_first_invitation_waits_a_cadence_after_the_last_check_in(programme, mentee, deliver):
    check_in(mentee, programme)
    opt_in(mentee)

    [row] = rows(mentee)
    assert row.due_at == NOW + 30 * DAY
    with time_machine.travel(NOW + 29 * DAY, tick=False):
        assert deliver() == []
    with time_machine.travel(NOW + 30 * DAY, tick=False):
        assert deliver() == ["sent"]
    assert len(invitations_for(mentee)) == 1


def test_the_email_has_no_answers_scores_or_messages(programme, mentee, deliver, _now):
    _now.move_to(NOW - 40 * DAY)
    check_in(mentee, programme, [1, 1, 0, 0, 1], anything_on_mind=SECRET, what_would_help=SECRET)
    _now.move_to(NOW)
    opt_in(mentee)

    assert deliver() == ["sent"]
    [msg] = invitations_for(mentee)
    text = msg.subject + both_parts(msg)
    assert SECRET not in text
    assert "score" not in text.lower()
    assert "very low" not in text.lower()


def test_a_person_in_no_running_programme_gets_no_invitation(outsider, deliver):
    opt_in(outsider)

    assert rows(outsider) == []


def test_the_shortest_cadence_of_their_programmes_is_used(programme, mentee, deliver):
    weekly = ProgrammeFactory(name="Weekly check-ins")
    MembershipFactory(programme=weekly, user=mentee, role=Membership.Role.MENTOR)
    WellbeingSettings.objects.create(programme=weekly, checkin_cadence_days=14)
    check_in(mentee, programme)

    opt_in(mentee)

    assert rows(mentee)[0].due_at == NOW + 14 * DAY


def test_a_closed_programmes_cadence_does_not_count(programme, mentee):
    closed = ProgrammeFactory(status=Programme.Status.CLOSED)
    MembershipFactory(programme=closed, user=mentee, role=Membership.Role.MENTEE)
    WellbeingSettings.objects.create(programme=closed, checkin_cadence_days=7)
    check_in(mentee, programme)

    opt_in(mentee)

    assert rows(mentee)[0].due_at == NOW + 30 * DAY


# The chain ------------------------------------------------------------------------------


def test_each_invitation_sent_writes_the_next_one(programme, mentee, deliver):
    opt_in(mentee)
    assert deliver() == ["sent"]

    first, second = rows(mentee)
    assert first.status == Notification.Status.SENT
    assert (second.status, second.due_at) == (Notification.Status.PENDING, NOW + 30 * DAY)
    assert second.occurrence == "2026-11-14"
    with time_machine.travel(NOW + 30 * DAY, tick=False):
        assert deliver() == ["sent"]
    assert len(invitations_for(mentee)) == 2
    assert len(rows(mentee)) == 3


def test_delivering_twice_sends_one_invitation(programme, mentee, deliver):
    opt_in(mentee)

    assert deliver() == ["sent"]
    assert deliver() == []
    assert len(invitations_for(mentee)) == 1


def test_opting_in_twice_writes_one_invitation(programme, mentee):
    opt_in(mentee)
    opt_in(mentee)

    assert len(rows(mentee)) == 1


def test_a_recent_check_in_puts_the_invitation_off_until_a_cadence_after_it(
    programme, mentee, deliver, _now
):
    opt_in(mentee)
    assert deliver() == ["sent"]
    _now.move_to(NOW + 20 * DAY)
    check_in(mentee, programme)

    with time_machine.travel(NOW + 30 * DAY, tick=False):
        assert deliver() == ["deferred"]
    waiting = rows(mentee)[-1]
    assert waiting.due_at == NOW + 50 * DAY
    with time_machine.travel(NOW + 50 * DAY, tick=False):
        assert deliver() == ["sent"]
    assert len(invitations_for(mentee)) == 2


def test_turning_it_off_and_on_again_does_not_invite_twice_within_the_cadence(
    programme, mentee, deliver
):
    checkin_invitations_set(user=mentee, on=True)
    assert deliver() == ["sent"]
    checkin_invitations_set(user=mentee, on=False)
    checkin_invitations_set(user=mentee, on=True)

    assert deliver() == []
    waiting = [r for r in rows(mentee) if r.status == Notification.Status.PENDING]
    assert [r.due_at for r in waiting] == [NOW + 30 * DAY]


def test_opting_in_after_the_invitation_was_cancelled_today_brings_it_back(programme, mentee):
    checkin_invitations_set(user=mentee, on=True)
    checkin_invitations_set(user=mentee, on=False)
    assert rows(mentee)[0].status == Notification.Status.CANCELLED

    checkin_invitations_set(user=mentee, on=True)

    [row] = rows(mentee)
    assert (row.status, row.due_at) == (Notification.Status.PENDING, NOW)


# Re-checks when it is about to go -------------------------------------------------------


def test_an_invitation_is_cancelled_once_the_person_opted_out(programme, mentee, deliver):
    opt_in(mentee)
    # Turning it off on the settings page cancels the waiting invitation at once.
    preferences.preferences_update(user=mentee, channels={KIND: "off"})

    assert deliver() == []
    assert invitations_for(mentee) == []
    assert [r.status for r in rows(mentee)] == [Notification.Status.CANCELLED]  # chain ends


def test_a_person_who_left_the_programme_is_not_invited(programme, mentee, deliver):
    opt_in(mentee)
    Membership.objects.filter(user=mentee).update(ended_at=NOW)

    assert deliver() == ["cancelled"]
    assert invitations_for(mentee) == []


def test_nobody_is_invited_once_the_programme_closed(programme, mentee, deliver):
    opt_in(mentee)
    Programme.objects.filter(pk=programme.pk).update(status=Programme.Status.CLOSED)

    assert deliver() == ["cancelled"]
    assert invitations_for(mentee) == []


def test_an_invitation_due_at_night_waits_for_the_morning(programme, mentee, deliver):
    late = dt.datetime(2026, 10, 15, 21, 30, tzinfo=UTC)  # 22:30 in London
    with time_machine.travel(late, tick=False):
        opt_in(mentee)
        assert deliver() == ["quiet-hours"]
    assert invitations_for(mentee) == []
    morning = dt.datetime(2026, 10, 16, 6, 0, tzinfo=UTC)  # 07:00 in London
    assert rows(mentee)[0].due_at == morning
    with time_machine.travel(morning, tick=False):
        assert deliver() == ["sent"]
    assert len(invitations_for(mentee)) == 1


def test_in_a_weekly_digest_if_they_chose_that(programme, mentee, deliver):
    opt_in(mentee, channel="digest")

    assert deliver() == ["digest"]
    assert invitations_for(mentee) == []
    assert rows(mentee)[0].status == Notification.Status.DIGEST


def test_in_a_weekly_digest_the_chain_goes_on(programme, mentee, deliver):
    opt_in(mentee, channel="digest")

    assert deliver() == ["digest"]
    assert [r.status for r in rows(mentee)] == [
        Notification.Status.DIGEST,
        Notification.Status.PENDING,
    ]


def test_a_choice_made_on_the_settings_page_starts_and_stops_invitations(programme, mentee):
    preferences.preferences_update(user=mentee, channels={KIND: "email"})
    checkin_invitations_changed(user_id=mentee.pk, channel="email")
    assert [r.status for r in rows(mentee)] == [Notification.Status.PENDING]

    checkin_invitations_changed(user_id=mentee.pk, channel="off")
    assert [r.status for r in rows(mentee)] == [Notification.Status.CANCELLED]


# The switch on the check-in page -------------------------------------------------------


def test_the_check_in_page_offers_the_switch_with_the_cadence(client, programme, mentee):
    WellbeingSettings.objects.create(programme=programme, checkin_cadence_days=21)
    sign_in(client, mentee)

    page = client.get(HOME_URL).content.decode()

    assert "Invite me to check in every 21 days" in page
    assert f'action="{SWITCH_URL}"' in page
    assert 'role="switch"' in page
    assert " checked>" not in page


def test_the_switch_shows_on_once_opted_in(client, programme, mentee):
    opt_in(mentee)
    sign_in(client, mentee)

    assert " checked>" in client.get(HOME_URL).content.decode()


def test_someone_in_no_programme_sees_no_switch(client, outsider):
    sign_in(client, outsider)

    assert "Invite me to check in" not in client.get(HOME_URL).content.decode()


def test_the_owner_turns_invitations_on_and_off(client, programme, mentee):
    sign_in(client, mentee)

    response = client.post(SWITCH_URL, {"invite": "on"})
    assert response.status_code == 302
    assert response["Location"] == f"{HOME_URL}#checkin-invitations"
    assert "every 30 days" in messages_of(response)[0]
    assert preferences.preference_for(mentee.pk, KIND) == "email"
    assert [r.status for r in rows(mentee)] == [Notification.Status.PENDING]

    response = client.post(SWITCH_URL, {})
    assert preferences.preference_for(mentee.pk, KIND) == "off"
    assert [r.status for r in rows(mentee)] == [Notification.Status.CANCELLED]


def test_turning_the_switch_on_keeps_a_weekly_digest_choice(client, programme, mentee):
    preferences.preferences_update(user=mentee, channels={KIND: "digest"})
    sign_in(client, mentee)

    client.post(SWITCH_URL, {"invite": "on"})

    assert preferences.preference_for(mentee.pk, KIND) == "digest"


def test_anonymous_visitors_are_sent_to_sign_in(client, mentee):
    response = client.post(SWITCH_URL, {"invite": "on"})

    assert is_login_redirect(response)
    assert not NotificationPreference.objects.filter(kind=KIND).exists()


def test_the_switch_only_accepts_a_post(client, mentee):
    sign_in(client, mentee)

    assert client.get(SWITCH_URL).status_code == 405


def test_another_person_cannot_change_someone_elses_invitations(client, programme, mentee):
    opt_in(mentee)
    other = make_person(programme, Membership.Role.MENTOR)
    sign_in(client, other)

    client.post(SWITCH_URL, {"user": mentee.pk, "user_id": mentee.pk})

    assert preferences.preference_for(mentee.pk, KIND) == "email"
    assert [r.status for r in rows(mentee)] == [Notification.Status.PENDING]
    assert preferences.preference_for(other.pk, KIND) == "off"


def test_an_outsider_can_save_the_choice_but_gets_no_invitation(client, outsider):
    sign_in(client, outsider)

    response = client.post(SWITCH_URL, {"invite": "on"})

    assert "once you are a mentor or mentee" in messages_of(response)[0]
    assert rows(outsider) == []


def test_an_opt_out_saved_without_the_hook_is_caught_by_the_re_check(programme, mentee, deliver):
    opt_in(mentee)
    NotificationPreference.objects.filter(user=mentee, kind=KIND).update(channel="off")

    assert deliver() == ["cancelled"]
    assert invitations_for(mentee) == []
