"""The note templates as data."""

from __future__ import annotations

import pytest

from mentoring.vocabulary import Framework
from sessions import frameworks
from sessions.models import SessionNote
from tests.factories import ProfileFactory, ProgrammeFactory, UserFactory


def test_every_framework_of_the_note_model_has_a_template():
    assert set(frameworks.FRAMEWORKS) == set(SessionNote.Framework.values)


def test_egan_has_three_stages_of_three_steps_in_order():
    egan = frameworks.get("egan")
    assert [s.title for s in egan.stages] == [
        "The current picture",
        "The preferred picture",
        "The way forward",
    ]
    by_stage = {}
    for section in egan.sections:
        by_stage.setdefault(section.stage, []).append(section.key)
    assert by_stage == {
        "current": ["story", "blind_spots", "leverage"],
        "preferred": ["possibilities", "change_agenda", "commitment"],
        "forward": ["strategies", "best_fit", "plan"],
    }


@pytest.mark.parametrize(
    "key, sections",
    [
        ("grow", ["goal", "reality", "options", "will"]),
        ("clear", ["contracting", "listening", "exploring", "action", "review"]),
        ("oskar", ["outcome", "scaling", "know_how", "affirm_action", "review"]),
        ("free", ["notes"]),
    ],
)
def test_other_frameworks_sections_in_order(key, sections):
    assert list(frameworks.get(key).section_keys) == sections


def test_every_section_has_a_title_and_prompts_and_keys_are_unique():
    for framework in frameworks.FRAMEWORKS.values():
        keys = framework.section_keys
        assert len(keys) == len(set(keys))
        for section in framework.sections:
            assert section.title and section.prompts
            assert all(p.strip().endswith(("?", ".")) for p in section.prompts)


def test_stage_lists():
    assert [s.key for s in frameworks.get("grow").stage_list()] == [
        "goal",
        "reality",
        "options",
        "will",
    ]
    assert frameworks.get("egan").stage_of("leverage") == "current"
    assert frameworks.get("grow").stage_of("will") == "will"
    assert frameworks.get("grow").stage_of("nope") == ""


@pytest.mark.django_db
def test_the_programme_sets_the_default_and_the_mentors_own_frameworks_come_first():
    assert frameworks.default_for(ProgrammeFactory()) == "grow"
    assert frameworks.default_for(ProgrammeFactory(default_note_framework="egan")) == "egan"
    assert frameworks.default_for(None) == "grow"
    plain = UserFactory()
    ProfileFactory(user=plain)
    trained = UserFactory()
    ProfileFactory(
        user=trained,
        frameworks_practised=[Framework.OSKAR, Framework.EGAN],
        frameworks_taught=[Framework.CLEAR],
    )
    assert [f.key for f in frameworks.ordered_for(trained)] == [
        "oskar",
        "egan",
        "clear",
        "grow",
        "free",
    ]
    assert [f.key for f in frameworks.ordered_for(plain)] == [
        "egan",
        "grow",
        "clear",
        "oskar",
        "free",
    ]
