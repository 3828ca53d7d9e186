"""GET search/?q= and search/<kind>/?q=: the header search as JSON (any member).

The same reads as the web page (`okrs.selectors.search`): objectives and key results pass
the visibility rule inside the query (a private objective you may not open is no hit and no
count), people are the one people search, units the units index's name search. `search/`
gives each kind's total and first five hits with a link to its list; each list is paginated
like every list (`page`, `page_size`). A missing or blank `q` is a 400 on `q`.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts.api.base import OrganizationEndpoint
from okrs.api.serializers.search import (
    SearchKeyResultSerializer,
    SearchObjectiveSerializer,
    SearchPersonSerializer,
    SearchSummarySerializer,
    SearchUnitSerializer,
)
from okrs.selectors import search as selectors

Q_PARAMETER = OpenApiParameter(
    "q",
    OpenApiTypes.STR,
    required=True,
    description="Part of a title, a name, an email, a job title or a unit name (any case; "
    "cut to 100 characters).",
)
SUMMARY_SIZE = 5
# kind → (serializer, the list's URL name)
KINDS = {
    "objectives": (SearchObjectiveSerializer, "api-search-objectives"),
    "key_results": (SearchKeyResultSerializer, "api-search-key-results"),
    "people": (SearchPersonSerializer, "api-search-people"),
    "units": (SearchUnitSerializer, "api-search-units"),
}


class SearchEndpoint(OrganizationEndpoint):
    filter_backends: list = []

    def hits(self) -> selectors.SearchHits:
        query = selectors.clean_query(self.request.query_params.get("q"))
        if not query:
            raise ValidationError({"q": ["Type something to search for."]})
        return selectors.search(organization=self.organization, viewer=self.membership, query=query)


@extend_schema(tags=["search"])
class SearchView(SearchEndpoint):
    """Every kind at once: its total, its first five hits and where the rest is."""

    @extend_schema(
        summary="Find objectives, key results, people and units",
        parameters=[Q_PARAMETER],
        responses=SearchSummarySerializer,
        operation_id="search_retrieve",
    )
    def get(self, request, *args, **kwargs):
        hits = self.hits()
        data = {"query": hits.query}
        for kind, (serializer, url_name) in KINDS.items():
            rows = hits.of(kind)
            path = reverse(url_name, kwargs={"org_slug": self.organization.slug})
            data[kind] = {
                "count": rows.count(),
                "url": request.build_absolute_uri(f"{path}?{urlencode({'q': hits.query})}"),
                "results": serializer(rows[:SUMMARY_SIZE], many=True).data,
            }
        return Response(data)


def _list_view(kind: str, label: str):
    serializer, _url_name = KINDS[kind]

    @extend_schema(tags=["search"])
    class KindView(SearchEndpoint, generics.ListAPIView):
        serializer_class = serializer

        @extend_schema(
            summary=f"Find {label}, paginated",
            parameters=[Q_PARAMETER],
            operation_id=f"search_{kind}_list",
        )
        def get(self, request, *args, **kwargs):
            return super().get(request, *args, **kwargs)

        def get_queryset(self):
            if self.generating_schema:
                return serializer.Meta.model.objects.none()
            return self.hits().of(kind)

    KindView.__name__ = KindView.__qualname__ = f"Search{kind.title().replace('_', '')}View"
    KindView.__doc__ = f"The {label} matching `q` that you may see."
    return KindView


SearchObjectivesView = _list_view("objectives", "objectives")
SearchKeyResultsView = _list_view("key_results", "key results")
SearchPeopleView = _list_view("people", "people (active members)")
SearchUnitsView = _list_view("units", "units")
