"""The note templates: each framework's sections, with short prompts in our own words.

Plain data, so views, forms and the stage-progress tag share one definition. A section
key is unique within its framework; `stage` groups Egan's nine steps into three stages
(other frameworks use one stage per section).
"""

from __future__ import annotations

from dataclasses import dataclass

from mentoring.vocabulary import Framework

FREE = "free"


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    prompts: tuple[str, ...]
    stage: str = ""


@dataclass(frozen=True)
class Stage:
    key: str
    title: str


@dataclass(frozen=True)
class NoteFramework:
    key: str
    title: str
    summary: str
    sections: tuple[Section, ...]
    stages: tuple[Stage, ...] = ()

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    @property
    def section_keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.sections)

    def stage_of(self, section_key: str) -> str:
        section = self.section(section_key)
        return (section.stage or section.key) if section else ""

    def stage_list(self) -> tuple[Stage, ...]:
        """Egan's three stages; for the others, one stage per section."""
        return self.stages or tuple(Stage(s.key, s.title) for s in self.sections)


EGAN = NoteFramework(
    key=Framework.EGAN,
    title="Egan's Skilled Helper",
    summary="Three stages of three steps; action runs through all of them and stages can loop.",
    stages=(
        Stage("current", "The current picture"),
        Stage("preferred", "The preferred picture"),
        Stage("forward", "The way forward"),
    ),
    sections=(
        Section(
            "story",
            "The story",
            (
                "What is going on, in their own words?",
                "What matters most to them about it?",
            ),
            "current",
        ),
        Section(
            "blind_spots",
            "Blind spots and new perspectives",
            (
                "What might they not be seeing yet?",
                "How might someone else describe the same situation?",
            ),
            "current",
        ),
        Section(
            "leverage",
            "Leverage",
            ("Which part, if it changed, would make the biggest difference?",),
            "current",
        ),
        Section(
            "possibilities",
            "Possibilities",
            (
                "What would things look like if they were better?",
                "What else could they want here?",
            ),
            "preferred",
        ),
        Section(
            "change_agenda",
            "The change agenda",
            ("Which of those possibilities do they choose to work towards?",),
            "preferred",
        ),
        Section(
            "commitment",
            "Commitment",
            (
                "How much do they want this, and what is it worth to them?",
                "What might pull them away from it?",
            ),
            "preferred",
        ),
        Section(
            "strategies",
            "Possible strategies",
            ("How many different ways could they get there?",),
            "forward",
        ),
        Section(
            "best_fit",
            "Best fit",
            ("Which ways suit their situation, resources and style best?",),
            "forward",
        ),
        Section(
            "plan",
            "The plan",
            ("What are the steps, in what order, and by when?",),
            "forward",
        ),
    ),
)

GROW = NoteFramework(
    key=Framework.GROW,
    title="GROW",
    summary="Goal, reality, options, and the way forward.",
    sections=(
        Section(
            "goal",
            "Goal",
            (
                "What do they want from this conversation?",
                "And in the longer term?",
            ),
        ),
        Section(
            "reality",
            "Reality",
            ("What is happening now?", "What have they tried so far, and what came of it?"),
        ),
        Section(
            "options",
            "Options",
            ("What could they do?", "What stands in the way, and how could they get round it?"),
        ),
        Section(
            "will",
            "Will and way forward",
            (
                "What will they do, and when?",
                "How committed are they, from 0 to 10?",
                "What support would help?",
            ),
        ),
    ),
)

CLEAR = NoteFramework(
    key=Framework.CLEAR,
    title="CLEAR",
    summary="Contracting, listening, exploring, action and review.",
    sections=(
        Section(
            "contracting",
            "Contracting",
            (
                "What is this conversation for, and what are its boundaries?",
                "What would make today worthwhile?",
            ),
        ),
        Section("listening", "Listening", ("What did they say, and what lay beneath it?",)),
        Section(
            "exploring",
            "Exploring",
            (
                "How is this affecting them personally?",
                "Which assumptions could be questioned, and what new options appeared?",
            ),
        ),
        Section("action", "Action", ("What will they do next, and when?",)),
        Section(
            "review",
            "Review",
            ("What was decided, what did they learn, and what helped in this conversation?",),
        ),
    ),
)

OSKAR = NoteFramework(
    key=Framework.OSKAR,
    title="OSKAR",
    summary="A solutions-focused approach: outcome, scaling, know-how, affirm and action, review.",
    sections=(
        Section(
            "outcome",
            "Outcome",
            ("What difference do they want?", "What would a good day look like once it is there?"),
        ),
        Section(
            "scaling",
            "Scaling",
            ("Where are they now on a 0 to 10 scale, and what puts them there rather than lower?",),
        ),
        Section(
            "know_how",
            "Know-how",
            ("When does it already go a bit better?", "What helped then?"),
        ),
        Section(
            "affirm_action",
            "Affirm and action",
            ("What are they already doing well?", "What is one small next step?"),
        ),
        Section(
            "review",
            "Review",
            ("Since last time: what is better, and how did that happen?",),
        ),
    ),
)

FREE_FORM = NoteFramework(
    key=FREE,
    title="Free-form",
    summary="No set structure: write what is useful.",
    sections=(Section("notes", "Notes", ("What did you talk about, and what came out of it?",)),),
)

FRAMEWORKS: dict[str, NoteFramework] = {f.key: f for f in (EGAN, GROW, CLEAR, OSKAR, FREE_FORM)}
# Frameworks whose progress is shown across a mentorship's notes.
STAGED = (Framework.EGAN.value, Framework.GROW.value)
PROGRAMME_DEFAULT = Framework.GROW.value


def get(key: str) -> NoteFramework | None:
    return FRAMEWORKS.get(key)


def _profile_list(mentor, field: str) -> list[str]:
    """A framework list from the mentor's profile; no profile reads as none."""
    profile = getattr(mentor, "profile", None) if mentor is not None else None
    values = getattr(profile, field, None) or []
    return [v for v in values if v in FRAMEWORKS]


def default_for(programme) -> str:
    """The programme's default framework for a new note (GROW unless it says otherwise)."""
    key = getattr(programme, "default_note_framework", "") or PROGRAMME_DEFAULT
    return key if key in FRAMEWORKS else PROGRAMME_DEFAULT


def ordered_for(mentor) -> list[NoteFramework]:
    """The mentor's own frameworks first (practised, then taught), then the rest."""
    own = _profile_list(mentor, "frameworks_practised") + _profile_list(mentor, "frameworks_taught")
    keys = list(dict.fromkeys(own + list(FRAMEWORKS)))
    return [FRAMEWORKS[k] for k in keys]
