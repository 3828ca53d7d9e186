"""django-filter filtersets for the OKR lists (ids are always resolved inside the org).

An id filter's choices are the rows the caller could open: another organization's id, an
unknown id, a trashed one and a private objective (or its key result) the caller may not open
all answer the same 400 ("Select a valid choice"), so a filter never confirms that a hidden
row exists (the visibility rule: `okrs.rules.visibility`).
"""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Membership, OrgUnit
from okrs.models import Comment, Cycle, Initiative, KeyResult, Level, Objective, Risk, Status
from okrs.rules import attention, visibility

# Rows a viewer may open, beyond being in the organization (the visibility rule).
_VISIBLE = {
    Objective: visibility.visible_objectives_q,
    KeyResult: visibility.visible_key_results_q,
}


def _org_queryset(model):
    """Choices for an id filter: only rows of the request's organization, and for objectives
    and key results only those the caller may open."""

    def queryset(request):
        organization = getattr(request, "organization", None)
        if organization is None:
            return model.objects.none()
        rows = model.objects.filter(organization=organization)
        if model in _VISIBLE:
            rows = rows.filter(_VISIBLE[model](getattr(request, "membership", None)))
        return rows

    return queryset


def _id_filter(model, **kwargs):
    return django_filters.ModelChoiceFilter(queryset=_org_queryset(model), **kwargs)


class CycleFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Cycle.Status.choices)

    class Meta:
        model = Cycle
        fields = ["status"]


class ObjectiveFilter(django_filters.FilterSet):
    cycle = _id_filter(Cycle)
    level = django_filters.ChoiceFilter(choices=Level.choices)
    unit = _id_filter(OrgUnit)
    owner = _id_filter(Membership)
    parent = _id_filter(Objective)
    status = django_filters.ChoiceFilter(choices=Status.choices)

    class Meta:
        model = Objective
        fields = ["cycle", "level", "unit", "owner", "parent", "status"]


class KeyResultFilter(django_filters.FilterSet):
    objective = _id_filter(Objective)
    owner = _id_filter(Membership)
    cycle = _id_filter(Cycle, field_name="objective__cycle")
    stale = django_filters.BooleanFilter(
        method="filter_stale",
        label=f"No check-in for {attention.STALE_AFTER_TEXT} (true) or a recent one (false).",
    )

    class Meta:
        model = KeyResult
        fields = ["objective", "owner", "cycle", "stale"]

    def filter_stale(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        stale = attention.stale_q(timezone.now())
        return queryset.filter(stale) if value else queryset.exclude(stale)


class InitiativeFilter(django_filters.FilterSet):
    key_result = _id_filter(KeyResult)
    assignee = _id_filter(Membership)
    status = django_filters.ChoiceFilter(choices=Initiative.State.choices)

    class Meta:
        model = Initiative
        fields = ["key_result", "assignee", "status"]


class RiskFilter(django_filters.FilterSet):
    key_result = _id_filter(KeyResult)
    owner = _id_filter(Membership)
    status = django_filters.ChoiceFilter(choices=Risk.State.choices)

    class Meta:
        model = Risk
        fields = ["key_result", "owner", "status"]


class CommentFilter(django_filters.FilterSet):
    objective = _id_filter(Objective)
    key_result = _id_filter(KeyResult)

    class Meta:
        model = Comment
        fields = ["objective", "key_result"]
