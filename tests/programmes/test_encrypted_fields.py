"""An application's goals, motivation and answers are encrypted at rest."""

from __future__ import annotations

import json

import pytest

from programmes.models import Application
from tests.encryption import migrate, migrate_to_latest, opens_with, stored
from tests.factories import ApplicationFactory


@pytest.mark.django_db
def test_goals_motivation_and_answers_are_stored_encrypted_and_read_back_plain(programme, mentee):
    application = ApplicationFactory(
        programme=programme,
        applicant=mentee,
        goals="GOALS <b>burnout</b> after a complaint",
        motivation="MOTIVATION to stay in medicine",
        answers={"7": "ANSWER about my rota"},
    )
    assert opens_with(stored(Application, application.pk, "goals")) == application.goals
    assert opens_with(stored(Application, application.pk, "motivation")).startswith("MOTIVATION")
    answers = json.loads(stored(Application, application.pk, "answers"))
    assert opens_with(answers["7"]) == "ANSWER about my rota"
    fresh = Application.objects.get(pk=application.pk)
    assert fresh.goals == "GOALS <b>burnout</b> after a complaint"
    assert fresh.answers == {"7": "ANSWER about my rota"}


@pytest.mark.django_db
def test_an_empty_answer_stays_an_empty_string(programme, mentor):
    application = ApplicationFactory(programme=programme, applicant=mentor, goals="", answers={})
    fresh = Application.objects.get(pk=application.pk)
    assert fresh.goals == "" and fresh.answers == {}
    assert stored(Application, application.pk, "goals") == ""
    Application.objects.filter(pk=application.pk).update(goals="", motivation="", answers={})
    assert Application.objects.get(pk=application.pk).motivation == ""


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_existing_rows_and_the_way_back_decrypts_them(programme, mentee):
    application = ApplicationFactory(
        programme=programme, applicant=mentee, goals="OLD GOALS", answers={"3": "OLD ANSWER"}
    )
    try:
        migrate(("programmes", "0004_programme_status_index"))
        assert stored(Application, application.pk, "goals") == "OLD GOALS"
        assert json.loads(stored(Application, application.pk, "answers")) == {"3": "OLD ANSWER"}
        migrate(("programmes", "0005_encrypt_application_text"))
    finally:
        migrate_to_latest()
    assert opens_with(stored(Application, application.pk, "goals")) == "OLD GOALS"
    fresh = Application.objects.get(pk=application.pk)
    assert (fresh.goals, fresh.answers) == ("OLD GOALS", {"3": "OLD ANSWER"})
