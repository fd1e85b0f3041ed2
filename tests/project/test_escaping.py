"""Hostile text everywhere: every free-text field of every model holds a payload, and
no page, email, calendar file or data download lets it run as markup.

The demo data is seeded, then every free-text column of the project's models is
overwritten with a payload that carries a number naming the column, so a failure says
which field leaked where. Pages are found the way each person finds them: starting
from every URL pattern without arguments and following the links each page offers.
HTML must show the payload escaped; plain-text email parts, subjects and calendar
files must show it as typed.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from urllib.parse import urlsplit

import pytest
import time_machine
from django.apps import apps
from django.core import mail
from django.core.management import call_command
from django.db import models, transaction
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404
from django.utils import timezone
from icalendar import Calendar

from matching.models import ClosingReview, MentorRequest
from mentoring.accounts.models import User
from mentoring.notifications.emails import build_email
from programmes.models import Membership, Programme
from sessions.models import ActionItem, AgendaItem, Blackout, Meeting, Reflection, SessionNote
from tests.factories import UserFactory
from wellbeing.models import Referral, SupportService

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("programmes", "matching", "mentoring_sessions", "wellbeing", "accounts")
# Columns that are identifiers or codes the site writes itself, never text a person types.
NOT_FREE_TEXT = {
    "accounts.User.password",
    "notifications.Notification.kind",
    "notifications.Notification.subject_key",
    "notifications.Notification.occurrence",
    "notifications.Notification.url",
    "notifications.NotificationPreference.kind",
    "programmes.Invitation.token_hash",
    "mentoring_sessions.CalendarFeed.token_hash",
    # An email waiting in the outbox, rendered (and escaped) when it was written; the
    # worker sends it and no page shows it.
    "notifications.Notification.message",
    # The database cache behind the sign-in throttle: counters, never shown.
    "accounts.SecurityCacheEntry.value",
    "mentoring_sessions.AvailabilityWindow.time_zone",
    "wellbeing.CheckIn.instrument",
    "wellbeing.CheckIn.band",
    "wellbeing.AccessLog.record_type",
    "wellbeing.AccessLog.action",
}
# Free text no page shows: delivery errors are for operators (the admin) only.
NOT_ON_ANY_PAGE = {"notifications.Notification.last_error"}
RUNS_AS_MARKUP = ("<script>alert(", "<img src=x", "<svg onload")
ESCAPED_IN_TEXT = ("&#x27;", "&lt;", "&gt;", "&quot;", "&amp;#")
MARKER = re.compile(r"alert\((\d+)\)")
PAGES_PER_ROUTE = 1
PAGES_PER_PERSON = 140


def payload(number: int, max_length: int | None) -> str:
    """A name with an apostrophe, a script, and an attribute break-out with an image."""
    text = f"O'Brien<script>alert({number})</script>\"'><img src=x onerror=alert({number})>"
    return text[:max_length] if max_length else text


def free_text_fields() -> list[tuple[type[models.Model], models.Field]]:
    found = []
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS and model._meta.label not in (
            "notifications.Notification",
        ):
            continue
        for field in model._meta.concrete_fields:
            name = f"{model._meta.label}.{field.name}"
            if not isinstance(field, models.CharField | models.TextField):
                continue
            if field.choices or field.unique or name in NOT_FREE_TEXT:
                continue
            if isinstance(field, models.EmailField | models.SlugField):
                continue
            found.append((model, field))
    return found


def _rows_the_demo_lacks() -> None:
    """A referral, an agenda item, a reflection and time away: the demo has none."""
    note = SessionNote.objects.select_related("meeting__mentorship").first()
    mentorship = note.meeting.mentorship
    Referral.objects.create(mentorship=mentorship, service=SupportService.objects.first())
    Reflection.objects.create(meeting=note.meeting, author=mentorship.mentee, text="-")
    upcoming = Meeting.objects.filter(mentorship=mentorship, starts_at__gt=timezone.now())
    for meeting in [note.meeting, *upcoming[:1]]:
        AgendaItem.objects.create(meeting=meeting, author=mentorship.mentee, text="-")
    cancelled = Meeting.objects.filter(mentorship=mentorship).order_by("-starts_at")[:1]
    Meeting.objects.filter(pk__in=cancelled).update(status=Meeting.Status.CANCELLED)
    today = timezone.localdate()
    Blackout.objects.create(mentor=mentorship.mentor, starts_on=today, ends_on=today, note="-")


@pytest.fixture(scope="module")
def _hostile_data(django_db_setup, django_db_blocker):
    """Seeded once for the module, inside a transaction that is rolled back at the end;
    each test runs in a savepoint within it, so no test sees another's changes."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
        _rows_the_demo_lacks()
        names = {}
        for number, (model, field) in enumerate(free_text_fields(), start=1):
            names[number] = f"{model._meta.label}.{field.name}"
            model.objects.update(**{field.name: payload(number, field.max_length)})
        yield names
        transaction.set_rollback(True)


