"""django-filter filtersets for the OKR lists (ids are always resolved inside the org)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Membership, OrgUnit
from okrs.models import Comment, Cycle, Initiative, KeyResult, Level, Objective, Risk, Status
from okrs.rules import attention


def _org_queryset(model):
    """Choices for an id filter: only rows of the request's organization."""

    def queryset(request):
        organization = getattr(request, "organization", None)
        if organization is None:
            return model.objects.none()
        return model.objects.filter(organization=organization)

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
