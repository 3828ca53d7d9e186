"""Key results (with ETag / If-Match) and their weekly check-ins."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from okrs import selectors, services
from okrs.api.filters import KeyResultFilter
from okrs.api.serializers import CheckInSerializer, CheckInWriteSerializer, KeyResultSerializer
from okrs.api.views.base import (
    ETAG_HEADER,
    IF_MATCH_PARAMETER,
    OrgViewSet,
    VersionedCrudMixin,
)
from okrs.models import KeyResult


@extend_schema_view(
    list=extend_schema(summary="List key results you may see"),
    retrieve=extend_schema(summary="Get a key result (with an ETag)", parameters=[ETAG_HEADER]),
    create=extend_schema(summary="Add a key result to an objective", parameters=[ETAG_HEADER]),
    update=extend_schema(
        summary="Replace a key result", parameters=[IF_MATCH_PARAMETER, ETAG_HEADER]
    ),
    partial_update=extend_schema(
        summary="Change a key result", parameters=[IF_MATCH_PARAMETER, ETAG_HEADER]
    ),
    destroy=extend_schema(summary="Delete a key result", parameters=[IF_MATCH_PARAMETER]),
)
@extend_schema(tags=["key results"])
class KeyResultViewSet(
    VersionedCrudMixin, OrgViewSet, mixins.ListModelMixin, mixins.CreateModelMixin
):
    """Key results you may see. GET sends an `ETag`; writes honour `If-Match` (412) and a body
    `version` (409). `check-ins/` is the weekly check-in."""

    serializer_class = KeyResultSerializer
    filterset_class = KeyResultFilter
    ordering_fields = ["id", "title", "progress", "confidence", "due_date", "last_check_in_at"]
    ordering = ["id"]
    lookup_url_kwarg = "key_result_id"
    noun = "key_result"
    fixed_field = "objective"
    update_service = services.update_key_result
    delete_service = services.delete_key_result

    def get_queryset(self):
        if self.generating_schema:
            return KeyResult.objects.none()
        return selectors.visible_key_results(organization=self.organization, viewer=self.membership)

    def get_object(self) -> KeyResult:
        return selectors.get_key_result(
            organization=self.organization,
            pk=self.kwargs[self.lookup_url_kwarg],
            viewer=self.membership,
        )

    def create_row(self, data):
        return services.create_key_result(actor=self.membership, **data)

    @extend_schema(
        methods=["GET"],
        summary="Check-ins of a key result, newest first",
        responses={200: CheckInSerializer(many=True)},
        request=None,
        filters=False,
    )
    @extend_schema(
        methods=["POST"],
        summary="The weekly check-in: value, confidence, note, blockers",
        description="One check-in per key result per ISO week (organization time zone): a "
        "second one in the same week updates the first. Updates the KR's current value, "
        "confidence and progress and rolls progress up the alignment chain. A milestone "
        'takes `"value": true` / `"done"` (and `false` / `"not done"`).',
        request=CheckInWriteSerializer,
        responses={201: CheckInSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="check-ins",
        serializer_class=CheckInSerializer,
        filter_backends=[],
    )
    def check_ins(self, request, *args, **kwargs):
        key_result = self.get_object()
        if request.method == "POST":
            serializer = CheckInWriteSerializer(
                data=request.data, context=self.get_serializer_context()
            )
            serializer.is_valid(raise_exception=True)
            check_in = services.record_check_in(
                key_result=key_result, actor=self.membership, **serializer.validated_data
            )
            return Response(CheckInSerializer(check_in).data, status=status.HTTP_201_CREATED)
        rows = selectors.check_ins_for_key_result(
            organization=self.organization, key_result=key_result, viewer=self.membership
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(CheckInSerializer(page, many=True).data)