@pytest.fixture
def hostile(_hostile_data, db) -> dict[int, str]:
    """The demo data with a numbered payload in every free-text column; number -> column."""
    return _hostile_data


def leaks(body: str) -> list[str]:
    return [body[max(0, i - 80) : i + 40] for b in RUNS_AS_MARKUP for i in _find_all(body, b)]


def _find_all(body: str, needle: str) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(needle), body)]


def assert_escaped_html(body: str, where: str, names: dict[int, str]) -> None:
    found = leaks(body)
    if found:
        fields = sorted({names.get(int(n), n) for s in found for n in MARKER.findall(s)})
        pytest.fail(f"{where} prints {fields} unescaped: {found[:3]}")


def assert_as_typed(text: str, where: str) -> None:
    for entity in ESCAPED_IN_TEXT:
        assert entity not in text, f"{where} is HTML-escaped in plain text: {text[:300]!r}"


# People ---------------------------------------------------------------------------------


def cast() -> dict[str, User]:
    note = SessionNote.objects.select_related("meeting__mentorship").first()
    yorkshire = Programme.objects.order_by("pk").first()
    outsider = UserFactory(email="outsider@example.org", full_name=payload(0, 150))
    return {
        "coordinator": User.objects.get(email="coordinator1@demo.test"),
        "other coordinator": User.objects.get(email="coordinator2@demo.test"),
        "welfare lead": User.objects.get(email="welfare1@demo.test"),
        "mentor": note.meeting.mentorship.mentor,
        "mentee": note.meeting.mentorship.mentee,
        "applicant": Membership.objects.filter(programme=yorkshire)
        .exclude(role=Membership.Role.COORDINATOR)
        .last()
        .user,
        "outsider": outsider,
    }


def cast_of_rare_records() -> dict[str, User]:
    """People who alone can see a rarer record: they open `targets()` only."""
    declined = MentorRequest.objects.filter(status=MentorRequest.Status.DECLINED).first()
    return {
        "reviewer": ClosingReview.objects.first().author,
        "declining mentor": declined.mentor,
    }


# Pages ----------------------------------------------------------------------------------


def _routes_without_arguments(resolver=None, prefix: str = "") -> list[str]:
    resolver = resolver or get_resolver()
    paths = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if "<" in route or "(?P" in route or route.startswith(("admin", "^admin")):
            continue
        if isinstance(entry, URLResolver):
            paths += _routes_without_arguments(entry, route)
        elif isinstance(entry, URLPattern):
            paths.append("/" + route.lstrip("^").rstrip("$"))
    return paths


SKIP = ("/accounts/logout", "/static/", "/media/", "/download/", ".ics")
# Links, and the targets of forms: a GET of a form's address shows its page (or a 405).
LINK = re.compile(r"""(?:href|hx-get|action)="(/[^"#]*)""")


def _route_of(path: str) -> str | None:
    try:
        return resolve(path).route
    except Resolver404:
        return None


def targets() -> list[str]:
    """Pages of the rarer records, in case no link on the way leads to them."""
    note = SessionNote.objects.first()
    paths = [
        reverse("meetings:reflection_edit", args=[note.meeting_id]),
        reverse("meetings:note_edit", args=[note.meeting_id]),
    ]
    paths += [
        reverse("meetings:meeting_detail", args=[pk])
        for pk in Meeting.objects.filter(status=Meeting.Status.CANCELLED).values_list(
            "pk", flat=True
        )[:3]
    ]
    paths += [
        reverse("matching:mentorship_detail", args=[r.mentorship_id])
        for r in ClosingReview.objects.all()[:2]
    ]
    paths += [
        reverse("matching:request_detail", args=[pk])
        for pk in MentorRequest.objects.filter(status=MentorRequest.Status.DECLINED).values_list(
            "pk", flat=True
        )[:2]
    ]
    return paths


def _route_key(path: str) -> str | None:
    """One key per page and view variant: `?show=unmatched` differs, `?page=2` does not."""
    parts = urlsplit(path)
    route = _route_of(parts.path)
    if route is None:
        return None
    return route + "?" + re.sub(r"\d+", "", parts.query)


