"""Invitations, organization settings and the organization's deletion: the API side of the
people and settings pages.

The same selectors and services as the pages (`accounts/views/invitations.py`,
`accounts/views/org_settings.py`): every member sees the pending invitations and the
settings; admins invite, revoke and change settings (`require_admin`, asked before the body
is read so a non-admin gets 403 whatever they send; the services ask it again). Deleting
the organization is the settings page's typed confirmation, then the grace period
(`accounts.services.organization_deletion`): every member reads whether it is scheduled (the
page's banner), admins schedule and cancel it (`can_delete_organization`).
"""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts import selectors, services
from accounts.api.base import OrganizationEndpoint
from accounts.api.fields import url_id
from accounts.api.serializers import (
    InvitationCreateSerializer,
    InvitationSerializer,
    OrganizationDeletionRequestSerializer,
    OrganizationDeletionSerializer,
    OrganizationSettingsSerializer,
)
from accounts.models import Invitation
from accounts.rules.policy import can_delete_organization, require_admin
from accounts.services import organization_deletion as deletion
from accounts.services.invitations import INVITATION_DAYS


@extend_schema_view(
    list=extend_schema(summary="List pending invitations"),
    create=extend_schema(
        summary="Invite someone by email (admins); a pending address is invited again",
        description=f"Sends an email with a link valid for {INVITATION_DAYS} days. Inviting an "
        "address that "
        "already has a pending invitation re-sends it with a fresh link (the old one stops "
        "working) and the role and unit given now; an active member cannot be invited.",
        request=InvitationCreateSerializer,
        responses={201: InvitationSerializer},
    ),
    destroy=extend_schema(summary="Revoke an invitation (admins); its link stops working"),
)
@extend_schema(tags=["people"])
class InvitationViewSet(
    OrganizationEndpoint,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Invitations to join the organization: pending ones listed, admins invite and revoke."""

    serializer_class = InvitationSerializer
    filter_backends: list = []
    lookup_url_kwarg = "invitation_id"

    def get_queryset(self) -> QuerySet[Invitation]:
        if self.generating_schema:
            return Invitation.objects.none()
        return selectors.pending_invitations(organization=self.organization)

    def create(self, request, *args, **kwargs):
        require_admin(self.membership, self.organization)
        serializer = InvitationCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        invitation = services.invite_member(
            organization=self.organization, actor=self.membership, **serializer.validated_data
        )
        return Response(self.get_serializer(invitation).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        invitation = selectors.get_invitation(
            organization=self.organization, pk=url_id(self.kwargs["invitation_id"])
        )
        services.revoke_invitation(invitation=invitation, actor=self.membership)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["organizations"])
class OrganizationSettingsView(OrganizationEndpoint):
    """The organization's settings: every member reads them, admins change them."""

    serializer_class = OrganizationSettingsSerializer

    @extend_schema(summary="Get the organization's settings", operation_id="org_settings_get")
    def get(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.organization).data)

    @extend_schema(
        summary="Change the organization's settings (admins)",
        operation_id="org_settings_update",
    )
    def patch(self, request, *args, **kwargs):
        require_admin(self.membership, self.organization)
        # Validation only reads the instance (nothing is saved here): the service writes.
        serializer = self.get_serializer(self.organization, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        organization = services.update_organization_settings(
            organization=self.organization, actor=self.membership, **serializer.validated_data
        )
        return Response(self.get_serializer(organization).data)


@extend_schema(tags=["organizations"])
class OrganizationDeletionView(OrganizationEndpoint):
    """The organization's deletion: scheduled or not; admins schedule and cancel it."""

    serializer_class = OrganizationDeletionSerializer

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "grace_days": deletion.grace_period().days}

    def _admins_only(self) -> None:
        if not can_delete_organization(self.membership):
            raise PermissionDenied(deletion.ADMINS_ONLY)

    def _status(self) -> Response:
        return Response(self.get_serializer(self.organization).data)

    @extend_schema(
        summary="Is the organization scheduled for deletion?",
        operation_id="org_deletion_get",
    )
    def get(self, request, *args, **kwargs):
        return self._status()

    @extend_schema(
        summary="Schedule the organization's deletion (admins)",
        description="Confirm with the organization's slug (or its exact name), as on the "
        "settings page; a wrong one is a 400 on `confirmation`, and so is a deletion already "
        "scheduled. Every row is deleted for good after the grace period; every admin is "
        "emailed and any admin can cancel until then.",
        operation_id="org_deletion_schedule",
        request=OrganizationDeletionRequestSerializer,
        responses={200: OrganizationDeletionSerializer},
    )
    def post(self, request, *args, **kwargs):
        self._admins_only()
        body = OrganizationDeletionRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        deletion.schedule_organization_deletion(
            organization=self.organization,
            actor=self.membership,
            confirmation=body.validated_data["confirmation"],
        )
        return self._status()

    @extend_schema(
        summary="Cancel the scheduled deletion (admins)",
        description="Nothing is deleted; a deletion that is not scheduled is a 400.",
        operation_id="org_deletion_cancel",
        request=None,
        responses={200: OrganizationDeletionSerializer},
    )
    def delete(self, request, *args, **kwargs):
        self._admins_only()
        deletion.cancel_organization_deletion(organization=self.organization, actor=self.membership)
        return self._status()
