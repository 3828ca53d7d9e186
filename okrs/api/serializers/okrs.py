"""Cycles, objectives, key results, check-ins, alignment and history."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Membership, OrgUnit
from okrs.api.serializers.fields import (
    OrgScopedPrimaryKeyRelatedField,
    StrictModelSerializer,
    VisibleObjectiveField,
)
from okrs.models import AuditEntry, CheckIn, Cycle, KeyResult, Objective
from okrs.rules import limits

PROGRESS_HELP = "Cached progress, a fraction from 0 to 1."
GRADE_HELP = (
    "Final grade from 0 to 1, set with `cycles/<id>/grades/`; null until graded (closing the "
    "cycle gives ungraded rows their progress)."
)
VERSION_HELP = (
    "Row version. Send it back on PUT/PATCH (or as `If-Match`) to avoid overwriting someone "
    "else's change: a stale version answers 409 (body) or 412 (header)."
)


class CycleSerializer(StrictModelSerializer):
    """An OKR cycle (e.g. a quarter): planning → active → closed."""

    class Meta:
        model = Cycle
        fields = ["id", "name", "start_date", "end_date", "status"]
        read_only_fields = ["id"]


class _VersionedSerializer(StrictModelSerializer):
    """Computed `progress` and the optimistic-concurrency `version` of objectives and KRs."""

    progress = serializers.FloatField(
        read_only=True, min_value=0, max_value=1, help_text=PROGRESS_HELP
    )
    version = serializers.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, help_text=VERSION_HELP
    )


class ObjectiveSerializer(_VersionedSerializer):
    """An objective; `parent` is the objective it aligns to. Status and progress are computed."""

    cycle = OrgScopedPrimaryKeyRelatedField(Cycle)
    unit = OrgScopedPrimaryKeyRelatedField(
        OrgUnit, allow_null=True, required=False, help_text="Required for department/team."
    )
    owner = OrgScopedPrimaryKeyRelatedField(Membership, help_text="Membership id.")
    parent = VisibleObjectiveField(
        Objective, allow_null=True, required=False, help_text="Objective this one aligns to."
    )

    class Meta:
        model = Objective
        fields = [
            "id",
            "cycle",
            "level",
            "unit",
            "owner",
            "parent",
            "title",
            "description",
            "visibility",
            "rollup",
            "status",
            "progress",
            "grade",
            "retrospective",
            "version",
        ]
        read_only_fields = ["id", "status", "progress", "grade", "retrospective"]
        extra_kwargs = {
            "description": {"max_length": limits.DESCRIPTION},
            "grade": {"help_text": GRADE_HELP},
            "retrospective": {
                "help_text": "What the owner learned, written when grading (`cycles/<id>/grades/`)."
            },
            "rollup": {
                "required": False,
                "help_text": "Where progress comes from: `key_results`, `children` (aligned "
                "objectives) or `both`. Defaults by level on create (company and department: "
                "`both`; team and individual: `key_results`).",
            },
        }


class KeyResultSerializer(_VersionedSerializer):
    """A key result; `current_value` changes through check-ins, `progress` is computed."""

    objective = VisibleObjectiveField(Objective)
    owner = OrgScopedPrimaryKeyRelatedField(Membership, help_text="Membership id.")
    contributors = OrgScopedPrimaryKeyRelatedField(
        Membership, many=True, required=False, help_text="Membership ids who may check in too."
    )

    class Meta:
        model = KeyResult
        fields = [
            "id",
            "objective",
            "owner",
            "title",
            "metric_type",
            "start_value",
            "target_value",
            "current_value",
            "unit",
            "unit_label",
            "weight",
            "confidence",
            "progress",
            "due_date",
            "contributors",
            "grade",
            "version",
        ]
        read_only_fields = ["id", "current_value", "progress", "grade"]
        extra_kwargs = {
            "confidence": {"min_value": 0, "max_value": 10},
            "weight": {"min_value": 0, "max_value": 9999},
            "grade": {"help_text": GRADE_HELP},
        }


class CheckInSerializer(StrictModelSerializer):
    """The weekly check-in: a second one in the same ISO week updates the first."""

    class Meta:
        model = CheckIn
        fields = [
            "id",
            "key_result",
            "author",
            "value",
            "confidence",
            "note",
            "blockers",
            "created_at",
        ]
        read_only_fields = ["id", "key_result", "author", "created_at"]
        extra_kwargs = {
            "confidence": {"min_value": 0, "max_value": 10},
            "note": {"max_length": limits.NOTE},
            "blockers": {"max_length": limits.NOTE},
        }


@extend_schema_field(
    {
        "oneOf": [
            {"type": "number"},
            {"type": "string"},
            {"type": "boolean"},
        ],
        "description": "The new value: a number; for a milestone also `true` / `false` or "
        '`"done"` / `"not done"` (stored as 1 / 0).',
    }
)
class CheckInValueField(serializers.Field):
    """A check-in value as sent (number, string or boolean); the check-in service converts it
    for the key result's metric, the one place that does (`parse_value`)."""

    default_error_messages = {"invalid": "Send a number, or true/false or “done”/“not done”."}

    def to_internal_value(self, data):
        if isinstance(data, bool | int | float | str):
            return data
        self.fail("invalid")

    def to_representation(self, value):  # pragma: no cover - responses use CheckInSerializer
        return value


class CheckInWriteSerializer(CheckInSerializer):
    """A check-in as posted: `value` is converted by the service for the KR's metric."""

    value = CheckInValueField()

    class Meta(CheckInSerializer.Meta):
        pass


class AlignmentNodeSerializer(serializers.Serializer):
    """One objective in the alignment tree, with its aligned children nested (`depth`)."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    level = serializers.CharField()
    unit = serializers.IntegerField(allow_null=True)
    owner = serializers.IntegerField()
    parent = serializers.IntegerField(allow_null=True)
    status = serializers.CharField()
    progress = serializers.FloatField(min_value=0, max_value=1)
    child_count = serializers.IntegerField(
        help_text="Aligned objectives you may see (may be more than `children` holds)."
    )
    children = serializers.ListField(
        child=serializers.DictField(),
        help_text="Nested nodes (same shape), when `depth` reaches them; else empty.",
    )


class PaginatedAlignmentNodeSerializer(serializers.Serializer):
    """A page of alignment nodes, like every paginated list."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = AlignmentNodeSerializer(many=True)


class AuditEntrySerializer(serializers.ModelSerializer):
    """One change: who (`actor`, a membership id), what, when; `changes` is field → [old, new]."""

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "actor",
            "action",
            "target_type",
            "target_id",
            "summary",
            "changes",
            "created_at",
        ]
        read_only_fields = fields
