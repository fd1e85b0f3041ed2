"""Every URL of the project, walked by every kind of stranger, against someone else's records.

The URL patterns come from the resolver, so a new URL is covered the day it is added:
`test_every_url_pattern_has_a_recipe` fails until the new pattern gets an entry in
RECIPES (how to build its URL from the world below, and what a stranger may get).

The world: a programme ("victim") whose coordinator, mentor, mentee and welfare lead own
a mentorship, a meeting with a note, a reflection, an agenda item, action items, an
agreement, feedback, a shared check-in, a support request, a referral, a mentor request,
an application, an invitation, a matching run, availability and notifications. Each
confidential text holds a canary word. The strangers: the coordinator and welfare lead
of another programme, the mentor and mentee of another mentorship in the same
programme, an outsider, and an anonymous visitor. Each one GETs and POSTs every URL.

For every request: never a 500, never a canary in the answer, never a change in the
database. For a URL about someone else's record (the default), the answer is 404, 403,
405 or a redirect to sign in. Pages about the person asking ("own") and pages public by
design ("public") may answer 200, but still show no canary and change nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from matching.models import (
    ClosingReview,
    DeclaredConflict,
    MatchingRun,
    MatchingSettings,
    MentorRequest,
    Mentorship,
    ProposedPair,
)
from mentoring.accounts.models import MatchingPreferences
from mentoring.notifications.models import Notification
from programmes.models import Application, ApplicationQuestion, Invitation, Membership
from sessions.models import (
    ActionItem,
    AgendaItem,
    AvailabilitySlot,
    AvailabilityWindow,
    Blackout,
    Meeting,
    MeetingFeedback,
    MentoringAgreement,
    Reflection,
    SessionNote,
)
from sessions.services.calendar import calendar_feed_renew
from tests.factories import (
    ApplicationFactory,
    MembershipFactory,
    ProfileFactory,
    ProgrammeFactory,
    UserFactory,
)
from wellbeing.models import AccessLog, CheckIn, Referral, SupportRequest, SupportService
from wellbeing.services.directory import directory_seed_defaults

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

Role = Membership.Role

# Words that appear only in the victims' confidential records: no stranger may see one.
CANARIES = (
    "Kestrel",  # session note, shared part
    "Pangolin",  # session note, private part
    "Axolotl",  # reflection
    "Wombat",  # agenda item
    "Ocelot",  # action item
    "Tapir",  # agreement
    "Narwhal",  # check-in
    "Quokka",  # support request
    "Gharial",  # referral note
    "Marmoset",  # mentor request
    "Capybara",  # application goals and motivation
    "Okapi",  # meeting location and cancel reason
    "Dugong",  # blackout note
    "Ibis",  # closing review
)

ROLES = (
    "anonymous",
    "outsider",
    "other_coordinator",
    "other_welfare_lead",
    "peer_mentor",
    "peer_mentee",
)


def _person(name: str, programme=None, role: str | None = None, **membership):
    slug = re.sub(r"\W+", ".", name.lower())
    user = UserFactory(email=f"{slug}@walk.example.org", full_name=name)
    ProfileFactory(user=user)
    MatchingPreferences.objects.get_or_create(user=user)
    if programme is not None:
        MembershipFactory(programme=programme, user=user, role=role, **membership)
    return user


def _mentorship(programme, mentor, mentee, **fields) -> Mentorship:
    values = {
        "status": Mentorship.Status.ACTIVE,
        "origin": Mentorship.Origin.REQUEST,
        "started_on": timezone.localdate(),
    }
    return Mentorship.objects.create(
        programme=programme, mentor=mentor, mentee=mentee, **{**values, **fields}
    )


def _meeting(mentorship, *, days: int, status=Meeting.Status.CONFIRMED, **fields) -> Meeting:
    starts = timezone.now() + dt.timedelta(days=days)
    return Meeting.objects.create(
        mentorship=mentorship,
        mentor=mentorship.mentor,
        mentee=mentorship.mentee,
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=50),
        mode="in_person",
        status=status,
        proposed_by=mentorship.mentee,
        **fields,
    )


def build_world() -> SimpleNamespace:
    w = SimpleNamespace()
    creator = Permission.objects.get(codename="add_programme")
    w.programme = ProgrammeFactory(name="Victim Programme", slug="victim")
    w.other_programme = ProgrammeFactory(name="Elsewhere Programme", slug="elsewhere")
    w.coordinator = _person("Vic Coordinator", w.programme, Role.COORDINATOR)
    w.coordinator.user_permissions.add(creator)
    w.mentor = _person("Vic Mentor", w.programme, Role.MENTOR, capacity=3)
    w.mentee = _person("Vic Mentee", w.programme, Role.MENTEE)
    w.welfare_lead = _person("Vic Welfare", w.programme, Role.WELFARE_LEAD)
    w.applicant = _person("Vic Applicant")
    w.waiting_mentee = _person("Vic Waiting", w.programme, Role.MENTEE)
    w.newcomer = _person("Vic Newcomer", w.programme, Role.MENTEE)

    # The strangers.
    w.other_coordinator = _person("Sly Coordinator", w.other_programme, Role.COORDINATOR)
    w.other_coordinator.user_permissions.add(creator)
    w.other_welfare_lead = _person("Sly Welfare", w.other_programme, Role.WELFARE_LEAD)
    w.peer_mentor = _person("Sly Mentor", w.programme, Role.MENTOR, capacity=3)
    w.peer_mentee = _person("Sly Mentee", w.programme, Role.MENTEE)
    w.peer_mentorship = _mentorship(w.programme, w.peer_mentor, w.peer_mentee)
    w.outsider = _person("Sly Outsider")

    # The victims' records.
    w.mentorship = _mentorship(w.programme, w.mentor, w.mentee)
    w.meeting = _meeting(w.mentorship, days=-2)
    w.upcoming = _meeting(w.mentorship, days=5, location="Okapi room")
    w.proposed = _meeting(w.mentorship, days=6, status=Meeting.Status.PROPOSED)
    _meeting(w.mentorship, days=-9, status=Meeting.Status.CANCELLED, cancel_reason="Okapi")
    SessionNote.objects.create(
        meeting=w.meeting,
        author=w.mentor,
        framework=SessionNote.Framework.FREE,
        shared_summary="Kestrel summary",
        private_notes="Pangolin private",
    )
    Reflection.objects.create(meeting=w.meeting, author=w.mentee, text="Axolotl reflection")
    AgendaItem.objects.create(meeting=w.upcoming, author=w.mentee, text="Wombat agenda")
    w.action_item = ActionItem.objects.create(
        mentorship=w.mentorship,
        meeting=w.meeting,
        text="Ocelot action",
        owner=ActionItem.Owner.MENTEE,
        created_by=w.mentor,
    )
    agreement = dict.fromkeys(
        ("meeting_frequency", "contact", "confidentiality", "signposting", "ending"), "Tapir"
    )
    MentoringAgreement.objects.create(mentorship=w.mentorship, updated_by=w.mentor, **agreement)
    MeetingFeedback.objects.create(meeting=w.meeting, mentee=w.mentee, rating=4)
    closed = _mentorship(
        w.programme,
        w.mentor,
        w.waiting_mentee,
        status=Mentorship.Status.CLOSED,
        closed_at=timezone.now(),
    )
    ClosingReview.objects.create(
        mentorship=closed,
        author=w.waiting_mentee,
        helpfulness=4,
        supportive_environment=4,
        comments="Ibis comments",
    )
    w.checkin = CheckIn.objects.create(
        user=w.mentee,
        programme=w.programme,
        role=Role.MENTEE,
        answers=[3, 3, 3, 3, 3],
        raw_score=15,
        score=60,
        band="not_low",
        anything_on_mind="Narwhal thoughts",
        share_with_mentor=True,
        shared_mentorship=w.mentorship,
    )
    w.service = SupportService.objects.create(
        programme=w.programme, name="Occupational health", purpose="Advice."
    )
    w.referral = Referral.objects.create(
        mentorship=w.mentorship, service=w.service, note="Gharial note"
    )
    w.support_request = SupportRequest.objects.create(
        user=w.mentee,
        programme=w.programme,
        contact_method=SupportRequest.ContactMethod.PHONE,
        contact_details="07700 900123",
        preferred_times="Evenings",
        message="Quokka worries",
    )
    w.mentor_request = MentorRequest.objects.create(
        programme=w.programme,
        mentee=w.waiting_mentee,
        mentor=w.mentor,
        message="Marmoset request",
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    DeclaredConflict.objects.create(
        programme=w.programme, mentee=w.mentee, mentor=w.peer_mentor, kind="other"
    )
    w.application = ApplicationFactory(
        programme=w.programme,
        applicant=w.applicant,
        goals="Capybara goals",
        motivation="Capybara motivation",
    )
    w.question = ApplicationQuestion.objects.create(programme=w.programme, text="Why now?")
    w.invitation = Invitation.objects.create(
        programme=w.programme,
        email="invitee@walk.example.org",
        role=Application.Role.MENTEE,
        token_hash="f" * 64,
        invited_by=w.coordinator,
        expires_at=timezone.now() + dt.timedelta(days=14),
    )
    w.membership = Membership.objects.get(programme=w.programme, user=w.mentee)
    w.run = MatchingRun.objects.create(programme=w.programme, created_by=w.coordinator)
    w.pair = ProposedPair.objects.create(
        run=w.run, mentee=w.waiting_mentee, mentor=w.mentor, score=0.8
    )
    w.window = AvailabilityWindow.objects.create(
        mentor=w.mentor,
        weekday=0,
        start_time=dt.time(9),
        end_time=dt.time(12),
        time_zone="Europe/London",
        modes=["video"],
    )
    soon = timezone.now() + dt.timedelta(days=3)
    w.slot = AvailabilitySlot.objects.create(
        mentor=w.mentor, starts_at=soon, ends_at=soon + dt.timedelta(hours=1), modes=["video"]
    )
    w.blackout = Blackout.objects.create(
        mentor=w.mentor,
        starts_on=timezone.localdate() + dt.timedelta(days=20),
        ends_on=timezone.localdate() + dt.timedelta(days=25),
        note="Dugong leave",
    )
    w.notification = Notification.objects.create(
        kind="meeting.reminder",
        subject_key=f"mentoring_sessions.meeting:{w.upcoming.pk}",
        recipient=w.mentee,
        due_at=timezone.now(),
        status=Notification.Status.SENT,
        delivered_at=timezone.now(),
        title="Your meeting tomorrow",
        url=f"/meetings/{w.upcoming.pk}/",
    )
    AccessLog.objects.create(
        actor=w.mentor, subject=w.mentee, record_type="check-in", record_id=w.checkin.pk
    )
    # What a first visit would otherwise create lazily, so that a page read changes nothing.
    for programme in (w.programme, w.other_programme):
        MatchingSettings.objects.get_or_create(programme=programme)
        directory_seed_defaults(programme)
    for role in ROLES[1:]:
        calendar_feed_renew(user=getattr(w, role))
    return w


# Recipes: how to build each URL from the world, and what a stranger may get.
GUARDED = "guarded"  # someone else's record: 404, 403, 405 or sign in
OWN = "own"  # about the person asking: 200 for them, sign in for the anonymous
PUBLIC = "public"  # public by design: anyone, including the anonymous


@dataclasses.dataclass(frozen=True)
class Recipe:
    kwargs: Callable[[SimpleNamespace], dict] = lambda w: {}
    kind: str = GUARDED
    # Roles for whom the page is open by design (a member browsing their programme).
    open_to: tuple[str, ...] = ()
    data: Callable[[SimpleNamespace], dict] | None = None


def slug(w):
    return {"slug": w.programme.slug}


def pk(attr):
    return lambda w: {"pk": getattr(w, attr).pk}


MEMBERS = ("peer_mentor", "peer_mentee")
SIGNED_IN = ROLES[1:]
FORGED = "forged-token-0123456789abcdef"

RECIPES: dict[str, Recipe] = {
    # Site and programmes.
    "home": Recipe(kind=PUBLIC),
    "support": Recipe(kind=PUBLIC),  # urgent contacts, for anyone
    "healthz": Recipe(kind=PUBLIC),  # the load balancer's probe
    # Browsers post policy violations without a session; the view only logs them.
    "csp_report": Recipe(kind=PUBLIC),
    "programmes:list": Recipe(kind=OWN),
    "programmes:create": Recipe(kind=OWN),  # creating one's own programme
    "programmes:my_applications": Recipe(kind=OWN),
    "programmes:application_withdraw": Recipe(pk("application")),
    # An open programme's page and its apply form are open to any signed-in person.
    "programmes:detail": Recipe(slug, open_to=SIGNED_IN),
    "programmes:apply": Recipe(
        lambda w: {"slug": w.programme.slug, "role": "mentee"}, open_to=SIGNED_IN
    ),
    "programmes:manage": Recipe(slug),
    "programmes:edit": Recipe(slug),
    "programmes:status": Recipe(slug),
    "programmes:team": Recipe(slug),
    "programmes:team_remove": Recipe(
        lambda w: {"slug": w.programme.slug, "membership_id": w.membership.pk}
    ),
    "programmes:questions": Recipe(slug),
    "programmes:question_edit": Recipe(lambda w: {"slug": w.programme.slug, "pk": w.question.pk}),
    "programmes:question_delete": Recipe(lambda w: {"slug": w.programme.slug, "pk": w.question.pk}),
    "programmes:review": Recipe(slug),
    "programmes:application_detail": Recipe(
        lambda w: {"slug": w.programme.slug, "pk": w.application.pk}
    ),
    "programmes:application_decide": Recipe(
        lambda w: {"slug": w.programme.slug, "pk": w.application.pk},
        data=lambda w: {"decision": "approve", "action": "approve", "message": "walk"},
    ),
    "programmes:members": Recipe(slug),
    "programmes:invitations": Recipe(slug),
    "programmes:invitation_upload": Recipe(slug),
    "programmes:invitation_revoke": Recipe(
        lambda w: {"slug": w.programme.slug, "pk": w.invitation.pk}
    ),
    # A signed token in an email: a forged one finds nothing.
    "programmes:invitation_accept": Recipe(lambda w: {"token": FORGED}, kind=PUBLIC),
    # Matching.
    "matching:my_mentoring": Recipe(kind=OWN),
    "matching:mentorship_list": Recipe(kind=OWN),
    "matching:mentorship_detail": Recipe(pk("mentorship")),
    "matching:introduction_respond": Recipe(pk("mentorship"), data=lambda w: {"answer": "accept"}),
    "matching:mentorship_pause": Recipe(pk("mentorship"), data=lambda w: {"weeks": "4"}),
    "matching:mentorship_resume": Recipe(pk("mentorship")),
    "matching:mentorship_close": Recipe(pk("mentorship"), data=lambda w: {"reason": "completed"}),
    "matching:closing_review": Recipe(pk("mentorship")),
    "matching:my_requests": Recipe(kind=OWN),
    "matching:requests_to_me": Recipe(kind=OWN),
    "matching:request_detail": Recipe(pk("mentor_request")),
    "matching:request_respond": Recipe(
        pk("mentor_request"), data=lambda w: {"decision": "accept", "action": "accept"}
    ),
    "matching:request_withdraw": Recipe(pk("mentor_request")),
    # Members of the programme browse its mentors by design.
    "matching:directory": Recipe(slug, open_to=MEMBERS),
    "matching:mentor_detail": Recipe(
        lambda w: {"slug": w.programme.slug, "mentor_id": w.mentor.pk}, open_to=MEMBERS
    ),
    "matching:request_create": Recipe(
        lambda w: {"slug": w.programme.slug, "mentor_id": w.mentor.pk}, open_to=MEMBERS
    ),
    "matching:conflict_declare": Recipe(
        lambda w: {"slug": w.programme.slug, "mentor_id": w.mentor.pk}, open_to=MEMBERS
    ),
    "matching:mentor_settings": Recipe(slug, open_to=("peer_mentor",)),
    "matching:settings": Recipe(slug),
    "matching:runs": Recipe(slug),
    "matching:run_create": Recipe(slug),
    "matching:run_detail": Recipe(lambda w: {"slug": w.programme.slug, "pk": w.run.pk}),
    "matching:pair_action": Recipe(
        lambda w: {"slug": w.programme.slug, "pk": w.run.pk, "pair_pk": w.pair.pk},
        data=lambda w: {"action": "lock"},
    ),
    "matching:run_rerun": Recipe(lambda w: {"slug": w.programme.slug, "pk": w.run.pk}),
    "matching:run_publish": Recipe(lambda w: {"slug": w.programme.slug, "pk": w.run.pk}),
    # Meetings, availability and notes.
    "meetings:availability": Recipe(kind=OWN),
    "meetings:window_add": Recipe(kind=OWN),
    "meetings:slot_add": Recipe(kind=OWN),
    "meetings:blackout_add": Recipe(kind=OWN),
    "meetings:defaults_edit": Recipe(kind=OWN),
    "meetings:availability_remove": Recipe(lambda w: {"kind": "window", "pk": w.window.pk}),
    "meetings:meeting_list": Recipe(kind=OWN),
    "meetings:book": Recipe(lambda w: {"mentorship_pk": w.mentorship.pk}),
    "meetings:propose": Recipe(lambda w: {"mentorship_pk": w.mentorship.pk}),
    "meetings:meeting_detail": Recipe(pk("upcoming")),
    "meetings:meeting_reschedule": Recipe(pk("upcoming")),
    "meetings:meeting_cancel": Recipe(pk("upcoming"), data=lambda w: {"reason": "walk"}),
    "meetings:meeting_respond": Recipe(pk("proposed"), data=lambda w: {"answer": "accept"}),
    "meetings:meeting_mark": Recipe(pk("meeting"), data=lambda w: {"status": "missed"}),
    "meetings:agenda_add": Recipe(pk("upcoming"), data=lambda w: {"text": "walk"}),
    "meetings:feedback": Recipe(pk("meeting"), data=lambda w: {"rating": "1"}),
    # A signed link in the day-after email: a forged one finds nothing.
    "meetings:feedback_link": Recipe(lambda w: {"token": FORGED}, kind=OWN),
    "meetings:note_edit": Recipe(
        lambda w: {"meeting_pk": w.meeting.pk}, data=lambda w: {"shared_summary": "walk"}
    ),
    "meetings:reflection_edit": Recipe(
        lambda w: {"meeting_pk": w.meeting.pk}, data=lambda w: {"text": "walk"}
    ),
    "meetings:action_items": Recipe(kind=OWN),
    "meetings:action_item_toggle": Recipe(pk("action_item")),
    "meetings:agreement_edit": Recipe(lambda w: {"mentorship_pk": w.mentorship.pk}),
    "meetings:agreement_confirm": Recipe(lambda w: {"mentorship_pk": w.mentorship.pk}),
    "meetings:calendar_settings": Recipe(kind=OWN),
    "meetings:calendar_revoke": Recipe(kind=OWN),
    # The private calendar feed is reached with its secret token: a forged one finds nothing.
    "meetings:calendar_feed": Recipe(lambda w: {"token": FORGED}, kind=PUBLIC),
    # Wellbeing.
    "wellbeing:checkin_home": Recipe(kind=OWN),
    "wellbeing:checkin_create": Recipe(kind=OWN),
    "wellbeing:checkin_result": Recipe(pk("checkin")),
    "wellbeing:checkin_share": Recipe(pk("checkin")),
    "wellbeing:checkin_unshare": Recipe(pk("checkin")),
    "wellbeing:shared_checkins": Recipe(kind=OWN),
    "wellbeing:shared_checkin_detail": Recipe(pk("checkin")),
    "wellbeing:checkin_invitations": Recipe(kind=OWN),
    "wellbeing:directory": Recipe(slug, open_to=MEMBERS),
    "wellbeing:directory_manage": Recipe(slug),
    "wellbeing:directory_service_edit": Recipe(
        lambda w: {"slug": w.programme.slug, "pk": w.service.pk}
    ),
    "wellbeing:directory_service_delete": Recipe(
        lambda w: {"slug": w.programme.slug, "pk": w.service.pk}
    ),
    "wellbeing:directory_service_move": Recipe(
        lambda w: {"slug": w.programme.slug, "pk": w.service.pk},
        data=lambda w: {"direction": "up"},
    ),
    "wellbeing:aggregates": Recipe(slug),
    # Any member may ask their programme's welfare lead for contact.
    "wellbeing:support_request_create": Recipe(slug, open_to=MEMBERS),
    "wellbeing:support_requests": Recipe(kind=OWN),
    "wellbeing:support_request_detail": Recipe(pk("support_request")),
    "wellbeing:support_request_update": Recipe(
        pk("support_request"), data=lambda w: {"status": "closed"}
    ),
    "wellbeing:referral_create": Recipe(lambda w: {"mentorship_pk": w.mentorship.pk}),
    "wellbeing:referral_respond": Recipe(pk("referral"), data=lambda w: {"answer": "accept"}),
    "wellbeing:access_log": Recipe(kind=OWN),
    "wellbeing:my_data": Recipe(kind=OWN),
    "wellbeing:data_export": Recipe(kind=OWN),
    "wellbeing:account_close": Recipe(kind=OWN),
    # The person's own account and notifications.
    "accounts:profile": Recipe(kind=OWN),
    "accounts:profile_edit": Recipe(kind=OWN),
    "accounts:preferences": Recipe(kind=OWN),
    # The old address's "this wasn't me" link carries a signed token: a forged one does nothing.
    "accounts:email_change_undo": Recipe(lambda w: {"token": FORGED}, kind=PUBLIC),
    "notifications:list": Recipe(kind=OWN),
    "notifications:unread": Recipe(kind=OWN),
    "notifications:mark_all_read": Recipe(kind=OWN),
    "notifications:open": Recipe(pk("notification")),
    "notifications:settings": Recipe(kind=OWN),
    # One-click unsubscribe (RFC 8058) works signed out, with a signed token: forged here.
    "notifications:unsubscribe": Recipe(lambda w: {"token": FORGED}, kind=PUBLIC),
}

# allauth's pages: signing in, up and out, and the person's own email, password and
# second factor. Keys in emailed links are forged here.
ACCOUNT_PUBLIC = {
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "account_confirm_email",
    "account_email_verification_sent",
    "account_inactive",
    "account_logout",
    "account_request_login_code",
    "account_confirm_login_code",
    "mfa_authenticate",
}
ACCOUNT_KWARGS = {
    "account_confirm_email": {"key": FORGED},
    "account_reset_password_from_key": {"uidb36": "zz", "key": "forged-key"},
}
for _name in (
    "mfa_activate_totp",
    "account_reauthenticate",
    "account_request_reauthentication_code",
    "account_confirm_reauthentication_code",
    "account_email",
    "account_change_password",
    "account_set_password",
    "mfa_index",
    "mfa_reauthenticate",
    "mfa_deactivate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
    "usersessions_list",
):
    RECIPES[_name] = Recipe(kind=OWN)
for _name in ACCOUNT_PUBLIC:
    RECIPES[_name] = Recipe(lambda w, n=_name: ACCOUNT_KWARGS.get(n, {}), kind=PUBLIC)


@dataclasses.dataclass(frozen=True)
class Route:
    key: str  # the URL name, or the route itself for an unnamed pattern
    path: str  # the route, for messages and for the admin's paths
    pattern: URLPattern
    namespace: str


def routes() -> list[Route]:
    def walk(patterns, prefix: str, namespace: str):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
            else:
                route = prefix + str(p.pattern)
                key = f"{namespace}{p.name}" if p.name else route
                yield Route(key=key, path=route, pattern=p, namespace=namespace)

    return list(walk(get_resolver().url_patterns, "", ""))


def is_admin(route: Route) -> bool:
    # The Django admin is for staff only; none of the strangers is staff, so every admin
    # URL (its own login page aside) sends them to sign in, whatever it is about.
    return route.namespace == "admin:"


def admin_path(route: Route, w) -> str:
    """A concrete path for an admin pattern, about a victim's record where it takes one."""
    path = route.path
    path = path.replace("^(?P<app_label>", "").replace(")/$", "/")
    path = re.sub(r"auth\|account\|[^/]*", "programmes", path)
    path = path.replace("(?P<url>.*)$", "no-such-page/")
    path = re.sub(r"<(path:)?(object_id|id|content_type_id)>", str(w.mentee.pk), path)
    return "/" + path


