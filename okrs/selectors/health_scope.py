"""Which part of the company a reader sees the health of, and the way around it.

`health_scope` is the one answer for the web page and the API: the unit asked for (or the
default: the whole company for admins, executives and champions, a lead's top-most unit),
checked against the policy, with the drill-down around it — the breadcrumb of ancestors the
reader may view, the child units, a lead's separate top units. The tree is walked in Python
over one query of (id, parent, name, lead) per unit (`UnitOutline`), with the one subtree walk
(`accounts.rules.units.subtree_ids`); the same rows tell the visibility rule which units the
reader leads (`visibility.prime_led_units`), so it does not read them again.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied

from accounts.models import Membership, Organization, OrgUnit
from accounts.rules.units import subtree_ids
from accounts.selectors import get_unit
from okrs.rules import policy, visibility


@dataclass(frozen=True)
class UnitLink:
    """A unit to link to (drill-down, breadcrumb): its id and name, no row loaded."""

    id: int
    name: str


class UnitOutline:
    """Every unit of the organization as (id, parent, name, lead), read in one query: enough
    to walk the tree (a subtree, the ancestors, the children) without loading a unit row."""

    def __init__(self, rows: list[tuple[int, int | None, str, int | None]]):
        self.parent = {unit_id: parent_id for unit_id, parent_id, _, _ in rows}
        self.name = {unit_id: name for unit_id, _, name, _ in rows}
        self.lead = {unit_id: lead_id for unit_id, _, _, lead_id in rows}
        self._children: dict[int | None, list[int]] = defaultdict(list)
        for unit_id, parent_id, _, _ in rows:
            self._children[parent_id].append(unit_id)

    @classmethod
    def load(cls, organization: Organization, reader: Membership | None = None) -> UnitOutline:
        """The outline; with `reader`, also primes the units they lead for the visibility
        rule and the policy (the same rows: no second read of the unit tree)."""
        outline = cls(
            list(
                OrgUnit.objects.filter(organization=organization).values_list(
                    "id", "parent_id", "name", "lead_id"
                )
            )
        )
        if reader is not None and reader.organization_id == organization.pk:
            visibility.prime_led_units(
                reader, [(u, outline.parent[u], outline.lead[u]) for u in outline.parent]
            )
        return outline

    def link(self, unit_id: int) -> UnitLink:
        return UnitLink(unit_id, self.name[unit_id])

    def children(self, unit_id: int | None) -> list[UnitLink]:
        """The units right below `unit_id` (None: the top-level units), by name."""
        kids = [self.link(k) for k in self._children.get(unit_id, ()) if k != unit_id]
        return sorted(kids, key=lambda u: (u.name.lower(), u.id))

    def subtree(self, unit_id: int) -> set[int]:
        return subtree_ids(self.parent.items(), [unit_id])

    def ancestors(self, unit_id: int) -> list[int]:
        """The units above `unit_id`, top first (cycle-safe)."""
        chain: list[int] = []
        parent = self.parent.get(unit_id)
        while parent is not None and parent != unit_id and parent not in chain:
            chain.append(parent)
            parent = self.parent.get(parent)
        return chain[::-1]


NOT_FOR_YOU = (
    "The health view is for OKR champions, executives and unit leads. "
    "Your own OKRs and their check-ins are on My OKRs."
)
ONLY_YOUR_UNITS = "You can see the health of the units you lead only."


class InvalidUnit(ValueError):
    """`unit` is not a unit id at all (the web answers 404, the API 400)."""


@dataclass
class HealthScope:
    """The part of the company a reader sees the health of, and the way around it."""

    unit: OrgUnit | None  # None: the whole company
    outline: UnitOutline
    whole_company: bool  # the reader may see the whole company (and go up to it)
    breadcrumb: list[UnitLink] = field(default_factory=list)  # viewable ancestors, top first
    top_units: list[UnitLink] = field(default_factory=list)  # a lead's separate top units

    @property
    def children(self) -> list[UnitLink]:
        return self.outline.children(self.unit.pk if self.unit else None)


def _unit_id(raw: Any) -> int | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, int):
        return raw
    if not isinstance(raw, str) or not raw.isdigit() or len(raw) > 18:
        raise InvalidUnit("A unit id (a whole number) is required.")
    return int(raw)


def health_scope(
    *, organization: Organization, viewer: Membership, unit: str | int | None = None
) -> HealthScope:
    """Whose health `viewer` sees: the whole company or `unit` (an id, e.g. from `?unit=`).

    Raises `PermissionDenied` (`NOT_FOR_YOU` without health rights at all, `ONLY_YOUR_UNITS`
    for a unit they do not lead), `Http404` for a unit of no unit of this organization and
    `InvalidUnit` for something that is not an id. Without `unit`, admins, executives and
    champions get the whole company and leads their top-most unit (by name). Two queries at
    most: the unit outline (which also tells the policy which units the viewer leads) and the
    unit.
    """
    # First: the policy's questions below read the units the viewer leads from these rows.
    outline = UnitOutline.load(organization, viewer)
    if not policy.can_view_health(viewer):
        raise PermissionDenied(NOT_FOR_YOU)
    unit_id = _unit_id(unit)
    scope_unit = None
    if unit_id is not None:
        scope_unit = get_unit(organization=organization, pk=unit_id)
        if not policy.can_view_health(viewer, scope_unit):
            raise PermissionDenied(ONLY_YOUR_UNITS)
    whole = policy.can_view_company_health(viewer)
    led = set() if whole else policy.unit_ids_led_by(viewer)
    tops = sorted(
        (outline.link(u) for u in led if outline.parent.get(u) not in led and u in outline.name),
        key=lambda u: (u.name.lower(), u.id),
    )
    if scope_unit is None and not whole:
        # A tree corrupted into a cycle has no top; any unit they lead will do then.
        scope_unit = get_unit(organization=organization, pk=tops[0].id if tops else min(led))
    breadcrumb = []
    if scope_unit is not None:
        breadcrumb = [
            outline.link(u) for u in outline.ancestors(scope_unit.pk) if whole or u in led
        ]
    return HealthScope(
        unit=scope_unit,
        outline=outline,
        whole_company=whole,
        breadcrumb=breadcrumb,
        top_units=tops if len(tops) > 1 else [],
    )