def crawl(client, person: User, names: dict[int, str], follow: bool = True) -> dict[str, str]:
    """GET every page the person can reach by following links; returns path -> body."""
    client.force_login(person)
    queue = targets() + (_routes_without_arguments() if follow else [])
    seen_paths: set[str] = set()
    per_route: dict[str, int] = {}
    pages: dict[str, str] = {}
    while queue and len(pages) < PAGES_PER_PERSON:
        path = queue.pop(0).replace("&amp;", "&")
        bare = urlsplit(path).path
        if path in seen_paths or any(s in bare for s in SKIP):
            continue
        seen_paths.add(path)
        route = _route_key(path)
        if route is None or per_route.get(route, 0) >= PAGES_PER_ROUTE:
            continue
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        per_route[route] = per_route.get(route, 0) + 1
        body = response.content.decode()
        assert_escaped_html(body, f"{path} for {person.email}", names)
        pages[path] = body
        if follow:
            queue += LINK.findall(body)
    return pages


def test_no_page_runs_a_payload_for_any_person(hostile, client):
    shown: set[int] = set()
    visited = 0
    people = [(p, True) for p in cast().values()]
    people += [(p, False) for p in cast_of_rare_records().values()]
    for person, follow in people:
        pages = crawl(client, person, hostile, follow=follow)
        visited += len(pages)
        for body in pages.values():
            shown |= {int(n) for n in MARKER.findall(body)}
    # The payloads did reach the pages (escaped), so the test is not looking at nothing:
    # a new free-text field must be shown somewhere, or be listed here with the reason.
    never_shown = set(hostile.values()) - {hostile[n] for n in shown if n in hostile}
    assert never_shown <= NOT_ON_ANY_PAGE, f"never shown in {visited} pages: {never_shown}"


def test_the_apply_page_shows_a_question_hint_as_text(hostile, client):
    programme = Programme.objects.order_by("pk").first()
    client.force_login(UserFactory(email="newcomer@example.org"))
    for role in ("mentor", "mentee"):
        response = client.get(reverse("programmes:apply", args=[programme.slug, role]))
        assert response.status_code == 200
        body = response.content.decode()
        assert_escaped_html(body, f"apply as {role}", hostile)
        assert "O&#x27;Brien&lt;script&gt;alert(" in body


def test_the_invitation_page_opened_from_an_email_escapes_the_payload(hostile, client):
    from programmes.services.invitations import invitation_create

    programme = Programme.objects.order_by("pk").first()
    issued = invitation_create(
        programme=programme,
        email="invited@example.org",
        role="mentee",
        full_name=payload(0, 100),
        invited_by=User.objects.get(email="coordinator1@demo.test"),
    )
    url = reverse("programmes:invitation_accept", args=[issued.token])
    for person in (None, UserFactory(email="invited@example.org", full_name=payload(0, 150))):
        if person is not None:
            client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert_escaped_html(body, "the invitation page", hostile)
        assert "O&#x27;Brien&lt;script&gt;alert(" in body


# Emails ---------------------------------------------------------------------------------


def _email_names() -> list[str]:
    from django.conf import settings

    folder = settings.BASE_DIR / "templates" / "emails"
    return sorted(p.name.removesuffix("_subject.txt") for p in folder.glob("*_subject.txt"))


class _Anything(dict):
    """A digest section or line: any key a template asks for holds the payload."""

    def __missing__(self, key):
        return payload(99, None)


def _email_context() -> dict:
    from matching.models import Mentorship
    from programmes.models import Application, Invitation

    person = User.objects.get(email="mentor1@demo.test")
    other = User.objects.get(email="mentee1@demo.test")
    text = payload(98, None)
    line = _Anything(date=None)
    return {
        **dict.fromkeys(
            ("recipient", "actor", "by", "mentor", "person", "coordinator", "added_by"), person
        ),
        **dict.fromkeys(("other", "mentee", "applicant", "invited_by"), other),
        "programme": Programme.objects.first(),
        "meeting": Meeting.objects.exclude(location="").first() or Meeting.objects.first(),
        "req": MentorRequest.objects.first(),
        "application": Application.objects.exclude(goals="").first(),
        "mentorship": Mentorship.objects.first(),
        "invitation": Invitation.objects.first(),
        "items": list(ActionItem.objects.all()[:2]),
        "sections": [_Anything(lines=[line], count=1, url="https://example.org/x")],
        "reasons": [text],
        **dict.fromkeys(
            ("message", "reason", "role", "role_noun", "mode", "when", "end_text"), text
        ),
        **dict.fromkeys(("started_text", "since_text", "due_text", "until_text"), text),
        **dict.fromkeys(("sent_text", "expires_text", "expired_text"), text),
        "url": "https://example.org/x",
        "unsubscribe_url": "https://example.org/unsubscribe?a=1&b=2",
        "settings_url": "https://example.org/settings",
    }


