"""Objectives (with ETag / If-Match) and their audit history."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from okrs import selectors, services
from okrs.api import querysets
from okrs.api.filters import ObjectiveFilter
from okrs.api.serializers import AuditEntrySerializer, ObjectiveSerializer
from okrs.api.views.base import IF_MATCH_PARAMETER, OrgViewSet, VersionedMixin, changed_fields
from okrs.models import Objective


@extend_schema_view(
    list=extend_schema(summary="List objectives you may see"),
    retrieve=extend_schema(summary="Get an objective (with an ETag)"),
    create=extend_schema(summary="Create an objective"),
    update=extend_schema(summary="Replace an objective", parameters=[IF_MATCH_PARAMETER]),
    partial_update=extend_schema(summary="Change an objective", parameters=[IF_MATCH_PARAMETER]),
    destroy=extend_schema(
        summary="Delete an objective and its key results", parameters=[IF_MATCH_PARAMETER]
    ),
)
@extend_schema(tags=["objectives"])
class ObjectiveViewSet(VersionedMixin, OrgViewSet, mixins.ListModelMixin, mixins.CreateModelMixin):
    """Objectives you may see. GET sends an `ETag`; writes honour `If-Match` (412) and a body
    `version` (409)."""

    serializer_class = ObjectiveSerializer
    filterset_class = ObjectiveFilter
    ordering_fields = ["id", "title", "level", "progress", "status", "created_at"]
    ordering = ["id"]
    lookup_url_kwarg = "objective_id"

    def get_queryset(self):
        if self.organization is None:
            return Objective.objects.none()
        return querysets.visible_objectives(organization=self.organization, viewer=self.membership)

    def get_object(self) -> Objective:
        return selectors.get_objective(
            organization=self.organization,
            pk=self.kwargs[self.lookup_url_kwarg],
            viewer=self.membership,
        )

    def retrieve(self, request, *args, **kwargs):
        objective = self.get_object()
        self.set_etag(objective)
        return Response(self.get_serializer(objective).data)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        objective = services.create_objective(
            organization=self.organization, actor=self.membership, **data
        )
        self.set_etag(objective)
        serializer.instance = objective

    def update(self, request, *args, **kwargs):
        objective = self.get_object()
        serializer = self.get_serializer(
            objective, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        body_version = data.pop("version", None)
        if "cycle" in data and data.pop("cycle") != objective.cycle:
            raise ValidationError({"cycle": ["An objective cannot move to another cycle."]})
        objective = self.call_versioned_update(
            services.update_objective,
            row=objective,
            body_version=body_version,
            objective=objective,
            actor=self.membership,
            **changed_fields(objective, data),
        )
        objective = self.get_object()  # fresh progress/status after the roll-up
        self.set_etag(objective)
        return Response(self.get_serializer(objective).data, status=status.HTTP_200_OK)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request, *args, **kwargs):
        objective = self.get_object()
        self.precondition_version(objective)
        services.delete_objective(objective=objective, actor=self.membership)
        return Response(status=status.HTTP_204_NO_CONTENT)

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
