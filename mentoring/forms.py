"""One way to answer a form: a domain error onto the form, one status and one message.

A view that refuses a submission shows the form again with its errors, answers 400
(the submission was refused; nothing changed) and says so in one wording, whatever the
app. A domain error is any exception with `.field` and `.message` (ProgrammeError and
the errors built on it): it lands on its field when the form has one, otherwise at the
top of the form.
"""

from __future__ import annotations

from typing import Any, Protocol

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

INVALID_FORM_MESSAGE = "Please correct the errors below."
INVALID_FORM_STATUS = 400


class DomainError(Protocol):
    field: str | None
    message: str


def form_error(form: forms.BaseForm, error: DomainError) -> None:
    """Put a domain error on the form: on its field if the form has it, else on the form."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


def refuse_form(request: HttpRequest) -> int:
    """Say the submission was refused; return the status to answer it with."""
    messages.error(request, INVALID_FORM_MESSAGE)
    return INVALID_FORM_STATUS


def render_form(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """Render a form page: 200 when asked for, 400 with the one message after a refused POST.

    For views that redirect on success and fall through to this render otherwise.
    """
    status = refuse_form(request) if request.method == "POST" else 200
    return render(request, template, context, status=status)
