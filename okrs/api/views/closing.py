"""The cycle-end loop on a cycle: grade many rows at once, copy unfinished OKRs on.

The same services as the close page (`save_grades`, `copy_unfinished_okrs`,
`already_copied`), so the same rules: closing itself is `PATCH cycles/<id>/` with
`status: closed`.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from okrs import selectors, services
from okrs.api.serializers import (
    CopyUnfinishedResultSerializer,
    CopyUnfinishedSerializer,
    CycleGradesResultSerializer,
    CycleGradesSerializer,
)
from okrs.rules import policy
from okrs.services.grading import row_key

GRADES_DESCRIPTION = (
    "Every row is checked and the grades are saved in one transaction, or none is. Invalid "
    "values answer 400 with `errors` keyed by the row's place in the list "
    "(`objectives[2].grade`, `key_results[0].grade`; `objectives[1]` for the whole row). An "
    "id that is not a row of this cycle you may see answers 404; a row you may not grade, "
    "403 naming it; a closed cycle, 400 (grades freeze when the cycle closes). An omitted "
    "`retrospective` keeps the one already written."
)
COPY_DESCRIPTION = (
    "Copies the objectives of this cycle with progress below 1, and their unfinished key "
    "results, into `target` (another cycle of this organization that is not closed); "
    "copied key results start where the old ones stand. Objectives the target already holds "
    "(same title, owner and level) are skipped and listed in `already_copied`. Admins and "
    "executives only, like the close page."
)


def row_errors(errors: dict[str, Any]) -> dict[str, Any]:
    """Serializer errors of the grade lists keyed like the grading service's
    (`objectives[2].grade`), so a client reads one shape whichever check failed."""
    flat: dict[str, Any] = {}
    for name, value in errors.items():
        if not isinstance(value, dict):
            flat[name] = value
            continue
        for index, row in value.items():  # a list field: index → that row's errors
            key = row_key(name, int(index))
            if not isinstance(row, dict):
                flat[key] = row
                continue
            for field, messages in row.items():
                flat[key if field == "non_field_errors" else f"{key}.{field}"] = messages
    return flat


def _in_order(queryset, rows) -> list:
    """The rows again from `queryset` (fresh, with what the serializer reads preloaded)."""
    found = {row.pk: row for row in queryset.filter(pk__in=[r.pk for r in rows])}
    return [found[r.pk] for r in rows if r.pk in found]


class CycleClosingActions:
    """`grades/` and `copy-unfinished/` on a cycle (mixed into the cycle viewset)."""

    @extend_schema(
        summary="Grade objectives and key results of a cycle, all or none",
        description=GRADES_DESCRIPTION,
        request=CycleGradesSerializer,
        responses={200: CycleGradesResultSerializer},
        filters=False,
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="grades",
        serializer_class=CycleGradesSerializer,
        filter_backends=[],
    )
    def grades(self, request, *args, **kwargs):
        cycle = self.get_object()
        serializer = CycleGradesSerializer(data=request.data, context=self.get_serializer_context())
        if not serializer.is_valid():
            raise ValidationError(row_errors(serializer.errors))
        saved = services.save_grades(
            cycle=cycle,
            actor=self.membership,
            objective_grades=serializer.validated_data.get("objectives", []),
            kr_grades=serializer.validated_data.get("key_results", []),
        )
        scope = {"organization": self.organization, "viewer": self.membership}
        result = {
            "objectives": _in_order(selectors.visible_objectives(**scope), saved.objectives),
            "key_results": _in_order(selectors.visible_key_results(**scope), saved.key_results),
        }
        return Response(CycleGradesResultSerializer(result).data)

    @extend_schema(
        summary="Copy a cycle's unfinished OKRs into another cycle",
        description=COPY_DESCRIPTION,
        request=CopyUnfinishedSerializer,
        responses={200: CopyUnfinishedResultSerializer},
        filters=False,
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="copy-unfinished",
        serializer_class=CopyUnfinishedSerializer,
        filter_backends=[],
    )
    def copy_unfinished(self, request, *args, **kwargs):
        source = self.get_object()
        serializer = CopyUnfinishedSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        target = serializer.validated_data["target"]
        skipped = selectors.already_copied(source=source, target=target)
        copied = services.copy_unfinished_okrs(source=source, target=target, actor=self.membership)
        # Only admins and executives may copy, and they see every objective; asked anyway so
        # this answer can never list a private objective to someone who may not open it.
        result = {
            "copied": [o for o in copied if policy.can_view_objective(self.membership, o)],
            "already_copied": [o for o in skipped if policy.can_view_objective(self.membership, o)],
        }
        return Response(CopyUnfinishedResultSerializer(result).data)
