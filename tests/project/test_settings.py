"""Start-up configuration: production is safe or refuses to start; development just works."""

from __future__ import annotations

import os
import re
import stat
import subprocess
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from .processes import (
    BASE_DIR,
    PYTHON,
    manage,
    production_env,
    project_env,
    settings_variables,
)

PRINT_SETTINGS = (
    "from django.conf import settings as s; "
    "print(s.DEBUG, s.SECRET_KEY, ','.join(s.FIELD_ENCRYPTION_KEYS), sep='|')"
)


def _printed_settings(env: dict[str, str]) -> list[str]:
    result = manage("shell", "-c", PRINT_SETTINGS, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1].split("|")


def test_production_configuration_passes_every_deploy_check(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    "variable",
    [
        "SECRET_KEY",
        "FIELD_ENCRYPTION_KEY",
        "ALLOWED_HOSTS",
        "EMAIL_URL",
        "SITE_URL",
        "DEFAULT_FROM_EMAIL",
    ],
)
@pytest.mark.parametrize("how", ["unset", "empty"])
def test_production_refuses_to_start_without_a_required_variable(tmp_path, variable, how):
    env = production_env(tmp_path)
    if how == "unset":
        del env[variable]
    else:
        env[variable] = ""
    result = manage("check", env=env)
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in last_line
    assert f"{variable} is not set" in last_line


@pytest.mark.parametrize(
    "site_url", ["http://mentoring.example.org", "mentoring.example.org", "ftp://example.org"]
)
def test_production_refuses_a_site_url_that_is_not_https(tmp_path, site_url):
    result = manage("check", env=production_env(tmp_path, SITE_URL=site_url))
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in last_line
    assert "SITE_URL must start with https://" in last_line


def _setting(env: dict[str, str], name: str) -> str:
    result = manage(
        "shell", "-c", f"from django.conf import settings; print(settings.{name})", env=env
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_production_uses_the_site_url_and_sender_it_is_given(tmp_path):
    env = production_env(tmp_path, SITE_URL="https://mentoring.example.org/")
    assert _setting(env, "SITE_URL") == "https://mentoring.example.org"
    assert _setting(env, "DEFAULT_FROM_EMAIL") == "Mentoring <noreply@mentoring.example.org>"


MAIL_SETTINGS = (
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
)


def _mail_settings(env: dict[str, str]) -> list[str]:
    names = ", ".join(f"s.{name}" for name in MAIL_SETTINGS)
    result = manage(
        "shell", "-c", f"from django.conf import settings as s; print({names}, sep='|')", env=env
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1].split("|")


@pytest.mark.parametrize(
    ("email_url", "expected"),
    [
        (
            "smtp+tls://mailer:secret@smtp.example.org:587",
            ["smtp.example.org", "587", "mailer", "secret", "True", "False"],
        ),
        (
            "smtp+ssl://mailer:secret@smtp.example.org:465",
            ["smtp.example.org", "465", "mailer", "secret", "False", "True"],
        ),
    ],
)
def test_production_sends_mail_over_the_smtp_server_of_email_url(tmp_path, email_url, expected):
    backend, *server = _mail_settings(production_env(tmp_path, EMAIL_URL=email_url))
    assert backend == "django.core.mail.backends.smtp.EmailBackend"
    assert server == expected


def test_in_development_mail_goes_to_the_console(tmp_path):
    backend, *server = _mail_settings(project_env(tmp_path))
    assert backend == "django.core.mail.backends.console.EmailBackend"
    assert server == ["None", "None", "None", "None", "False", "False"]


def test_in_development_the_site_url_follows_the_port(tmp_path):
    assert _setting(project_env(tmp_path), "SITE_URL") == "http://127.0.0.1:8000"
    assert _setting(project_env(tmp_path, PORT="9000"), "SITE_URL") == "http://127.0.0.1:9000"
    named = project_env(tmp_path, PORT="9000", SITE_URL="http://mentoring.test:9000/")
    assert _setting(named, "SITE_URL") == "http://mentoring.test:9000"


def test_the_image_build_step_gives_production_settings_every_value_they_need(tmp_path):
    """The Dockerfile's collectstatic step runs with production settings and throwaway values."""
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    step = re.search(
        r"^RUN (MENTORING_ENV=production.*?collectstatic --noinput)$",
        dockerfile,
        flags=re.MULTILINE | re.DOTALL,
    )
    assert step, "the Dockerfile collects static files with production settings"
    command = step.group(1).replace("collectstatic --noinput", "check --fail-level ERROR")
    command = command.replace("sqlite:////tmp/build.sqlite3", f"sqlite:///{tmp_path}/build.sqlite3")
    env = project_env(tmp_path, PATH=f"{Path(PYTHON).parent}:{os.environ['PATH']}")
    result = subprocess.run(  # noqa: S603 (the project's own build step)
        ["/bin/sh", "-c", command],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_production_refuses_an_invalid_field_encryption_key(tmp_path):
    env = production_env(tmp_path, FIELD_ENCRYPTION_KEY="not-a-fernet-key")
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEY must be one or more Fernet keys" in result.stderr


def test_several_field_encryption_keys_are_accepted_newest_first(tmp_path):
    new, old = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    env = production_env(tmp_path, FIELD_ENCRYPTION_KEY=f"{new}, {old}")
    _debug, _secret, keys = _printed_settings(env)
    assert keys.split(",") == [new, old]


def test_debug_is_off_unless_set(tmp_path):
    debug, _secret, _keys = _printed_settings(project_env(tmp_path))
    assert debug == "False"
    debug, _secret, _keys = _printed_settings(project_env(tmp_path, DEBUG="1"))
    assert debug == "True"


def test_development_generates_secrets_once_and_keeps_them(tmp_path):
    env = project_env(tmp_path)
    first = _printed_settings(env)
    second = _printed_settings(env)
    assert first == second
    _debug, secret_key, keys = first
    assert len(secret_key) >= 50
    Fernet(keys.encode())  # a usable key
    for name in ("dev-secret-key", "dev-field-encryption-key"):
        mode = (tmp_path / "var" / name).stat().st_mode
        assert stat.S_IMODE(mode) == 0o600, name


def test_env_example_documents_every_setting_variable():
    example = (BASE_DIR / ".env.example").read_text()
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", example, flags=re.MULTILINE))
    missing = settings_variables() - documented
    assert not missing, f".env.example does not document: {sorted(missing)}"


def test_env_example_explains_each_variable_in_a_comment_above_it():
    assignment = re.compile(r"^#?\s*[A-Z][A-Z0-9_]*=")
    lines = (BASE_DIR / ".env.example").read_text().splitlines()
    for number, line in enumerate(lines):
        if assignment.match(line):
            previous = lines[number - 1] if number else ""
            explained = previous.startswith("#") and not assignment.match(previous)
            assert explained, f"line {number + 1} has no comment above it: {line}"
