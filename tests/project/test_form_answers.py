"""Every app answers a refused form the same way: 400, one message, nothing changed.

A sample of form views from each app is posted bad input; each must answer 400 with
the one wording and leave the database as it was. `form_error` puts any domain error
(anything with `.field` and `.message`) on its field, or on the form when it has none.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django import forms
from django.test import RequestFactory
from django.urls import reverse

from matching.errors import MatchingError
from matching.models import MatchingSettings
from mentoring.accounts.models import MatchingPreferences
from mentoring.forms import (
    INVALID_FORM_MESSAGE,
    INVALID_FORM_STATUS,
    form_error,
    render_form,
)
from mentoring.notifications.models import NotificationPreference
from programmes.errors import ProgrammeError
from programmes.models import ApplicationQuestion, Membership, Programme
from sessions.errors import MeetingError
from sessions.models import AvailabilityWindow
from tests.support.pages import messages_of
from wellbeing.models import CheckIn, SupportService

pytestmark = pytest.mark.django_db


def _slug(programme: Programme) -> dict:
    return {"slug": programme.slug}


# (who posts, url name, url kwargs from the programme, bad data, the rows that must not change)
CASES = {
    "programmes: edit a programme": (
        "coordinator",
        "programmes:edit",
        _slug,
        {"name": ""},
        lambda: list(Programme.objects.values_list("name", "updated_at")),
    ),
    "programmes: add a question": (
        "coordinator",
        "programmes:questions",
        _slug,
        {"text": ""},
        lambda: ApplicationQuestion.objects.count(),
    ),
    "programmes: add a team member": (
        "coordinator",
        "programmes:team",
        _slug,
        {"email": "not an address"},
        lambda: Membership.objects.count(),
    ),
    "matching: the programme's matching settings": (
        "coordinator",
        "matching:settings",
        _slug,
        {"weight_topics": 99},
        lambda: MatchingSettings.objects.count(),
    ),
    "matching: a mentor's own settings": (
        "mentor",
        "matching:mentor_settings",
        _slug,
        {"capacity": 0},
        lambda: list(Membership.objects.values_list("capacity", "accepting_mentees")),
    ),
    "sessions: a weekly window": (
        "mentor",
        "meetings:window_add",
        lambda programme: {},
        {"weekday": 9},
        lambda: AvailabilityWindow.objects.count(),
    ),
    "wellbeing: a check-in": (
        "mentee",
        "wellbeing:checkin_create",
        lambda programme: {},
        {},
        lambda: CheckIn.objects.count(),
    ),
    "wellbeing: a directory entry": (
        "coordinator",
        "wellbeing:directory_manage",
        _slug,
        {"name": "", "purpose": "x"},
        lambda: SupportService.objects.count(),
    ),
    "notifications: reminder settings": (
        "mentee",
        "notifications:settings",
        lambda programme: {},
        {"test_reminder": "carrier-pigeon"},
        lambda: NotificationPreference.objects.count(),
    ),
    "accounts: private matching preferences": (
        "mentee",
        "accounts:preferences",
        lambda programme: {},
        {"religion": "pastafarian"},
        lambda: list(MatchingPreferences.objects.values_list("user_id", "religion")),
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_refused_form_answers_400_with_the_one_message_and_changes_nothing(
    client, request, programme, case
):
    who, name, kwargs, data, state = CASES[case]
    client.force_login(request.getfixturevalue(who))
    url = reverse(name, kwargs=kwargs(programme))
    client.get(url)  # any defaults a page seeds on first view are in place before
    before = state()

    response = client.post(url, data)

    assert response.status_code == INVALID_FORM_STATUS == 400
    assert messages_of(response) == [INVALID_FORM_MESSAGE]
    assert state() == before


def test_asking_for_a_form_page_answers_200_with_no_message(client, mentee):
    client.force_login(mentee)
    response = client.get(reverse("notifications:settings"))
    assert response.status_code == 200
    assert messages_of(response) == []


class _Form(forms.Form):
    name = forms.CharField()


@pytest.mark.parametrize(
    "error",
    [
        ProgrammeError("Names must be unique.", field="name"),
        MatchingError("Names must be unique.", field="name"),
        MeetingError("Names must be unique.", field="name"),
        SimpleNamespace(field="name", message="Names must be unique."),
    ],
    ids=["programmes", "matching", "sessions", "any object with field and message"],
)
def test_a_domain_error_lands_on_its_field(error):
    form = _Form({"name": "x"})
    form.is_valid()
    form_error(form, error)
    assert form.errors == {"name": ["Names must be unique."]}


@pytest.mark.parametrize("field", [None, "not_on_this_form"])
def test_a_domain_error_without_a_field_of_the_form_is_shown_at_the_top(field):
    form = _Form({"name": "x"})
    form.is_valid()
    form_error(form, ProgrammeError("Enrolment has closed.", field=field))
    assert form.non_field_errors() == ["Enrolment has closed."]


def test_render_form_refuses_a_post_and_shows_a_get(rf: RequestFactory, mentee):
    from django.contrib.messages.storage.fallback import FallbackStorage

    for method, status, said in (("get", 200, []), ("post", 400, [INVALID_FORM_MESSAGE])):
        http_request = getattr(rf, method)("/")
        http_request.user = mentee
        http_request.session = {}
        http_request._messages = FallbackStorage(http_request)
        response = render_form(http_request, "notifications/settings.html", {"form": _Form()})
        assert response.status_code == status
        assert [str(m) for m in http_request._messages] == said
