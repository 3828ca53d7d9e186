"""Fields that keep every reference inside the caller's organization."""

from __future__ import annotations

from rest_framework import serializers

from accounts.api.serializers import StrictSerializerMixin
from okrs import policy


class OrgScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary key resolved only among rows of the request's organization.

    Another tenant's id gets the same "Invalid pk" answer as an id that does not exist.
    """

    def __init__(self, model, **kwargs):
        self.model = model
        kwargs.setdefault("queryset", model.objects.none())
        super().__init__(**kwargs)

    def get_queryset(self):
        organization = self.context.get("organization")
        if organization is None:  # schema generation has no request
            return self.model.objects.none()
        return self.model.objects.filter(organization=organization)

    def to_internal_value(self, data):
        # bool is an int subclass: `true` must not silently mean id 1.
        if isinstance(data, bool) or not isinstance(data, (int, str)):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if isinstance(data, str) and not data.isdigit():
            self.fail("incorrect_type", data_type="str")
        if int(data) > 2**62:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


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
        if not policy.can_view_objective(self.context.get("membership"), key_result.objective):
            self.fail("does_not_exist", pk_value=data)
        return key_result


class StrictModelSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    """A ModelSerializer that rejects unknown fields and never saves by itself."""

    def create(self, validated_data):  # pragma: no cover - views call services instead
        raise NotImplementedError("Views call services; serializers only validate.")

    def update(self, instance, validated_data):  # pragma: no cover
        raise NotImplementedError("Views call services; serializers only validate.")
