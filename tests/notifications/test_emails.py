"""Sending email: rendered from three templates, sent only once the change commits."""

from __future__ import annotations

import copy

import pytest
from django.core import mail
from django.db import transaction

from mentoring.notifications.emails import build_email, html_from_text, send_email

pytestmark = pytest.mark.django_db

TEMPLATES = {
    "emails/greeting_subject.txt": "{% autoescape off %}Hello\n  {{ name }}{% endautoescape %}\n",
    "emails/greeting_body.txt": "{% autoescape off %}Dear {{ name }},\n\n"
    "See {{ SITE_URL }}/programmes/{% endautoescape %}\n\n",
    "emails/greeting_body.html": '{% extends "emails/layout.html" %}'
    "{% block body %}<p>Dear {{ name }},</p>{% endblock %}",
}


@pytest.fixture(autouse=True)
def greeting_templates(settings, tmp_path):
    """A test-only email, so these tests do not depend on any feature's wording."""
    for name, text in TEMPLATES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [tmp_path, *templates[0]["DIRS"]]
    settings.TEMPLATES = templates


def test_an_email_has_a_plain_text_and_an_html_part(settings):
    msg = build_email("greeting", to=["maya@example.org"], context={"name": "Maya & Sam"})
    assert msg.subject == f"[{settings.SITE_NAME}] Hello Maya & Sam"  # one line
    assert msg.to == ["maya@example.org"]
    assert msg.from_email == settings.DEFAULT_FROM_EMAIL
    assert msg.body == f"Dear Maya & Sam,\n\nSee {settings.SITE_URL}/programmes/\n"
    [(html, mimetype)] = msg.alternatives
    assert mimetype == "text/html"
    assert "<p>Dear Maya &amp; Sam,</p>" in html
    assert settings.SITE_NAME in html and settings.SUPPORT_EMAIL in html  # the layout


def test_an_email_is_sent_only_when_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        send_email("greeting", to=["maya@example.org"], context={"name": "Maya"})
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].alternatives


def test_a_rolled_back_change_sends_nothing(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        send_email("greeting", to=["maya@example.org"], context={"name": "Maya"})
        raise RuntimeError("the change failed")
    assert callbacks == []
    assert mail.outbox == []


def test_a_plain_text_body_is_laid_into_the_html_layout_safely(settings):
    html = html_from_text(
        "Hello <script>alert(1)</script>\n\nSee https://example.org/help", subject="Hi"
    )
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<a href="https://example.org/help"' in html
    assert "<title>Hi</title>" in html and settings.SITE_NAME in html
