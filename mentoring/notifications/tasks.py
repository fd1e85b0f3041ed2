"""Celery tasks for notifications.

Each task is a thin wrapper over a service function; the reminder sweeps arrive
with later work and are scheduled in `mentoring/celery.py`.
"""

from __future__ import annotations

from pathlib import Path

from celery import shared_task

PONG = "pong"


@shared_task
def ping(reply_path: str = "") -> str:
    """Show that a worker is consuming the queue.

    Returns "pong"; with `reply_path`, also writes it to that file, so a process
    with no result backend (the worker round-trip test) can see the task ran.
    """
    if reply_path:
        Path(reply_path).write_text(PONG)
    return PONG
