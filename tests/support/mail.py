"""An email backend that writes each message to its own JSON file, optionally slowly.

Set `EMAIL_BACKEND=tests.support.mail.EmailBackend` and `EMAIL_FILE_PATH` in a child
process's environment; the test then counts the files. `TEST_MAIL_DELAY` (seconds)
makes every send first leave a `sending-<pid>` marker and sleep, so a test can kill
the worker in the middle of a send, before the mail server has the message.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

DELAY_VARIABLE = "TEST_MAIL_DELAY"


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        folder = Path(settings.EMAIL_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        delay = float(os.environ.get(DELAY_VARIABLE) or 0)
        for message in email_messages:
            if delay:
                (folder / f"sending-{os.getpid()}").write_text(message.subject)
                time.sleep(delay)
            _write(folder, message)
        return len(email_messages)


def _write(folder: Path, message) -> None:
    record = {
        "to": list(message.to),
        "subject": message.subject,
        "body": message.body,
        "html": [content for content, kind in message.alternatives if kind == "text/html"],
        "pid": os.getpid(),
    }
    # Written aside, then renamed: a reader never sees half a message.
    name = f"{time.time_ns()}-{uuid.uuid4().hex}"
    partial = folder / f".{name}.tmp"
    partial.write_text(json.dumps(record))
    partial.rename(folder / f"{name}.json")


def messages(folder: Path) -> list[dict]:
    """Every message written so far, oldest first."""
    if not folder.exists():
        return []
    return [json.loads(path.read_text()) for path in sorted(folder.glob("*.json"))]


def sending_markers(folder: Path) -> list[Path]:
    return sorted(folder.glob("sending-*")) if folder.exists() else []
