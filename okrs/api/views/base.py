"""Shared pieces of the OKR endpoints: the org-scoped viewset and ETag/If-Match handling."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts.api.base import OrganizationEndpoint
from okr_project.problem_details import PreconditionFailed
from okrs.services import ConflictError

IF_MATCH_PARAMETER = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description='The `ETag` from a GET (e.g. `"3"`). A stale one answers 412 and writes nothing.',
)


ETAG_HEADER = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 201],
    description='The row version, e.g. `"3"`: send it back as `If-Match`.',
)


class OrgViewSet(OrganizationEndpoint, viewsets.GenericViewSet):
    """A viewset under /api/v1/orgs/<org_slug>/ (tenant bound once, before the handler)."""


def etag_for(row: Any) -> str:
    return f'"{row.version}"'


def parse_if_match(header: str | None) -> list[int] | None:
    """Versions named by an If-Match header; None when absent or `*` (no precondition).

    An unparsable tag names no version at all, so it can never match (412).
    """
    if not header or header.strip() == "*":
        return None
    versions = []
    for tag in header.split(","):
        tag = tag.strip()
        tag = tag[2:] if tag.startswith("W/") else tag
        tag = tag.strip('"')
        if tag.isdigit() and len(tag) < 12:
            versions.append(int(tag))
    return versions


class VersionedMixin:
    """ETag on GET, If-Match (412) and body `version` (409) on writes, for versioned rows."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        row = getattr(self, "_etag_row", None)
        if row is not None and response.status_code < 300:
            response["ETag"] = etag_for(row)
        return response

    def set_etag(self, row: Any) -> None:
        self._etag_row = row

    def precondition_version(self, row: Any) -> int | None:
        """Check If-Match against the loaded row; returns the version the write must match."""
        versions = parse_if_match(self.request.headers.get("If-Match"))
        if versions is None:
            return None
        if row.version not in versions:
            raise PreconditionFailed()
        return row.version

    def call_versioned_update(self, service, *, row: Any, body_version: int | None, **kwargs):
        """Run an update service with optimistic concurrency.

        The header wins over the body: a race lost after the If-Match check is still a 412.
        """
        header_version = self.precondition_version(row)
        expected = header_version if header_version is not None else body_version
        try:
            return service(expected_version=expected, **kwargs)
        except ConflictError as exc:
            if header_version is not None:
                raise PreconditionFailed() from exc
            raise


class VersionedCrudMixin(VersionedMixin):
    """Retrieve / create / update / delete of objectives and KRs through their services.

    Views name their services (`update_service`, `delete_service`, e.g.
    `services.update_objective`) so a search for a service finds its API callers; `noun` is
    the services' row argument; `fixed_field` is the container the row may not leave (an
    objective's cycle, a KR's objective). Views supply `create_row(data)`.
    """

    noun = ""
    fixed_field = ""
    update_service: Callable[..., Any]
    delete_service: Callable[..., Any]

    def create_row(self, data: dict[str, Any]) -> Any:  # pragma: no cover - per view
        raise NotImplementedError

    def retrieve(self, request, *args, **kwargs):
        row = self.get_object()
        self.set_etag(row)
        return Response(self.get_serializer(row).data)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)  # meaningless on create
        row = self.create_row(data)
        self.set_etag(row)
        serializer.instance = row

    def update(self, request, *args, **kwargs):
        row = self.get_object()
        serializer = self.get_serializer(
            row, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        body_version = data.pop("version", None)
        fixed = self.fixed_field
        if fixed in data and data.pop(fixed) != getattr(row, fixed):
            raise ValidationError({fixed: [f"This cannot move to another {fixed}."]})
        self.call_versioned_update(
            type(self).update_service,
            row=row,
            body_version=body_version,
            actor=self.membership,
            **{self.noun: row},
            **changed_fields(row, data),
        )
        row = self.get_object()  # fresh progress and status after the roll-up
        self.set_etag(row)
        return Response(self.get_serializer(row).data, status=status.HTTP_200_OK)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request, *args, **kwargs):
        row = self.get_object()
        self.precondition_version(row)
        type(self).delete_service(actor=self.membership, **{self.noun: row})
        return Response(status=status.HTTP_204_NO_CONTENT)


def changed_fields(row: Any, data: dict[str, Any]) -> dict[str, Any]:
    """Only the fields whose value differs, so an unchanged PUT triggers no move checks."""
    changed = {}
    for name, value in data.items():
        current = getattr(row, name, None)
        if hasattr(current, "all"):  # a many-to-many manager: compare ids
            if sorted(m.pk for m in current.all()) != sorted(v.pk for v in value):
                changed[name] = value
        elif current != value:
            changed[name] = value
    return changed
