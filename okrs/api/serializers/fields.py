"""Fields that keep every reference inside the caller's organization (and visible)."""

from __future__ import annotations

from rest_framework import serializers

from accounts.api.fields import OrgScopedPrimaryKeyRelatedField
from accounts.api.serializers import StrictSerializerMixin
from okrs.rules import policy
from okrs.rules.visibility import can_view_key_result


class VisibleObjectiveField(OrgScopedPrimaryKeyRelatedField):
    """An objective of this organization that the caller may see (else "Invalid pk")."""

    def to_internal_value(self, data):
        objective = super().to_internal_value(data)
        if not policy.can_view_objective(self.context.get("membership"), objective):
            self.fail("does_not_exist", pk_value=data)
        return objective


class VisibleKeyResultField(OrgScopedPrimaryKeyRelatedField):
    """A key result of this organization whose objective the caller may see."""

    def get_queryset(self):
        return super().get_queryset().select_related("objective__owner")

    def to_internal_value(self, data):
        key_result = super().to_internal_value(data)
        if not can_view_key_result(self.context.get("membership"), key_result):
            self.fail("does_not_exist", pk_value=data)
        return key_result


class StrictModelSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    """A ModelSerializer that rejects unknown fields and never saves by itself."""

    def create(self, validated_data):  # pragma: no cover - views call services instead
        raise NotImplementedError("Views call services; serializers only validate.")

    def update(self, instance, validated_data):  # pragma: no cover
        raise NotImplementedError("Views call services; serializers only validate.")
