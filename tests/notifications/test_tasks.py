"""Notification tasks, run inline (the tests set CELERY_TASK_ALWAYS_EAGER)."""

from __future__ import annotations

from mentoring.notifications.tasks import PONG, ping


def test_ping_answers_pong_through_celery(tmp_path):
    reply = tmp_path / "reply.txt"
    result = ping.delay(str(reply))
    assert result.get(timeout=5) == PONG
    assert reply.read_text() == PONG


def test_ping_without_a_reply_file_only_answers():
    assert ping.delay().get(timeout=5) == PONG
