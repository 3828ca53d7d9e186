"""GET health/ and health/<section>/: the health page as JSON (issue 11).

The same scope (`selectors.health_scope`: champions, executives and admins the whole
company, unit leads their units) and the same report (`selectors.health_report`) as the web
page. `?unit=` that is not an id is 400, a unit of no unit here 404, another unit 403;
`?cycle=` defaults to the cycle the web page opens on (`selectors.current_cycle`).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from accounts.api.base import OrganizationEndpoint
from accounts.api.pagination import PageNumberPagination
from okrs import selectors, services
from okrs.api.serializers.health import (
    HealthKeyResultSerializer,
    HealthObjectiveSerializer,
    HealthSerializer,
)
from okrs.models import Cycle

CYCLE_PARAMETER = OpenApiParameter(
    "cycle",
    OpenApiTypes.INT,
    description="A cycle id; default: the active cycle (else the newest planning, else the "
    "newest), as on the web page.",
)
UNIT_PARAMETER = OpenApiParameter(
    "unit",
    OpenApiTypes.INT,
    description="A unit id: that unit and everything below it. Default: the whole company "
    "(admins, executives, champions) or the top-most unit you lead.",
)
SECTION_PARAMETER = OpenApiParameter(
    "section", OpenApiTypes.STR, OpenApiParameter.PATH, enum=selectors.SECTION_KEYS
)


class HealthPagination(PageNumberPagination):
    page_size = 10


def _item_serializer(section: str):
    if section in selectors.OBJECTIVE_SECTIONS:
        return HealthObjectiveSerializer
    return HealthKeyResultSerializer


class HealthEndpoint(OrganizationEndpoint):
    pagination_class = HealthPagination
    filter_backends: list = []

    def _cycle(self) -> Cycle:
        raw = self.request.query_params.get("cycle", "")
        if raw == "":
            cycle = selectors.current_cycle(organization=self.organization)
            if cycle is None:
                raise NotFound("This organization has no cycle yet.")
            return cycle
        if not raw.isdigit() or len(raw) > 18:
            raise ValidationError({"cycle": ["A cycle id (a whole number) is required."]})
        return selectors.get_cycle(organization=self.organization, pk=raw)

    def scope_and_report(self):
        try:
            scope = selectors.health_scope(
                organization=self.organization,
                viewer=self.membership,
                unit=self.request.query_params.get("unit"),
            )
        except selectors.InvalidUnit as exc:
            raise ValidationError({"unit": [str(exc)]}) from None
        report = services.health_report(
            organization=self.organization,
            cycle=self._cycle(),
            viewer=self.membership,
            scope=scope,
        )
        return scope, report

    def link(self, name: str, report, unit_id: int | None, **kwargs) -> str:
        query = {"cycle": report.cycle.pk}
        if unit_id is not None:
            query["unit"] = unit_id
        query.update(kwargs.pop("query", {}))
        path = reverse(name, kwargs={"org_slug": self.organization.slug, **kwargs})
        return self.request.build_absolute_uri(f"{path}?{urlencode(query)}")


class HealthView(HealthEndpoint):
    """Summary, per-child-unit check-in rates and the first page of each list."""

    @extend_schema(
        tags=["health"],
        summary="OKR health of a cycle (champions, executives, admins; leads: their units)",
        parameters=[CYCLE_PARAMETER, UNIT_PARAMETER],
        responses=HealthSerializer,
        operation_id="health_retrieve",
    )
    def get(self, request, *args, **kwargs):
        scope, report = self.scope_and_report()
        unit_id = scope.unit.pk if scope.unit else None
        sections = {}
        for key in selectors.SECTION_KEYS:
            items = getattr(report, key)
            url = self.link("api-health-section", report, unit_id, section=key)
            sections[key] = {
                "count": len(items),
                "url": url,
                "next": (
                    self.link("api-health-section", report, unit_id, section=key, query={"page": 2})
                    if len(items) > HealthPagination.page_size
                    else None
                ),
                "results": list(items[: HealthPagination.page_size]),
            }
        units = [
            {
                "unit": {"id": r.unit_id, "name": r.unit_name} if r.unit_id else None,
                "label": r.label,
                "own": r.own,
                "expected": r.expected,
                "done": r.done,
                "rate": r.rate,
                "health": None if r.own else self.link("api-health", report, r.unit_id),
            }
            for r in report.checkin_rates
        ]
        data = {
            "cycle": {"id": report.cycle.pk, "name": report.cycle.name},
            "unit": {"id": unit_id, "name": scope.unit.name} if scope.unit else None,
            "whole_company": scope.whole_company,
            "breadcrumb": scope.breadcrumb,
            "top_units": scope.top_units,
            "week": report.week,
            "objective_count": report.objective_count,
            "key_result_count": report.key_result_count,
            "issue_count": report.issue_count,
            "average_progress": report.average_progress,
            "checkin_rate": report.checkin_rate,
            "status_counts": report.status_counts,
            "units": units,
            "sections": sections,
        }
        return Response(HealthSerializer(data).data)


class HealthSectionView(HealthEndpoint):
    """One health list, page by page (`page`, `page_size` up to 200)."""

    @extend_schema(
        tags=["health"],
        summary="One list of the health report, paginated",
        parameters=[
            SECTION_PARAMETER,
            CYCLE_PARAMETER,
            UNIT_PARAMETER,
            OpenApiParameter("page", OpenApiTypes.INT, description="A page number."),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="10 by default, ≤ 200."),
        ],
        responses=inline_serializer(
            "PaginatedHealthItemList",
            {
                "count": serializers.IntegerField(),
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "results": serializers.ListField(
                    child=serializers.DictField(),
                    help_text="Key results (`HealthKeyResult`) or, for objectives_without_krs "
                    "and orphans, objectives (`HealthObjective`).",
                ),
            },
        ),
        operation_id="health_section_list",
    )
    def get(self, request, *args, section: str, **kwargs):
        if section not in selectors.SECTION_KEYS:
            raise NotFound(f"No such list; one of: {', '.join(selectors.SECTION_KEYS)}.")
        _scope, report = self.scope_and_report()
        page = self.paginate_queryset(getattr(report, section))
        return self.get_paginated_response(_item_serializer(section)(page, many=True).data)
