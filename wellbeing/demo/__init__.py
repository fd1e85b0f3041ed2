"""Demo wellbeing data: directories, welfare leads, six months of check-ins, a check-in
shared with a mentor and a support request waiting for a welfare lead.

`manage.py seed_demo` calls `wellbeing_demo_seed` after the foundation and matching
demo data. Directories, welfare leads, the shared check-in and the support request go
through the wellbeing and programme services. The history of check-ins is scored
with the WHO-5 instrument itself and bulk-created (a check-in's time is set by the
database, so it is moved back afterwards): most mentees and many mentors check in about
monthly from when they joined, with steady differences between people, so the
coordinators' monthly figures show real numbers for the larger groups and "fewer than
5" for the smaller ones.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from mentoring.accounts.models import Profile, User
from mentoring.vocabulary import JobRole
from programmes.demo import DEMO_PASSWORD
from programmes.demo.data import DEMO_DOMAIN, NORTH_WEST, PROGRAMMES, YORKSHIRE
from programmes.models import Membership, Programme
from programmes.services.programmes import team_member_add

from ..instruments import WHO5
from ..models import CheckIn, SupportRequest, SupportService
from ..services.checkins import checkin_record
from ..services.directory import directory_seed_defaults
from ..services.support import support_request_create

Role = Membership.Role
HISTORY_MONTHS = 6
DAY = 24 * 60 * 60
BATCH = 500
# Share of members who check in at all, and how often those do in a month.
TAKE_PART = {Role.MENTEE: 0.8, Role.MENTOR: 0.7}
MONTHLY = 0.85
# A person's usual raw WHO-5 score (0-25): most not low, some low, a few very low.
LEVELS = ((0.65, 14, 22), (0.25, 8, 12), (0.10, 4, 7))

WELFARE_LEADS = {
    YORKSHIRE.slug: {
        "email": f"welfare1@{DEMO_DOMAIN}",
        "full_name": "Ruth Hollings",
        "specialty": "Occupational medicine",
        "employer": "Leeds Teaching Hospitals NHS Trust",
        "region": "West Yorkshire",
        "bio": "Occupational physician and the programme's welfare lead. If you ask for "
        "someone to contact you, I will be in touch, in confidence.",
    },
    NORTH_WEST.slug: {
        "email": f"welfare2@{DEMO_DOMAIN}",
        "full_name": "Gareth Lowe",
        "specialty": "Psychiatry",
        "employer": "Manchester University NHS Foundation Trust",
        "region": "Greater Manchester",
        "bio": "Consultant psychiatrist and welfare lead for the peer mentoring network. "
        "Support requests come to me and are kept confidential.",
    },
}
# Yorkshire's mentee1 shares a check-in with mentor1; mentee15 asks for contact.
SHARING_MENTEE = 1
ASKING_MENTEE = 15

WOULD_HELP = (
    "A protected hour for admin each week",
    "Talking through my job plan with someone",
    "More sleep between night shifts",
    "Getting back to running",
    "A proper handover at the end of on-call",
)
ON_MIND = (
    "A busy month, but the team has been supportive.",
    "Exams coming up and not much time for anything else.",
    "Settling into the new rota slowly.",
    "A difficult case has stayed with me this month.",
)


@dataclass
class WellbeingSummary:
    counts: Counter = field(default_factory=Counter)
    leads: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        c = self.counts
        return [
            f"Wellbeing: {c['services']} directory entries across the programmes; welfare "
            f"leads {', '.join(self.leads)}; {c['checkins']} check-ins by {c['people']} "
            f"people over the last {HISTORY_MONTHS} months; {c['shared']} shared with a "
            f"mentor; {c['support_open']} support request waiting for contact.",
        ]


def _welfare_lead(programme: Programme, coordinator: User, password_hash: str) -> User:
    details = WELFARE_LEADS[programme.slug]
    user = User.objects.create(
        email=details["email"],
        full_name=details["full_name"],
        password=password_hash,
        date_joined=timezone.make_aware(dt.datetime.combine(programme.starts_on, dt.time(9))),
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    Profile.objects.create(
        user=user,
        job_role=JobRole.CONSULTANT,
        specialty=details["specialty"],
        years_in_practice="16-20",
        employer=details["employer"],
        region=details["region"],
        bio=details["bio"],
    )
    membership = team_member_add(
        programme=programme, actor=coordinator, email=user.email, role=Role.WELFARE_LEAD
    )
    Membership.objects.filter(pk=membership.pk).update(joined_at=user.date_joined)
    return user


def _answers(rng: random.Random, raw: int) -> list[int]:
    """Five answers (0-5 each) adding up to `raw`."""
    answers = [0] * len(WHO5.items)
    for _ in range(raw):
        open_items = [i for i, a in enumerate(answers) if a < 5]
        answers[rng.choice(open_items)] += 1
    return answers


def _history(
    programme: Programme, now: dt.datetime, rng: random.Random, *, fixed_level: dict[int, int]
) -> list[CheckIn]:
    """About monthly check-ins of some of the programme's mentees and mentors.

    Times count back from `now` in 30-day steps, and every person draws the same
    random numbers whether or not they check in, so the same people make the same
    check-ins whatever the day the demo is created.
    """
    members = (
        Membership.objects.active()
        .filter(programme=programme, role__in=list(TAKE_PART))
        .order_by("pk")
        .values_list("user_id", "role", "joined_at")
    )
    rows = []
    for user_id, role, joined in members:
        takes_part = rng.random() < TAKE_PART[role] or user_id in fixed_level
        level = rng.choices(range(len(LEVELS)), weights=[w for w, _, _ in LEVELS])[0]
        _, low, high = LEVELS[fixed_level.get(user_id, level)]
        usual = rng.randint(low, high)
        for step in range(HISTORY_MONTHS):
            checks_in = rng.random() < MONTHLY
            when = now - dt.timedelta(days=30 * step, seconds=rng.randint(3600, 29 * DAY))
            raw = max(0, min(25, usual + rng.randint(-3, 3)))
            answers = _answers(rng, raw)
            would_help = rng.choice(WOULD_HELP) if rng.random() < 0.15 else None
            on_mind = rng.choice(ON_MIND) if rng.random() < 0.1 else None
            if not (takes_part and checks_in and when > joined):
                continue
            score = raw * WHO5.multiplier
            checkin = CheckIn(
                user_id=user_id,
                programme=programme,
                role=role,
                instrument=WHO5.code,
                answers=answers,
                raw_score=raw,
                score=score,
                band=WHO5.band_for(score).code,
                what_would_help=would_help,
                anything_on_mind=on_mind,
            )
            checkin.when = when
            rows.append(checkin)
    return rows


def _save_history(rows: list[CheckIn]) -> None:
    created = CheckIn.objects.bulk_create(rows, batch_size=BATCH)
    # created_at is stamped on insert (auto_now_add): set each check-in's real time.
    for saved, row in zip(created, rows, strict=True):
        saved.created_at = row.when
    CheckIn.objects.bulk_update(created, ["created_at"], batch_size=BATCH)


def _demo_user(email: str) -> User:
    return User.objects.get(email=email)


@transaction.atomic
def wellbeing_demo_seed(*, now: dt.datetime | None = None, seed: int = 2024) -> WellbeingSummary:
    """Add the demo wellbeing data; the foundation and matching demo data come first."""
    now = now or timezone.now()
    rng = random.Random(seed)
    summary = WellbeingSummary()
    password_hash = make_password(DEMO_PASSWORD)
    programmes = {
        p.slug: p for p in Programme.objects.filter(slug__in=[s.slug for s in PROGRAMMES])
    }
    sharing = _demo_user(f"mentee{SHARING_MENTEE}@{DEMO_DOMAIN}")
    asking = _demo_user(f"mentee{ASKING_MENTEE}@{DEMO_DOMAIN}")
    # mentee1's check-ins are usually fine; mentee15 has had a hard few months.
    fixed_level = {sharing.pk: 0, asking.pk: 1}
    rows = []
    for spec in PROGRAMMES:
        programme = programmes[spec.slug]
        directory_seed_defaults(programme)
        coordinator = (
            Membership.objects.active()
            .filter(programme=programme, role=Role.COORDINATOR)
            .select_related("user")
            .order_by("pk")
            .first()
            .user
        )
        lead = _welfare_lead(programme, coordinator, password_hash)
        summary.leads.append(f"{lead.email} ({programme.name})")
        rows += _history(programme, now, rng, fixed_level=fixed_level)
    _save_history(rows)

    yorkshire = programmes[YORKSHIRE.slug]
    checkin_record(
        user=sharing,
        programme=yorkshire,
        answers=[2, 3, 2, 2, 3],
        what_would_help="Talking through how to say no to extra clinics",
        anything_on_mind="A tough few weeks with the new rota. Keen to talk it over when "
        "we next meet.",
        share_with_mentor=True,
    )
    support_request_create(
        user=asking,
        programme=yorkshire,
        contact_method=SupportRequest.ContactMethod.PHONE,
        contact_details="07700 900461",
        preferred_times="Weekday evenings after 6pm",
        message="I have had a hard couple of months after a serious incident at work and "
        "would like to talk to someone about what support there is.",
    )

    checkins = CheckIn.objects.filter(programme__in=programmes.values())
    summary.counts.update(
        services=SupportService.objects.filter(programme__in=programmes.values()).count(),
        checkins=checkins.count(),
        people=checkins.values("user").distinct().count(),
        shared=checkins.filter(share_with_mentor=True).count(),
        support_open=SupportRequest.objects.filter(
            programme__in=programmes.values(), status=SupportRequest.Status.OPEN
        ).count(),
    )
    return summary
