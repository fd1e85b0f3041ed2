"""The geometry of a person's trend chart, drawn as inline SVG by the template.

Drawn on the server so it works without JavaScript on a closed network; the page
also has the same figures as a table for screen readers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .instruments import WHO5, Instrument

WIDTH = 640
HEIGHT = 240
LEFT = 40  # room for the axis labels
RIGHT = 16
TOP = 12
BOTTOM = 32


@dataclass(frozen=True)
class BandArea:
    code: str
    label: str
    y: float
    height: float
    label_y: float


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    score: int
    band: str
    created_at: object


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    left: int
    right: float
    bands: list[BandArea]
    points: list[Point]
    ticks: list[tuple[int, float]]  # (score, y)
    polyline: str

    @property
    def plot_width(self) -> float:
        return self.right - self.left


def _y(score: float, instrument: Instrument) -> float:
    plot = HEIGHT - TOP - BOTTOM
    return round(TOP + plot * (1 - score / instrument.max_score), 1)


def trend_chart(checkins: Sequence, instrument: Instrument = WHO5) -> TrendChart:
    """Bands shaded behind a line through the person's scores, oldest on the left."""
    bands = []
    for band in instrument.bands:
        # Each band runs from just above the band below it to its top.
        bottom = 0 if band.low == 0 else band.low - 1
        top, base = _y(band.high, instrument), _y(bottom, instrument)
        bands.append(BandArea(band.code, band.label, top, round(base - top, 1), (top + base) / 2))
    span = WIDTH - LEFT - RIGHT
    step = span / (len(checkins) - 1) if len(checkins) > 1 else 0
    points = [
        Point(
            x=round(LEFT + (step * i if len(checkins) > 1 else span / 2), 1),
            y=_y(c.score, instrument),
            score=c.score,
            band=c.band,
            created_at=c.created_at,
        )
        for i, c in enumerate(checkins)
    ]
    ticks = [(score, _y(score, instrument)) for score in (0, 28, 50, 100)]
    return TrendChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=WIDTH - RIGHT,
        bands=bands,
        points=points,
        ticks=ticks,
        polyline=" ".join(f"{p.x},{p.y}" for p in points),
    )
