"""The header's Meetings link, and the account pages' availability and calendar links."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

PASSWORD_PAGE = "account_change_password"  # one of the account pages with the account menu


def _page(client, user) -> str:
    assert client.login(email=user.email, password=PASSWORD)
    response = client.get(reverse(PASSWORD_PAGE))
    assert response.status_code == 200
    return response.content.decode()


def test_the_header_links_to_meetings_between_mentoring_and_wellbeing(client, mentee):
    html = _page(client, mentee)
    meetings = html.index(f'href="{reverse("meetings:meeting_list")}"')
    assert html.index(f'href="{reverse("matching:my_mentoring")}"') < meetings
    assert meetings < html.index(f'href="{reverse("wellbeing:checkin_home")}"')


def test_a_mentors_account_menu_offers_availability_and_the_calendar_feed(client, mentor):
    html = _page(client, mentor)
    assert html.count(f'href="{reverse("meetings:availability")}"') == 1
    assert f'href="{reverse("meetings:calendar_settings")}"' in html


def test_a_mentees_account_menu_offers_the_calendar_feed_but_no_availability(client, mentee):
    html = _page(client, mentee)
    assert reverse("meetings:availability") not in html
    assert f'href="{reverse("meetings:calendar_settings")}"' in html
