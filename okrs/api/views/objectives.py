"""Objectives (with ETag / If-Match) and their audit history."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action

from okrs import selectors, services
from okrs.api.filters import ObjectiveFilter
from okrs.api.serializers import AuditEntrySerializer, ObjectiveSerializer
from okrs.api.views.base import (
    ETAG_HEADER,
    IF_MATCH_PARAMETER,
    OrgViewSet,
    VersionedCrudMixin,
)
from okrs.models import Objective


@extend_schema_view(
    list=extend_schema(summary="List objectives you may see"),
    retrieve=extend_schema(summary="Get an objective (with an ETag)", parameters=[ETAG_HEADER]),
    create=extend_schema(summary="Create an objective", parameters=[ETAG_HEADER]),
    update=extend_schema(
        summary="Replace an objective", parameters=[IF_MATCH_PARAMETER, ETAG_HEADER]
    ),
    partial_update=extend_schema(
        summary="Change an objective", parameters=[IF_MATCH_PARAMETER, ETAG_HEADER]
    ),
    destroy=extend_schema(
        summary="Delete an objective and its key results", parameters=[IF_MATCH_PARAMETER]
    ),
)
@extend_schema(tags=["objectives"])
class ObjectiveViewSet(
    VersionedCrudMixin, OrgViewSet, mixins.ListModelMixin, mixins.CreateModelMixin
):
    """Objectives you may see. GET sends an `ETag`; writes honour `If-Match` (412) and a body
    `version` (409)."""

    serializer_class = ObjectiveSerializer
    filterset_class = ObjectiveFilter
    ordering_fields = ["id", "title", "level", "progress", "status", "created_at"]
    ordering = ["id"]
    lookup_url_kwarg = "objective_id"
    noun = "objective"
    fixed_field = "cycle"
    update_service = services.update_objective
    delete_service = services.delete_objective

    def get_queryset(self):
        if self.generating_schema:
            return Objective.objects.none()
        return selectors.visible_objectives(organization=self.organization, viewer=self.membership)

    def get_object(self) -> Objective:
        return selectors.get_objective(
            organization=self.organization,
            pk=self.kwargs[self.lookup_url_kwarg],
            viewer=self.membership,
        )

    def create_row(self, data):
        return services.create_objective(
            organization=self.organization, actor=self.membership, **data
        )

    @extend_schema(
        summary="History (audit log) of an objective and its key results and check-ins",
        responses={200: AuditEntrySerializer(many=True)},
        filters=False,
    )
    @action(detail=True, methods=["get"], url_path="history", filter_backends=[])
    def history(self, request, *args, **kwargs):
        objective = self.get_object()
        entries = selectors.audit_for_objective(organization=self.organization, objective=objective)
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(AuditEntrySerializer(page, many=True).data)
