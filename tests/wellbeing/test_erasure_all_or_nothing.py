"""Closing an account runs every app's erasure step in one transaction: all or nothing."""

from __future__ import annotations

import pytest

from mentoring import privacy as registry
from mentoring.accounts.models import MatchingPreferences
from wellbeing.models import CheckIn
from wellbeing.services.privacy import account_close

from .support_setup import make_checkin

pytestmark = pytest.mark.django_db


def test_a_failing_last_step_leaves_everything_as_it_was(monkeypatch, programme, mentee):
    MatchingPreferences.objects.create(user=mentee, religion="buddhist")
    make_checkin(mentee, programme, on_mind="still mine")
    ran = []

    def fails(closure):
        ran.append([s.name for s in registry.erasure_steps()])
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(registry, "_STEPS", dict(registry._STEPS))
    registry.register_erasure_step("zzz-fails", fails, stage="anonymise")

    with pytest.raises(RuntimeError):
        account_close(user=mentee)

    assert ran  # every other step had run before it
    mentee.refresh_from_db()
    assert mentee.is_active and mentee.full_name == "Dr Sam Mentee"
    assert MatchingPreferences.objects.filter(user=mentee).exists()
    assert CheckIn.objects.get(user=mentee).anything_on_mind == "still mine"


def test_the_steps_run_in_stage_and_name_order(monkeypatch, mentee):
    order = []
    monkeypatch.setattr(registry, "_STEPS", {})
    for stage, name in (("anonymise", "a"), ("end", "b"), ("erase", "b"), ("end", "a")):
        registry.register_erasure_step(
            name, lambda closure, s=stage, n=name: order.append((s, n)), stage=stage
        )
    account_close(user=mentee)
    assert order == [("end", "a"), ("end", "b"), ("erase", "b"), ("anonymise", "a")]