def assert_email_safe(msg, where: str, names: dict[int, str]) -> None:
    assert_as_typed(msg.subject, f"the subject of {where}")
    assert_as_typed(msg.body, f"the text of {where}")
    html = [content for content, kind in msg.alternatives if kind == "text/html"]
    assert html, f"{where} has no HTML part"
    assert_escaped_html(html[0], f"the HTML of {where}", names)


def test_every_email_shows_the_payload_as_typed_in_text_and_escaped_in_html(hostile):
    context = _email_context()
    names = {**hostile, 98: "(context text)", 99: "(digest line)"}
    for name in _email_names():
        for mentor in (True, False):
            msg = build_email(name, to=["x@example.org"], context={**context, "is_mentor": mentor})
            assert_email_safe(msg, f"the {name} email", names)
            assert "O'Brien<script>alert(" in msg.subject + msg.body, name


def test_meeting_emails_name_people_as_typed(hostile, django_capture_on_commit_callbacks):
    from sessions.services.booking import meeting_cancel

    meeting = (
        Meeting.objects.filter(status=Meeting.Status.CONFIRMED, starts_at__gt=timezone.now())
        .select_related("mentorship__mentor")
        .first()
    )
    by = meeting.mentorship.mentor
    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=meeting, by=by, reason="O'Brien cannot come <b>today</b>")
    assert len(mail.outbox) == 2
    for msg in mail.outbox:
        assert_email_safe(msg, "the meeting-cancelled email", hostile)
        assert "O'Brien<script>alert(" in msg.subject
        assert "O'Brien cannot come <b>today</b>" in msg.body


def test_reminders_and_digests_show_names_as_typed(hostile, deliver_reminders):
    for days in (0, 2, 8, 15, 30):
        with time_machine.travel(timezone.now() + dt.timedelta(days=days), tick=False):
            deliver_reminders()
    assert mail.outbox, "no reminder was sent"
    for msg in mail.outbox:
        assert_email_safe(msg, f"the reminder {msg.subject!r}", hostile)


def test_account_emails_show_names_as_typed(hostile, client, django_capture_on_commit_callbacks):
    person = User.objects.get(email="mentee1@demo.test")
    # The email is written to the outbox and handed to the worker when the request commits.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": person.email})
    assert mail.outbox
    for msg in mail.outbox:
        assert_email_safe(msg, f"the account email {msg.subject!r}", hostile)
        assert "O'Brien<script>alert(" in msg.body


# Calendar and the data download ---------------------------------------------------------


def test_calendar_files_carry_names_as_typed(hostile, client):
    from sessions.ics import feed_calendar, meeting_invitation

    meeting = Meeting.objects.select_related("mentor", "mentee").first()
    for data in (meeting_invitation(meeting), feed_calendar([meeting])):
        assert_as_typed(data.decode(), "the .ics file")
        event = Calendar.from_ical(data).walk("VEVENT")[0]
        assert str(event["summary"]) == (
            f"Mentoring meeting: {meeting.mentor.full_name} and {meeting.mentee.full_name}"
        )
        # A quote in a name cannot break out of the attendee's CN parameter.
        names = {str(a.params["cn"]) for a in event["attendee"]}
        assert names == {meeting.mentor.full_name, meeting.mentee.full_name}
    client.force_login(meeting.mentor)
    # The feed address is shown once, when it is made.
    page = client.post(reverse("meetings:calendar_revoke"), follow=True).content.decode()
    feed = re.search(r"(/[^\s\"<]*calendar/[^\s\"<]+\.ics)", page)
    assert feed, "the calendar page shows no feed address"
    client.logout()
    response = client.get(urlsplit(feed.group(1)).path)
    assert response.status_code == 200
    assert "O'Brien<script>alert(" in response.content.decode()


def test_the_data_download_escapes_the_summary_and_keeps_the_data_as_typed(hostile, client):
    for person in cast().values():
        client.force_login(person)
        response = client.get(reverse("wellbeing:data_export"))
        assert response.status_code == 200, person.email
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            summary = archive.read("summary.html").decode()
            data = archive.read("data.json").decode()
        assert_escaped_html(summary, f"summary.html for {person.email}", hostile)
        assert "O&#x27;Brien&lt;script&gt;alert(" in summary
        assert "O'Brien<script>alert(" in data
