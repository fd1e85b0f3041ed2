"""Run the project in a child process with an environment the test controls.

Settings are read once per process, so start-up behaviour (production checks,
generated secrets, the worker's broker) is tested in fresh processes. Each child
gets its own `VAR_DIR`, so it never touches the checkout's database, secrets or
broker folders.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

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
        "SITE_URL": "https://mentoring.example.org",
        "DEFAULT_FROM_EMAIL": "Mentoring <noreply@mentoring.example.org>",
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


# --- Long-running children: Celery workers and beats, a private Redis ------------------

TEST_CELERY_APP = "tests.support.celery_app"
REDIS_SERVER = "/usr/bin/redis-server"


def celery_command(app: str, *args: str) -> list[str]:
    return [CELERY, "-A", app, *args]


def worker_command(name: str, *, app: str = TEST_CELERY_APP, queue: str = "celery") -> list[str]:
    """A solo worker (one task at a time, like a prefork child) named `name`."""
    return celery_command(
        app, "worker", "--pool=solo", "--concurrency=1", "--queues", queue,
        "--hostname", f"{name}@%h", "--without-mingle", "--without-gossip",
        "--without-heartbeat", "--loglevel=INFO",
    )  # fmt: skip


def beat_command(schedule: Path, *, app: str = TEST_CELERY_APP) -> list[str]:
    """A beat with its own schedule file (two beats must not share one)."""
    return celery_command(app, "beat", "--schedule", str(schedule), "--loglevel=INFO")


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    """Start a child in its own process group, its output going to `log`."""
    with log.open("a") as out:
        return subprocess.Popen(  # noqa: S603 (the project's own commands)
            command,
            cwd=BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(process: subprocess.Popen, *, kill: bool = False, timeout: float = 10) -> None:
    """Stop a child started by `start`: SIGTERM (a warm shutdown) or, with `kill`, SIGKILL."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL if kill else signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout)


@contextlib.contextmanager
def running(env: dict[str, str], logs: Path):
    """Start children with `launch(name, command)`; all are stopped on the way out."""
    children: list[subprocess.Popen] = []

    def launch(name: str, command: list[str], **extra_env: str) -> subprocess.Popen:
        child = start(command, {**env, **extra_env}, logs / f"{name}.log")
        children.append(child)
        return child

    try:
        yield launch
    finally:
        for child in reversed(children):
            stop(child)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A private redis-server on a free port, so a test may stop or flush it freely."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.folder = folder
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        command = [
            REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--dir", str(self.folder),
        ]  # fmt: skip
        self.process = start(command, dict(os.environ), self.folder / "redis.log")
        deadline = time.monotonic() + 10
        while not self.ping():
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError((self.folder / "redis.log").read_text())
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None

    def client(self):
        import redis

        return redis.Redis.from_url(self.url, socket_connect_timeout=1)

    def ping(self) -> bool:
        try:
            return bool(self.client().ping())
        except Exception:  # noqa: BLE001 - not up (yet)
            return False


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL for the database a test process is using (the test database)."""
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host, port = settings_dict.get("HOST") or "127.0.0.1", settings_dict.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{settings_dict['NAME']}"
