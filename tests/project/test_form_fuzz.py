"""Hostile input to every form of the project: an answer a person can read, never a 500.

Every URL pattern that accepts a POST (found from the resolver, as the permission walk
does) is posted to by the person it belongs to, with the fields of the forms that post to
it (read from the pages that person can open) filled with random and hostile values:
huge numbers and ids, far dates, NUL characters (PostgreSQL refuses them in text), very
long strings, unicode, negative numbers, and lists where one value is expected.

The answer is never a 500. When it says the input was refused (a 4xx, a form shown
again with its errors, or a redirect with a warning), the database has not changed.
Each example runs in a savepoint that is rolled back, so every post meets the same world.
Search and filter forms (GET) get the hostile values too: no error page, no write.

Runtime is bounded: a few fixed cases and three hypothesis examples per form, no deadline.
"""

from __future__ import annotations

import datetime as dt
import html.parser
from urllib.parse import urlsplit

import pytest
from django.contrib.messages import constants, get_messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentoring.bounds import ID_MAX
from tests.project.test_permission_walk import (
    GUARDED,
    OWN,
    RECIPES,
    build_world,
    is_admin,
    owner_of,
    routes,
    url_for,
    writes,
    written,
)

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

# Who posts to the person's own pages ("own" recipes): the one the page is for.
OWN_ACTORS = {
    "meetings:availability": "mentor",
    "meetings:window_add": "mentor",
    "meetings:slot_add": "mentor",
    "meetings:blackout_add": "mentor",
    "meetings:defaults_edit": "mentor",
    "programmes:create": "coordinator",
}
# Posting to these ends the session or is not a form at all: left out, with the reason.
SKIP = {
    "account_logout": "signs the person out",
    "accounts/2fa/totp/activate/": "allauth's own TOTP form, shadowed by ours",
}

TODAY = dt.date.today()
HUGE = "9" * 25
HOSTILE = (
    "9999-12-31",
    "9999-12-31T23:59",
    "0001-01-01",
    "23:59",
    "24:00",
    HUGE,
    "-" + HUGE,
    str(ID_MAX + 1),
    "-1",
    "0",
    "1e309",
    "NaN",
    "\x00",
    "walk\x00walk",
    "x" * 5_000,
    "",
    " ",
    "\u202e\u0000\ufeff",
    "😀" * 50,
    "<script>alert(1)</script>",
    "1.5",
)


class FormReader(html.parser.HTMLParser):
    """The POST forms of a page: their action and fields (name, type, options)."""

    def __init__(self, page_path: str):
        super().__init__()
        self.page_path = page_path
        self.forms: list[tuple[str, dict[str, dict]]] = []
        self.searches: list[tuple[str, dict[str, dict]]] = []  # GET forms: filters
        self._fields: dict[str, dict] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            action = urlsplit(a.get("action") or self.page_path).path or self.page_path
            self._fields = {}
            if (a.get("method") or "get").lower() == "post":
                self.forms.append((action, self._fields))
            else:
                self.searches.append((action, self._fields))
            return
        if self._fields is None or not a.get("name") or a["name"] == "csrfmiddlewaretoken":
            if tag == "option" and self._select and self._fields is not None:
                self._fields[self._select]["options"].append(a.get("value", ""))
            return
        name = a["name"]
        field = self._fields.setdefault(name, {"type": "text", "options": [], "value": ""})
        if tag == "input":
            field["type"] = a.get("type", "text")
            if field["type"] in ("checkbox", "radio"):
                field["options"].append(a.get("value", "on"))
            else:
                field["value"] = a.get("value", "")
        elif tag == "select":
            field["type"] = "select"
            self._select = name
        elif tag == "textarea":
            field["type"] = "textarea"
        elif tag == "button":
            field["type"] = "submit"
            field["options"].append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None


def plausible(field: dict):
    """A value the page itself would send: so that one hostile field is what fails."""
    kind = field["type"]
    if field["options"]:
        return field["options"][0]
    return {
        "date": (TODAY + dt.timedelta(days=7)).isoformat(),
        "time": "10:00",
        "number": "2",
        "email": "someone@example.org",
        "url": "https://example.org/",
        "hidden": field["value"],
    }.get(kind, field["value"] or "walk")


def hostile_value():
    one = st.one_of(
        st.sampled_from(HOSTILE),
        st.text(max_size=40),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.dates().map(str),
    )
    return st.one_of(one, st.lists(one, min_size=2, max_size=3))


