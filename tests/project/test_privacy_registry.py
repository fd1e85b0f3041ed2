"""The privacy registry: what the apps contribute, and the order it runs in."""

from __future__ import annotations

import pytest

from mentoring import privacy as registry


def test_erasure_runs_stage_by_stage_then_by_name():
    steps = [(s.stage, s.name) for s in registry.erasure_steps()]
    assert steps == sorted(steps, key=lambda s: (registry.STAGES.index(s[0]), s[1]))
    # Relationships end while the person is named; their identity goes last.
    assert steps[0] == ("end", "matching")
    assert steps[-2:] == [("anonymise", "accounts"), ("anonymise", "programmes")]
    assert ("erase", "wellbeing") in steps and ("erase", "notifications") in steps


def test_every_app_contributes_its_sections_in_key_order():
    keys = [s.key for s in registry.export_sections()]
    assert keys == sorted(keys)
    for key in ("account", "memberships", "mentorships", "meetings", "checkins", "notifications"):
        assert key in keys


def test_the_closure_checks_include_the_last_coordinator():
    names = [check.__name__ for check in registry.closure_checks()]
    assert "_check_programmes_keep_a_coordinator" in names


def test_a_section_registered_twice_differently_is_refused():
    with pytest.raises(ValueError, match="registered twice"):
        registry.register_export_section("account", lambda user: {}, title="Another")


def test_an_erasure_step_needs_a_known_stage():
    with pytest.raises(ValueError, match="unknown erasure stage"):
        registry.register_erasure_step("x", lambda closure: None, stage="later")


def test_registering_the_same_step_again_is_harmless(monkeypatch):
    monkeypatch.setattr(registry, "_STEPS", dict(registry._STEPS))

    def run(closure):
        return None

    registry.register_erasure_step("x", run, stage="erase", covers=("accounts.Profile",))
    registry.register_erasure_step("x", run, stage="erase", covers=("accounts.Profile",))
    assert [s.name for s in registry.erasure_steps()].count("x") == 1
