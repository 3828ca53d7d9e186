"""The change history of an objective (and of its KRs and check-ins), raw and readable.

`audit_for_objective` is the raw log (the API serves its `changes` as stored: field →
[old, new], ids and codes). `readable_history` formats a page of it once for people: who
changed which field from what to what — field labels, enum labels, people by name for owner
and contributor ids, units and objectives by name, dates and numbers written out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import QuerySet
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format

from accounts.models import Membership, Organization, OrgUnit
from okrs.models import AuditEntry, Cycle, KeyResult, Level, Objective, Rollup, Status
from okrs.rules.visibility import visible_objectives_q


def audit_for_objective(
    *, organization: Organization, objective: Objective | int
) -> QuerySet[AuditEntry]:
    """Entries about the objective, its KRs and check-ins, newest first (kept after deletes)."""
    objective_id = objective if isinstance(objective, int) else objective.pk
    return (
        AuditEntry.objects.filter(organization=organization, objective_id_ref=objective_id)
        .select_related("actor__user")
        .order_by("-created_at", "-id")
    )


# Field → label, per kind of row the entry is about (a field not listed keeps its name,
# capitalized and spaced: a new audited field reads acceptably before it is added here).
LABELS: dict[str, dict[str, str]] = {
    "objective": {
        "title": "Title",
        "description": "Description",
        "level": "Level",
        "unit": "Unit",
        "owner": "Owner",
        "parent": "Aligned to",
        "visibility": "Visibility",
        "status_override": "Status",
        "rollup": "Progress comes from",
        "grade": "Grade",
        "retrospective": "Retrospective",
        "unaligned_children": "Unaligned objectives",
    },
    "key_result": {
        "title": "Title",
        "owner": "Owner",
        "metric_type": "Metric",
        "start_value": "Start value",
        "target_value": "Target value",
        "current_value": "Current value",
        "unit": "Unit",
        "unit_label": "Unit label",
        "weight": "Weight",
        "confidence": "Confidence",
        "due_date": "Due date",
        "grade": "Grade",
        "contributors": "Contributors",
    },
    "check_in": {
        "value": "Value",
        "confidence": "Confidence",
        "note": "Note",
        "blockers": "Blockers",
        "progress": "Progress",
    },
    "cycle": {"name": "Name", "start_date": "Start date", "end_date": "End date"},
}
# Fields holding an enum: the stored code → its label.
ENUMS: dict[str, dict[str, str]] = {
    "level": dict(Level.choices),
    "visibility": dict(Objective.Visibility.choices),
    "status_override": {"": "Automatic", **dict(Status.choices)},
    "rollup": dict(Rollup.choices),
    "metric_type": dict(KeyResult.MetricType.choices),
    "status": dict(Cycle.Status.choices),
}
UNIT_LABELS = dict(KeyResult.Unit.choices)
PEOPLE = {"owner", "contributors"}
DATES = {"due_date", "start_date", "end_date"}
TEXTS = {"description", "retrospective", "note", "blockers"}
NUMBERS = {"start_value", "target_value", "current_value", "weight", "value"}
TEXT_SHOWN = 120
NOTHING = "—"


@dataclass
class Change:
    label: str
    old: str
    new: str

    @property
    def added(self) -> bool:
        return self.old == NOTHING


@dataclass
class HistoryEntry:
    entry: AuditEntry
    actor_name: str
    summary: str
    changes: list[Change] = field(default_factory=list)

    @property
    def created_at(self) -> dt.datetime:
        return self.entry.created_at


@dataclass
class _Names:
    people: dict[int, str]
    units: dict[int, str]
    objectives: dict[int, str]


def _ids(entries: Iterable[AuditEntry], names: Iterable[str]) -> set[int]:
    found: set[int] = set()
    for entry in entries:
        for name in names:
            for value in (entry.changes or {}).get(name, None) or ():
                for item in value if isinstance(value, list) else [value]:
                    if isinstance(item, int) and not isinstance(item, bool):
                        found.add(item)
    return found


def _load_names(organization: Organization, viewer: Membership, entries: list) -> _Names:
    """Names for every id the page's changes mention: three small queries at most."""
    objective_entries = [e for e in entries if e.target_type == "objective"]
    people_ids = _ids(entries, PEOPLE)
    unit_ids = _ids(objective_entries, ("unit",))
    objective_ids = _ids(objective_entries, ("parent", "unaligned_children"))
    people = {}
    if people_ids:
        people = {
            m.pk: m.name
            for m in Membership.objects.filter(
                organization=organization, pk__in=people_ids
            ).select_related("user")
        }
    units = {}
    if unit_ids:
        units = dict(
            OrgUnit.objects.filter(organization=organization, pk__in=unit_ids).values_list(
                "pk", "name"
            )
        )
    objectives = {}
    if objective_ids:
        # Only objectives the reader may open are named (an old parent may be private).
        objectives = dict(
            Objective.objects.filter(organization=organization, pk__in=objective_ids)
            .filter(visible_objectives_q(viewer))
            .values_list("pk", "title")
        )
    return _Names(people, units, objectives)


