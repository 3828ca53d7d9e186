"""Initiatives, risks and comments on key results and objectives."""

from __future__ import annotations

from rest_framework import serializers

from accounts.models import Membership
from okrs.api.serializers.fields import (
    OrgScopedPrimaryKeyRelatedField,
    StrictModelSerializer,
    VisibleKeyResultField,
    VisibleObjectiveField,
)
from okrs.models import Comment, Initiative, KeyResult, Objective, Risk
from okrs.rules import limits


class InitiativeSerializer(StrictModelSerializer):
    """A piece of work meant to move a key result."""

    key_result = VisibleKeyResultField(KeyResult)
    assignee = OrgScopedPrimaryKeyRelatedField(Membership, allow_null=True, required=False)

    class Meta:
        model = Initiative
        fields = ["id", "key_result", "title", "assignee", "status", "due_date", "created_at"]
        read_only_fields = ["id", "created_at"]


class RiskSerializer(StrictModelSerializer):
    """A risk to a key result, scored likelihood × impact."""

    key_result = VisibleKeyResultField(KeyResult)
    owner = OrgScopedPrimaryKeyRelatedField(Membership, allow_null=True, required=False)
    score = serializers.IntegerField(read_only=True, help_text="likelihood × impact (1–9).")

    class Meta:
        model = Risk
        fields = [
            "id",
            "key_result",
            "description",
            "likelihood",
            "impact",
            "mitigation",
            "owner",
            "status",
            "score",
            "created_at",
        ]
        read_only_fields = ["id", "score", "created_at"]
        extra_kwargs = {
            "description": {"max_length": limits.RISK_TEXT},
            "mitigation": {"max_length": limits.RISK_TEXT},
        }


class CommentSerializer(StrictModelSerializer):
    """A comment on exactly one objective or key result."""

    objective = VisibleObjectiveField(Objective, allow_null=True, required=False)
    key_result = VisibleKeyResultField(KeyResult, allow_null=True, required=False)

    class Meta:
        model = Comment
        fields = ["id", "objective", "key_result", "author", "body", "created_at"]
        read_only_fields = ["id", "author", "created_at"]
        extra_kwargs = {"body": {"max_length": limits.COMMENT}}

    def validate(self, attrs):
        # Shape, not policy: a comment needs exactly one target.
        if bool(attrs.get("objective")) == bool(attrs.get("key_result")):
            raise serializers.ValidationError(
                {"non_field_errors": ["Comment on either an objective or a key result."]}
            )
        return attrs
