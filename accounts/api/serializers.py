"""Shapes of the accounts endpoints. No logic: services and selectors decide."""

from __future__ import annotations

from rest_framework import serializers

from accounts.api.fields import OrgScopedPrimaryKeyRelatedField
from accounts.models import Invitation, Membership, Organization, OrgUnit, Role
from accounts.services.members import SETTINGS_FIELDS
from accounts.validators import validate_single_line


class StrictSerializerMixin:
    """Rejects request fields the serializer does not know, listing them (400)."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            allowed = writable | set(getattr(self, "extra_allowed_fields", ()))
            unknown = sorted(str(key) for key in data if key not in allowed)
            if unknown:
                raise serializers.ValidationError(
                    {key: ["Unknown field: this API does not accept it."] for key in unknown}
                )
        return super().to_internal_value(data)


class TokenObtainSerializer(StrictSerializerMixin, serializers.Serializer):
    """Credentials for a new personal API token."""

    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=256, trim_whitespace=False)
    name = serializers.CharField(
        max_length=80,
        required=False,
        help_text="Label for the new token (default: “API”).",
        validators=[validate_single_line],
    )


class TokenSerializer(serializers.Serializer):
    """A new personal API token; the raw value is shown only here."""

    token = serializers.CharField(help_text="The raw token. Shown once: store it now.")
    name = serializers.CharField()
    prefix = serializers.CharField()


class OrganizationSerializer(serializers.Serializer):
    """An organization as seen through the caller's membership in it."""

    slug = serializers.SlugField(source="organization.slug", read_only=True)
    name = serializers.CharField(source="organization.name", read_only=True)
    timezone = serializers.CharField(source="organization.timezone", read_only=True)
    role = serializers.ChoiceField(choices=Role.choices, read_only=True)


class MembershipSerializer(serializers.ModelSerializer):
    """A person's seat in the organization (ids reference memberships and units)."""

    user_email = serializers.EmailField(source="user.email", read_only=True)
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "user_email",
            "name",
            "role",
            "unit",
            "reports_to",
            "title",
            "is_active",
        ]
        read_only_fields = fields


class MembershipUpdateSerializer(StrictSerializerMixin, serializers.Serializer):
    """What an admin may change about a member (all optional; PUT and PATCH alike)."""

    role = serializers.ChoiceField(choices=Role.choices, required=False)
    title = serializers.CharField(
        max_length=120, required=False, allow_blank=True, validators=[validate_single_line]
    )
    unit = OrgScopedPrimaryKeyRelatedField(OrgUnit, required=False, allow_null=True)
    reports_to = OrgScopedPrimaryKeyRelatedField(Membership, required=False, allow_null=True)
    is_active = serializers.BooleanField(
        required=False, help_text="false deactivates (access removed, history kept)."
    )


class OrgUnitSerializer(serializers.ModelSerializer):
    """A department or team; `lead` is a membership id."""

    class Meta:
        model = OrgUnit
        fields = ["id", "name", "kind", "parent", "lead"]
        read_only_fields = fields


class OrgUnitWriteSerializer(StrictSerializerMixin, serializers.Serializer):
    """Create or change a unit (admins). On a change, only the fields sent are touched."""

    name = serializers.CharField(max_length=120, validators=[validate_single_line])
    kind = serializers.ChoiceField(choices=OrgUnit.Kind.choices, required=False)
    parent = OrgScopedPrimaryKeyRelatedField(
        OrgUnit, required=False, allow_null=True, help_text="Unit id; null = top level."
    )
    lead = OrgScopedPrimaryKeyRelatedField(
        Membership, required=False, allow_null=True, help_text="Membership id of an active member."
    )
    move_lead = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Also move the lead into this unit. Without it the lead stays a member of "
        "their own unit: leading a unit and belonging to one are separate.",
    )


class InvitationSerializer(serializers.ModelSerializer):
    """A pending invitation; `unit` is a unit id, `invited_by` a membership id."""

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "unit", "invited_by", "created_at", "expires_at"]
        read_only_fields = fields


class InvitationCreateSerializer(StrictSerializerMixin, serializers.Serializer):
    """Who to invite. A pending address is invited again: fresh link, new role and unit."""

    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    unit = OrgScopedPrimaryKeyRelatedField(OrgUnit, required=False, allow_null=True)


class OrganizationSettingsSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    """The organization's settings; admins change any of them (PATCH)."""

    slug = serializers.SlugField(read_only=True)

    class Meta:
        model = Organization
        fields = ["slug", *SETTINGS_FIELDS]


class OrganizationDeletionSerializer(serializers.Serializer):
    """Whether the organization is scheduled for deletion, and when it is due."""

    scheduled = serializers.BooleanField(source="deletion_scheduled", read_only=True)
    requested_at = serializers.DateTimeField(
        source="deletion_requested_at", read_only=True, allow_null=True
    )
    due_at = serializers.DateTimeField(
        source="deletion_due_at",
        read_only=True,
        allow_null=True,
        help_text="When every row of the organization is deleted for good (null: not scheduled).",
    )
    grace_days = serializers.SerializerMethodField(
        help_text="Days between scheduling and the deletion."
    )

    def get_grace_days(self, organization: Organization) -> int:
        return self.context["grace_days"]


class OrganizationDeletionRequestSerializer(StrictSerializerMixin, serializers.Serializer):
    """The typed confirmation the settings page asks for."""

    confirmation = serializers.CharField(
        max_length=200,
        trim_whitespace=False,
        help_text="The organization's slug (or its exact name).",
    )
