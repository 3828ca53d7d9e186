"""The alignment tree as nested JSON."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from okrs import selectors
from okrs.models import Cycle


def _node(node) -> dict[str, Any]:
    objective = node.objective
    return {
        "id": objective.pk,
        "title": objective.title,
        "level": objective.level,
        "unit": objective.unit_id,
        "owner": objective.owner_id,
        "status": objective.status,
        "progress": objective.progress,
        "children": [_node(child) for child in node.children],
    }


def alignment_payload(*, view, cycle: Cycle) -> list[dict[str, Any]]:
    """Roots of the cycle's visible alignment tree; `?root=<id>` for one subtree."""
    root = view.request.query_params.get("root")
    if root is not None:
        if not root.isdigit() or len(root) > 18:
            raise Http404("Objective not found.")
        root = int(root)
    nodes = selectors.alignment_tree(
        organization=view.organization, cycle=cycle, viewer=view.membership, root=root
    )
    return [_node(node) for node in nodes]