def payloads(fields: dict[str, dict]):
    """Each field plausible or hostile, at random."""
    names = sorted(fields)
    if not names:
        return st.fixed_dictionaries({"anything": hostile_value()})
    return st.fixed_dictionaries(
        {name: st.one_of(st.just(plausible(fields[name])), hostile_value()) for name in names}
    )


def far_and_huge(fields: dict[str, dict]) -> list[dict]:
    """The reported cases, made general: the far future in every date, huge ids and numbers."""
    far, huge, nul = {}, {}, {}
    for name, field in fields.items():
        value = plausible(field)
        far[name] = {"date": "9999-12-31", "time": "23:59"}.get(field["type"], value)
        numeric = field["type"] in ("number", "hidden", "checkbox") and str(value).isdigit()
        huge[name] = HUGE if numeric or field["type"] == "number" else value
        nul[name] = "walk\x00" if field["type"] in ("text", "textarea") else value
    return [far, huge, nul]


def actor_for(key: str, w):
    recipe = RECIPES[key]
    if recipe.kind == GUARDED:
        return getattr(w, owner_of(key))
    if recipe.kind == OWN:
        return getattr(w, OWN_ACTORS.get(key, "mentee"))
    return None  # public pages: as a visitor who is not signed in


# Not tests.support.pages.sign_in: the fuzz also runs as a visitor who is not signed in
# (user None), and force_login skips hashing the password for each of its many sign-ins.
def sign_in_as(client, user) -> None:
    client.logout()
    if user is not None:
        client.force_login(user)


def refused(response) -> bool:
    """Whether the answer says the input was not accepted."""
    if response.status_code >= 400:
        return True
    levels = [m.level for m in get_messages(response.wsgi_request)]
    if any(level >= constants.WARNING for level in levels):
        return True
    if response.status_code == 200 and not getattr(response, "streaming", False):
        body = response.content.decode(errors="replace")
        return any(mark in body for mark in ("is-invalid", "errorlist", "invalid-feedback"))
    return False


class World:
    """The permission walk's world, and the forms each person's pages post."""

    def __init__(self, client):
        self.client = client
        self.w = build_world()
        self.forms: dict[str, dict[str, dict]] = {}
        self.searches: dict[tuple[str, str], dict[str, dict]] = {}  # (action, page): fields

    def read_forms(self) -> None:
        client = self.client
        for route in routes():
            if is_admin(route) or route.key in SKIP:
                continue
            sign_in_as(client, actor_for(route.key, self.w))
            url = url_for(route, self.w)
            response = client.get(url)
            if response.status_code != 200 or getattr(response, "streaming", False):
                continue
            reader = FormReader(url)
            reader.feed(response.content.decode(errors="replace"))
            for action, fields in reader.forms:
                self.forms.setdefault(action, {}).update(fields)
            for action, fields in reader.searches:
                if fields:
                    self.searches.setdefault((action, route.key), {}).update(fields)

    def post_targets(self):
        """(route, url, actor, fields) for every pattern that takes a POST."""
        self.read_forms()
        for route in routes():
            if is_admin(route) or route.key in SKIP:
                continue
            actor = actor_for(route.key, self.w)
            url = url_for(route, self.w)
            with transaction.atomic():
                sign_in_as(self.client, actor)
                status = self.client.post(url, {}).status_code
                transaction.set_rollback(True)
            if status == 405:
                continue
            recipe = RECIPES[route.key]
            fields = dict(self.forms.get(url, {}))
            if not fields and recipe.data:
                fields = {
                    k: {"type": "text", "options": [v], "value": v}
                    for k, v in recipe.data(self.w).items()
                }
            yield route, url, actor, fields

    def check(self, url: str, actor, data: dict) -> None:
        """Post once in a savepoint: no 500, and nothing changed if the input was refused."""
        with transaction.atomic():
            sign_in_as(self.client, actor)
            before = writes()
            response = self.client.post(url, data)
            assert response.status_code < 500, (url, data, response.status_code)
            if refused(response):
                changed = written(before, writes())
                assert not changed, f"{url} refused {data!r} but changed {changed}"
            transaction.set_rollback(True)


@pytest.fixture
def world(client, settings):
    settings.ACCOUNT_RATE_LIMITS = False
    client.raise_request_exception = True
    return World(client)


def test_every_form_answers_hostile_input_without_an_error_page(world):
    targets = list(world.post_targets())
    assert len(targets) > 40, "the forms were not found: is the world right?"
    for _route, url, actor, fields in targets:
        for data in far_and_huge(fields):
            world.check(url, actor, data)
        fuzz(world, url, actor, fields)


def fuzz(world, url, actor, fields) -> None:
    @settings(
        max_examples=3,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=payloads(fields))
    def hostile(data):
        world.check(url, actor, data)

    hostile()


