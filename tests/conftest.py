"""The fixed cast every view test uses.

- `coordinator` runs `programme`; `other_coordinator` runs `other_programme`.
- `mentor` and `mentee` are approved members of `programme`.
- `outsider` is signed up and verified but belongs to nothing.
"""

from __future__ import annotations

import os

import pytest
from django.contrib.auth.models import Permission
from django.db import connection

from programmes.models import Membership
from tests.factories import MembershipFactory, ProfileFactory, ProgrammeFactory, UserFactory


def pytest_collection_modifyitems(config, items):
    on_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgis"))
    has_redis = bool(os.environ.get("REDIS_URL"))
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL (CI does)")
    skip_redis = pytest.mark.skip(reason="needs Redis: set REDIS_URL (CI does)")
    # Browser tests last: they hold an event loop open in this thread for the session.
    items.sort(key=lambda item: "/e2e/" in str(item.fspath))
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not has_redis:
            item.add_marker(skip_redis)


@pytest.fixture(autouse=True)
def _fast_hashing_and_outbox(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CELERY_TASK_ALWAYS_EAGER = True


# --- Email outbox: hand-offs outside the application's own transactions ---------------
@pytest.fixture(autouse=True)
def _outbox_hand_off_as_in_autocommit(monkeypatch):
    """Hand queued emails to the (inline) worker at once when no transaction of the
    application is open, as production's autocommit does (allauth's views, for one).

    Each test runs inside a transaction that never commits, so without this an email
    written outside any `transaction.atomic()` of the code under test would never leave
    the outbox. Inside the code's own transactions nothing changes: the hand-off waits
    for the commit (use `django_capture_on_commit_callbacks(execute=True)`).
    """
    from types import SimpleNamespace

    from django.db import transaction

    from mentoring.notifications import emails

    def on_commit(func, using=None, robust=False):
        blocks = transaction.get_connection(using).atomic_blocks
        if all(getattr(block, "_from_testcase", False) for block in blocks):
            return func()
        return transaction.on_commit(func, using=using, robust=robust)

    monkeypatch.setattr(emails, "transaction", SimpleNamespace(on_commit=on_commit))
    # A broker failure in one test must not hold back the next test's hand-offs.
    emails.handoff_breaker.reset()


@pytest.fixture
def programme(db):
    return ProgrammeFactory(name="Yorkshire Consultant Mentoring", slug="yorkshire")


@pytest.fixture
def other_programme(db):
    return ProgrammeFactory(name="North West Peer Mentoring", slug="north-west")


def _creator(user):
    user.user_permissions.add(Permission.objects.get(codename="add_programme"))
    return user


@pytest.fixture
def coordinator(programme):
    user = _creator(UserFactory(email="coordinator@example.org", full_name="Cora Ordinator"))
    MembershipFactory(programme=programme, user=user, role=Membership.Role.COORDINATOR)
    return user


@pytest.fixture
def other_coordinator(other_programme):
    user = _creator(UserFactory(email="other.coordinator@example.org", full_name="Otto Other"))
    MembershipFactory(programme=other_programme, user=user, role=Membership.Role.COORDINATOR)
    return user


@pytest.fixture
def mentor(programme):
    user = UserFactory(email="mentor@example.org", full_name="Dr Maya Mentor")
    ProfileFactory(user=user, years_in_practice="21+")
    MembershipFactory(programme=programme, user=user, role=Membership.Role.MENTOR, capacity=2)
    return user


@pytest.fixture
def mentee(programme):
    user = UserFactory(email="mentee@example.org", full_name="Dr Sam Mentee")
    ProfileFactory(user=user, years_in_practice="0-5", job_role="trainee", grade="ST4")
    MembershipFactory(programme=programme, user=user, role=Membership.Role.MENTEE)
    return user


@pytest.fixture
def outsider(db):
    return UserFactory(email="outsider@example.org", full_name="Olive Outsider")


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"


@pytest.fixture
def deliver_reminders(db):
    """Run the sweeps and deliver every due reminder here, as beat and a worker would.

    Returns the outcome of each delivery ("sent", "cancelled", "quiet-hours"...). The
    time is `now` (default: the current, possibly time-travelled, time).
    """
    from django.utils import timezone

    from mentoring.notifications import services

    def run(now=None, *, sweeps=True, kinds=None) -> list[str]:
        now = now or timezone.now()
        if sweeps:
            services.sweeps_run(now=now)
        outcomes: list[str] = []

        def deliver(pk: int, token: str) -> None:
            outcomes.append(services.notification_deliver(notification_id=pk, token=token, now=now))

        services.notifications_dispatch(now=now, kinds=kinds, enqueue=deliver)
        return outcomes

    return run
