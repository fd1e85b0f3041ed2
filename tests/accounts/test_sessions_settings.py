"""Session settings as each environment starts with them (read in a fresh process)."""

from __future__ import annotations

import json

from tests.project.processes import manage, production_env, project_env

PRINT_COOKIES = (
    "import json; from django.conf import settings as s; print(json.dumps({n: getattr(s, n) "
    "for n in ('SESSION_COOKIE_NAME', 'CSRF_COOKIE_NAME', 'SESSION_COOKIE_SECURE', "
    "'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_PATH', 'CSRF_COOKIE_PATH', 'SESSION_COOKIE_DOMAIN', "
    "'CSRF_COOKIE_DOMAIN', 'IDLE_TIMEOUT_MINUTES', 'IDLE_TIMEOUT_PRIVILEGED_MINUTES')}))"
)


def _settings(env: dict[str, str]) -> dict:
    result = manage("shell", "-c", PRINT_COOKIES, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_are_host_only_and_secure(tmp_path):
    values = _settings(production_env(tmp_path))

    # Browsers accept a __Host- cookie only if Secure, for Path=/ and without Domain.
    assert values["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert values["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    for kind in ("SESSION", "CSRF"):
        assert values[f"{kind}_COOKIE_SECURE"] is True
        assert values[f"{kind}_COOKIE_PATH"] == "/"
        assert values[f"{kind}_COOKIE_DOMAIN"] is None


def test_development_keeps_plain_cookie_names_that_work_over_http(tmp_path):
    values = _settings(project_env(tmp_path))

    assert values["SESSION_COOKIE_NAME"] == "sessionid"
    assert values["CSRF_COOKIE_NAME"] == "csrftoken"
    assert values["SESSION_COOKIE_SECURE"] is False


def test_idle_timeouts_default_to_thirty_minutes_and_four_hours(tmp_path):
    values = _settings(project_env(tmp_path))

    assert values["IDLE_TIMEOUT_PRIVILEGED_MINUTES"] == 30
    assert values["IDLE_TIMEOUT_MINUTES"] == 240


def test_idle_timeouts_are_read_from_the_environment(tmp_path):
    env = project_env(tmp_path, IDLE_TIMEOUT_PRIVILEGED_MINUTES="15", IDLE_TIMEOUT_MINUTES="90")

    values = _settings(env)

    assert values["IDLE_TIMEOUT_PRIVILEGED_MINUTES"] == 15
    assert values["IDLE_TIMEOUT_MINUTES"] == 90
