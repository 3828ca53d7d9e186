"""The unit-subtree walk, the one definition of "this unit and everything below it"."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable


def subtree_ids(edges: Iterable[tuple[int, int | None]], roots: Iterable[int]) -> set[int]:
    """`roots` and every unit below them, given (id, parent_id) pairs. Iterative, and safe
    against a corrupted (cyclic) tree."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for unit_id, parent_id in edges:
        children[parent_id].append(unit_id)
    found: set[int] = set()
    stack = list(roots)
    while stack:
        unit_id = stack.pop()
        if unit_id not in found:
            found.add(unit_id)
            stack.extend(children.get(unit_id, ()))
    return found
