"""Find anything, as JSON: one shape per kind of hit, and the summary of all four."""

from __future__ import annotations

from rest_framework import serializers

from accounts.models import Membership, OrgUnit
from okrs.models import KeyResult, Objective


class SearchObjectiveSerializer(serializers.ModelSerializer):
    cycle_name = serializers.CharField(source="cycle.name", read_only=True)
    owner_name = serializers.CharField(source="owner.name", read_only=True)

    class Meta:
        model = Objective
        fields = [
            "id", "title", "level", "visibility", "status", "progress",
            "cycle", "cycle_name", "owner", "owner_name", "unit",
        ]  # fmt: skip
        read_only_fields = fields


class SearchKeyResultSerializer(serializers.ModelSerializer):
    objective_title = serializers.CharField(source="objective.title", read_only=True)
    cycle = serializers.IntegerField(source="objective.cycle_id", read_only=True)
    cycle_name = serializers.CharField(source="objective.cycle.name", read_only=True)
    owner_name = serializers.CharField(source="owner.name", read_only=True)

    class Meta:
        model = KeyResult
        fields = [
            "id", "title", "progress", "objective", "objective_title",
            "cycle", "cycle_name", "owner", "owner_name",
        ]  # fmt: skip
        read_only_fields = fields


class SearchPersonSerializer(serializers.ModelSerializer):
    """A member (the id is the membership's, as everywhere in the API)."""

    name = serializers.CharField(read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True, allow_null=True)

    class Meta:
        model = Membership
        fields = ["id", "name", "email", "title", "role", "unit", "unit_name"]
        read_only_fields = fields


class SearchUnitSerializer(serializers.ModelSerializer):
    lead_name = serializers.CharField(source="lead.name", read_only=True, allow_null=True)

    class Meta:
        model = OrgUnit
        fields = ["id", "name", "kind", "parent", "lead", "lead_name"]
        read_only_fields = fields


def _group(child: type[serializers.Serializer], name: str) -> serializers.Serializer:
    return type(
        name,
        (serializers.Serializer,),
        {
            "count": serializers.IntegerField(help_text="Every hit of this kind you may see."),
            "url": serializers.URLField(help_text="The whole list, paginated."),
            "results": child(many=True, help_text="The first few hits."),
        },
    )()


class SearchSummarySerializer(serializers.Serializer):
    query = serializers.CharField(help_text="The query as searched (trimmed, ≤ 100 characters).")
    objectives = _group(SearchObjectiveSerializer, "SearchObjectiveGroup")
    key_results = _group(SearchKeyResultSerializer, "SearchKeyResultGroup")
    people = _group(SearchPersonSerializer, "SearchPersonGroup")
    units = _group(SearchUnitSerializer, "SearchUnitGroup")
