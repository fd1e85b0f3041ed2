"""Every page a coordinator opens in a programme that requires MFA applies the rule.

The URL patterns come from the resolver, so a page added later is walked too: each
is filled with the programme's objects (its slug, mentorship, meeting, application,
question, invitation, matching run, directory entry, memberships) and opened by its
coordinator whose session lacks the second factor. Each answer is either the MFA
step (set it up, or enter a code) or a refusal (403/404/405); a page open to every
member of the programme, coordinator or not, is listed in PAGES_FOR_EVERY_MEMBER.
"""

from __future__ import annotations

import datetime as dt
import itertools
from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern
from django.utils import timezone

from matching.models import MatchingRun
from programmes.models import ApplicationQuestion, Invitation, Membership
from tests.accounts.mfa import record_sign_in, sign_in_with_mfa, with_totp
from tests.factories import ApplicationFactory, UserFactory
from tests.sessions.booking_setup import make_mentorship, meeting_at
from tests.wellbeing.support_setup import make_service

pytestmark = pytest.mark.django_db

# Pages any member of the programme opens as a member; they show nothing a
# coordinator sees as coordinator (each is checked to open for a mentee too).
PAGES_FOR_EVERY_MEMBER = {
    "programmes:detail",  # the programme's public page
    "wellbeing:directory",  # the support directory every member reads
}

# Pages that must be among those the walk finds protected (so it cannot pass empty).
EXPECTED_PROTECTED = {
    "programmes:manage",
    "programmes:review",
    "programmes:application_detail",
    "programmes:members",
    "programmes:invitations",
    "matching:runs",
    "matching:run_detail",
    "matching:settings",
    "matching:mentorship_detail",
    "meetings:meeting_detail",
    "wellbeing:aggregates",
    "wellbeing:directory_manage",
}

REFUSED = {403, 404, 405}


def _params(pattern) -> list[str]:
    if isinstance(pattern, RoutePattern):
        return list(pattern.converters)
    return list(pattern.regex.groupindex)


def _named_patterns(resolver=None, namespace="", params=()):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        names = (*params, *_params(entry.pattern))
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_patterns(entry, inner, names)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", names


@pytest.fixture
def world(programme, coordinator, mentor, mentee):
    programme.coordinators_require_mfa = True
    programme.save(update_fields=["coordinators_require_mfa"])
    mentorship = make_mentorship(programme, mentor, mentee)
    meeting = meeting_at(mentorship, timezone.now() + dt.timedelta(days=3))
    applicant = UserFactory(email="applicant@example.org", full_name="Ann Applicant")
    objects = [
        mentorship,
        meeting,
        ApplicationFactory(programme=programme, applicant=applicant),
        ApplicationQuestion.objects.create(programme=programme, text="Your service?"),
        Invitation.objects.create(
            programme=programme,
            email="invited@example.org",
            full_name="Ivy Invited",
            role="mentee",
            token_hash="b" * 64,
            expires_at=timezone.now() + dt.timedelta(days=7),
        ),
        MatchingRun.objects.create(programme=programme, created_by=coordinator),
        make_service(programme),
    ]
    memberships = Membership.objects.filter(programme=programme).exclude(user=coordinator)
    return {
        "slug": [programme.slug],
        "pk": sorted({obj.pk for obj in objects}),
        "mentorship_pk": [mentorship.pk],
        "meeting_pk": [meeting.pk],
        "membership_id": sorted(memberships.values_list("pk", flat=True)),
    }


def _urls(world) -> list[tuple[str, str]]:
    """(name, url) for every pattern whose arguments are all the programme's objects."""
    urls = []
    for name, params in _named_patterns():
        if not params or not set(params) <= world.keys():
            continue  # no programme in the address, or a token/key only its holder has
        for values in itertools.product(*(world[p] for p in params)):
            urls.append((name, reverse(name, kwargs=dict(zip(params, values, strict=True)))))
    return urls


def _mfa_step(response) -> str | None:
    if response.status_code != 302:
        return None
    path = urlsplit(response["Location"]).path
    steps = {reverse("mfa_activate_totp"): "set up", reverse("mfa_reauthenticate"): "code"}
    return steps.get(path)


def _refused_or_open_to_members(name: str, status: int) -> bool:
    return status in REFUSED or (name in PAGES_FOR_EVERY_MEMBER and status == 200)


def _walk(client, world, method: str) -> tuple[set[str], dict[str, str], list[str]]:
    """Open every URL; return (names sent to the MFA step, their steps, unexpected answers)."""
    protected, steps, unexpected = set(), {}, []
    for name, url in _urls(world):
        response = getattr(client, method)(url)
        step = _mfa_step(response)
        if step:
            protected.add(name)
            steps[url] = step
        elif not _refused_or_open_to_members(name, response.status_code):
            unexpected.append(f"{method.upper()} {url} ({name}): {response.status_code}")
    return protected, steps, unexpected


@pytest.mark.parametrize(
    ("state", "step"), [("no authenticator", "set up"), ("app not used", "code")]
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_every_coordinator_page_asks_for_the_second_factor(
    client, world, coordinator, state, step, method
):
    if state == "app not used":
        with_totp(coordinator)
    client.force_login(coordinator)
    record_sign_in(client, coordinator, "password")

    protected, steps, unexpected = _walk(client, world, method)

    assert unexpected == []
    assert set(steps.values()) == {step}
    if method == "get":
        assert protected >= EXPECTED_PROTECTED


def test_with_the_second_factor_this_session_the_same_pages_open(client, world, coordinator):
    with_totp(coordinator)
    client.force_login(coordinator)
    record_sign_in(client, coordinator, "password")
    _, steps, _ = _walk(client, world, "get")

    sign_in_with_mfa(client, coordinator)

    opened = set()
    for name, url in _urls(world):
        if url in steps:
            response = client.get(url)
            assert _mfa_step(response) is None, url
            if response.status_code == 200:
                opened.add(name)
    assert opened >= EXPECTED_PROTECTED


def test_pages_for_every_member_open_for_a_mentee_too(client, world, mentee):
    client.force_login(mentee)
    for name, url in _urls(world):
        if name in PAGES_FOR_EVERY_MEMBER:
            assert client.get(url).status_code == 200, url


def test_the_members_of_a_mentorship_are_not_asked_for_the_coordinator_rule(
    client, world, mentor, mentee
):
    for person in (mentor, mentee):
        client.force_login(person)
        for name in ("matching:mentorship_detail", "meetings:meeting_detail"):
            key = "mentorship_pk" if name.startswith("matching") else "meeting_pk"
            url = reverse(name, kwargs={"pk": world[key][0]})
            assert client.get(url).status_code == 200, (person, url)
