"""The alignment tree as JSON, one page of one level at a time.

`?parent=<id>` names the objective whose aligned objectives to list (omit it for the roots:
company objectives and orphans); `?depth=` (1–3, default 1) nests that many levels below,
at most `CHILDREN_PER_NODE` children per node (every node says how many it has in
`child_count`, so a client asks for the rest with `?parent=`). The listed level is paginated
like every other list. Built level by level, never by recursion.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from rest_framework.exceptions import ValidationError

from okrs import selectors
from okrs.models import Cycle

MAX_DEPTH = 3
CHILDREN_PER_NODE = 25


def _number(raw: str | None, name: str) -> int | None:
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise ValidationError({name: ["A whole number is required."]})
    return int(raw)


def _as_json(nodes) -> list[dict[str, Any]]:
    """Nodes to nested dicts without recursion (children first filled, parents after)."""
    out: list[dict[str, Any]] = []
    stack = [(node, out) for node in reversed(nodes)]
    while stack:
        node, into = stack.pop()
        objective = node.objective
        row = {
            "id": objective.pk,
            "title": objective.title,
            "level": objective.level,
            "unit": objective.unit_id,
            "owner": objective.owner_id,
            "parent": objective.parent_id,
            "status": objective.status,
            "progress": objective.progress,
            "child_count": node.child_count,
            "children": [],
        }
        into.append(row)
        stack.extend((child, row["children"]) for child in reversed(node.children))
    return out


def alignment_page(*, view, cycle: Cycle):
    """The paginated response for `GET cycles/<id>/alignment/`."""
    params = view.request.query_params
    # `root` is the old name of `parent`.
    parent_id = _number(params.get("parent", params.get("root")), "parent")
    depth = _number(params.get("depth"), "depth") or 1
    if depth > MAX_DEPTH:
        raise ValidationError({"depth": [f"At most {MAX_DEPTH} levels at once."]})
    organization, viewer = view.organization, view.membership
    if parent_id is None:
        rows = selectors.alignment_roots(organization=organization, cycle=cycle, viewer=viewer)
    else:
        parent = selectors.get_objective(organization=organization, pk=parent_id, viewer=viewer)
        if parent.cycle_id != cycle.pk:
            raise Http404("Objective not found.")
        rows = selectors.alignment_children(organization=organization, parent=parent, viewer=viewer)
    nodes = selectors.nodes_from(view.paginate_queryset(rows))
    selectors.expand_levels(
        nodes,
        organization=organization,
        cycle=cycle,
        viewer=viewer,
        depth=depth,
        per_parent=CHILDREN_PER_NODE,
    )
    return view.get_paginated_response(_as_json(nodes))
