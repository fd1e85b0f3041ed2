"""Matching runs for a programme's coordinators: propose, adjust, re-run, publish."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from programmes.access import coordinator_required

from ..errors import MatchingError
from ..forms.runs import PairActionForm
from ..models import MatchingRun, Mentorship
from ..selectors import runs as selectors
from ..services import runs as services
from ..services.mentorships import matching_settings_for

RUNS_PER_PAGE = 25
PAIRS_PER_PAGE = 50
UNMATCHED_PER_PAGE = 25


def _run_for(request, programme, pk) -> MatchingRun:
    runs = MatchingRun.objects.visible_to(request.user).filter(programme=programme)
    return get_object_or_404(runs.select_related("created_by", "published_by"), pk=pk)


def _detail_url(programme, run, page=None) -> str:
    url = reverse("matching:run_detail", kwargs={"slug": programme.slug, "pk": run.pk})
    return f"{url}?{urlencode({'page': page})}" if page else url


def _pair_url(programme, run, pair) -> str:
    return reverse(
        "matching:pair_action", kwargs={"slug": programme.slug, "pk": run.pk, "pair_pk": pair.pk}
    )


def _with_bars(pairs) -> None:
    """Attach the criteria pages may show; never the "preferences" one."""
    for pair in pairs:
        pair.bars = selectors.shown_breakdown(pair.breakdown)
        pair.runner_up_bars = selectors.shown_breakdown(pair.runner_up_breakdown)


def _with_mentorships(run, pairs) -> None:
    """Link each pair of a published run to the mentorship it started."""
    if run.status != MatchingRun.Status.PUBLISHED or not pairs:
        return
    started = dict(
        Mentorship.objects.filter(run=run, mentee_id__in=[p.mentee_id for p in pairs]).values_list(
            "mentee_id", "pk"
        )
    )
    for pair in pairs:
        pair.mentorship_id = started.get(pair.mentee_id)


@coordinator_required
def run_list(request, programme):
    page_obj = Paginator(selectors.runs_for(programme), RUNS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    draft = MatchingRun.objects.filter(programme=programme, status=MatchingRun.Status.DRAFT).first()
    return render(
        request,
        "matching/run_list.html",
        {
            "programme": programme,
            "page_obj": page_obj,
            "draft": draft,
            "pool": selectors.pool_summary(programme),
            "matching_settings": matching_settings_for(programme),
        },
    )


@require_POST
@coordinator_required
def run_create(request, programme):
    try:
        outcome = services.run_create(programme=programme, by=request.user)
    except MatchingError as error:
        messages.error(request, error.message)
        return redirect("matching:runs", slug=programme.slug)
    text = (
        f"Matching proposes {outcome.pairs} pair{'s' if outcome.pairs != 1 else ''} and "
        f"leaves {outcome.unmatched} mentee{'s' if outcome.unmatched != 1 else ''} unmatched. "
        "Nothing is published until you publish it."
    )
    if outcome.replaced_draft:
        text += " It replaces the previous proposal, which has been discarded."
    messages.success(request, text)
    return redirect("matching:run_detail", slug=programme.slug, pk=outcome.run.pk)


@coordinator_required
def run_detail(request, programme, pk):
    run = _run_for(request, programme, pk)
    showing = "unmatched" if request.GET.get("show") == "unmatched" else "pairs"
    pair_count, locked_count, unmatched_count = selectors.run_counts(run)
    if showing == "pairs":
        page_obj = Paginator(selectors.pairs_of(run), PAIRS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        _with_bars(page_obj.object_list)
        _with_mentorships(run, page_obj.object_list)
    else:
        page_obj = Paginator(selectors.unmatched_of(run), UNMATCHED_PER_PAGE).get_page(
            request.GET.get("page")
        )
    return render(
        request,
        "matching/run_detail.html",
        {
            "programme": programme,
            "run": run,
            "editable": run.status == MatchingRun.Status.DRAFT,
            "showing": showing,
            "page_obj": page_obj,
            "pair_count": pair_count,
            "locked_count": locked_count,
            "unmatched_count": unmatched_count,
        },
    )


def _pair_page(request, programme, run, pair):
    if run.status != MatchingRun.Status.DRAFT:
        messages.info(request, "This run can no longer be changed.")
        return redirect(_detail_url(programme, run))
    _with_bars([pair])
    others = selectors.pairs_of(run).exclude(pk=pair.pk).order_by("mentee__full_name", "pk")
    return render(
        request,
        "matching/run_pair.html",
        {
            "programme": programme,
            "run": run,
            "pair": pair,
            "others": others,
            "options": selectors.reassign_options(run=run, pair=pair),
            "page": request.GET.get("page", ""),
        },
    )


def _act(request, run, pair, form) -> str:
    """Carry out one pair action; returns the message to show."""
    action, by = form.cleaned_data["action"], request.user
    if action in ("lock", "unlock"):
        pair = services.pair_lock_set(run=run, pair=pair, by=by, locked=action == "lock")
        if pair.locked:
            return f"{pair.mentee} and {pair.mentor} are locked together: a re-run keeps them."
        return f"{pair.mentee} and {pair.mentor} are unlocked: a re-run may change this pair."
    if action == "remove":
        services.pair_remove(run=run, pair=pair, by=by)
        return f"{pair.mentee} has been taken out of the proposal and is listed as unmatched."
    if action == "swap":
        first, second = services.pair_swap(
            run=run, pair=pair, other_pair_id=form.cleaned_data["other_pair"], by=by
        )
        return (
            f"Mentors swapped: {first.mentee} with {first.mentor} (overall match "
            f"{first.score:.0f}) and {second.mentee} with {second.mentor} (overall match "
            f"{second.score:.0f}). Both pairs are locked, so a re-run keeps them."
        )
    pair = services.pair_reassign(run=run, pair=pair, mentor_id=form.cleaned_data["mentor"], by=by)
    return (
        f"{pair.mentee} is now proposed with {pair.mentor} (overall match {pair.score:.0f}). "
        "The pair is locked, so a re-run keeps it."
    )


def _card(request, programme, run, pair_pk, *, text: str, level: str):
    """The htmx answer: the pair's card again, and the message in the status region."""
    run.refresh_from_db(fields=["status"])
    pair = selectors.pairs_of(run).filter(pk=pair_pk).first()
    if pair is not None:
        _with_bars([pair])
    return render(
        request,
        "matching/partials/run_action_result.html",
        {
            "programme": programme,
            "run": run,
            "pair": pair,
            "editable": run.status == MatchingRun.Status.DRAFT,
            "page": request.POST.get("page", ""),
            "text": text,
            "level": level,
        },
    )


