"""Find anything: the header search over objectives, key results, people and units.

Each kind is a lazy queryset the caller pages in SQL (`LIMIT`/`OFFSET`, and a `COUNT` only
where a total is shown), so a search costs the same number of queries in a company of 40 or
10,000. Objectives and key results pass the visibility rule (`okrs.rules.visibility`) inside
the query: a private objective someone may not open is never a hit, and never counted. People
are the one people search (`accounts.selectors.member_search_q`, through `members_for_org`),
units the units index's name search (`accounts.selectors.units_listing`).

Titles match when they contain the query (any case); titles that start with it come first,
then the newest cycles.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.db.models.functions import Lower

from accounts import selectors as accounts_selectors
from accounts.models import Membership, Organization, OrgUnit
from okrs.models import KeyResult, Objective
from okrs.rules.visibility import visible_key_results_q, visible_objectives_q

# Longer queries are cut to this many characters (titles are at most 200).
QUERY_MAX = 100
KINDS = ("objectives", "key_results", "people", "units")


def clean_query(raw: str | None) -> str:
    """The query as searched: surrounding spaces dropped, at most `QUERY_MAX` characters."""
    return " ".join((raw or "").split())[:QUERY_MAX]


def _starts_first(field: str, query: str) -> Case:
    return Case(
        When(**{f"{field}__istartswith": query}, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )


def objective_hits(
    *, organization: Organization, viewer: Membership | None, query: str
) -> QuerySet[Objective]:
    """Objectives the viewer may see whose title contains `query`, with cycle and owner."""
    if not query:
        return Objective.objects.none()
    return (
        Objective.objects.filter(organization=organization, title__icontains=query)
        .filter(visible_objectives_q(viewer))
        .select_related("cycle", "owner__user", "unit")
        .annotate(search_rank=_starts_first("title", query))
        .order_by("search_rank", "-cycle__start_date", Lower("title"), "id")
    )


def key_result_hits(
    *, organization: Organization, viewer: Membership | None, query: str
) -> QuerySet[KeyResult]:
    """Key results the viewer may see whose title contains `query`, with their objective."""
    if not query:
        return KeyResult.objects.none()
    return (
        KeyResult.objects.filter(organization=organization, title__icontains=query)
        .filter(visible_key_results_q(viewer))
        .select_related("objective__cycle", "owner__user")
        .annotate(search_rank=_starts_first("title", query))
        .order_by("search_rank", "-objective__cycle__start_date", Lower("title"), "id")
    )


def people_hits(*, organization: Organization, query: str) -> QuerySet[Membership]:
    """Active members whose name, email or title contains `query` (the one people search)."""
    if not query:
        return Membership.objects.none()
    return accounts_selectors.members_for_org(organization=organization, search=query)


def unit_hits(*, organization: Organization, query: str):
    """Units whose name contains `query`, by name, each with its lead (a `Counted`)."""
    if not query:
        return OrgUnit.objects.none()
    return accounts_selectors.units_listing(organization=organization, search=query, sort="name")


@dataclass(frozen=True)
class SearchHits:
    """One lazy list per kind (nothing is read until a caller slices or counts one)."""

    query: str
    objectives: QuerySet[Objective]
    key_results: QuerySet[KeyResult]
    people: QuerySet[Membership]
    units: object  # a Counted of OrgUnit, or an empty queryset

    def of(self, kind: str):
        return getattr(self, kind)


def search(*, organization: Organization, viewer: Membership | None, query: str) -> SearchHits:
    """Everything matching `query` that `viewer` may see, one lazy list per kind."""
    query = clean_query(query)
    return SearchHits(
        query=query,
        objectives=objective_hits(organization=organization, viewer=viewer, query=query),
        key_results=key_result_hits(organization=organization, viewer=viewer, query=query),
        people=people_hits(organization=organization, query=query),
        units=unit_hits(organization=organization, query=query),
    )