def _number(value: Any) -> str:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():
        return str(value)
    if number == number.to_integral_value():
        return f"{number.to_integral_value():,}"
    return f"{number.normalize():,f}"


def _date(value: Any) -> str:
    if isinstance(value, str):
        # A date alone ("2026-12-31") is a day, not midnight of it.
        parsed = parse_date(value) if len(value) == 10 else parse_datetime(value)
        if parsed is not None:
            value = parsed
    if isinstance(value, dt.datetime):
        return date_format(value, "M j, Y H:i")
    if isinstance(value, dt.date):
        return date_format(value, "M j, Y")
    return str(value)


def _one(name: str, value: Any, names: _Names, target_type: str) -> str:
    """One stored value as a person reads it."""
    if value is None or (value == "" and name != "status_override"):
        return NOTHING
    if name in ENUMS:
        return ENUMS[name].get(str(value), str(value))
    if name == "unit":
        if target_type == "key_result":
            return UNIT_LABELS.get(str(value), str(value))
        return names.units.get(value, "a deleted unit")
    if name in PEOPLE:
        people = value if isinstance(value, list) else [value]
        if not people:
            return NOTHING
        return ", ".join(names.people.get(pk, "a former member") for pk in people)
    if name in ("parent", "unaligned_children"):
        items = value if isinstance(value, list) else [value]
        if not items:
            return NOTHING
        hidden = "an objective you cannot open"
        return ", ".join(
            f"“{names.objectives[pk]}”" if pk in names.objectives else hidden for pk in items
        )
    if name in DATES:
        return _date(value)
    if name == "progress":
        try:
            return f"{round(float(value) * 100)}%"
        except (TypeError, ValueError):
            return str(value)
    if name == "confidence":
        return f"{value}/10"
    if name == "grade":
        try:
            return f"{float(value):.2f}"
        except (TypeError, ValueError):
            return str(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if name in NUMBERS or isinstance(value, int | float):
        return _number(value)
    if isinstance(value, str):
        text = " ".join(value.split())
        limit = TEXT_SHOWN if name in TEXTS else TEXT_SHOWN * 2
        return text if len(text) <= limit else text[: limit - 1] + "…"
    return str(value)


def _label(target_type: str, name: str) -> str:
    known = LABELS.get(target_type, {})
    return known.get(name) or name.replace("_", " ").capitalize()


def _changes(entry: AuditEntry, names: _Names) -> list[Change]:
    changes = entry.changes or {}
    if not isinstance(changes, dict):
        return []
    order = list(LABELS.get(entry.target_type, {}))
    rows = []
    for name in sorted(changes, key=lambda n: (order.index(n) if n in order else len(order), n)):
        pair = changes[name]
        old, new = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
        rows.append(
            Change(
                label=_label(entry.target_type, name),
                old=_one(name, old, names, entry.target_type),
                new=_one(name, new, names, entry.target_type),
            )
        )
    return rows


def readable_history(
    *, organization: Organization, viewer: Membership, entries: Iterable[AuditEntry]
) -> list[HistoryEntry]:
    """A page of audit entries as people read them (at most three extra queries for the
    names of people, units and aligned objectives the changes mention)."""
    entries = list(entries)
    names = _load_names(organization, viewer, entries)
    return [
        HistoryEntry(
            entry=entry,
            actor_name=entry.actor.name if entry.actor else "Someone",
            summary=entry.summary or entry.get_action_display(),
            # A delete stores the row as it was: its summary says what went; no from → to.
            changes=[] if entry.action == AuditEntry.Action.DELETE else _changes(entry, names),
        )
        for entry in entries
    ]
