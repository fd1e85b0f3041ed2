"""The mentee's "how did it go?" page: from the meeting page or a signed link in the email.

A link only chooses the rating shown; it is recorded when the mentee presses "Send"
(mail scanners follow links). Anyone but the signed-in mentee of that meeting gets 404,
whatever the link or id, and so does a link that was tampered with or has expired.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from mentoring.forms import form_error, refuse_form

from ..errors import MeetingError
from ..forms.feedback import FeedbackForm
from ..models import Meeting, MeetingFeedback
from ..selectors import zone_of
from ..services.feedback import can_give_feedback, feedback_record, feedback_token_read


def _mentees_meeting(request, pk: int) -> Meeting:
    user = request.user
    return get_object_or_404(
        Meeting.objects.visible_to(user).filter(mentee=user).select_related("mentor"), pk=pk
    )


def _feedback_page(
    request: HttpRequest, meeting: Meeting, *, chosen: int | None = None
) -> HttpResponse:
    if not can_give_feedback(meeting):
        messages.info(request, "You can say how it went once the meeting has taken place.")
        return redirect("meetings:meeting_detail", pk=meeting.pk)
    current = MeetingFeedback.objects.visible_to(request.user).filter(meeting=meeting).first()
    initial = chosen or (current.rating if current else None)
    posted = request.POST if request.method == "POST" else None
    form = FeedbackForm(posted, initial={"rating": initial})
    if request.method == "POST" and form.is_valid():
        try:
            feedback_record(meeting=meeting, by=request.user, rating=form.cleaned_data["rating"])
        except MeetingError as error:
            form_error(form, error)
        else:
            messages.success(request, "Thank you: your rating is saved.")
            return redirect("meetings:meeting_detail", pk=meeting.pk)
    context = {"meeting": meeting, "form": form, "current": current, "zone": zone_of(request.user)}
    status = refuse_form(request) if form.errors else 200
    return render(request, "sessions/feedback.html", context, status=status)


@login_required
def feedback(request, pk: int):
    return _feedback_page(request, _mentees_meeting(request, pk))


@login_required
def feedback_link(request, token: str):
    try:
        link = feedback_token_read(token)
    except signing.BadSignature as error:
        raise Http404("This link is not valid.") from error
    if link.mentee_id != request.user.pk:
        raise Http404("This link is for someone else.")
    return _feedback_page(request, _mentees_meeting(request, link.meeting_id), chosen=link.rating)
