"""Accounts endpoints: obtain a token, list my organizations, members and units."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from accounts.api.base import OrganizationEndpoint
from accounts.api.serializers import (
    MembershipSerializer,
    OrganizationSerializer,
    OrgUnitSerializer,
    TokenObtainSerializer,
    TokenSerializer,
)
from accounts.api.throttling import TokenObtainRateThrottle
from accounts.api.tokens import create_api_token
from accounts.models import Membership, OrgUnit


class TokenObtainView(generics.GenericAPIView):
    """Exchange an email and password for a new personal API token."""

    authentication_classes: list = []  # credentials are in the body; no CSRF/session involved
    permission_classes = [AllowAny]
    throttle_classes = [TokenObtainRateThrottle]
    serializer_class = TokenObtainSerializer

    @extend_schema(
        operation_id="auth_token_create",
        request=TokenObtainSerializer,
        responses={201: TokenSerializer},
        auth=[],
        tags=["auth"],
    )
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = authenticate(request, email=data["email"].lower(), password=data["password"])
        if user is None or not user.is_active:
            raise ValidationError({"non_field_errors": ["Email or password is wrong."]})
        token, raw = create_api_token(user=user, name=data.get("name") or "API")
        body = {"token": raw, "name": token.name, "prefix": token.prefix}
        return Response(TokenSerializer(body).data, status=status.HTTP_201_CREATED)


class OrganizationListView(generics.ListAPIView):
    """The caller's organizations, with the caller's role in each."""

    serializer_class = OrganizationSerializer
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[Membership]:
        # One row per active membership; the serializer reads the organization through it.
        return (
            Membership.objects.filter(user=self.request.user, is_active=True)
            .select_related("organization")
            .order_by("organization__name", "organization_id")
        )

    @extend_schema(operation_id="orgs_list", tags=["organizations"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["people"])
class MemberViewSet(
    OrganizationEndpoint, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Members of the organization (read-only: roles are managed on the People pages)."""

    serializer_class = MembershipSerializer
    filter_backends = [OrderingFilter]
    ordering_fields = ["id", "role", "title"]
    ordering = ["user__full_name", "user__email", "id"]
    lookup_url_kwarg = "membership_id"

    def get_queryset(self) -> QuerySet[Membership]:
        if self.organization is None:  # schema generation
            return Membership.objects.none()
        return Membership.objects.filter(organization=self.organization).select_related("user")


@extend_schema(tags=["people"])
class UnitViewSet(
    OrganizationEndpoint, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Departments and teams (the org chart), flat; `parent` links them into a tree."""

    serializer_class = OrgUnitSerializer
    filter_backends = [OrderingFilter]
    ordering_fields = ["id", "name", "kind"]
    ordering = ["name", "id"]
    lookup_url_kwarg = "unit_id"

    def get_queryset(self) -> QuerySet[OrgUnit]:
        if self.organization is None:
            return OrgUnit.objects.none()
        return OrgUnit.objects.filter(organization=self.organization)
