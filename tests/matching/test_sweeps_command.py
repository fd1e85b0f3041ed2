from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from matching.models import MentorRequest

pytestmark = pytest.mark.django_db


def test_the_sweeps_command_expires_overdue_requests(programme, mentor, mentee):
    request = MentorRequest.objects.create(
        programme=programme,
        mentee=mentee,
        mentor=mentor,
        message="Help with my first year as a consultant",
        expires_at=timezone.now() - dt.timedelta(hours=1),
    )
    out = StringIO()
    call_command("matching_sweeps", stdout=out)
    request.refresh_from_db()
    assert request.status == MentorRequest.Status.EXPIRED
    assert "1 requests expired" in out.getvalue()
    call_command("matching_sweeps", stdout=out)  # idempotent
    assert "0 requests expired" in out.getvalue()
