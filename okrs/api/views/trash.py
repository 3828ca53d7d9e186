"""trash/objectives/ and trash/key-results/: the trash page as JSON (admins).

The same selectors (`okrs.selectors.trash`), predicate (`policy.can_manage_trash`) and services
(`services.restore_objective`, `restore_key_result`) as the web page: anyone but an admin is
403; a row that is not in this organization's trash (restored, purged, another tenant's,
never deleted) is 404; what the service refuses (a closed cycle, an objective still in the
trash under a key result) is a 400 with its message.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api.fields import url_id
from okrs import selectors, services
from okrs.api.serializers import KeyResultSerializer, ObjectiveSerializer
from okrs.api.serializers.trash import TrashedKeyResultSerializer, TrashedObjectiveSerializer
from okrs.api.views.base import OrgViewSet
from okrs.models import KeyResult, Objective
from okrs.rules import policy
from okrs.selectors import trash


class _TrashViewSet(OrgViewSet, mixins.ListModelMixin):
    filter_backends: list = []

    def admins_only(self) -> None:
        """Asked first by every handler: a non-admin learns nothing of the trash."""
        policy.require(policy.can_manage_trash(self.membership), policy.TRASH_ADMINS_ONLY)

    def list(self, request, *args, **kwargs):
        self.admins_only()
        return super().list(request, *args, **kwargs)


@extend_schema_view(
    list=extend_schema(summary="List the objectives in the trash (admins), newest first"),
)
@extend_schema(tags=["trash"])
class TrashedObjectiveViewSet(_TrashViewSet):
    """Objectives deleted in the last 30 days."""

    serializer_class = TrashedObjectiveSerializer
    lookup_url_kwarg = "objective_id"

    def get_queryset(self):
        if self.generating_schema:
            return Objective.objects.none()
        return trash.trashed_objectives(organization=self.organization)

    @extend_schema(
        summary="Restore an objective from the trash (admins)",
        description="Brings it back with the key results deleted with it, re-aligned as "
        "before; the objectives that were aligned to it and are still unaligned align to it "
        "again. A closed cycle's objective cannot be restored (400).",
        request=None,
        responses={200: ObjectiveSerializer},
    )
    @action(detail=True, methods=["post"])
    def restore(self, request, *args, **kwargs):
        self.admins_only()
        row = trash.get_trashed_objective(
            organization=self.organization, pk=url_id(self.kwargs["objective_id"])
        )
        services.restore_objective(
            organization=self.organization, objective_id=row.pk, actor=self.membership
        )
        objective = selectors.get_objective(
            organization=self.organization, pk=row.pk, viewer=self.membership
        )
        context = self.get_serializer_context()
        return Response(ObjectiveSerializer(objective, context=context).data)


@extend_schema_view(
    list=extend_schema(summary="List the key results in the trash (admins), newest first"),
)
@extend_schema(tags=["trash"])
class TrashedKeyResultViewSet(_TrashViewSet):
    """Key results deleted on their own in the last 30 days (their objective is live)."""

    serializer_class = TrashedKeyResultSerializer
    lookup_url_kwarg = "key_result_id"

    def get_queryset(self):
        if self.generating_schema:
            return KeyResult.objects.none()
        return trash.trashed_key_results(organization=self.organization)

    @extend_schema(
        summary="Restore a key result from the trash (admins)",
        description="Its objective must be live (restore that first: 400 otherwise) and its "
        "cycle open.",
        request=None,
        responses={200: KeyResultSerializer},
    )
    @action(detail=True, methods=["post"])
    def restore(self, request, *args, **kwargs):
        self.admins_only()
        row = trash.get_trashed_key_result(
            organization=self.organization, pk=url_id(self.kwargs["key_result_id"])
        )
        services.restore_key_result(
            organization=self.organization, key_result_id=row.pk, actor=self.membership
        )
        key_result = selectors.get_key_result(
            organization=self.organization, pk=row.pk, viewer=self.membership
        )
        context = self.get_serializer_context()
        return Response(KeyResultSerializer(key_result, context=context).data)
