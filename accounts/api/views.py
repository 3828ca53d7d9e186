"""Accounts endpoints: obtain a token, list my organizations, members and units."""

from __future__ import annotations

import django_filters
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from accounts import selectors, services
from accounts.api.base import OrganizationEndpoint
from accounts.api.fields import url_id
from accounts.api.serializers import (
    MembershipSerializer,
    MembershipUpdateSerializer,
    OrganizationSerializer,
    OrgUnitSerializer,
    OrgUnitWriteSerializer,
    TokenObtainSerializer,
    TokenSerializer,
)
from accounts.api.throttling import TokenObtainRateThrottle
from accounts.models import Membership, OrgUnit, Role, SecurityEvent
from accounts.rules.policy import require_admin
from accounts.selectors import member_search_q
from accounts.services import security_events
from accounts.services.tokens import create_api_token


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
        # The Django request, not DRF's wrapper: the lockout (django-axes) marks it, and its
        # middleware turns a lockout into a 429 with the same message as the login page.
        user = authenticate(request._request, email=data["email"], password=data["password"])
        if user is None or not user.is_active:
            raise ValidationError({"non_field_errors": ["Email or password is wrong."]})
        security_events.record_for_user(
            SecurityEvent.Kind.LOGIN, user=user, detail={"via": "api"}, request=request._request
        )
        token, raw = create_api_token(user=user, name=data.get("name") or "API")
        body = {"token": raw, "name": token.name, "prefix": token.prefix}
        return Response(TokenSerializer(body).data, status=status.HTTP_201_CREATED)


class OrganizationListView(generics.ListAPIView):
    """The caller's organizations, with the caller's role in each."""

    serializer_class = OrganizationSerializer
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[Membership]:
        # One row per active membership; the serializer reads the organization through it.
        return selectors.memberships_for_user(user=self.request.user)

    @extend_schema(operation_id="orgs_list", tags=["organizations"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class MemberFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search",
        max_length=100,
        help_text="Name, email or title contains this (case-insensitive).",
    )
    role = django_filters.ChoiceFilter(choices=Role.choices)
    unit = django_filters.NumberFilter(field_name="unit_id")
    is_active = django_filters.BooleanFilter()

    class Meta:
        model = Membership
        fields = ["search", "role", "unit", "is_active"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(member_search_q(value)) if value.strip() else queryset


@extend_schema_view(
    list=extend_schema(summary="List members (active and deactivated)"),
    retrieve=extend_schema(summary="Get a member"),
    update=extend_schema(
        summary="Change a member's role, title, unit, manager or access (admins)",
        request=MembershipUpdateSerializer,
    ),
    partial_update=extend_schema(
        summary="Change a member's role, title, unit, manager or access (admins)",
        request=MembershipUpdateSerializer,
    ),
)
@extend_schema(tags=["people"])
class MemberViewSet(
    OrganizationEndpoint,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Members of the organization. Admins may change roles, units, managers and access."""

    serializer_class = MembershipSerializer
    filterset_class = MemberFilter
    ordering_fields = ["id", "role", "title"]
    lookup_url_kwarg = "membership_id"

    def get_queryset(self) -> QuerySet[Membership]:
        if self.generating_schema:
            return Membership.objects.none()
        return selectors.members_for_org(organization=self.organization, include_inactive=True)

    def get_object(self) -> Membership:
        return selectors.get_membership(
            organization=self.organization, pk=url_id(self.kwargs["membership_id"])
        )

    def update(self, request, *args, **kwargs):
        membership = self.get_object()
        serializer = MembershipUpdateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        is_active = data.pop("is_active", None)
        # Profile change and (de)activation are separate services: one transaction.
        with transaction.atomic():
            if data:
                services.update_member(membership=membership, actor=self.membership, **data)
            if is_active is False and membership.is_active:
                services.deactivate_member(membership=membership, actor=self.membership)
            elif is_active is True and not membership.is_active:
                services.reactivate_member(membership=membership, actor=self.membership)
        return Response(self.get_serializer(self.get_object()).data)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)


@extend_schema_view(
    list=extend_schema(summary="List units"),
    retrieve=extend_schema(summary="Get a unit"),
    create=extend_schema(
        summary="Create a unit (admins)",
        request=OrgUnitWriteSerializer,
        responses={201: OrgUnitSerializer},
    ),
    update=extend_schema(
        summary="Rename, move, re-kind or set the lead of a unit (admins)",
        request=OrgUnitWriteSerializer,
    ),
    partial_update=extend_schema(
        summary="Rename, move, re-kind or set the lead of a unit (admins)",
        request=OrgUnitWriteSerializer,
    ),
    destroy=extend_schema(
        summary="Delete an empty unit (admins); 400 with the reason when it is not empty"
    ),
)
@extend_schema(tags=["people"])
class UnitViewSet(
    OrganizationEndpoint,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Departments and teams (the org chart), flat; `parent` links them into a tree. Admins
    create, change and delete them through the same services as the org chart pages."""

    serializer_class = OrgUnitSerializer
    filter_backends = [OrderingFilter]
    ordering_fields = ["id", "name", "kind"]
    ordering = ["name", "id"]
    lookup_url_kwarg = "unit_id"

    def get_queryset(self) -> QuerySet[OrgUnit]:
        if self.generating_schema:
            return OrgUnit.objects.none()
        return selectors.units_of(organization=self.organization)

    def get_object(self) -> OrgUnit:
        return selectors.get_unit(organization=self.organization, pk=url_id(self.kwargs["unit_id"]))

    def _write_data(self, *, partial: bool) -> dict:
        # Refuse non-admins before reading the body: a 403, not a 400 about its fields.
        require_admin(self.membership, self.organization)
        serializer = OrgUnitWriteSerializer(
            data=self.request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def create(self, request, *args, **kwargs):
        data = self._write_data(partial=False)
        unit = services.create_unit(organization=self.organization, actor=self.membership, **data)
        body = self.get_serializer(unit).data
        return Response(body, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        unit = self.get_object()
        data = self._write_data(partial=True)
        services.update_unit(unit=unit, actor=self.membership, **data)
        return Response(self.get_serializer(self.get_object()).data)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)

    def destroy(self, request, *args, **kwargs):
        # The service refuses a unit with members, teams or objectives (400, with the reason).
        services.delete_unit(unit=self.get_object(), actor=self.membership)
        return Response(status=status.HTTP_204_NO_CONTENT)
