"""Objective reads: visibility-aware, tenant-scoped, constant query counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When
from django.http import Http404

from accounts.models import Membership, Organization, OrgUnit
from okrs import policy
from okrs.models import LEVEL_RANK, Cycle, KeyResult, Objective
from okrs.visibility import visible_objectives_q


def _key_results_prefetch() -> Prefetch:
    return Prefetch(
        "key_results",
        queryset=KeyResult.objects.select_related("owner__user").order_by("id"),
    )


def objectives_for_cycle(
    *,
    organization: Organization,
    cycle: Cycle,
    viewer: Membership | None,
    level: str | None = None,
    unit: OrgUnit | None = None,
    owner: Membership | None = None,
    status: str | None = None,
) -> QuerySet[Objective]:
    """Visible objectives of a cycle with owner, unit, parent and KRs loaded (3 queries)."""
    qs = (
        Objective.objects.filter(organization=organization, cycle=cycle)
        .filter(visible_objectives_q(viewer))
        .select_related("owner__user", "unit", "parent", "cycle")
        .prefetch_related(_key_results_prefetch())
    )
    if level:
        qs = qs.filter(level=level)
    if unit is not None:
        qs = qs.filter(unit=unit)
    if owner is not None:
        qs = qs.filter(owner=owner)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by(level_rank(), "title", "id")


def level_rank() -> Case:
    """Company, department, team, individual (not alphabetical) for `order_by`."""
    return Case(
        *(When(level=level, then=Value(rank)) for level, rank in LEVEL_RANK.items()),
        output_field=IntegerField(),
    )


def get_objective(*, organization: Organization, pk: Any, viewer: Membership | None) -> Objective:
    """The objective if it exists in this organization and `viewer` may see it; else Http404."""
    try:
        objective = (
            Objective.objects.select_related(
                "owner__user", "unit", "parent__owner__user", "cycle__organization"
            )
            .prefetch_related(_key_results_prefetch())
            .get(organization=organization, pk=int(pk))
        )
    except (Objective.DoesNotExist, TypeError, ValueError, OverflowError):
        raise Http404("Objective not found.") from None
    if not policy.can_view_objective(viewer, objective):
        raise Http404("Objective not found.")
    return objective


def parent_candidates(
    *,
    organization: Organization,
    cycle: Cycle,
    viewer: Membership | None,
    level: str,
    exclude: Objective | None = None,
) -> QuerySet[Objective]:
    """Objectives an objective of `level` may align to: same cycle, same or higher level,
    not itself or below it (for a form's parent choices)."""
    levels = [lv for lv, rank in LEVEL_RANK.items() if rank <= LEVEL_RANK.get(level, 3)]
    qs = Objective.objects.filter(organization=organization, cycle=cycle, level__in=levels).filter(
        visible_objectives_q(viewer)
    )
    if exclude is not None and exclude.pk:
        below = Objective.objects.tree_filter(
            organization_id=organization.pk, cycle_id=cycle.pk
        ).descendants(exclude, include_self=True)
        qs = qs.exclude(pk__in=below.values("pk"))
    return qs.select_related("owner__user", "unit").order_by(level_rank(), "title")


@dataclass
class AlignmentNode:
    """One objective in the alignment tree with its (visible) aligned children."""

    objective: Objective
    children: list[AlignmentNode] = field(default_factory=list)
    depth: int = 0

    @property
    def key_results(self) -> list[KeyResult]:
        return list(self.objective.key_results.all())


def alignment_tree(
    *,
    organization: Organization,
    cycle: Cycle,
    viewer: Membership | None,
    root: Objective | int | None = None,
) -> list[AlignmentNode]:
    """The cycle's visible objectives nested by alignment (3 queries, any size).

    Objectives whose parent is not visible to the viewer (or has none) are roots. With
    `root`, only that objective's subtree (empty if it is not visible).
    """
    objectives = list(objectives_for_cycle(organization=organization, cycle=cycle, viewer=viewer))
    nodes = {o.pk: AlignmentNode(objective=o) for o in objectives}
    roots: list[AlignmentNode] = []
    for o in objectives:
        parent = nodes.get(o.parent_id)
        (parent.children if parent is not None else roots).append(nodes[o.pk])
    order = {lv: rank for lv, rank in LEVEL_RANK.items()}

    def finish(node: AlignmentNode, depth: int, seen: set[int]) -> None:
        node.depth = depth
        seen.add(node.objective.pk)
        node.children.sort(key=lambda n: (order[n.objective.level], n.objective.title.lower()))
        for child in node.children:
            if child.objective.pk not in seen:
                finish(child, depth + 1, seen)

    roots.sort(key=lambda n: (order[n.objective.level], n.objective.title.lower()))
    for node in roots:
        finish(node, 0, set())
    if root is not None:
        root_id = root if isinstance(root, int) else root.pk
        node = nodes.get(root_id)
        if node is None:
            return []
        finish(node, 0, set())
        return [node]
    return roots


def flatten_tree(nodes: list[AlignmentNode]) -> list[AlignmentNode]:
    """Depth-first list of the nodes (handy for templates without recursion)."""
    out: list[AlignmentNode] = []
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(reversed(node.children))
    return out