def url_for(route: Route, w) -> str:
    from django.urls import reverse

    if is_admin(route):
        return admin_path(route, w)
    recipe = RECIPES[route.key]
    return reverse(route.key, kwargs=recipe.kwargs(w))


# The database, before and after: one checksum per table.
# Bookkeeping that may change on any request and says nothing about anyone's records:
# sessions (signing in and out, messages) and database cache tables.
IGNORED_TABLES = {"django_session"}


def _ignored_tables() -> set[str]:
    tables = set(IGNORED_TABLES)
    for cache in settings.CACHES.values():
        if cache.get("BACKEND", "").endswith("DatabaseCache"):
            tables.add(cache["LOCATION"])
    return tables


def _rows_sql() -> str:
    ignored = _ignored_tables()
    tables = sorted(t for t in connection.introspection.table_names() if t not in ignored)
    quote = connection.ops.quote_name
    # Table names come from the database's own catalogue, never from a request.
    selects = [f"SELECT '{t}', row_to_json(x)::text FROM {quote(t)} x" for t in tables]  # noqa: S608
    return " UNION ALL ".join(selects)


def snapshot(sql: str) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return set(cursor.fetchall())


# A row belongs to the person acting when one of these columns names them.
OWNER_COLUMNS = ("user_id", "mentor_id", "recipient_id", "subject_id", "owner_id")


