"""Initiatives, risks and comments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from okrs import selectors, services
from okrs.api.filters import CommentFilter, InitiativeFilter, RiskFilter
from okrs.api.serializers import CommentSerializer, InitiativeSerializer, RiskSerializer
from okrs.api.views.base import OrgViewSet, changed_fields
from okrs.models import Comment, Initiative, Risk


class _KeyResultChildViewSet(
    OrgViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
):
    """CRUD for rows hanging off a key result, through the services each view names.

    `noun` is the services' row argument (`update_initiative(initiative=…)`); the services
    are plain functions, so they are read off the class (not bound to the view).
    """

    model = None
    noun = ""
    selector = None
    create_service: Callable[..., Any]
    update_service: Callable[..., Any]
    delete_service: Callable[..., Any]

    def get_queryset(self):
        if self.generating_schema:
            return self.model.objects.none()
        return type(self).selector(organization=self.organization, viewer=self.membership)

    def get_object(self):
        try:
            pk = int(self.kwargs[self.lookup_url_kwarg])
            return self.get_queryset().get(pk=pk)
        except (self.model.DoesNotExist, ValueError, OverflowError):
            raise Http404 from None

    def perform_create(self, serializer):
        create = type(self).create_service
        serializer.instance = create(actor=self.membership, **serializer.validated_data)

    def perform_update(self, serializer):
        row = serializer.instance
        data = dict(serializer.validated_data)
        if "key_result" in data and data.pop("key_result") != row.key_result:
            raise ValidationError({"key_result": ["This cannot move to another key result."]})
        update = type(self).update_service
        serializer.instance = update(
            actor=self.membership, **{self.noun: row}, **changed_fields(row, data)
        )

    def perform_destroy(self, instance):
        type(self).delete_service(actor=self.membership, **{self.noun: instance})


def _crud_docs(label: str):
    return extend_schema_view(
        list=extend_schema(summary=f"List {label}s"),
        retrieve=extend_schema(summary=f"Get a {label}"),
        create=extend_schema(summary=f"Add a {label} to a key result"),
        update=extend_schema(summary=f"Replace a {label}"),
        partial_update=extend_schema(summary=f"Change a {label}"),
        destroy=extend_schema(summary=f"Delete a {label}"),
    )


@_crud_docs("initiative")
@extend_schema(tags=["initiatives"])
class InitiativeViewSet(_KeyResultChildViewSet):
    """Initiatives on key results you may see."""

    model = Initiative
    noun = "initiative"
    selector = selectors.visible_initiatives
    create_service = services.create_initiative
    update_service = services.update_initiative
    delete_service = services.delete_initiative
    serializer_class = InitiativeSerializer
    filterset_class = InitiativeFilter
    ordering_fields = ["id", "status", "due_date", "created_at"]
    ordering = ["id"]
    lookup_url_kwarg = "initiative_id"


@_crud_docs("risk")
@extend_schema(tags=["risks"])
class RiskViewSet(_KeyResultChildViewSet):
    """Risks on key results you may see."""

    model = Risk
    noun = "risk"
    selector = selectors.visible_risks
    create_service = services.create_risk
    update_service = services.update_risk
    delete_service = services.delete_risk
    serializer_class = RiskSerializer
    filterset_class = RiskFilter
    ordering_fields = ["id", "status", "likelihood", "impact", "created_at"]
    ordering = ["id"]
    lookup_url_kwarg = "risk_id"


@extend_schema_view(
    list=extend_schema(summary="List comments"),
    retrieve=extend_schema(summary="Get a comment"),
    create=extend_schema(summary="Comment on an objective or a key result (@mentions notify)"),
    destroy=extend_schema(summary="Delete a comment (its author or an admin)"),
)
@extend_schema(tags=["comments"])
class CommentViewSet(
    OrgViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
):
    """Comments on objectives and key results you may see."""

    serializer_class = CommentSerializer
    filterset_class = CommentFilter
    ordering_fields = ["id", "created_at"]
    ordering = ["id"]
    lookup_url_kwarg = "comment_id"

    def get_queryset(self):
        if self.generating_schema:
            return Comment.objects.none()
        return selectors.visible_comments(organization=self.organization, viewer=self.membership)

    def get_object(self):
        try:
            return self.get_queryset().get(pk=int(self.kwargs[self.lookup_url_kwarg]))
        except (Comment.DoesNotExist, ValueError, OverflowError):
            raise Http404 from None

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = services.add_comment(actor=self.membership, **serializer.validated_data)
        return Response(self.get_serializer(comment).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.delete_comment(comment=instance, actor=self.membership)
