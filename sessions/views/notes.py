"""Session notes, reflections, action points and the mentoring agreement.

Members only: coordinators (and everyone else) get 404 here, whatever the id.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from matching.models import Mentorship
from mentoring.accounts.redirects import safe_next_url
from mentoring.forms import form_error, render_form

from .. import frameworks
from ..errors import MeetingError
from ..forms.notes import (
    ActionItemFormSet,
    AgreementForm,
    FrameworkChoiceForm,
    NoteForm,
    ReflectionForm,
    action_items_from,
)
from ..models import ActionItem, Meeting, Reflection, SessionNote
from ..selectors.notes import agreement_of, my_open_action_items
from ..services import agreements as agreement_services
from ..services import notes as note_services

PER_PAGE = 25


def _my_meeting(request, meeting_pk: int) -> Meeting:
    user = request.user
    return get_object_or_404(
        Meeting.objects.visible_to(user)
        .of_member(user)
        .select_related("mentorship__programme", "mentor__profile", "mentee"),
        pk=meeting_pk,
    )


def _my_mentorship(request, mentorship_pk: int) -> Mentorship:
    user = request.user
    return get_object_or_404(
        Mentorship.objects.visible_to(user)
        .of_member(user)
        .select_related("programme", "mentor", "mentee"),
        pk=mentorship_pk,
    )


def _mentorship_url(mentorship_id: int) -> str:
    return reverse("matching:mentorship_detail", kwargs={"pk": mentorship_id})


def _note_of(meeting: Meeting) -> SessionNote | None:
    return SessionNote.objects.filter(meeting=meeting).first()


@login_required
def note_edit(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    """A meeting's note: the mentor writes it, the mentee reads what is shared of it."""
    meeting = _my_meeting(request, meeting_pk)
    if request.user.pk != meeting.mentor_id:
        return note_shared(request, meeting)
    return note_write(request, meeting)


def _action_items_of(meeting: Meeting):
    return ActionItem.objects.filter(meeting=meeting).order_by("pk")