@coordinator_required
def pair_action(request, programme, pk, pair_pk):
    run = _run_for(request, programme, pk)
    pair = get_object_or_404(selectors.pairs_of(run), pk=pair_pk)
    if request.method != "POST":
        return _pair_page(request, programme, run, pair)
    form = PairActionForm(request.POST)
    page = request.POST.get("page", "")
    back = _detail_url(programme, run, page if page.isdigit() else None)
    partial = bool(request.htmx) and request.POST.get("action") in ("lock", "unlock")
    try:
        if not form.is_valid():
            raise MatchingError(form.first_error())
        text = _act(request, run, pair, form)
    except MatchingError as error:
        if partial:
            return _card(request, programme, run, pair.pk, text=error.message, level="danger")
        messages.error(request, error.message)
        if form.data.get("action") in ("swap", "reassign") and run.status == run.Status.DRAFT:
            return redirect(f"{_pair_url(programme, run, pair)}?{urlencode({'page': page})}")
        return redirect(back)
    if partial:
        return _card(request, programme, run, pair.pk, text=text, level="success")
    messages.success(request, text)
    return redirect(back)


@require_POST
@coordinator_required
def run_rerun(request, programme, pk):
    run = _run_for(request, programme, pk)
    try:
        outcome = services.run_rerun(run=run, by=request.user)
    except MatchingError as error:
        messages.error(request, error.message)
        return redirect(_detail_url(programme, run))
    text = (
        f"Matching has run again around {outcome.locks_kept} locked "
        f"pair{'s' if outcome.locks_kept != 1 else ''}: this proposal has been updated in "
        f"place and now has {outcome.pairs} pair{'s' if outcome.pairs != 1 else ''} and "
        f"{outcome.unmatched} unmatched mentee{'s' if outcome.unmatched != 1 else ''}."
    )
    if outcome.locks_dropped:
        text += (
            f" {outcome.locks_dropped} locked pair{'s' if outcome.locks_dropped != 1 else ''} "
            "could not be kept, because someone's circumstances changed since it was locked."
        )
    messages.success(request, text)
    return redirect(_detail_url(programme, run))


@coordinator_required
def run_publish(request, programme, pk):
    run = _run_for(request, programme, pk)
    if run.status != MatchingRun.Status.DRAFT:
        messages.info(request, "This run can no longer be published.")
        return redirect(_detail_url(programme, run))
    settings = matching_settings_for(programme)
    if request.method == "POST":
        try:
            created = services.run_publish(run=run, by=request.user)
        except MatchingError as error:
            messages.error(request, error.message)
            return redirect(_detail_url(programme, run))
        n = len(created)
        plural = "s" if n != 1 else ""
        if settings.publish_as_introductions:
            text = (
                f"Published: {n} introduction{plural} sent. Each mentorship starts once both "
                "people accept; we have emailed them."
            )
        else:
            text = f"Published: {n} mentorship{plural} started. We have emailed both people."
        messages.success(request, text)
        return redirect(_detail_url(programme, run))
    pair_count, locked_count, unmatched_count = selectors.run_counts(run)
    return render(
        request,
        "matching/run_publish.html",
        {
            "programme": programme,
            "run": run,
            "matching_settings": settings,
            "pair_count": pair_count,
            "unmatched_count": unmatched_count,
        },
    )
