"""List querysets for the API, built on the selectors' visibility rule.

The selectors give per-cycle lists (`objectives_for_cycle`) and the visibility filter
(`visible_objectives_q`); the API also lists across cycles (BI exports), so it composes
them here. Every queryset filters on the organization first and preloads what the
serializers read, so a page costs a constant number of queries.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import Membership, Organization
from okrs.models import Comment, Initiative, KeyResult, Objective, Risk
from okrs.rules.visibility import visible_key_results_q, visible_objectives_q


def visible_objectives(*, organization: Organization, viewer: Membership) -> QuerySet[Objective]:
    """Every objective of the organization the viewer may see, in any cycle."""
    return Objective.objects.filter(organization=organization).filter(visible_objectives_q(viewer))


def visible_key_results(*, organization: Organization, viewer: Membership) -> QuerySet[KeyResult]:
    """Key results of objectives the viewer may see, with contributors preloaded."""
    return (
        KeyResult.objects.filter(organization=organization)
        .filter(visible_key_results_q(viewer))
        .prefetch_related("contributors")
    )


def visible_initiatives(*, organization: Organization, viewer: Membership) -> QuerySet[Initiative]:
    return Initiative.objects.filter(organization=organization).filter(
        visible_key_results_q(viewer, prefix="key_result__")
    )


def visible_risks(*, organization: Organization, viewer: Membership) -> QuerySet[Risk]:
    return Risk.objects.filter(organization=organization).filter(
        visible_key_results_q(viewer, prefix="key_result__")
    )


def visible_comments(*, organization: Organization, viewer: Membership) -> QuerySet[Comment]:
    """Comments on objectives (or on KRs of objectives) the viewer may see."""
    on_objective = Q(objective__isnull=False) & visible_objectives_q(viewer, prefix="objective__")
    on_key_result = Q(key_result__isnull=False) & visible_key_results_q(
        viewer, prefix="key_result__"
    )
    return Comment.objects.filter(organization=organization).filter(on_objective | on_key_result)