def _belongs_to(table: str, row: str, actor) -> bool:
    values = json.loads(row)
    if table == settings.AUTH_USER_MODEL.replace(".", "_").lower():
        return values.get("id") == actor.pk
    return any(values.get(column) == actor.pk for column in OWNER_COLUMNS)


def changes(before, after, *, actor=None) -> list[str]:
    """Tables whose rows changed, leaving out the actor's own rows (if one is given)."""
    changed = (before - after) | (after - before)
    if actor is not None:
        changed = {(t, row) for t, row in changed if not _belongs_to(t, row, actor)}
    return sorted({t for t, _ in changed})


def writes() -> dict[str, tuple[int, int, int]]:
    """Rows inserted, updated and deleted so far in this transaction, per table.

    PostgreSQL counts them itself, so comparing two readings tells whether a request
    wrote anything at all, cheaply, even if it wrote a value back unchanged.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables"
        )
        return {name: tuple(counts) for name, *counts in cursor.fetchall()}


def written(before, after) -> list[str]:
    return sorted(
        t
        for t, counts in after.items()
        if counts != before.get(t, (0, 0, 0)) and t not in _ignored_tables()
    )


def is_sign_in_redirect(response) -> bool:
    if response.status_code not in (301, 302):
        return False
    location = response["Location"]
    return any(part in location for part in ("/accounts/login/", "/admin/login/", "/accounts/2fa/"))


RANDOM_TOKENS = re.compile(
    r'(?<=name="csrfmiddlewaretoken" value=")[^"]*|(?<="X-CSRFToken": ")[^"]*|(?<=nonce=")[^"]*'
)


def leaks(response) -> list[str]:
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content).decode(errors="replace")
    else:
        body = response.content.decode(errors="replace")
    # CSRF tokens are random letters and can spell a marker ("...kIbIsQ..."): drop them, and
    # look for the markers as words.
    body = RANDOM_TOKENS.sub("", body)
    return [word for word in CANARIES if re.search(rf"(?i)\b{word}\b", body)]


def verdict(route: Route, role: str, method: str, response) -> str | None:
    """What is wrong with this answer, or None."""
    status = response.status_code
    if status >= 500:
        return f"answered {status}"
    if found := leaks(response):
        return f"showed {found}"
    if is_admin(route):
        ok = is_sign_in_redirect(response) or status in (403, 404, 405)
        if route.key in ("admin:login", "admin:logout"):
            ok = ok or status == 200 or status == 302
        return None if ok else f"admin answered {status}"
    recipe = RECIPES[route.key]
    refused = status in (403, 404, 405) or is_sign_in_redirect(response)
    if recipe.kind == PUBLIC:
        return None
    if recipe.kind == OWN:
        return None if role != "anonymous" or refused else f"answered {status} to the anonymous"
    if role in recipe.open_to:
        return None
    return None if refused else f"answered {status}"


def _request(client, w, role, route, method):
    recipe = RECIPES.get(route.key)
    data = recipe.data(w) if recipe and recipe.data and method == "post" else {}
    url = url_for(route, w)
    response = getattr(client, method)(url, data)
    if route.key == "account_logout" and role != "anonymous":
        client.force_login(getattr(w, role))
    problem = verdict(route, role, method, response)
    return f"{method.upper()} {url} as {role}: {problem}" if problem else None


def walk_as(client, w, role: str) -> list[str]:
    actor = getattr(w, role) if role != "anonymous" else None
    if actor is not None:
        client.force_login(actor)
    sql = _rows_sql()
    problems: list[str] = []
    everything = routes()
    # The project's own URLs one at a time, so that a change names its URL; the admin's
    # (all refused the same way) in one batch, to keep the walk quick.
    batches = [[r] for r in everything if not is_admin(r)]
    batches.append([r for r in everything if is_admin(r)])
    for batch in batches:
        recipe = RECIPES.get(batch[0].key)
        # The person may change their own records through their own pages, so those are
        # compared row by row; elsewhere a stranger may write nothing at all.
        own_page = recipe is not None and recipe.kind in (OWN, PUBLIC)
        before = snapshot(sql) if own_page else writes()
        for route in batch:
            for method in ("get", "post"):
                if problem := _request(client, w, role, route, method):
                    problems.append(problem)
        if own_page:
            changed = changes(before, snapshot(sql), actor=actor)
        else:
            changed = written(before, writes())
        if changed:
            where = batch[0].path if len(batch) == 1 else "the admin"
            problems.append(f"GET/POST {where} as {role}: changed {changed}")
    return problems


def test_every_url_pattern_has_a_recipe():
    missing = [r.key for r in routes() if not is_admin(r) and r.key not in RECIPES]
    assert not missing, f"add a recipe to RECIPES for: {missing}"
    stale = set(RECIPES) - {r.key for r in routes()}
    assert not stale, f"recipes for URLs that no longer exist: {sorted(stale)}"


@pytest.mark.parametrize("role", ROLES)
def test_a_stranger_gets_nothing_of_anyone_elses_and_changes_nothing(client, settings, role):
    settings.RATELIMIT_ENABLE = False
    settings.ACCOUNT_RATE_LIMITS = False
    w = build_world()
    problems = walk_as(client, w, role)
    assert not problems, "\n".join(problems)


# Who the guarded records belong to: they reach each URL, so the walk above is refused
# because of who asks, not because a recipe points at nothing.
OWNERS = {
    "programmes:application_withdraw": "applicant",
    "matching:mentorship_detail": "mentee",
    "matching:introduction_respond": "mentee",
    "matching:mentorship_pause": "mentor",
    "matching:mentorship_resume": "mentor",
    "matching:mentorship_close": "mentor",
    "matching:closing_review": "mentee",
    "matching:request_detail": "mentor",
    "matching:request_respond": "mentor",
    "matching:request_withdraw": "waiting_mentee",
    "matching:directory": "newcomer",
    "matching:mentor_detail": "newcomer",
    "matching:request_create": "newcomer",
    "matching:conflict_declare": "newcomer",
    "matching:mentor_settings": "mentor",
    "meetings:availability_remove": "mentor",
    "meetings:book": "mentee",
    "meetings:propose": "mentee",
    "meetings:meeting_detail": "mentee",
    "meetings:meeting_reschedule": "mentee",
    "meetings:meeting_cancel": "mentee",
    "meetings:meeting_respond": "mentor",
    "meetings:meeting_mark": "mentor",
    "meetings:agenda_add": "mentee",
    "meetings:feedback": "mentee",
    "meetings:note_edit": "mentor",
    "meetings:reflection_edit": "mentee",
    "meetings:action_item_toggle": "mentee",
    "meetings:agreement_edit": "mentor",
    "meetings:agreement_confirm": "mentee",
    "wellbeing:checkin_result": "mentee",
    "wellbeing:checkin_share": "mentee",
    "wellbeing:checkin_unshare": "mentee",
    "wellbeing:shared_checkin_detail": "mentor",
    "wellbeing:directory": "mentee",
    "wellbeing:support_request_create": "mentee",
    "wellbeing:support_request_detail": "welfare_lead",
    "wellbeing:support_request_update": "welfare_lead",
    "wellbeing:referral_create": "mentor",
    "wellbeing:referral_respond": "mentee",
    "notifications:open": "mentee",
}


def owner_of(key: str) -> str:
    # Everything else that is guarded is the programme's to run: its coordinator's.
    return OWNERS.get(key, "coordinator")


def test_the_owners_reach_every_guarded_url(client):
    w = build_world()
    problems = []
    for route in routes():
        recipe = RECIPES.get(route.key)
        if recipe is None or recipe.kind != GUARDED:
            continue
        client.force_login(getattr(w, owner_of(route.key)))
        url = url_for(route, w)
        response = client.get(url)
        if response.status_code in (403, 404) or is_sign_in_redirect(response):
            problems.append(f"GET {url} as {owner_of(route.key)}: {response.status_code}")
    assert not problems, "\n".join(problems)
