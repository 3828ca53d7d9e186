"""The trash as JSON: what was deleted, by whom it was owned, and when it goes for good."""

from __future__ import annotations

from datetime import datetime

from rest_framework import serializers

from okrs.models import KeyResult, Objective
from okrs.rules.trash import RETENTION


class _TrashedSerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.name", read_only=True)
    purge_at = serializers.SerializerMethodField(
        help_text="When it is deleted for good (30 days after `deleted_at`)."
    )

    def get_purge_at(self, row) -> datetime:
        return row.deleted_at + RETENTION


class TrashedObjectiveSerializer(_TrashedSerializer):
    """An objective in the trash (its key results deleted with it come back on restore)."""

    cycle_name = serializers.CharField(source="cycle.name", read_only=True)

    class Meta:
        model = Objective
        fields = [
            "id",
            "title",
            "level",
            "cycle",
            "cycle_name",
            "owner",
            "owner_name",
            "deleted_at",
            "purge_at",
        ]
        read_only_fields = fields


class TrashedKeyResultSerializer(_TrashedSerializer):
    """A key result trashed on its own (its objective is live)."""

    objective_title = serializers.CharField(source="objective.title", read_only=True)

    class Meta:
        model = KeyResult
        fields = [
            "id",
            "title",
            "objective",
            "objective_title",
            "owner",
            "owner_name",
            "deleted_at",
            "purge_at",
        ]
        read_only_fields = fields
