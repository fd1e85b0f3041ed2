"""The two findings behind the payload walk, on the fixed cast: a question's hint on the
apply page, and people's names in meeting email subjects, text and HTML parts."""

from __future__ import annotations

import pytest
import time_machine
from crispy_forms.utils import render_crispy_form
from django import forms
from django.urls import reverse
from django.utils.html import format_html

from mentoring.notifications.emails import build_email
from programmes.models import ApplicationQuestion
from sessions.services.booking import meeting_book, meeting_cancel
from tests.sessions.booking_setup import NOW, london, make_mentorship, monday_mornings

pytestmark = pytest.mark.django_db

HINT = "Say <b>which</b> site.<script>alert('hint')</script>\"'><img src=x onerror=alert(1)>"
ESCAPED_HINT = (
    "Say &lt;b&gt;which&lt;/b&gt; site.&lt;script&gt;alert(&#x27;hint&#x27;)&lt;/script&gt;"
    "&quot;&#x27;&gt;&lt;img src=x onerror=alert(1)&gt;"
)


@pytest.fixture
def hinted_question(programme):
    return ApplicationQuestion.objects.create(
        programme=programme, text="Where do you work? <i>O'Brien</i>", help_text=HINT, position=1
    )


@pytest.mark.parametrize("who", ["other_coordinator", "coordinator", "mentee", "outsider"])
def test_the_apply_page_shows_a_question_hint_as_text_to_everyone(
    who, request, client, programme, hinted_question
):
    client.force_login(request.getfixturevalue(who))
    for role in ("mentor", "mentee"):
        response = client.get(reverse("programmes:apply", args=[programme.slug, role]))
        if response.status_code != 200:  # already a member in that role
            continue
        body = response.content.decode()
        assert "<script>alert(" not in body and "<img src=x" not in body
        assert ESCAPED_HINT in body
        assert "Where do you work? &lt;i&gt;O&#x27;Brien&lt;/i&gt;" in body


def test_anonymous_visitors_are_sent_to_sign_in_before_the_apply_page(
    client, programme, hinted_question
):
    response = client.get(reverse("programmes:apply", args=[programme.slug, "mentee"]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_crispy_escapes_plain_help_text_but_keeps_safe_help_text():
    class Form(forms.Form):
        plain = forms.CharField(help_text="<b>typed</b>")
        safe = forms.CharField(help_text=format_html("<b>{}</b>", "ours"))

    html = render_crispy_form(Form())
    assert "&lt;b&gt;typed&lt;/b&gt;" in html
    assert "<b>ours</b>" in html


# Emails ---------------------------------------------------------------------------------


@pytest.fixture
def irish_pair(programme, mentor, mentee):
    mentor.full_name = "Dr Aoife O'Brien <script>alert(1)</script>"
    mentor.save(update_fields=["full_name"])
    mentee.full_name = 'Dr Seán "Sid" D\'Arcy & Co'
    mentee.save(update_fields=["full_name"])
    monday_mornings(mentor)
    return make_mentorship(programme, mentor, mentee)


def _html(msg) -> str:
    return next(content for content, kind in msg.alternatives if kind == "text/html")


def test_meeting_emails_show_names_as_typed_in_subject_and_text_and_escaped_in_html(
    irish_pair, mentor, mentee, mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            meeting = meeting_book(
                mentorship=irish_pair, by=mentee, starts_at=london(2026, 10, 19, 9), mode="video"
            )
        with django_capture_on_commit_callbacks(execute=True):
            meeting_cancel(meeting=meeting, by=mentor, reason="Clinic <overran>, sorry")
    to_mentee = [m for m in mailoutbox if m.to == [mentee.email]]
    assert len(to_mentee) == 2
    booked, cancelled = to_mentee
    assert "Meeting booked with Dr Aoife O'Brien <script>alert(1)</script>" in booked.subject
    assert "Dr Aoife O'Brien <script>alert(1)</script>" in cancelled.subject
    assert "Clinic <overran>, sorry" in cancelled.body
    for msg in mailoutbox:
        assert "&#x27;" not in msg.subject + msg.body
        assert "&lt;" not in msg.subject + msg.body
        assert "&quot;" not in msg.subject + msg.body
        html = _html(msg)
        assert "<script>alert(1)" not in html
    assert "Dr Aoife O&#x27;Brien &lt;script&gt;alert(1)&lt;/script&gt;" in _html(booked)
    to_mentor = [m for m in mailoutbox if m.to == [mentor.email]]
    assert 'Dr Seán "Sid" D\'Arcy & Co' in to_mentor[0].subject
    assert "Dr Seán &quot;Sid&quot; D&#x27;Arcy &amp; Co" in _html(to_mentor[0])


def test_the_in_app_notification_title_is_the_subject_as_typed(
    irish_pair, mentor, mentee, client, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            meeting_book(
                mentorship=irish_pair, by=mentee, starts_at=london(2026, 10, 19, 9), mode="video"
            )
        client.force_login(mentor)
        body = client.get(reverse("notifications:list")).content.decode()
    assert "Dr Seán &quot;Sid&quot; D&#x27;Arcy &amp; Co" in body
    assert "&amp;#x27;" not in body and "&amp;quot;" not in body


def test_subjects_and_text_parts_are_not_escaped_even_without_autoescape_off(
    irish_pair, mentor, programme
):
    # agreement_confirmed's templates have no {% autoescape off %} of their own.
    mentor.preferred_name = "O'Brien <b>"
    programme.name = "Leeds & Bradford <Mentoring>"
    context = {
        "recipient": mentor,
        "actor": mentor,
        "programme": programme,
        "mentorship": irish_pair,
        "version": 2,
    }
    msg = build_email("agreement_confirmed", to=[mentor.email], context=context)
    assert "O'Brien <b> has confirmed" in msg.subject
    assert "Leeds & Bradford <Mentoring>" in msg.body
    assert "Leeds &amp; Bradford &lt;Mentoring&gt;" in _html(msg)
