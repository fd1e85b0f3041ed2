"""People's privacy rights, contributed by the apps that hold the data.

A person can download everything the platform holds about them and can close their
account. This module sits below every app and imports none of them, so each app registers,
from its `AppConfig.ready()`, the export sections that show its records, the checks
that may refuse a closure, and the erasure steps that end, erase and anonymise its
records; the app that offers the two pages only runs them (`wellbeing.services.privacy`).

Each registration names the models it covers (`"app_label.Model"`), and `register_kept`
says why a model that refers to a person is neither exported nor erased, so a test
over every model with a foreign key to the user proves none is forgotten.

Order is by name, never by numbers: sections by their key (data.json) or title (the
readable summary); erasure steps by stage, then name. The stages, in order:

- "end": relationships end while the person is still named (the other party is told);
- "erase": confidential records and the person's own words go;
- "anonymise": the person's identity is replaced by "Former member".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist

FORMER_MEMBER = "Former member"
STAGES = ("end", "erase", "anonymise")


def former_member_email(user_id: int) -> str:
    """Unique and never deliverable (.invalid is reserved for exactly this)."""
    return f"former-member-{user_id}@account-closed.invalid"


@dataclass(frozen=True)
class ExportSection:
    key: str  # the key in data.json
    title: str  # the heading in summary.html
    build: Callable[[Any], Any]  # (user) -> data; a fixed number of queries
    covers: tuple[str, ...]  # model labels whose rows about the person it shows
    # (data) -> the same shape in words for the summary (labels, not codes); None: as is.
    readable: Callable[[Any], Any] | None = None


@dataclass(frozen=True)
class Closure:
    """What every erasure step is given: the person (locked), as they were, and when."""

    person: Any
    old_email: str
    now: dt.datetime


@dataclass(frozen=True)
class ErasureStep:
    name: str
    stage: str
    run: Callable[[Closure], None]
    covers: tuple[str, ...]


# Sections in key order, kept sorted as apps register: read it, register into it.
SECTIONS: list[ExportSection] = []
_STEPS: dict[tuple[str, str], ErasureStep] = {}
# (name -> check(person)): raises a domain error when the account cannot close yet.
_CHECKS: dict[str, Callable[[Any], None]] = {}
_KEPT: dict[str, str] = {}


def register_export_section(
    key: str,
    build: Callable[[Any], Any],
    *,
    title: str,
    covers: tuple[str, ...] = (),
    readable: Callable[[Any], Any] | None = None,
) -> None:
    section = ExportSection(key, title, build, tuple(covers), readable)
    existing = next((s for s in SECTIONS if s.key == key), None)
    if existing is not None:
        if existing == section:
            return
        raise ValueError(f"the export section {key!r} is registered twice")
    SECTIONS.append(section)
    SECTIONS.sort(key=lambda s: s.key)


def register_erasure_step(
    name: str, run: Callable[[Closure], None], *, stage: str, covers: tuple[str, ...] = ()
) -> None:
    if stage not in STAGES:
        raise ValueError(f"unknown erasure stage {stage!r}: one of {', '.join(STAGES)}")
    step = ErasureStep(name, stage, run, tuple(covers))
    existing = _STEPS.get((stage, name))
    if existing is not None and existing != step:
        raise ValueError(f"the erasure step {name!r} ({stage}) is registered twice")
    _STEPS[(stage, name)] = step


def register_closure_check(name: str, check: Callable[[Any], None]) -> None:
    existing = _CHECKS.get(name)
    if existing is not None and existing != check:
        raise ValueError(f"the closure check {name!r} is registered twice")
    _CHECKS[name] = check


def register_kept(model_label: str, *, because: str) -> None:
    """A model that refers to a person but is neither exported nor erased, and why."""
    if not because.strip():
        raise ValueError(f"say why {model_label} is kept")
    _KEPT[model_label] = because


def export_sections() -> list[ExportSection]:
    return list(SECTIONS)


def erasure_steps() -> list[ErasureStep]:
    return sorted(_STEPS.values(), key=lambda s: (STAGES.index(s.stage), s.name))


def closure_checks() -> list[Callable[[Any], None]]:
    return [_CHECKS[name] for name in sorted(_CHECKS)]


def kept() -> dict[str, str]:
    return dict(_KEPT)


def covered_models() -> set[str]:
    """Every model label an export section, an erasure step or a kept entry accounts for."""
    labels = set(_KEPT)
    for section in SECTIONS:
        labels.update(section.covers)
    for step in _STEPS.values():
        labels.update(step.covers)
    return labels


# Helpers the contributing apps share -------------------------------------------------


def fields_of(obj, names) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}


def all_fields_of(obj, *, skip=("id", "user")) -> dict[str, Any]:
    return {
        f.name: getattr(obj, f.attname) for f in obj._meta.concrete_fields if f.name not in skip
    }


def with_choice_labels(
    model, row: dict[str, Any] | None, *, lists: dict[str, Any] | None = None
) -> dict[str, Any] | None:
    """The row with each code replaced by its label, for the summary a person reads.

    Codes of a field with choices become its labels; `lists` maps a key holding a list
    of codes (a JSON field) to the choices that name them.
    """
    if row is None:
        return None
    out = dict(row)
    for name, value in row.items():
        if lists and name in lists and isinstance(value, list):
            labels = dict(lists[name])
            out[name] = [labels.get(code, code) for code in value]
            continue
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:  # a computed key, not a field
            continue
        if field.choices and value not in (None, ""):
            out[name] = dict(field.flatchoices).get(value, value)
    return out


def humanise(code: str) -> str:
    """A last resort for a code with no label: "request_accepted" -> "Request accepted"."""
    return code.replace("_", " ").replace("-", " ").strip().capitalize()
