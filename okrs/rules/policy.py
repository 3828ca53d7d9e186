"""Who may do what with OKRs: the permission table of docs/domain.md as predicates.

Pure functions of a `Membership` and already-loaded rows. Services call `require(...)`;
templates and the API call the `can_*` predicates to show or hide controls. Visibility (who
may see an objective) lives in `okrs.rules.visibility`, re-exported here; its facts about a viewer
(units led, objectives worked on) are loaded once per membership object and cached on it.

Every predicate first checks that the row belongs to the member's organization, so a
membership of one tenant can never act on another tenant's row, whatever its role.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q

from accounts.models import Membership, OrgUnit

# Organization administration is decided in accounts (which never imports okrs); who may
# *see* an objective is its own module. These names are part of the policy's surface.
from accounts.rules.policy import (
    can_delete_organization,
    can_manage_org,
    can_view_delivery_log,
    can_view_security_log,
    is_active_member,
    is_admin,
)
from okrs.models import Cycle, Initiative, KeyResult, Objective, Risk
from okrs.rules.roles import company_wide, in_leadership
from okrs.rules.visibility import can_view_objective, unit_ids_led_by

__all__ = [
    "can_delete_organization",
    "can_manage_org",
    "can_view_delivery_log",
    "can_view_objective",
    "can_view_security_log",
    "unit_ids_led_by",
]  # plus every can_* below


def require(allowed: bool, message: str) -> None:
    """Raise `PermissionDenied(message)` unless `allowed`."""
    if not allowed:
        raise PermissionDenied(message)


CLOSED_MESSAGE = "This cycle is closed; its OKRs can no longer be changed."


def cycle_is_open(cycle: Cycle | None) -> bool:
    """The closed-cycle rule, in one place: a closed cycle's OKRs are frozen. Every write
    predicate below asks it, and services refuse with `CLOSED_MESSAGE` through it."""
    return cycle is None or cycle.status != Cycle.Status.CLOSED


def refusal(cycle: Cycle | None, message: str) -> ValidationError | PermissionDenied:
    """Why a write predicate said no, as the error the service would raise: a closed cycle
    is a clear `ValidationError(CLOSED_MESSAGE)`, anything else `PermissionDenied(message)`."""
    if not cycle_is_open(cycle):
        return ValidationError(CLOSED_MESSAGE, code="cycle_closed")
    return PermissionDenied(message)


def _cycle_of(row: Objective | KeyResult | Initiative | Any) -> Cycle:
    """The row's cycle (callers load it with select_related: no query)."""
    if isinstance(row, Objective):
        return row.cycle
    if isinstance(row, KeyResult):
        return row.objective.cycle
    return row.key_result.objective.cycle


def _same_org(m: Membership | None, row: Any) -> bool:
    return is_active_member(m) and row is not None and row.organization_id == m.organization_id


def is_unit_lead(m: Membership | None) -> bool:
    """Whether the member leads at least one unit."""
    return bool(unit_ids_led_by(m))


TRASH_ADMINS_ONLY = "Only admins can see and restore the trash."


def can_manage_trash(m: Membership | None) -> bool:
    """See the trash and restore from it: admins."""
    return is_admin(m)


def can_manage_cycles(m: Membership | None) -> bool:
    """Create, edit, activate cycles and copy unfinished OKRs: admins and executives."""
    return in_leadership(m)


def can_activate_cycle(m: Membership | None, cycle: Cycle) -> bool:
    """Offer "Activate" and allow planning → active: cycle managers, on a cycle in planning."""
    return _same_org(m, cycle) and can_manage_cycles(m) and cycle.status == Cycle.Status.PLANNING


def can_edit_cycle(m: Membership | None, cycle: Cycle) -> bool:
    """Rename or re-date a cycle: cycle managers, while it is not closed."""
    return _same_org(m, cycle) and cycle_is_open(cycle) and can_manage_cycles(m)


def can_copy_unfinished(m: Membership | None, source: Cycle) -> bool:
    """Offer and allow "Copy unfinished OKRs" out of `source`: cycle managers, once it is
    closed (an open cycle's objectives are still being worked on, so nothing is unfinished)."""
    return _same_org(m, source) and source.status == Cycle.Status.CLOSED and can_manage_cycles(m)


def can_change_cycle(m: Membership | None, cycle: Cycle) -> bool:
    """Send any change to a cycle (edit, activate, close), even one that changes nothing:
    cycle managers and those who may close it. Each change then asks its own predicate."""
    return _same_org(m, cycle) and (can_manage_cycles(m) or can_close_cycle(m, cycle))


