"""The one place the API binds the tenant (like Sentry's `convert_args`).

Every view under `/api/v1/orgs/<org_slug>/` inherits `OrganizationEndpoint`. Before the
handler runs, DRF's `initial()` negotiates the content type, authenticates the caller and
then — here, before any permission class or throttle — binds the organization from the URL
through the caller's *active* membership in it (`accounts.tenancy.bind_tenant`). An anonymous
caller answers 401; another tenant's slug, an inactive membership or an unknown slug all
answer the same 404 (problem details). Handlers, permission classes, serializers and filters
then read `self.organization` / `self.membership` (also `request.organization` /
`request.membership`) and never resolve or guard the tenant themselves.
"""

from __future__ import annotations

from contextlib import ExitStack

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotAuthenticated
from rest_framework.generics import GenericAPIView

from accounts.models import Membership, Organization
from accounts.rls import tenant_context
from accounts.tenancy import bind_tenant

ORG_SLUG_PARAMETER = OpenApiParameter(
    "org_slug",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The organization's slug (see `GET /api/v1/orgs/`).",
    pattern=r"^[-a-zA-Z0-9_]+$",
)


@extend_schema(parameters=[ORG_SLUG_PARAMETER])
class OrganizationEndpoint(GenericAPIView):
    """Base for every organization-scoped endpoint: the tenant is bound before the handler."""

    organization: Organization
    membership: Membership

    def dispatch(self, request, *args, **kwargs):
        # Row-level security (accounts/rls.py): the wall goes up in `bind_organization` and
        # comes down here, once the response is built.
        with ExitStack() as self.tenant_scope:
            return super().dispatch(request, *args, **kwargs)

    def perform_authentication(self, request) -> None:
        # Called by `initial()` between content negotiation and the permission checks: the
        # caller is known here, and nothing after this point runs without a tenant.
        super().perform_authentication(request)
        self.bind_organization(request)

    def bind_organization(self, request) -> None:
        """`self.organization` / `self.membership` from the URL slug, or 401 / 404."""
        if not request.user.is_authenticated:
            raise NotAuthenticated()
        self.membership = bind_tenant(request, self.kwargs["org_slug"])
        self.organization = self.membership.organization
        self.tenant_scope.enter_context(tenant_context(self.organization.pk))

    @property
    def generating_schema(self) -> bool:
        """True while drf-spectacular inspects the view (no request, no tenant)."""
        return getattr(self, "swagger_fake_view", False)

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        if not self.generating_schema:
            context["organization"] = self.organization
            context["membership"] = self.membership
        return context