def test_every_search_and_filter_answers_hostile_input_without_an_error_page(world):
    world.read_forms()
    assert world.searches, "no search or filter form was found: is the world right?"
    for (action, key), fields in world.searches.items():
        actor = actor_for(key, world.w)
        for data in [*far_and_huge(fields), dict.fromkeys(fields, "\x00"), {"page": HUGE}]:
            sign_in_as(world.client, actor)
            before = writes()
            response = world.client.get(action, data)
            assert response.status_code < 500, (action, data, response.status_code)
            assert not written(before, writes()), (action, data)


# The two reported cases, on their own.


def test_a_proposed_meeting_in_the_year_9999_is_refused_with_a_message(world):
    w = world.w
    url = reverse("meetings:propose", kwargs={"mentorship_pk": w.mentorship.pk})
    sign_in_as(world.client, w.mentee)
    before = writes()

    response = world.client.post(url, {"day": "9999-12-31", "time": "23:59", "mode": "video"})

    assert response.status_code == 400
    assert "Please choose a date on or before" in response.content.decode()
    assert not written(before, writes())


def test_a_25_digit_id_in_a_bulk_approve_is_refused_with_a_message(world):
    w = world.w
    url = reverse("programmes:review", kwargs={"slug": w.programme.slug})
    sign_in_as(world.client, w.coordinator)
    before = writes()

    response = world.client.post(url, {"application_ids": [str(w.application.pk), HUGE]})

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Some of the selected applications are not valid."
    ]
    assert not written(before, writes())


def test_a_meeting_two_years_ahead_is_still_accepted(world):
    w = world.w
    url = reverse("meetings:propose", kwargs={"mentorship_pk": w.mentorship.pk})
    sign_in_as(world.client, w.mentee)
    day = TODAY + dt.timedelta(days=700)
    response = world.client.post(url, {"day": day.isoformat(), "time": "10:00", "mode": "video"})
    assert response.status_code == 302


# What the fuzzing found.


def test_a_forged_form_count_on_the_note_page_builds_no_more_than_ten_forms(world):
    w = world.w
    url = reverse("meetings:note_edit", kwargs={"meeting_pk": w.meeting.pk})
    sign_in_as(world.client, w.mentor)
    before = writes()

    response = world.client.post(
        url, {"framework": "grow", "items-TOTAL_FORMS": HUGE, "items-INITIAL_FORMS": "0"}
    )

    assert response.status_code == 400
    assert response.content.decode().count('name="items-') <= 10 * 3 + 4
    assert not written(before, writes())


def test_a_next_address_that_is_not_a_path_falls_back_to_the_list(world):
    w = world.w
    url = reverse("meetings:action_item_toggle", kwargs={"pk": w.action_item.pk})
    sign_in_as(world.client, w.mentee)

    response = world.client.post(url, {"next": "9999-12-31"})

    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:action_items")


# The bounds themselves.


def test_a_meeting_date_is_accepted_up_to_two_years_ahead_and_no_further():
    from mentoring.bounds import MEETING_AHEAD, meeting_date

    field = meeting_date()
    today = timezone.localdate()
    assert field.clean((today + dt.timedelta(days=MEETING_AHEAD)).isoformat())
    with pytest.raises(ValidationError, match="on or before"):
        field.clean((today + dt.timedelta(days=MEETING_AHEAD + 1)).isoformat())
    with pytest.raises(ValidationError, match="on or before"):
        field.clean("9999-12-31")
    with pytest.raises(ValidationError, match="on or after"):
        field.clean("0001-01-01")


def test_an_id_list_takes_positive_bigints_only_and_not_too_many():
    from mentoring.bounds import ID_MAX, IDS_MAX, IdListField

    field = IdListField()
    assert field.clean(["3", "1", "3", str(ID_MAX)]) == [1, 3, ID_MAX]
    for bad in ([HUGE], [str(ID_MAX + 1)], ["0"], ["-4"], ["1\x00"], ["1.5"], ["abc"]):
        with pytest.raises(ValidationError, match="not valid"):
            field.clean(bad)
    with pytest.raises(ValidationError, match=f"at most {IDS_MAX}"):
        field.clean([str(n) for n in range(1, IDS_MAX + 2)])


def test_an_id_field_refuses_a_number_beyond_bigint():
    from mentoring.bounds import ID_MAX, id_field

    field = id_field(required=False)
    assert field.clean(str(ID_MAX)) == ID_MAX
    for bad in (HUGE, str(ID_MAX + 1), "0", "-1"):
        with pytest.raises(ValidationError, match="not valid"):
            field.clean(bad)
