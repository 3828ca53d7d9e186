"""Cycles, and the alignment tree of a cycle."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from okrs import selectors, services
from okrs.api.filters import CycleFilter
from okrs.api.serializers import CycleSerializer, PaginatedAlignmentNodeSerializer
from okrs.api.views.base import OrgViewSet
from okrs.api.views.closing import CycleClosingActions
from okrs.api.views.trees import alignment_page
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
    CycleClosingActions,
    OrgViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
):
    """The organization's OKR cycles; `alignment/` is a cycle's nested objective tree,
    `grades/` and `copy-unfinished/` the cycle-end loop (closing is a `status` change)."""

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
        cycle = services.change_cycle(
            cycle=cycle, actor=self.membership, **serializer.validated_data
        )
        return Response(self.get_serializer(cycle).data, status=status.HTTP_200_OK)

    @extend_schema(
        summary="Alignment tree of a cycle, one level (paginated) at a time",
        description="Objectives you may see, in tree order: without `parent` the roots "
        "(company objectives and objectives aligned to nothing you may see), with "
        "`parent=<objective id>` the objectives aligned to it. `depth` (1–3) nests that many "
        "levels, at most 25 children per node; `child_count` says how many each node has "
        "(ask for the rest with `parent`). Only the listed level is paginated.",
        responses={200: PaginatedAlignmentNodeSerializer},
        parameters=[
            OpenApiParameter(
                "parent",
                OpenApiTypes.INT,
                OpenApiParameter.QUERY,
                description="List the objectives aligned to this one (omit: the roots).",
            ),
            OpenApiParameter(
                "depth",
                OpenApiTypes.INT,
                OpenApiParameter.QUERY,
                description="Levels to nest, 1 (default) to 3.",
            ),
            OpenApiParameter("page", OpenApiTypes.INT, OpenApiParameter.QUERY),
            OpenApiParameter("page_size", OpenApiTypes.INT, OpenApiParameter.QUERY),
        ],
        filters=False,
    )
    @action(detail=True, methods=["get"], url_path="alignment", filter_backends=[])
    def alignment(self, request, *args, **kwargs):
        cycle = self.get_object()
        return alignment_page(view=self, cycle=cycle)
