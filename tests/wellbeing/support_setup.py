"""People and records for the support, referral and privacy tests (plain helpers)."""

from __future__ import annotations

import datetime as dt
import itertools
import re

from django.utils import timezone

from matching.models import MentorRequest, Mentorship
from programmes.models import Membership, Programme
from tests.factories import MembershipFactory, ProfileFactory, UserFactory
from wellbeing.models import CheckIn, Referral, SupportRequest, SupportService

_numbers = itertools.count(1)


def make_member(programme: Programme, role: str, *, name: str = "", email: str = ""):
    n = next(_numbers)
    user = UserFactory(
        email=email or f"{role}.{n}@example.org", full_name=name or f"Dr {role.title()} {n}"
    )
    ProfileFactory(user=user)
    MembershipFactory(programme=programme, user=user, role=role)
    return user


def make_welfare_lead(programme: Programme, *, name: str = "", user=None):
    if user is not None:
        MembershipFactory(programme=programme, user=user, role=Membership.Role.WELFARE_LEAD)
        return user
    return make_member(programme, Membership.Role.WELFARE_LEAD, name=name)


def make_mentorship(programme, mentor, mentee, **fields) -> Mentorship:
    values = {
        "status": Mentorship.Status.ACTIVE,
        "origin": Mentorship.Origin.REQUEST,
        "started_on": timezone.localdate(),
    }
    values.update(fields)
    return Mentorship.objects.create(programme=programme, mentor=mentor, mentee=mentee, **values)


def make_support_request(programme, user, *, message="", **fields) -> SupportRequest:
    values = {
        "contact_method": SupportRequest.ContactMethod.PHONE,
        "contact_details": "07700 900123",
        "preferred_times": "Weekday evenings",
        "message": message or None,
    }
    values.update(fields)
    return SupportRequest.objects.create(user=user, programme=programme, **values)


def make_service(programme, name="Occupational health", **fields) -> SupportService:
    values = {"purpose": "Confidential advice on health and work.", "phone": "0113 000 0000"}
    values.update(fields)
    return SupportService.objects.create(programme=programme, name=name, **values)


def make_referral(mentorship, *, service=None, note="", **fields) -> Referral:
    return Referral.objects.create(
        mentorship=mentorship, service=service, note=note or None, **fields
    )


def make_checkin(user, programme, *, on_mind="", would_help="", score=60, **fields) -> CheckIn:
    values = {
        "role": Membership.Role.MENTEE,
        "answers": [3, 3, 3, 3, 3],
        "raw_score": score // 4,
        "score": score,
        "band": "not_low" if score > 50 else ("low" if score > 28 else "very_low"),
        "anything_on_mind": on_mind or None,
        "what_would_help": would_help or None,
    }
    values.update(fields)
    return CheckIn.objects.create(user=user, programme=programme, **values)


def make_mentor_request(programme, mentee, mentor, message, **fields) -> MentorRequest:
    values = {"expires_at": timezone.now() + dt.timedelta(days=7)}
    values.update(fields)
    return MentorRequest.objects.create(
        programme=programme, mentee=mentee, mentor=mentor, message=message, **values
    )


def html_part(message) -> str:
    htmls = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
    assert len(htmls) == 1, "every email has exactly one HTML part"
    return htmls[0]


def link_in(message, path_prefix: str) -> str:
    """The first link in an email's text part whose path starts with `path_prefix`."""
    match = re.search(rf"https?://[^/\s]+({re.escape(path_prefix)}\S*)", message.body)
    assert match, f"no link to {path_prefix} in:\n{message.body}"
    return match.group(1)
