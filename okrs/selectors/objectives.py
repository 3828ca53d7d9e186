"""Objective reads: visibility-aware, tenant-scoped, constant query counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Lower, RowNumber
from django.http import Http404

from accounts.models import Membership, Organization, OrgUnit
from okrs.models import LEVEL_RANK, Cycle, KeyResult, Objective
from okrs.rules import policy
from okrs.rules.visibility import visible_objectives_q


def _key_results_prefetch() -> Prefetch:
    return Prefetch(
        "key_results",
        queryset=KeyResult.objects.select_related("owner__user").order_by("id"),
    )


def visible_objectives(
    *, organization: Organization, viewer: Membership | None
) -> QuerySet[Objective]:
    """Every objective of the organization the viewer may see, in any cycle (API lists across
    cycles, the parent picker)."""
    return Objective.objects.filter(organization=organization).filter(visible_objectives_q(viewer))


def objectives_for_cycle(
    *,
    organization: Organization,
    cycle: Cycle,
    viewer: Membership | None,
    level: str | None = None,
    unit: OrgUnit | None = None,
    owner: Membership | None = None,
    status: str | None = None,
    search: str = "",
) -> QuerySet[Objective]:
    """Visible objectives of a cycle with owner, unit, parent (and its owner) and KRs loaded
    (3 queries); `search` matches titles (case-insensitive, in SQL)."""
    qs = (
        Objective.objects.filter(organization=organization, cycle=cycle)
        .filter(visible_objectives_q(viewer))
        .select_related("owner__user", "unit", "parent__owner__user", "cycle")
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
    if search.strip():
        qs = qs.filter(title__icontains=search.strip())
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


def search_objectives(
    *,
    organization: Organization,
    viewer: Membership | None,
    search: str,
    cycle_id: int | None = None,
    limit: int = 10,
) -> list[Objective]:
    """Up to `limit` objectives the viewer may see whose title contains `search` (SQL
    icontains), in tree order; within one cycle when given (the "Aligned to" picker)."""
    qs = Objective.objects.filter(organization=organization).filter(visible_objectives_q(viewer))
    if cycle_id is not None:
        qs = qs.filter(cycle_id=cycle_id)
    if search.strip():
        qs = qs.filter(title__icontains=search.strip())
    return list(qs.select_related("cycle").order_by(level_rank(), Lower("title"), "id")[:limit])


# Alignment chains are at most this many levels deep (the company objective is level 1);
# the objective service refuses a deeper one. Trees are still built iteratively, so rows
# written around the service (a 60-deep chain made in SQL) render too.
MAX_ALIGNMENT_DEPTH = 8
# `?expand=all` renders at most this many objectives; above it the page says so and stays lazy.
EXPAND_ALL_LIMIT = 500


@dataclass
class AlignmentNode:
    """One objective in the alignment tree; `child_count` counts the aligned objectives the
    viewer may see, `children` holds those loaded (empty until expanded)."""

    objective: Objective
    children: list[AlignmentNode] = field(default_factory=list)
    depth: int = 0
    child_count: int = 0


def visible_child_count(viewer: Membership | None) -> Coalesce:
    """Annotation: how many objectives aligned to the row the viewer may see (a correlated
    subquery, so a page of nodes costs one query however many children they have)."""
    children = (
        Objective.objects.filter(parent_id=OuterRef("pk"), cycle_id=OuterRef("cycle_id"))
        .filter(visible_objectives_q(viewer))
        .order_by()
        .values("parent_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(children, output_field=IntegerField()), Value(0))


def _tree_rows(organization: Organization, cycle: Cycle, viewer: Membership | None):
    return (
        Objective.objects.filter(organization=organization, cycle=cycle)
        .filter(visible_objectives_q(viewer))
        .select_related("owner__user", "unit")
        .annotate(child_count=visible_child_count(viewer))
    )


def _node_order() -> tuple:
    return (level_rank(), Lower("title"), "id")


def alignment_roots(
    *, organization: Organization, cycle: Cycle, viewer: Membership | None
) -> QuerySet[Objective]:
    """The first level of the tree: visible objectives aligned to nothing the viewer may see
    in this cycle (company objectives and orphans), each with `child_count`. One query per
    page; the caller paginates.

    Bounded by indexes, not by the cycle's size: the candidates are the cycle's unaligned
    objectives (a partial index on roots) plus those aligned to an objective the viewer may
    not open — which can only be a private one (every live public objective of the viewer's
    organization is visible; a viewer who sees nothing gets nothing either way), so that
    branch walks the partial index on private objectives and then `(organization, parent)`.
    """
    in_cycle = Objective.objects.filter(organization=organization, cycle=cycle)
    hidden = (
        in_cycle.filter(visibility=Objective.Visibility.PRIVATE)
        .exclude(visible_objectives_q(viewer))
        .values("pk")
    )
    candidates = (
        in_cycle.filter(parent__isnull=True)
        .values("pk")
        .order_by()
        .union(in_cycle.filter(parent_id__in=hidden).values("pk").order_by(), all=True)
    )
    return (
        _tree_rows(organization, cycle, viewer).filter(pk__in=candidates).order_by(*_node_order())
    )


def alignment_children(
    *, organization: Organization, parent: Objective, viewer: Membership | None
) -> QuerySet[Objective]:
    """The visible objectives aligned directly to `parent` (whose visibility the caller has
    checked), each with `child_count`, in tree order; the caller paginates."""
    return (
        _tree_rows(organization, parent.cycle, viewer)
        .filter(parent_id=parent.pk)
        .order_by(*_node_order())
    )


def nodes_from(objectives, *, depth: int = 0) -> list[AlignmentNode]:
    """Wrap annotated rows (from `alignment_roots` / `alignment_children`) as nodes."""
    return [
        AlignmentNode(objective=o, depth=depth, child_count=getattr(o, "child_count", 0))
        for o in objectives
    ]


@dataclass
class ExpandedTree:
    """`?expand=all`: every visible objective of the cycle nested, or `truncated` when the
    cycle has more than `limit` of them (then `roots` is empty and the page stays lazy)."""

    roots: list[AlignmentNode]
    truncated: bool
    limit: int


def expanded_tree(
    *,
    organization: Organization,
    cycle: Cycle,
    viewer: Membership | None,
    limit: int = EXPAND_ALL_LIMIT,
) -> ExpandedTree:
    """The whole visible tree of a cycle in one query, if it has at most `limit` objectives.

    Nested iteratively (no recursion, whatever the depth, safe against a corrupted cyclic
    chain): objectives whose parent is not visible (or who have none) are roots.
    """
    rows = list(
        Objective.objects.filter(organization=organization, cycle=cycle)
        .filter(visible_objectives_q(viewer))
        .select_related("owner__user", "unit")
        .order_by(*_node_order())[: limit + 1]
    )
    if len(rows) > limit:
        return ExpandedTree(roots=[], truncated=True, limit=limit)
    return ExpandedTree(roots=nest(rows), truncated=False, limit=limit)


def nest(objectives: list[Objective]) -> list[AlignmentNode]:
    """Nest loaded objectives by `parent_id` (kept in the given order) without recursion;
    sets `depth` and `child_count`. Rows on a cycle (impossible through the service) are
    attached once, at the first place they are reached, and the rest become roots."""
    nodes = {o.pk: AlignmentNode(objective=o) for o in objectives}
    children: dict[int, list[AlignmentNode]] = {}
    for o in objectives:
        if o.parent_id in nodes and o.parent_id != o.pk:
            children.setdefault(o.parent_id, []).append(nodes[o.pk])
    roots = [nodes[o.pk] for o in objectives if o.parent_id not in nodes or o.parent_id == o.pk]
    placed: set[int] = set()

    def walk(start: list[AlignmentNode]) -> None:
        stack = [(node, 0) for node in reversed(start)]
        while stack:
            node, depth = stack.pop()
            if node.objective.pk in placed:
                continue
            placed.add(node.objective.pk)
            node.depth = depth
            node.children = [
                c for c in children.get(node.objective.pk, []) if c.objective.pk not in placed
            ]
            node.child_count = len(node.children)
            stack.extend((child, depth + 1) for child in reversed(node.children))

    walk(roots)
    for o in objectives:  # members of a parent loop: no root reaches them
        if o.pk not in placed:
            roots.append(nodes[o.pk])
            walk([nodes[o.pk]])
    return roots


def expand_levels(
    nodes: list[AlignmentNode],
    *,
    organization: Organization,
    cycle: Cycle,
    viewer: Membership | None,
    depth: int,
    per_parent: int | None = None,
) -> None:
    """Load `depth - 1` more levels below `nodes` (one query per level, iterative), at most
    `per_parent` children under each node when given (a window function, in SQL)."""
    frontier = nodes
    for level in range(1, max(depth, 1)):
        parents = {n.objective.pk: n for n in frontier if n.child_count}
        if not parents:
            return
        rows = _tree_rows(organization, cycle, viewer).filter(parent_id__in=list(parents))
        if per_parent:
            rows = rows.annotate(
                sibling_rank=Window(
                    RowNumber(), partition_by=[F("parent_id")], order_by=list(_node_order())
                )
            ).filter(sibling_rank__lte=per_parent)
        rows = rows.order_by(*_node_order())
        frontier = []
        for node in nodes_from(rows, depth=level):
            parents[node.objective.parent_id].children.append(node)
            frontier.append(node)


def flatten_tree(nodes: list[AlignmentNode]) -> list[AlignmentNode]:
    """Depth-first list of the nodes (handy for templates without recursion)."""
    out: list[AlignmentNode] = []
    stack = list(reversed(nodes))
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if node.objective.pk in seen:
            continue
        seen.add(node.objective.pk)
        out.append(node)
        stack.extend(reversed(node.children))
    return out
