"""Cycles, and the alignment tree of a cycle."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from okrs import selectors, services
from okrs.api.filters import CycleFilter
from okrs.api.serializers import AlignmentNodeSerializer, CycleSerializer
from okrs.api.views.base import OrgViewSet
from okrs.api.views.trees import alignment_payload
from okrs.models import Cycle


@extend_schema_view(
    list=extend_schema(summary="List cycles"),
    retrieve=extend_schema(summary="Get a cycle"),
    create=extend_schema(summary="Create a cycle (admins, executives)"),
    update=extend_schema(summary="Replace a cycle; `status` moves it to active or closed"),
    partial_update=extend_schema(summary="Change a cycle; `status` moves it to active or closed"),
)
@extend_schema(tags=["cycles"])
class CycleViewSet(
    OrgViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
):
    """The organization's OKR cycles; `alignment/` is a cycle's nested objective tree."""

    serializer_class = CycleSerializer
    filterset_class = CycleFilter
    ordering_fields = ["id", "name", "start_date", "end_date", "status"]
    ordering = ["-start_date", "id"]
    lookup_url_kwarg = "cycle_id"

    def get_queryset(self):
        if self.generating_schema:
            return Cycle.objects.none()
        return selectors.cycles_for_org(organization=self.organization)

    def get_object(self) -> Cycle:
        return selectors.get_cycle(
            organization=self.organization, pk=self.kwargs[self.lookup_url_kwarg]
        )

    def perform_create(self, serializer):
        serializer.instance = services.create_cycle(
            organization=self.organization, actor=self.membership, **serializer.validated_data
        )

    def update(self, request, *args, **kwargs):
        cycle = self.get_object()
        serializer = self.get_serializer(
            cycle, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        new_status = data.pop("status", cycle.status)
        changed = {k: v for k, v in data.items() if getattr(cycle, k) != v}
        # Renaming and a status move are two services; one transaction keeps them together.
        with transaction.atomic():
            if changed:
                cycle = services.update_cycle(cycle=cycle, actor=self.membership, **changed)
            if new_status != cycle.status:
                if new_status == Cycle.Status.ACTIVE:
                    cycle = services.activate_cycle(cycle=cycle, actor=self.membership)
                elif new_status == Cycle.Status.CLOSED:
                    cycle = services.close_cycle(cycle=cycle, actor=self.membership)
                else:
                    raise ValidationError({"status": ["A cycle cannot go back to planning."]})
        return Response(self.get_serializer(cycle).data, status=status.HTTP_200_OK)

    @extend_schema(
        summary="Alignment tree of a cycle",
        description="Objectives you may see, nested under the objective they align to, "
        "with progress. `?root=<objective id>` limits it to one subtree.",
        responses={200: AlignmentNodeSerializer(many=True)},
        parameters=[
            OpenApiParameter(
                "root",
                OpenApiTypes.INT,
                OpenApiParameter.QUERY,
                description="Only this objective and what aligns to it.",
            )
        ],
        filters=False,
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="alignment",
        pagination_class=None,
        filter_backends=[],
    )
    def alignment(self, request, *args, **kwargs):
        cycle = self.get_object()
        return Response(alignment_payload(view=self, cycle=cycle))
