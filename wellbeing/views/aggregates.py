"""Check-in figures for a programme's coordinators: aggregates only, small groups hidden."""

from __future__ import annotations

from django.shortcuts import render

from programmes.access import coordinator_required

from ..instruments import WHO5
from ..selectors.aggregates import SMALL_GROUP, meeting_ratings, programme_aggregates


@coordinator_required
def aggregates(request, programme):
    figures = programme_aggregates(programme=programme)
    return render(
        request,
        "wellbeing/aggregates.html",
        {
            "programme": programme,
            "tables": [
                ("mentees", "Mentees", figures["mentee"]),
                ("mentors", "Mentors", figures["mentor"]),
            ],
            "bands": WHO5.bands,
            "small_group": SMALL_GROUP,
            "ratings": meeting_ratings(programme=programme),
        },
    )
