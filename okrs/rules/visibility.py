"""Who may see an objective — the one rule, in its two forms.

`can_view_objective(viewer, objective)` answers for a loaded row; `visible_objectives_q(viewer)`
filters a queryset. A Hypothesis test (tests/okrs/test_visibility.py) proves they agree.
Everything that shows an objective, its key results, check-ins, comments, initiatives or risks
— pages, API, digests, reminders, counts — asks one of these two; nothing else decides.

A key result, and what hangs off it (check-ins, initiatives, risks, comments), is seen by whoever
may see its objective (`can_view_key_result`, `visible_key_results_q`). Trashed objectives and
key results are seen by no one.

The rule (docs/domain.md, "Visibility"):
- nobody sees another organization's objectives, and a missing or inactive viewer sees nothing
  (there is no "everything" reader: a system reader such as a digest passes its reader);
- a public objective is seen by every member of its organization;
- a private one by admins and executives, its owner, the owner's manager, leads of its unit or
  of a unit above it, and the people who work on one of its key results (their owners and
  contributors) — otherwise a contributor would be reminded about a key result they could not
  open. Champions coach everyone but see a private objective only under the rule above.

The facts a viewer needs beyond the row (units they lead, objectives they work on) are loaded
once per membership object and cached on it; `prime_viewers` loads them for many readers in
two queries, so a digest batch costs the same whatever its size.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from accounts.models import Membership, OrgUnit
from accounts.rules.units import subtree_ids
from okrs.models import KeyResult, KeyResultContributor, Objective, live_q
from okrs.rules.roles import LEADERSHIP

_LED = "_cairn_led_unit_ids"
_WORKS_ON = "_cairn_worked_on_objective_ids"


def _active(viewer: Membership | None) -> bool:
    return viewer is not None and viewer.pk is not None and viewer.is_active


def sees_everything(viewer: Membership) -> bool:
    """Leadership (admins and executives) sees every objective of its organization."""
    return viewer.role in LEADERSHIP


def unit_ids_led_by(membership: Membership | None) -> set[int]:
    """Ids of the units this member leads, plus all their descendants (one query, cached)."""
    if membership is None or membership.pk is None:
        return set()
    cached = getattr(membership, _LED, None)
    if cached is None:
        rows = OrgUnit.objects.filter(organization_id=membership.organization_id).values_list(
            "id", "parent_id", "lead_id"
        )
        cached = _led_from_rows(membership.pk, list(rows))
        setattr(membership, _LED, cached)
    return cached


def _led_from_rows(member_id: int, rows: list[tuple[int, int | None, int | None]]) -> set[int]:
    edges = [(unit_id, parent_id) for unit_id, parent_id, _lead in rows]
    return subtree_ids(edges, [unit_id for unit_id, _p, lead_id in rows if lead_id == member_id])


def prime_led_units(membership: Membership, rows: list[tuple[int, int | None, int | None]]) -> None:
    """Cache the units `membership` leads from the organization's unit rows (id, parent,
    lead) a caller already read, instead of reading them again (`unit_ids_led_by`)."""
    if membership.pk is not None and getattr(membership, _LED, None) is None:
        setattr(membership, _LED, _led_from_rows(membership.pk, rows))


def objective_ids_worked_on(membership: Membership | None) -> set[int]:
    """Objectives with a key result this member owns or contributes to (one query, cached)."""
    if membership is None or membership.pk is None:
        return set()
    cached = getattr(membership, _WORKS_ON, None)
    if cached is None:
        cached = set(
            _worked_on_query(membership.organization_id, [membership.pk]).get(membership.pk, set())
        )
        setattr(membership, _WORKS_ON, cached)
    return cached


def _worked_on_query(organization_id: int, member_ids: list[int]) -> dict[int, set[int]]:
    owned = (
        KeyResult.objects.filter(organization_id=organization_id, owner_id__in=member_ids)
        .values_list("owner_id", "objective_id")
        .order_by()
    )
    contributed = (
        KeyResultContributor.objects.filter(
            organization_id=organization_id, membership_id__in=member_ids
        )
        .values_list("membership_id", "key_result__objective_id")
        .order_by()
    )
    found: dict[int, set[int]] = {}
    for member_id, objective_id in owned.union(contributed, all=True):
        found.setdefault(member_id, set()).add(objective_id)
    return found


def prime_viewers(viewers: Iterable[Membership]) -> None:
    """Load the rule's facts for many readers of one organization at once (two queries)."""
    viewers = [v for v in viewers if v.pk is not None]
    if not viewers:
        return
    organization_id = viewers[0].organization_id
    rows = list(
        OrgUnit.objects.filter(organization_id=organization_id).values_list(
            "id", "parent_id", "lead_id"
        )
    )
    worked = _worked_on_query(organization_id, [v.pk for v in viewers])
    for viewer in viewers:
        setattr(viewer, _LED, _led_from_rows(viewer.pk, rows))
        setattr(viewer, _WORKS_ON, worked.get(viewer.pk, set()))


