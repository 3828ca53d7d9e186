"""Shared pieces of the OKR endpoints: the org-scoped viewset and ETag/If-Match handling."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import viewsets

from accounts.api.base import OrganizationEndpoint
from okr_project.problem_details import PreconditionFailed

IF_MATCH_PARAMETER = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description='The `ETag` from a GET (e.g. `"3"`). A stale one answers 412 and writes nothing.',
)


class OrgViewSet(OrganizationEndpoint, viewsets.GenericViewSet):
    """A viewset under /api/v1/orgs/<org_slug>/ (tenant resolved once, by the permission)."""


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
        except DjangoValidationError as exc:
            from okrs.services import ConflictError

            if header_version is not None and isinstance(exc, ConflictError):
                raise PreconditionFailed() from exc
            raise


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
