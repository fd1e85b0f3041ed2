"""Run the project in a child process with an environment the test controls.

Settings are read once per process, so start-up behaviour (production checks,
generated secrets, the worker's broker) is tested in fresh processes. Each child
gets its own `VAR_DIR`, so it never touches the checkout's database, secrets or
broker folders.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

BASE_DIR = Path(__file__).resolve().parents[2]
SETTINGS_FILE = BASE_DIR / "mentoring" / "settings.py"
PYTHON = sys.executable
CELERY = str(Path(sys.executable).with_name("celery"))

_READ = re.compile(r"""(?:\benv(?:\.[a-z_]+)?|_secret)\(\s*["']([A-Z][A-Z0-9_]*)["']""")


def settings_variables() -> set[str]:
    """Every environment variable mentoring/settings.py reads."""
    return set(_READ.findall(SETTINGS_FILE.read_text()))


# Set by the test run itself (the browser tests relax Django's async guard), never by a
# deployment: a child process must not inherit them.
TEST_ONLY_VARIABLES = {"DJANGO_ALLOW_ASYNC_UNSAFE"}


def project_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """This process's environment without any setting variable, plus `overrides`."""
    dropped = settings_variables() | TEST_ONLY_VARIABLES
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env["DJANGO_SETTINGS_MODULE"] = "mentoring.settings"
    env["VAR_DIR"] = str(tmp_path / "var")
    env.update(overrides)
    return env


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """A complete, valid production configuration (with SQLite in `tmp_path`)."""
    values = {
        "MENTORING_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "mentoring.example.org",
        "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.org:587",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    values.update(overrides)
    return project_env(tmp_path, **values)


def manage(
    *args: str, env: dict[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (a fixed command of the project's own)
        [PYTHON, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