def note_shared(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    """The mentee: the shared summary and the action points, nothing else."""
    note = _note_of(meeting)
    return render(
        request,
        "sessions/note_shared.html",
        {
            "meeting": meeting,
            "summary": note.shared_summary if note else "",
            "has_note": bool(note),
            "items": _action_items_of(meeting),
            "mentorship": meeting.mentorship,
        },
    )


def _note_framework(
    request: HttpRequest, meeting: Meeting, note: SessionNote | None
) -> frameworks.NoteFramework:
    """The framework asked for (the form's choice), else the note's, else the programme's."""
    key = (
        request.POST.get("framework") if request.method == "POST" else request.GET.get("framework")
    )
    return frameworks.get(key or "") or frameworks.get(
        note.framework if note else frameworks.default_for(meeting.mentorship.programme)
    )


def _note_blank_form(note: SessionNote | None, framework: frameworks.NoteFramework) -> NoteForm:
    """The form as first shown: the note's answers, or its shared text under a new framework."""
    initial = NoteForm.initial_from(note if note and note.framework == framework.key else None)
    if note and note.framework != framework.key:
        initial.update(
            shared_summary=note.shared_summary or "",
            private_notes=note.private_notes or "",
            tags=note.tags,
        )
    return NoteForm(initial=initial, framework=framework)


def _note_saved(request: HttpRequest, meeting: Meeting, form, formset) -> bool:
    try:
        note_services.note_save(
            meeting=meeting,
            author=request.user,
            data=form.note_data(),
            action_items=action_items_from(formset),
        )
    except MeetingError as error:
        form_error(form, error)
        return False
    return True


def note_write(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    """The mentor: write or revise the note once the meeting has taken place."""
    if meeting.status == Meeting.Status.CANCELLED or not note_services.meeting_is_over(meeting):
        messages.error(request, "You can write the note once the meeting has taken place.")
        return redirect(_mentorship_url(meeting.mentorship_id))
    note = _note_of(meeting)
    framework = _note_framework(request, meeting, note)
    if request.method == "POST":
        form = NoteForm(request.POST, framework=framework)
        formset = ActionItemFormSet(request.POST, prefix="items")
        if form.is_valid() and formset.is_valid() and _note_saved(request, meeting, form, formset):
            messages.success(request, "Your note is saved.")
            return redirect(_mentorship_url(meeting.mentorship_id))
    else:
        form = _note_blank_form(note, framework)
        formset = ActionItemFormSet(prefix="items")
    choice_form = FrameworkChoiceForm(initial={"framework": framework.key}, mentor=meeting.mentor)
    return render_form(
        request,
        "sessions/note_edit.html",
        {
            "meeting": meeting,
            "mentorship": meeting.mentorship,
            "note": note,
            "form": form,
            "formset": formset,
            "framework": framework,
            "choice_form": choice_form,
            "items": _action_items_of(meeting),
        },
    )


@login_required
def reflection_edit(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    meeting = _my_meeting(request, meeting_pk)
    if request.user.pk != meeting.mentee_id:
        raise Http404("Not found")
    reflection = Reflection.objects.filter(meeting=meeting, author=request.user).first()
    if request.method == "POST":
        form = ReflectionForm(request.POST)
        if form.is_valid():
            try:
                saved = note_services.reflection_save(
                    meeting=meeting, author=request.user, text=form.cleaned_data["text"]
                )
            except MeetingError as error:
                form_error(form, error)
            else:
                messages.success(
                    request,
                    "Your reflections are saved." if saved else "Your reflections are removed.",
                )
                return redirect(_mentorship_url(meeting.mentorship_id))
    else:
        form = ReflectionForm(initial={"text": reflection.text if reflection else ""})
    return render_form(
        request,
        "sessions/reflection_edit.html",
        {
            "meeting": meeting,
            "mentorship": meeting.mentorship,
            "form": form,
            "reflection": reflection,
        },
    )


@login_required
def action_items(request):
    show_done = request.GET.get("show") == "done"
    page_obj = Paginator(
        my_open_action_items(user=request.user, done=show_done), PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request, "sessions/action_items.html", {"page_obj": page_obj, "show_done": show_done}
    )


@login_required
@require_POST
def action_item_toggle(request, pk: int):
    get_object_or_404(ActionItem.objects.visible_to(request.user), pk=pk)
    try:
        item = note_services.action_item_toggle(item_id=pk, user=request.user)
    except MeetingError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, "Marked as done. Well done." if item.done_at else "Marked as not done yet."
        )
    return redirect(safe_next_url(request) or reverse("meetings:action_items"))


@login_required
def agreement_edit(request: HttpRequest, mentorship_pk: int) -> HttpResponse:
    mentorship = _my_mentorship(request, mentorship_pk)
    agreement = agreement_of(mentorship=mentorship)
    if request.method == "POST":
        form = AgreementForm(request.POST)
        if form.is_valid():
            try:
                agreement_services.agreement_save(
                    mentorship=mentorship, author=request.user, data=form.cleaned_data
                )
            except MeetingError as error:
                form_error(form, error)
            else:
                messages.success(
                    request,
                    "The agreement is revised. You can both confirm it now."
                    if agreement
                    else "The agreement is drafted. You can both confirm it now.",
                )
                return redirect("meetings:agreement_edit", mentorship_pk=mentorship.pk)
    else:
        initial = (
            {f: getattr(agreement, f) for f in agreement_services.FIELDS}
            if agreement
            else agreement_services.agreement_defaults(mentorship=mentorship)
        )
        form = AgreementForm(initial=initial)
    is_mentor = request.user.pk == mentorship.mentor_id
    my_confirmed = None
    if agreement:
        my_confirmed = agreement.mentor_confirmed_at if is_mentor else agreement.mentee_confirmed_at
    return render_form(
        request,
        "sessions/agreement_edit.html",
        {
            "mentorship": mentorship,
            "agreement": agreement,
            "form": form,
            "is_mentor": is_mentor,
            "my_confirmed": my_confirmed,
            "other": mentorship.mentee if is_mentor else mentorship.mentor,
        },
    )


@login_required
@require_POST
def agreement_confirm(request, mentorship_pk: int):
    mentorship = _my_mentorship(request, mentorship_pk)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        agreement_services.agreement_confirm(
            mentorship=mentorship, user=request.user, version=version
        )
    except MeetingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "You have confirmed the agreement.")
    return redirect("meetings:agreement_edit", mentorship_pk=mentorship.pk)