def can_create_objective(
    m: Membership | None,
    *,
    level: str,
    unit: OrgUnit | None,
    owner: Membership | None,
    cycle: Cycle | None = None,
) -> bool:
    """Company: admin/exec. Department/team: admin/exec or a lead of the unit or an ancestor.
    Individual: one's own, or as lead of the owner's unit (or above) or the owner's manager.
    Never in a closed `cycle` (when given)."""
    if not is_active_member(m) or not cycle_is_open(cycle):
        return False
    if level == "company":
        return in_leadership(m)
    if level in ("department", "team"):
        if unit is None or unit.organization_id != m.organization_id:
            return False
        return in_leadership(m) or unit.pk in unit_ids_led_by(m)
    if level == "individual":
        if owner is None or owner.organization_id != m.organization_id:
            return False
        if owner.pk == m.pk or owner.reports_to_id == m.pk:
            return True
        return owner.unit_id is not None and owner.unit_id in unit_ids_led_by(m)
    return False


def objective_owners_q(m: Membership | None) -> Q | None:
    """The create rule's owner condition as a filter on Membership: the people `m` may give
    an objective at some level they may create. None: anyone (admins, executives and unit
    leads create department or team objectives, whose owner the rule leaves free); else, for
    individual objectives only, themselves, their direct reports and the people of the units
    they lead — exactly those `can_create_objective(m, level="individual", owner=…)` allows."""
    if not is_active_member(m):
        return Q(pk__in=[])
    if in_leadership(m) or is_unit_lead(m):
        return None
    return Q(pk=m.pk) | Q(reports_to_id=m.pk)


LEVELS_TOP_DOWN = ("company", "department", "team", "individual")


def creatable_levels(
    m: Membership | None,
    *,
    unit: OrgUnit | None = None,
    owner: Membership | None = None,
    cycle: Cycle | None = None,
) -> list[str]:
    """The levels (top-down) the member may create an objective at: the create rule above,
    asked per level. `unit=None` means "some unit of theirs" (a department/team level is
    offered when they may create in at least one unit: admin/exec or a unit lead);
    `owner=None` means themselves. Forms offer exactly these choices."""
    if not is_active_member(m) or not cycle_is_open(cycle):
        return []
    owner = owner if owner is not None else m
    levels = []
    for level in LEVELS_TOP_DOWN:
        if level in ("department", "team") and unit is None:
            allowed = in_leadership(m) or is_unit_lead(m)
        else:
            allowed = can_create_objective(m, level=level, unit=unit, owner=owner, cycle=cycle)
        if allowed:
            levels.append(level)
    return levels


def preferred_level(wanted: str, allowed: list[str]) -> str | None:
    """`wanted` if the member may create it, else the highest allowed level below it (else
    the lowest allowed one): "Add aligned objective" never preselects a forbidden level."""
    if wanted in allowed:
        return wanted
    rank = LEVELS_TOP_DOWN.index(wanted) if wanted in LEVELS_TOP_DOWN else 0
    below = [lv for lv in allowed if LEVELS_TOP_DOWN.index(lv) > rank]
    return below[0] if below else (allowed[-1] if allowed else None)


def can_edit_objective(m: Membership | None, objective: Objective) -> bool:
    """The create rule for that objective, plus its owner; never in a closed cycle."""
    if not _same_org(m, objective) or not cycle_is_open(objective.cycle):
        return False
    if objective.owner_id == m.pk:
        return True
    return can_create_objective(
        m, level=objective.level, unit=objective.unit, owner=objective.owner
    )


def can_edit_key_result(m: Membership | None, kr: KeyResult) -> bool:
    """Whoever may edit the objective, or the KR's owner; never in a closed cycle."""
    if not _same_org(m, kr) or not cycle_is_open(_cycle_of(kr)):
        return False
    return kr.owner_id == m.pk or can_edit_objective(m, kr.objective)


def is_contributor(m: Membership | None, kr: KeyResult) -> bool:
    """Uses prefetched contributors when present, otherwise one small query."""
    if m is None or kr.pk is None:
        return False
    cache = getattr(kr, "_prefetched_objects_cache", {})
    if "contributors" in cache:
        return any(c.pk == m.pk for c in cache["contributors"])
    return kr.contributors.filter(pk=m.pk).exists()


def leads_objective_unit(m: Membership, objective: Objective) -> bool:
    """Whether the member leads the objective's unit or one above it."""
    return objective.unit_id is not None and objective.unit_id in unit_ids_led_by(m)


def can_check_in(m: Membership | None, kr: KeyResult) -> bool:
    """KR owner, its contributors, and leads of the objective's unit (or above); never in a
    closed cycle (the check-in service also needs it active, and says so)."""
    if not _same_org(m, kr) or not cycle_is_open(_cycle_of(kr)):
        return False
    if kr.owner_id == m.pk or leads_objective_unit(m, kr.objective):
        return True
    return is_contributor(m, kr)


def can_assign_initiatives(m: Membership | None, kr: KeyResult) -> bool:
    """Plan work on a KR for anyone: leadership, the KR's owner, leads of the objective's unit
    (or above). Contributors may plan only their own (`can_manage_initiatives`). Never in a
    closed cycle."""
    if not _same_org(m, kr) or not cycle_is_open(_cycle_of(kr)):
        return False
    return in_leadership(m) or kr.owner_id == m.pk or leads_objective_unit(m, kr.objective)


