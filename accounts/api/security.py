"""GET /api/v1/orgs/<org_slug>/security-events/: the security log, for organization admins.

The same selector and filters as the web page (`accounts.selectors.security.events_for_org`):
`kind`, `person` (a member id: events they did or that concern their account), `since` and
`until` (dates, inclusive, in the organization's time zone). Newest first, paginated.
"""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import PermissionDenied

from accounts.api.base import OrganizationEndpoint
from accounts.models import Membership, SecurityEvent
from accounts.rules.policy import can_view_security_log
from accounts.selectors import security as security_selectors

ADMINS_ONLY = "Only admins can see the security log."


class SecurityEventSerializer(serializers.ModelSerializer):
    actor = serializers.IntegerField(source="actor_id", allow_null=True, read_only=True)
    actor_name = serializers.SerializerMethodField()
    user_email = serializers.SerializerMethodField()

    class Meta:
        model = SecurityEvent
        fields = [
            "id",
            "kind",
            "created_at",
            "actor",
            "actor_name",
            "user_email",
            "ip",
            "user_agent",
            "detail",
        ]
        read_only_fields = fields

    def get_actor_name(self, event: SecurityEvent) -> str | None:
        return event.actor.name if event.actor else None

    def get_user_email(self, event: SecurityEvent) -> str | None:
        return event.user.email if event.user else None


class SecurityEventQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SecurityEvent.Kind.choices, required=False)
    person = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text="A member id: events they did or that concern their account.",
    )
    since = serializers.DateField(required=False, help_text="From this day (inclusive).")
    until = serializers.DateField(required=False, help_text="Up to this day (inclusive).")

    def validate_person(self, value: int) -> Membership:
        member = (
            security_selectors.member_choices(organization=self.context["organization"])
            .filter(pk=value)
            .first()
        )
        if member is None:
            raise serializers.ValidationError("Not a member of this organization.")
        return member

    def validate(self, data):
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise serializers.ValidationError({"until": "Must be on or after “since”."})
        return data


class SecurityEventListView(OrganizationEndpoint, generics.ListAPIView):
    """The organization's security events, newest first (admins only)."""

    serializer_class = SecurityEventSerializer
    filter_backends: list = []

    @extend_schema(
        tags=["security"],
        summary="List security events (admins)",
        parameters=[SecurityEventQuerySerializer],
        operation_id="security_events_list",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[SecurityEvent]:
        if self.generating_schema:
            return SecurityEvent.objects.none()
        if not can_view_security_log(self.membership):
            raise PermissionDenied(ADMINS_ONLY)
        query = SecurityEventQuerySerializer(
            data=self.request.query_params, context=self.get_serializer_context()
        )
        query.is_valid(raise_exception=True)
        return security_selectors.events_for_org(
            organization=self.organization, **query.validated_data
        )
