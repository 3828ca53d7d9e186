"""Closing a cycle: batch grades and copying unfinished OKRs (shapes only).

The values are checked by the services (`save_grades` → `grade_objective` /
`grade_key_result`: the grade range, the retrospective's length), so errors name the same
rows whichever door they came through.
"""

from __future__ import annotations

from rest_framework import serializers

from accounts.api.serializers import StrictSerializerMixin
from okrs.api.serializers.fields import OrgScopedPrimaryKeyRelatedField
from okrs.api.serializers.okrs import KeyResultSerializer, ObjectiveSerializer
from okrs.models import Cycle
from okrs.services.grading import MAX_ROWS

ID_HELP = "Id of a row of this cycle you may see."
GRADE_HELP = "From 0 to 1 (e.g. 0.7)."


class ObjectiveGradeSerializer(StrictSerializerMixin, serializers.Serializer):
    """One objective's grade and, optionally, its retrospective."""

    id = serializers.IntegerField(min_value=1, max_value=2**62, help_text=ID_HELP)
    grade = serializers.FloatField(help_text=GRADE_HELP)
    retrospective = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text="Omit to keep the retrospective already written.",
    )


class KeyResultGradeSerializer(StrictSerializerMixin, serializers.Serializer):
    """One key result's grade."""

    id = serializers.IntegerField(min_value=1, max_value=2**62, help_text=ID_HELP)
    grade = serializers.FloatField(help_text=GRADE_HELP)


class CycleGradesSerializer(StrictSerializerMixin, serializers.Serializer):
    """Grades for rows of one cycle, saved together or not at all."""

    objectives = serializers.ListField(
        child=ObjectiveGradeSerializer(), required=False, max_length=MAX_ROWS
    )
    key_results = serializers.ListField(
        child=KeyResultGradeSerializer(), required=False, max_length=MAX_ROWS
    )

    def validate(self, attrs):
        if not attrs.get("objectives") and not attrs.get("key_results"):
            raise serializers.ValidationError("Send at least one objective or key result grade.")
        return attrs


class CycleGradesResultSerializer(serializers.Serializer):
    """The graded rows as they are now, in the order sent."""

    objectives = ObjectiveSerializer(many=True)
    key_results = KeyResultSerializer(many=True)


class CopyUnfinishedSerializer(StrictSerializerMixin, serializers.Serializer):
    """Where to copy this cycle's unfinished OKRs."""

    target = OrgScopedPrimaryKeyRelatedField(
        Cycle, help_text="Id of another cycle of this organization that is not closed."
    )


class CopyUnfinishedResultSerializer(serializers.Serializer):
    """What the copy did."""

    copied = ObjectiveSerializer(
        many=True, help_text="The new objectives in the target cycle (with their unfinished KRs)."
    )
    already_copied = ObjectiveSerializer(
        many=True,
        help_text="Objectives of this cycle the target already held (same title, owner and "
        "level): skipped, so copying twice duplicates nothing.",
    )
