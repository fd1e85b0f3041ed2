"""The people of the demo programmes: users, profiles, preferences, applications,
memberships and invitations, built in bulk from the fixed content in `data.py`."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import secrets
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Permission
from django.utils import timezone

from mentoring.accounts.models import MatchingPreferences, Profile, User
from mentoring.vocabulary import Framework, JobRole, MeetingMode

from ..models import Application, ApplicationQuestion, Invitation, Membership, Programme
from .data import (
    DEMO_DOMAIN,
    EMPLOYERS,
    FIRST_NAMES,
    FRAMEWORK_WEIGHTS,
    GOALS,
    GROUP_WEIGHTS,
    HOSPITAL_SPECIALTIES,
    INTERESTS,
    MENTEE_MOTIVATION,
    MENTOR_MOTIVATION,
    NICKNAMES,
    NORTH_WEST,
    PRACTICES,
    SECOND_LANGUAGES,
    SURNAMES,
    TOPIC_WEIGHTS,
    TRAINING,
    YORKSHIRE,
    ProgrammeSpec,
)

INVITATION_DAYS = 14
PROGRAMME_AGE_DAYS = 185  # the programmes started about six months ago
BATCH = 500

A, S, D, W = (
    Application.Status.APPROVED,
    Application.Status.SUBMITTED,
    Application.Status.DECLINED,
    Application.Status.WITHDRAWN,
)
# Application states by person number (1-based), repeating: every state is present,
# and mentor1, mentor30, mentee1 and mentee80 are approved.
MENTOR_STATES = [A, A, A, A, S, A, A, D, A, A, A, A, A, W, A]
MENTEE_STATES = [A, A, S, A, A, D, A, S, W, A]


@dataclass
class Person:
    number: int
    role: str  # Application.Role
    spec: ProgrammeSpec
    status: str
    user: User
    profile: Profile
    preferences: MatchingPreferences


def assign_programmes(total: int, per_scale: int, attr: str):
    """(number, programme) for each person: each block of `per_scale` splits the same way."""
    for number in range(1, total + 1):
        position = (number - 1) % per_scale
        yield number, YORKSHIRE if position < getattr(YORKSHIRE, attr) else NORTH_WEST


def _weighted_sample(rng: random.Random, weights: dict, k: int) -> list:
    pool = dict(weights)
    chosen = []
    for _ in range(min(k, len(pool))):
        item = rng.choices(list(pool), weights=list(pool.values()))[0]
        chosen.append(item)
        del pool[item]
    return chosen


def _token_hash() -> str:
    # Demo invitation links are never shown, so only an unguessable token's hash is kept.
    return hashlib.sha256(secrets.token_urlsafe(32).encode()).hexdigest()


class PeopleBuilder:
    def __init__(self, rng: random.Random, password_hash: str):
        self.rng = rng
        self.password_hash = password_hash
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.coordinators: dict[str, User] = {}
        self.questions: dict[str, list[ApplicationQuestion]] = {}
        self.used_names: set[str] = set()

    # ---- programmes and coordinators ------------------------------------------------

    def programme(self, spec: ProgrammeSpec) -> Programme:
        coordinator = self._coordinator(spec)
        programme = Programme(
            name=spec.name,
            slug=spec.slug,
            description=spec.description,
            audience=spec.audience,
            kind=spec.kind,
            matching_route=spec.matching_route,
            # Running for about six months, with enrolment still open for a rolling intake.
            starts_on=self.today - dt.timedelta(days=PROGRAMME_AGE_DAYS),
            ends_on=self.today + dt.timedelta(days=30 * spec.months + 60),
            enrolment_opens_on=self.today - dt.timedelta(days=PROGRAMME_AGE_DAYS + 20),
            enrolment_closes_on=self.today + dt.timedelta(days=45),
            default_mentor_capacity=spec.capacity,
            relationship_months=spec.months,
            meeting_frequency=spec.frequency,
            meeting_length_minutes=50,
            coordinators_require_mfa=False,  # so the demo logins work without an app
            status=Programme.Status.OPEN,
            created_by=coordinator,
        )
        programme.full_clean()
        programme.save()
        Membership.objects.create(
            programme=programme,
            user=coordinator,
            role=Membership.Role.COORDINATOR,
            joined_at=self.now - dt.timedelta(days=90),
        )
        self.coordinators[spec.slug] = coordinator
        self.questions[spec.slug] = ApplicationQuestion.objects.bulk_create(
            ApplicationQuestion(programme=programme, position=i, **q)
            for i, q in enumerate(spec.questions)
        )
        return programme

    def _coordinator(self, spec: ProgrammeSpec) -> User:
        email, full_name = spec.coordinator
        user = User.objects.create(
            email=email,
            full_name=full_name,
            password=self.password_hash,
            date_joined=self.now - dt.timedelta(days=120),
        )
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label="programmes", codename="add_programme")
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        region = spec.home_regions[0]
        Profile.objects.create(
            user=user,
            job_role=JobRole.CONSULTANT,
            specialty="Geriatric medicine" if spec is YORKSHIRE else "Emergency medicine",
            years_in_practice="21+" if spec is YORKSHIRE else "16-20",
            employer=EMPLOYERS[region][0],
            department="Postgraduate medical education",
            region=region,
            bio=f"Programme lead for {spec.name}. Get in touch with any question about "
            "the programme.",
        )
        return user

    # ---- people --------------------------------------------------------------------

    def person(self, number: int, role: str, spec: ProgrammeSpec) -> Person:
        rng = self.rng
        group = rng.choices(list(GROUP_WEIGHTS), weights=list(GROUP_WEIGHTS.values()))[0]
        sex = rng.choice(["female", "male"])
        first, last = self._name(group, sex)
        email = f"{role}{number}@{DEMO_DOMAIN}"
        user = User(
            email=email,
            full_name=f"{first} {last}",
            preferred_name=NICKNAMES.get(first, "") if rng.random() < 0.6 else "",
            pronouns=("she/her" if sex == "female" else "he/him") if rng.random() < 0.35 else "",
            password=self.password_hash,
            date_joined=self.now - dt.timedelta(days=rng.randint(80, 500)),
        )
        profile = self._profile(user, role, spec)
        states = MENTOR_STATES if role == Application.Role.MENTOR else MENTEE_STATES
        return Person(
            number=number,
            role=role,
            spec=spec,
            status=states[(number - 1) % len(states)],
            user=user,
            profile=profile,
            preferences=self._preferences(user, role, group, sex, profile.years_in_practice),
        )

    def _name(self, group: str, sex: str) -> tuple[str, str]:
        firsts = FIRST_NAMES[group][0 if sex == "female" else 1].split()
        for _ in range(8):
            first, last = self.rng.choice(firsts), self.rng.choice(SURNAMES[group].split())
            if f"{first} {last}" not in self.used_names:
                break
        self.used_names.add(f"{first} {last}")
        return first, last

    def _region(self, spec: ProgrammeSpec) -> str:
        roll = self.rng.random()
        if roll < 0.85:
            return self.rng.choice(spec.home_regions)
        if roll < 0.97:
            return self.rng.choice(spec.nearby_regions)
        return self.rng.choice(["Greater London", "Wales", "Lothian"])

    def _career(self, role: str, spec: ProgrammeSpec) -> tuple[str, str, str, str]:
        """Job role, grade, years in practice band and specialty."""
        rng = self.rng
        specialty = rng.choice(HOSPITAL_SPECIALTIES)
        if spec is NORTH_WEST:
            if role == Application.Role.MENTOR:
                grade = rng.choice(["ST5", "ST6", "ST7", "ST8", "CT3", "GPST3"])
                years = rng.choices(["6-10", "11-15"], weights=[4, 1])[0]
            else:
                grade = rng.choice(
                    ["FY1", "FY2", "CT1", "CT2", "ST1", "ST2", "ST3", "ST4", "GPST1"]
                )
                years = "0-5"
            if grade.startswith("GP"):
                specialty = "General practice"
            return JobRole.TRAINEE, grade, years, specialty
        if role == Application.Role.MENTOR:
            job = rng.choices(
                [JobRole.CONSULTANT, JobRole.GP, JobRole.SAS, JobRole.RETIRED],
                weights=[70, 10, 10, 10],
            )[0]
            years = "21+" if job == JobRole.RETIRED else rng.choice(["11-15", "16-20", "21+"])
        else:
            job = rng.choices([JobRole.CONSULTANT, JobRole.SAS], weights=[80, 20])[0]
            years = rng.choices(["0-5", "6-10"], weights=[4, 1])[0]
            if job == JobRole.SAS:
                years = rng.choice(["6-10", "11-15"])
        if job == JobRole.GP:
            specialty = "General practice"
        return job, "", years, specialty

    def _profile(self, user: User, role: str, spec: ProgrammeSpec) -> Profile:
        rng = self.rng
        job, grade, years, specialty = self._career(role, spec)
        region = self._region(spec)
        in_practice = job == JobRole.GP or grade.startswith("GP")
        employers = PRACTICES if in_practice else EMPLOYERS.get(region)
        topics = _weighted_sample(rng, TOPIC_WEIGHTS, rng.randint(2, 4))
        profile = Profile(
            user=user,
            job_role=job,
            grade=grade,
            specialty=specialty,
            years_in_practice=years,
            employer=rng.choice(employers) if employers else "",
            region=region,
            languages=", ".join(
                ["English", *([rng.choice(SECOND_LANGUAGES)] if rng.random() < 0.25 else [])]
            ),
            meeting_modes=self._modes(),
        )
        if role == Application.Role.MENTOR:
            profile.topics_offering = _weighted_sample(rng, TOPIC_WEIGHTS, rng.randint(3, 6))
            self._training(profile, trained=rng.random() < (0.85 if spec is YORKSHIRE else 0.7))
        else:
            profile.topics_seeking = topics
        profile.bio = self._bio(profile, role)
        return profile

    def _modes(self) -> list[str]:
        odds = {MeetingMode.VIDEO: 0.85, MeetingMode.PHONE: 0.5, MeetingMode.IN_PERSON: 0.45}
        modes = [str(mode) for mode, p in odds.items() if self.rng.random() < p]
        return modes or [str(MeetingMode.VIDEO)]

    def _training(self, profile: Profile, *, trained: bool) -> None:
        if not trained:
            return
        rng = self.rng
        course, organiser = rng.choice(TRAINING)
        taught = [str(f) for f in FRAMEWORK_WEIGHTS if rng.random() * 100 < FRAMEWORK_WEIGHTS[f]]
        taught = taught or [str(Framework.EGAN)]
        profile.mentor_trained = True
        profile.training_course = course
        profile.training_organiser = organiser
        profile.training_year = rng.randint(2012, self.today.year - 1)
        profile.frameworks_taught = taught
        profile.frameworks_practised = [taught[0], *[f for f in taught[1:] if rng.random() < 0.5]]

    def _bio(self, profile: Profile, role: str) -> str:
        rng = self.rng
        where = f" at {profile.employer}" if profile.employer else f" in {profile.region}"
        specialty = profile.specialty.lower()
        if profile.job_role == JobRole.TRAINEE and profile.grade.startswith("FY"):
            opening = f"{profile.grade} doctor{where}, hoping to train in {specialty}."
        elif profile.job_role == JobRole.TRAINEE:
            opening = f"{profile.grade} trainee in {specialty}{where}."
        elif profile.job_role == JobRole.GP:
            opening = f"GP partner{where}, with an interest in medical education."
        elif profile.job_role == JobRole.RETIRED:
            opening = f"Recently retired consultant in {specialty}, formerly{where}."
        elif profile.job_role == JobRole.SAS:
            opening = f"Specialty doctor in {specialty}{where}."
        else:
            opening = f"Consultant in {specialty}{where}."
        if role == Application.Role.MENTOR:
            topics = " and ".join(t.lower() for t in profile.topics_offering[:2])
            middle = f"Happy to talk about {topics}, and anything else you bring."
            if profile.mentor_trained:
                middle = f"Trained in mentoring in {profile.training_year}. {middle}"
        else:
            topics = " and ".join(t.lower() for t in profile.topics_seeking[:2])
            middle = f"Looking for a mentor to help me think about {topics}."
        ending = f"Outside work: {rng.choice(INTERESTS)}." if rng.random() < 0.6 else ""
        return " ".join(part for part in (opening, middle, ending) if part)

    def _preferences(
        self, user: User, role: str, group: str, sex: str, years: str
    ) -> MatchingPreferences:
        rng = self.rng
        age_bands = {
            "0-5": ["under_35", "35_44"],
            "6-10": ["under_35", "35_44"],
            "11-15": ["35_44", "45_54"],
            "16-20": ["45_54"],
            "21+": ["45_54", "55_plus"],
        }
        religions = ["none", "christian", "muslim", "hindu", "sikh", "jewish"]
        # Each item is optional: some people leave it blank (stored as NULL).
        prefs = MatchingPreferences(
            user=user,
            sex=sex if rng.random() < 0.8 else None,
            age_band=rng.choice(age_bands[years]) if rng.random() < 0.7 else None,
            ethnicity=group if rng.random() < 0.6 else None,
            religion=rng.choice(religions) if rng.random() < 0.4 else None,
        )
        if role == Application.Role.MENTEE:
            prefs.prefer_mentor_sex = sex if rng.random() < 0.12 else ""
            prefs.prefer_same_ethnicity = rng.random() < 0.05
            prefs.prefer_same_religion = rng.random() < 0.03
        return prefs

    def save_people(self, people: list[Person]) -> None:
        users = User.objects.bulk_create([p.user for p in people], batch_size=BATCH)
        by_email = {u.email: u for u in users if u.pk} or {
            u.email: u for u in User.objects.filter(email__in=[p.user.email for p in people])
        }
        for person in people:
            person.user = by_email[person.user.email]
            person.profile.user = person.preferences.user = person.user
        EmailAddress.objects.bulk_create(
            [
                EmailAddress(user=p.user, email=p.user.email, verified=True, primary=True)
                for p in people
            ],
            batch_size=BATCH,
        )
        Profile.objects.bulk_create([p.profile for p in people], batch_size=BATCH)
        MatchingPreferences.objects.bulk_create([p.preferences for p in people], batch_size=BATCH)

    # ---- applications, memberships and invitations -------------------------------------

    def applications(self, people: list[Person], programmes: dict[str, Programme]) -> None:
        applications, memberships, invitations = [], [], []
        for person in people:
            programme = programmes[person.spec.slug]
            application = self._application(person, programme)
            applications.append(application)
            if application.status == A:
                memberships.append(
                    Membership(
                        programme=programme,
                        user=person.user,
                        role=person.role,
                        capacity=application.capacity,
                        joined_at=application.decided_at,
                    )
                )
            if application.via_invitation:
                invitations.append(self._accepted_invitation(person, programme, application))
        Application.objects.bulk_create(applications, batch_size=BATCH)
        Membership.objects.bulk_create(memberships, batch_size=BATCH)
        Invitation.objects.bulk_create(invitations, batch_size=BATCH)

    def _application(self, person: Person, programme: Programme) -> Application:
        rng = self.rng
        # Applications still awaiting review are recent; the others span the programme's life.
        days = rng.randint(3, 21) if person.status == S else rng.randint(10, PROGRAMME_AGE_DAYS)
        submitted = self.now - dt.timedelta(days=days, minutes=rng.randint(0, 600))
        app = Application(
            programme=programme,
            applicant=person.user,
            role=person.role,
            status=person.status,
            submitted_at=submitted,
            via_invitation=person.status == A and person.number % 7 == 3,
            answers=self._answers(person),
        )
        if person.role == Application.Role.MENTOR:
            app.capacity = rng.choice(
                [1, programme.default_mentor_capacity, programme.default_mentor_capacity]
            )
            app.motivation = rng.choice(MENTOR_MOTIVATION)
        else:
            goals = [GOALS[t] for t in person.profile.topics_seeking if t in GOALS][:2]
            goals = goals or ["have a confidential space to think about my career"]
            app.goals = f"I would like to {' and to '.join(goals)}."
            app.motivation = rng.choice(MENTEE_MOTIVATION)
        later = min(submitted + dt.timedelta(days=rng.randint(1, 10)), self.now)
        if person.status in (A, D):
            app.decided_at = later
            app.decided_by = self.coordinators[person.spec.slug]
        if person.status == D:
            app.decision_message = rng.choice(person.spec.decline_messages)
        if person.status == W:
            app.withdrawn_at = later
        return app

    def _answers(self, person: Person) -> dict[str, str]:
        answers = {}
        for question in self.questions[person.spec.slug]:
            if not question.applies_to(person.role):
                continue
            if question.kind == ApplicationQuestion.Kind.CHOICE:
                answers[str(question.pk)] = self.rng.choice(question.choice_list)
            elif question.kind == ApplicationQuestion.Kind.YES_NO:
                answers[str(question.pk)] = "Yes" if self.rng.random() < 0.7 else "No"
            else:
                answers[str(question.pk)] = self.rng.choice(
                    ["Foundation programme, North West", "Core Surgical Training, Mersey",
                     "Internal Medicine Training, Manchester", "GP training, Lancashire",
                     "Paediatrics, North West"]
                )  # fmt: skip
        return answers

    def _accepted_invitation(
        self, person: Person, programme: Programme, application: Application
    ) -> Invitation:
        sent = application.submitted_at - dt.timedelta(days=2)
        return Invitation(
            programme=programme,
            email=person.user.email,
            full_name=person.user.full_name,
            role=person.role,
            token_hash=_token_hash(),
            invited_by=self.coordinators[person.spec.slug],
            created_at=sent,
            expires_at=sent + dt.timedelta(days=INVITATION_DAYS),
            accepted_at=application.submitted_at,
            accepted_by=person.user,
        )

    def invitations(self, programme: Programme, scale: int) -> None:
        """Pending, expired and revoked invitations to people who have no account yet."""
        coordinator = self.coordinators[programme.slug]
        rows = []
        for n in range(scale * 4):
            state = ("pending", "pending", "expired", "revoked")[n % 4]
            group = self.rng.choice(list(GROUP_WEIGHTS))
            first, last = self._name(group, self.rng.choice(["female", "male"]))
            sent = self.now - dt.timedelta(
                days=30 if state == "expired" else self.rng.randint(1, 10)
            )
            local_part = f"{first}.{last}".lower().replace("'", "")
            rows.append(
                Invitation(
                    programme=programme,
                    email=f"{local_part}@{DEMO_DOMAIN}",
                    full_name=f"{first} {last}",
                    role=Application.Role.MENTEE if n % 2 else Application.Role.MENTOR,
                    token_hash=_token_hash(),
                    invited_by=coordinator,
                    created_at=sent,
                    expires_at=sent + dt.timedelta(days=INVITATION_DAYS),
                    revoked_at=sent + dt.timedelta(days=1) if state == "revoked" else None,
                )
            )
        Invitation.objects.bulk_create(rows, batch_size=BATCH)
