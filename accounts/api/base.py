"""The one place the API resolves the tenant (Sentry's `OrganizationEndpoint`).

Every view under `/api/v1/orgs/<org_slug>/` inherits `OrganizationEndpoint`. Its permission
loads the caller's active membership in that organization once, before the handler runs,
and answers 404 (problem details) if there is none, the same answer as for an organization
that does not exist. Handlers read `self.organization` and `self.membership`.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions
from rest_framework.generics import GenericAPIView

from accounts.models import Membership, Organization
from accounts.tenancy import get_membership_for_request

ORG_SLUG_PARAMETER = OpenApiParameter(
    "org_slug",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The organization's slug (see `GET /api/v1/orgs/`).",
    pattern=r"^[-a-zA-Z0-9_]+$",
)


class IsOrganizationMember(permissions.BasePermission):
    """Binds `view.organization` / `view.membership` from the URL, or raises Http404."""

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False  # DRF turns this into 401 for anonymous callers
        if getattr(view, "membership", None) is None:
            membership = get_membership_for_request(
                user=request.user, org_slug=view.kwargs["org_slug"]
            )
            view.membership = membership
            view.organization = membership.organization
            request.membership = membership
            request.organization = membership.organization
        return True


@extend_schema(parameters=[ORG_SLUG_PARAMETER])
class OrganizationEndpoint(GenericAPIView):
    """Base for every organization-scoped endpoint."""

    permission_classes = [permissions.IsAuthenticated, IsOrganizationMember]
    organization: Organization | None = None
    membership: Membership | None = None

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        context["organization"] = self.organization
        context["membership"] = self.membership
        return context
