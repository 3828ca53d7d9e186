"""Serializer fields that resolve ids only inside the request's organization, and URL ids."""

from __future__ import annotations

from django.http import Http404
from rest_framework import serializers


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


def url_id(value: str) -> int:
    """A URL id as an int, or Http404 (the selectors expect a number that fits a bigint)."""
    if not value.isdigit() or len(value) > 18:
        raise Http404
    return int(value)