def can_view_objective(viewer: Membership | None, objective: Objective) -> bool:
    """The rule for one loaded objective (see the module docstring)."""
    if not _active(viewer) or objective is None or objective.deleted_at is not None:
        return False  # a trashed objective is seen by no one (an admin restores it by id)
    if objective.organization_id != viewer.organization_id:
        return False
    if objective.visibility != Objective.Visibility.PRIVATE or sees_everything(viewer):
        return True
    if objective.owner_id == viewer.pk:
        return True
    if objective.unit_id is not None and objective.unit_id in unit_ids_led_by(viewer):
        return True
    if objective.owner.reports_to_id == viewer.pk:
        return True
    return objective.pk in objective_ids_worked_on(viewer)


def visible_objectives_q(viewer: Membership | None, prefix: str = "") -> Q:
    """The same rule as a filter; `prefix` reaches the objective from another model
    (e.g. "objective__" from KeyResult, "key_result__objective__" from CheckIn)."""
    if not _active(viewer):
        return Q(pk__in=[])
    same_org = Q(**{f"{prefix}organization_id": viewer.organization_id}) & live_q(prefix)
    if sees_everything(viewer):
        return same_org
    q = Q(**{f"{prefix}visibility": Objective.Visibility.PUBLIC})
    q |= Q(**{f"{prefix}owner_id": viewer.pk})
    q |= Q(**{f"{prefix}owner__reports_to_id": viewer.pk})
    led = unit_ids_led_by(viewer)
    if led:
        q |= Q(**{f"{prefix}unit_id__in": sorted(led)})
    # Subqueries, not a loaded id list: the filter adds no query of its own.
    owned = KeyResult.objects.filter(owner_id=viewer.pk).values("objective_id")
    contributed = KeyResultContributor.objects.filter(membership_id=viewer.pk).values(
        "key_result__objective_id"
    )
    q |= Q(**{f"{prefix}pk__in": owned}) | Q(**{f"{prefix}pk__in": contributed})
    return same_org & q


def sees_public(viewer: Membership | None) -> bool:
    """Every public objective of the organization is visible to `viewer` (any active member).

    With `visible_private_objectives_q`, the rule split for readers of precomputed counts
    (the health tallies): for an active viewer, `visible_objectives_q(viewer)` is exactly
    "public, or private and `visible_private_objectives_q`" (tests/okrs/test_visibility.py).
    """
    return _active(viewer)


def sees_every_private(viewer: Membership | None) -> bool:
    """Every private objective of the organization is visible to `viewer` too."""
    return _active(viewer) and sees_everything(viewer)


def visible_private_objectives_q(viewer: Membership | None, prefix: str = "") -> Q:
    """The private objectives among those `viewer` may see (see `sees_public`)."""
    return Q(**{f"{prefix}visibility": Objective.Visibility.PRIVATE}) & visible_objectives_q(
        viewer, prefix
    )


def can_view_key_result(viewer: Membership | None, key_result: KeyResult) -> bool:
    """A key result is seen by whoever may see its objective, unless it is in the trash."""
    return key_result.deleted_at is None and can_view_objective(viewer, key_result.objective)


def visible_key_results_q(viewer: Membership | None, prefix: str = "") -> Q:
    """`can_view_key_result` as a filter; `prefix` reaches the KR (e.g. "key_result__").

    For those who see every objective it reads the KR row alone: a live key result always has
    a live objective of its organization (trashing an objective trashes its key results at the
    same instant, a key result is restored only under a live objective, both services;
    `tests/okrs/test_trash.py` pins it), so the join to objectives would filter nothing and
    only slow the count of a large company's list down.
    """
    live = live_q(prefix)
    if _active(viewer) and sees_everything(viewer):
        return live & Q(**{f"{prefix}organization_id": viewer.organization_id})
    return live & visible_objectives_q(viewer, f"{prefix}objective__")
