"""The health report as JSON: summary, per-child-unit check-in rates, the lists' first pages."""

from __future__ import annotations

from rest_framework import serializers

from okrs.models import KeyResult, Objective, Status

PROGRESS_HELP = "A fraction from 0 to 1."


class UnitLinkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class HealthObjectiveSerializer(serializers.ModelSerializer):
    """An objective in a health list (without key results, orphans)."""

    unit_name = serializers.CharField(source="unit.name", default=None, allow_null=True)
    owner_name = serializers.CharField(source="owner.name")

    class Meta:
        model = Objective
        fields = ["id", "title", "level", "unit", "unit_name", "owner", "owner_name"]
        fields += ["status", "progress"]
        read_only_fields = fields


class HealthKeyResultSerializer(serializers.ModelSerializer):
    """A key result in a health list (stale, low confidence, without an active owner)."""

    objective_title = serializers.CharField(source="objective.title")
    owner_name = serializers.CharField(source="owner.name")
    last_activity = serializers.DateTimeField(
        help_text="Its last check-in, else when it was created (what “stale” measures)."
    )

    class Meta:
        model = KeyResult
        fields = ["id", "title", "objective", "objective_title", "owner", "owner_name"]
        fields += ["confidence", "progress", "last_activity"]
        read_only_fields = fields


class CheckInRateSerializer(serializers.Serializer):
    unit = UnitLinkSerializer(
        allow_null=True,
        help_text="The child unit (with everything below it) this row counts; for `own` rows "
        "the scope's unit, null for the company-level objectives.",
    )
    label = serializers.CharField()
    own = serializers.BooleanField(
        help_text="The scope's own objectives (company-level, or the unit's own), not a child."
    )
    expected = serializers.IntegerField(help_text="Key results (visible to you).")
    done = serializers.IntegerField(help_text="Of those, checked in this week.")
    rate = serializers.FloatField(help_text=PROGRESS_HELP)
    health = serializers.URLField(
        allow_null=True, help_text="This endpoint for the child unit (drill down); null on own."
    )


def _section_serializer(name: str, item: type[serializers.Serializer]):
    return type(
        name,
        (serializers.Serializer,),
        {
            "count": serializers.IntegerField(),
            "url": serializers.URLField(help_text="The whole list, page by page."),
            "next": serializers.URLField(allow_null=True, help_text="Its second page, if any."),
            "results": item(many=True, help_text="The first page."),
        },
    )


KeyResultSectionSerializer = _section_serializer(
    "HealthKeyResultSection", HealthKeyResultSerializer
)
ObjectiveSectionSerializer = _section_serializer(
    "HealthObjectiveSection", HealthObjectiveSerializer
)


class HealthSectionsSerializer(serializers.Serializer):
    stale_krs = KeyResultSectionSerializer()
    low_confidence = KeyResultSectionSerializer()
    objectives_without_krs = ObjectiveSectionSerializer()
    krs_without_owner = KeyResultSectionSerializer()
    orphans = ObjectiveSectionSerializer()


class HealthCycleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class HealthSerializer(serializers.Serializer):
    """What needs attention in one cycle, for the whole company or one unit and below."""

    cycle = HealthCycleSerializer()
    unit = UnitLinkSerializer(allow_null=True, help_text="The scope; null: the whole company.")
    whole_company = serializers.BooleanField(
        help_text="You may see the whole company (omit `unit` for it)."
    )
    breadcrumb = UnitLinkSerializer(
        many=True, help_text="The units above the scope that you may see, top first."
    )
    top_units = UnitLinkSerializer(
        many=True, help_text="For leads of several separate units: those units."
    )
    week = serializers.CharField(help_text="The ISO week checked in (organization time zone).")
    objective_count = serializers.IntegerField()
    key_result_count = serializers.IntegerField()
    issue_count = serializers.IntegerField(help_text="The lists' counts added up.")
    average_progress = serializers.FloatField(help_text=PROGRESS_HELP)
    checkin_rate = serializers.FloatField(help_text=f"This week. {PROGRESS_HELP}")
    status_counts = serializers.DictField(
        child=serializers.IntegerField(),
        help_text=f"Objectives per status ({', '.join(Status.values)}); zeros left out.",
    )
    units = CheckInRateSerializer(
        many=True, help_text="Check-in rate per child unit of the scope (each its subtree)."
    )
    sections = HealthSectionsSerializer()
