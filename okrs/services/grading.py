"""Grade many objectives and key results of one cycle at once: all of them, or none.

The close page's "Save grades" button and the API's `cycles/<id>/grades/` both call
`save_grades`; each row goes through `grade_objective` / `grade_key_result`, so the grade
range, the retrospective's length, the closed-cycle rule and who may grade stay defined there.

Errors name the row by its place in the submitted list: `objectives[2].grade`,
`key_results[0].grade`, or `objectives[1]` for a refusal of the whole row (`row_key`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404

from accounts.models import Membership
from okrs.models import Cycle, KeyResult, Objective
from okrs.rules import policy
from okrs.rules.visibility import visible_key_results_q, visible_objectives_q
from okrs.services._common import ensure_open
from okrs.services.key_results import grade_key_result
from okrs.services.objectives import grade_objective

OBJECTIVES, KEY_RESULTS = "objectives", "key_results"
MAX_ROWS = 500  # per list: a cycle's page of rows, not a bulk import


@dataclass
class SavedGrades:
    """The graded rows, in the order they were submitted."""

    objectives: list[Objective] = field(default_factory=list)
    key_results: list[KeyResult] = field(default_factory=list)


def row_key(kind: str, index: int) -> str:
    """How errors name a submitted row: `objectives[2]`, `key_results[0]`."""
    return f"{kind}[{index}]"


def errors_by_row(exc: ValidationError) -> dict[str, ValidationError]:
    """A `save_grades` error split per row: row key → that row's field errors (a refusal of
    the whole row under NON_FIELD_ERRORS). Errors that name no row are left out."""
    rows: dict[str, dict[str, list]] = {}
    for key, errors in getattr(exc, "error_dict", {}).items():
        row, _, name = key.partition(".")
        if "[" in row:
            rows.setdefault(row, {}).setdefault(name or NON_FIELD_ERRORS, []).extend(errors)
    return {row: ValidationError(fields) for row, fields in rows.items()}


def _ids(kind: str, entries: Sequence[Mapping[str, Any]]) -> list[int]:
    """Each entry's id; a missing, malformed or repeated one is that row's error."""
    errors, ids = {}, []
    for index, entry in enumerate(entries):
        raw = entry.get("id") if isinstance(entry, Mapping) else None
        try:
            pk = int(raw) if not isinstance(raw, bool) else None
        except (TypeError, ValueError, OverflowError):
            pk = None
        if pk is None or pk < 1:
            errors[f"{row_key(kind, index)}.id"] = ["Give the id of a row of this cycle."]
        elif pk in ids:
            errors[f"{row_key(kind, index)}.id"] = ["This row is listed twice."]
        ids.append(pk)
    if errors:
        raise ValidationError(errors)
    return ids


def _load(cycle: Cycle, actor: Membership, objective_ids, kr_ids):
    """The rows, by id, among this cycle's rows the actor may see: any other id (another
    cycle, another organization, a private objective they may not open) is not found."""
    org_id = cycle.organization_id
    objectives = {
        o.pk: o
        for o in Objective.objects.filter(organization_id=org_id, cycle=cycle, pk__in=objective_ids)
        .filter(visible_objectives_q(actor))
        .select_related("cycle", "owner", "unit")
    }
    key_results = {
        kr.pk: kr
        for kr in KeyResult.objects.filter(
            organization_id=org_id, objective__cycle=cycle, pk__in=kr_ids
        )
        .filter(visible_key_results_q(actor))
        .select_related("objective__cycle", "objective__owner")
    }
    if set(objective_ids) - set(objectives) or set(kr_ids) - set(key_results):
        raise Http404("Not found.")
    return objectives, key_results


def _refused(actor, objectives, key_results) -> list[str]:
    """Rows the policy does not let the actor grade, by key."""
    refused = [
        row_key(OBJECTIVES, i) for i, o in enumerate(objectives) if not policy.can_grade(actor, o)
    ]
    refused += [
        row_key(KEY_RESULTS, i)
        for i, kr in enumerate(key_results)
        if not policy.can_grade_key_result(actor, kr)
    ]
    return refused


def _row_errors(key: str, exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            (key if name == NON_FIELD_ERRORS else f"{key}.{name}"): messages
            for name, messages in exc.message_dict.items()
        }
    return {key: exc.messages}


def save_grades(
    *,
    cycle: Cycle,
    actor: Membership,
    objective_grades: Sequence[Mapping[str, Any]] = (),
    kr_grades: Sequence[Mapping[str, Any]] = (),
) -> SavedGrades:
    """Grade objectives (`{"id", "grade", "retrospective"?}`) and key results
    (`{"id", "grade"}`) of `cycle` in one transaction: every row is saved, or none.

    A closed cycle is refused as a whole (`ValidationError`, the closed-cycle message). An
    id that is not a row of this cycle the actor may see raises `Http404`; a row they may
    not grade, `PermissionDenied` naming it; invalid values, one `ValidationError` keyed per
    row (`objectives[2].grade`). An omitted retrospective keeps the one already written.
    """
    ensure_open(cycle)
    if len(objective_grades) > MAX_ROWS or len(kr_grades) > MAX_ROWS:
        raise ValidationError(f"Send at most {MAX_ROWS} objectives and {MAX_ROWS} key results.")
    objective_ids = _ids(OBJECTIVES, objective_grades)
    kr_ids = _ids(KEY_RESULTS, kr_grades)
    by_id, kr_by_id = _load(cycle, actor, objective_ids, kr_ids)
    objectives = [by_id[pk] for pk in objective_ids]
    key_results = [kr_by_id[pk] for pk in kr_ids]
    refused = _refused(actor, objectives, key_results)
    if refused:
        raise PermissionDenied(f"You may not grade {', '.join(refused)}.")
    saved = SavedGrades()
    errors: dict[str, list[str]] = {}
    with transaction.atomic():
        for index, (objective, entry) in enumerate(zip(objectives, objective_grades, strict=True)):
            try:
                saved.objectives.append(
                    grade_objective(
                        objective=objective,
                        actor=actor,
                        grade=entry.get("grade"),
                        retrospective=entry.get("retrospective", objective.retrospective),
                    )
                )
            except ValidationError as exc:
                errors |= _row_errors(row_key(OBJECTIVES, index), exc)
        for index, (kr, entry) in enumerate(zip(key_results, kr_grades, strict=True)):
            try:
                saved.key_results.append(
                    grade_key_result(key_result=kr, actor=actor, grade=entry.get("grade"))
                )
            except ValidationError as exc:
                errors |= _row_errors(row_key(KEY_RESULTS, index), exc)
        if errors:
            raise ValidationError(errors)  # inside the block: every row saved so far rolls back
    return saved


__all__ = ["SavedGrades", "errors_by_row", "row_key", "save_grades"]