def can_manage_initiatives(m: Membership | None, kr: KeyResult) -> bool:
    """Add initiatives to a KR: whoever may assign them, and its contributors (who then edit
    their own). Never in a closed cycle."""
    return can_assign_initiatives(m, kr) or (
        _same_org(m, kr) and cycle_is_open(_cycle_of(kr)) and is_contributor(m, kr)
    )


def can_edit_initiative(m: Membership | None, initiative: Initiative) -> bool:
    """Whoever may assign the KR's initiatives, or a contributor on an initiative of their
    own. Never in a closed cycle."""
    if not _same_org(m, initiative) or not cycle_is_open(_cycle_of(initiative)):
        return False
    kr = initiative.key_result
    if can_assign_initiatives(m, kr):
        return True
    own = m.pk in (initiative.assignee_id, initiative.created_by_id)
    return own and is_contributor(m, kr)


def can_manage_risks(m: Membership | None, kr: KeyResult) -> bool:
    """Add risks to a KR: whoever manages its initiatives (never in a closed cycle)."""
    return can_manage_initiatives(m, kr)


def can_edit_risk(m: Membership | None, risk: Any) -> bool:
    """Change or close a risk: its owner, or whoever manages the KR's risks; never in a
    closed cycle."""
    if not _same_org(m, risk) or not cycle_is_open(_cycle_of(risk)):
        return False
    return risk.owner_id == m.pk or can_manage_risks(m, risk.key_result)


def can_close_risk(m: Membership | None, risk: Any) -> bool:
    """Offer "Close" on a risk: whoever may edit it, while it is still open."""
    return can_edit_risk(m, risk) and risk.status != Risk.State.CLOSED


def can_add_aligned(m: Membership | None, objective: Objective) -> bool:
    """Offer "Add aligned objective": anyone who can see it, while its cycle is open (the
    create rule then decides which level and unit they may use)."""
    if not _same_org(m, objective) or not cycle_is_open(objective.cycle):
        return False
    return can_view_objective(m, objective)


def can_comment(m: Membership | None, target: Objective | KeyResult) -> bool:
    """Anyone who can view the objective (or the KR's objective). Allowed on a closed cycle
    too: discussing the results is part of the retrospective (docs/domain.md)."""
    if not _same_org(m, target):
        return False
    objective = target.objective if isinstance(target, KeyResult) else target
    return can_view_objective(m, objective)


def can_view_company_health(m: Membership | None) -> bool:
    """The health of the whole company (every unit and the company-level objectives): admins,
    executives and champions. Unit leads see their units only (`can_view_health`)."""
    return company_wide(m)


def can_view_health(m: Membership | None, unit: OrgUnit | None = None) -> bool:
    """Admin, exec, champion: everything. Unit leads: their own units (and below)."""
    if not is_active_member(m):
        return False
    if can_view_company_health(m):
        return unit is None or unit.organization_id == m.organization_id
    led = unit_ids_led_by(m)
    if unit is None:
        return bool(led)
    return unit.organization_id == m.organization_id and unit.pk in led


def can_close_cycle(m: Membership | None, cycle: Cycle) -> bool:
    """Admin, exec, champion."""
    if not _same_org(m, cycle):
        return False
    return company_wide(m)


def can_grade(m: Membership | None, objective: Objective) -> bool:
    """Admin, exec, champion, a lead of the objective's unit (or above), the owner. Grades are
    set while closing, so never once the cycle is closed (closing freezes them)."""
    if not _same_org(m, objective) or not cycle_is_open(objective.cycle):
        return False
    if company_wide(m) or objective.owner_id == m.pk:
        return True
    return leads_objective_unit(m, objective)


def can_grade_key_result(m: Membership | None, kr: KeyResult) -> bool:
    """Whoever may grade the KR's objective, or the KR's own owner; never in a closed cycle."""
    if not _same_org(m, kr) or not cycle_is_open(_cycle_of(kr)):
        return False
    return kr.owner_id == m.pk or can_grade(m, kr.objective)


GRADE_ALL, GRADE_UNITS, GRADE_OWN = "all", "units", "own"


def grading_scope(m: Membership | None) -> str:
    """What the member may grade, for the close page's wording (the row predicates above
    decide): `GRADE_ALL` (admin, exec, champion), `GRADE_UNITS` (unit leads: the objectives of
    the units they lead and below, plus their own) or `GRADE_OWN` (their own OKRs)."""
    if company_wide(m):
        return GRADE_ALL
    return GRADE_UNITS if is_unit_lead(m) else GRADE_OWN


def can_grade_and_close(m: Membership | None, cycle: Cycle) -> bool:
    """Offer "Grade & close" and the "Close cycle" button: closers, on an active cycle only (a
    planning cycle has nothing to grade yet, a closed one is done)."""
    return can_close_cycle(m, cycle) and cycle.status == Cycle.Status.ACTIVE


def can_delete_comment(m: Membership | None, comment: Any) -> bool:
    """The author, or an admin (moderation)."""
    if not _same_org(m, comment):
        return False
    return comment.author_id == m.pk or is_admin(m)
