"""Response headers that protect every page: the Content-Security-Policy and no-store."""

from __future__ import annotations

import json
import logging
import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.sessions.notes_setup import make_meeting, make_mentorship
from wellbeing.services.checkins import checkin_record

from .processes import BASE_DIR

pytestmark = pytest.mark.django_db

TEMPLATES = BASE_DIR / "templates"
# Emails and the downloaded data summary are read outside the site: no policy applies.
OUTSIDE_THE_SITE = ("emails/", "account/email/", "wellbeing/export_summary.html")


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


# --- Content-Security-Policy -----------------------------------------------------------


def test_every_page_carries_a_policy_without_inline_script_or_eval(client, mentee):
    client.force_login(mentee)
    policy = _policy(client.get(reverse("home")))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"][0] == "'self'"
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["report-uri"] == [reverse("csp_report")]
    joined = " ".join(v for values in policy.values() for v in values)
    assert "unsafe-inline" not in joined and "unsafe-eval" not in joined


def test_the_sign_in_page_and_error_pages_carry_the_policy_too(client):
    assert "Content-Security-Policy" in client.get(reverse("account_login"))
    assert "Content-Security-Policy" in client.get("/no-such-page/")


def test_htmx_is_configured_to_need_no_eval_and_no_inline_styles(client, mentee):
    client.force_login(mentee)
    body = client.get(reverse("home")).content.decode()
    config = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", body)
    assert config, "base.html must configure htmx"
    assert json.loads(config.group(1)) == {
        "allowEval": False,
        "allowScriptTags": False,
        "includeIndicatorStyles": False,
        "historyCacheSize": 0,
    }


def _site_templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        if not name.startswith(OUTSIDE_THE_SITE):
            yield name, path.read_text()


def test_no_site_template_has_an_inline_script_style_event_handler_or_eval():
    found = []
    for name, text in _site_templates():
        for script in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in script and 'type="application/json"' not in script:
                found.append(f"{name}: {script}")
        found += [f"{name}: {m}" for m in re.findall(r"<style\b|\sstyle=\"", text)]
        found += [f"{name}: {m}" for m in re.findall(r"\son[a-z]+=\"", text)]
        # htmx attributes that evaluate JavaScript, and javascript: links.
        found += [f"{name}: {m}" for m in re.findall(r"\shx-(?:on[:-]|vars=)|javascript:", text)]
    assert not found, "\n".join(found)


def test_a_violation_report_is_logged_without_query_strings_and_stores_nothing(caplog):
    report = {
        "csp-report": {
            "document-uri": "https://mentoring.example.org/wellbeing/check-ins/4/?q=secret",
            "violated-directive": "script-src-elem",
            "effective-directive": "script-src-elem",
            "blocked-uri": "inline",
            "script-sample": "alert('private text')",
        }
    }
    client = Client(enforce_csrf_checks=True)  # browsers send no CSRF token
    with caplog.at_level(logging.WARNING, logger="mentoring.security.csp"):
        response = client.post(
            reverse("csp_report"), json.dumps(report), content_type="application/csp-report"
        )
    assert response.status_code == 204
    (record,) = [r for r in caplog.records if r.name == "mentoring.security.csp"]
    assert record.levelno == logging.WARNING
    message = record.getMessage()
    assert "script-src-elem" in message and "/wellbeing/check-ins/4/" in message
    assert "secret" not in message and "private text" not in message


def test_a_violation_report_must_be_a_small_json_post(client, caplog):
    url = reverse("csp_report")
    assert client.get(url).status_code == 405
    assert client.post(url, "not json", content_type="application/json").status_code == 400
    assert client.post(url, "[1]", content_type="application/json").status_code == 400
    large = json.dumps({"csp-report": {"blocked-uri": "x" * 10_000}})
    assert client.post(url, large, content_type="application/json").status_code == 413
    assert not [r for r in caplog.records if r.name == "mentoring.security.csp"]


# --- No browser caching of confidential pages -----------------------------------------


def _assert_not_stored(response, what):
    assert response.status_code == 200, what
    cache_control = response.get("Cache-Control", "")
    assert "no-store" in cache_control and "private" in cache_control, what
    assert response.get("Pragma") == "no-cache", what


@pytest.fixture
def confidential_pages(programme, mentor, mentee):
    mentorship = make_mentorship(programme, mentor, mentee)
    meeting = make_meeting(mentorship)
    checkin = checkin_record(user=mentee, programme=programme, answers=[3, 3, 3, 3, 3])
    return {
        "profile": (mentee, reverse("accounts:profile")),
        "matching preferences": (mentee, reverse("accounts:preferences")),
        "check-in": (mentee, reverse("wellbeing:checkin_result", args=[checkin.pk])),
        "check-ins": (mentee, reverse("wellbeing:checkin_home")),
        "support requests": (mentee, reverse("wellbeing:support_requests")),
        "mentorship": (mentee, reverse("matching:mentorship_detail", args=[mentorship.pk])),
        "session note": (mentor, reverse("meetings:note_edit", args=[meeting.pk])),
        "reflection": (mentee, reverse("meetings:reflection_edit", args=[meeting.pk])),
        "my data": (mentee, reverse("wellbeing:my_data")),
        "data download": (mentee, reverse("wellbeing:data_export")),
    }


def test_pages_with_confidential_records_are_never_stored_by_the_browser(
    client, confidential_pages
):
    for what, (person, url) in confidential_pages.items():
        client.force_login(person)
        _assert_not_stored(client.get(url), what)


def test_every_response_to_a_signed_in_person_is_not_stored(client, mentee):
    client.force_login(mentee)
    response = client.get(reverse("healthz"))
    assert "no-store" in response["Cache-Control"]


def test_pages_for_anyone_are_not_stored_either(client):
    _assert_not_stored(client.get(reverse("account_login")), "sign-in page")
    _assert_not_stored(client.get(reverse("support")), "support page")


def test_static_files_are_served_before_no_store_and_keep_their_cache(settings):
    middleware = settings.MIDDLEWARE
    whitenoise = middleware.index("whitenoise.middleware.WhiteNoiseMiddleware")
    assert middleware.index("mentoring.middleware.NoStoreMiddleware") > whitenoise


def test_a_file_for_anyone_that_is_not_a_page_keeps_its_own_caching(rf):
    from django.http import HttpResponse

    from mentoring.middleware import NoStoreMiddleware

    request = rf.get("/feed.ics")

    def feed(request):
        return HttpResponse("BEGIN:VCALENDAR", content_type="text/calendar")

    response = NoStoreMiddleware(feed)(request)  # no request.user: nobody signed in
    assert "Cache-Control" not in response


def test_a_coordinator_and_an_outsider_get_no_store_on_their_pages(client, coordinator, outsider):
    for person in (coordinator, outsider):
        client.force_login(person)
        _assert_not_stored(client.get(reverse("home")), person.email)
