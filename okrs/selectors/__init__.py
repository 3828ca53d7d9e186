"""Tenant-scoped reads of OKR data (web, API and Celery all call these).

Every selector takes `organization` and filters on it first; list selectors load what
their pages need in a constant number of queries. See docs/decisions/0001.
"""

from okrs.rules.visibility import visible_objectives_q
from okrs.rules.weeks import iso_week, week_start
from okrs.selectors.audit import audit_for_objective
from okrs.selectors.collaboration import (
    aligned_children,
    comments_for,
    get_comment,
    get_initiative,
    get_risk,
    initiatives_for_key_result,
    risks_for_key_result,
)
from okrs.selectors.cycles import (
    active_cycle,
    copy_targets,
    current_cycle,
    cycles_for_org,
    get_cycle,
)
from okrs.selectors.health import (
    OBJECTIVE_SECTIONS,
    SECTION_KEYS,
    CheckInRate,
    HealthReport,
    UnitOverview,
    health_report,
    unit_overview,
)
from okrs.selectors.health_scope import HealthScope, InvalidUnit, UnitLink, health_scope
from okrs.selectors.key_results import (
    check_ins_for_key_result,
    get_key_result,
    key_results_for_member,
    week_check_in_counts,
)
from okrs.selectors.objectives import (
    EXPAND_ALL_LIMIT,
    MAX_ALIGNMENT_DEPTH,
    AlignmentNode,
    ExpandedTree,
    alignment_children,
    alignment_roots,
    alignment_tree,
    expand_levels,
    expanded_tree,
    flatten_tree,
    get_objective,
    nodes_from,
    objectives_for_cycle,
    parent_candidates,
    search_objectives,
)

__all__ = [
    "aligned_children",
    "comments_for",
    "get_comment",
    "get_initiative",
    "get_risk",
    "initiatives_for_key_result",
    "risks_for_key_result",
    "AlignmentNode",
    "EXPAND_ALL_LIMIT",
    "ExpandedTree",
    "MAX_ALIGNMENT_DEPTH",
    "alignment_children",
    "alignment_roots",
    "expand_levels",
    "expanded_tree",
    "nodes_from",
    "active_cycle",
    "copy_targets",
    "CheckInRate",
    "HealthScope",
    "InvalidUnit",
    "OBJECTIVE_SECTIONS",
    "SECTION_KEYS",
    "UnitLink",
    "HealthReport",
    "UnitOverview",
    "alignment_tree",
    "audit_for_objective",
    "check_ins_for_key_result",
    "current_cycle",
    "cycles_for_org",
    "flatten_tree",
    "get_cycle",
    "get_key_result",
    "get_objective",
    "health_report",
    "health_scope",
    "iso_week",
    "key_results_for_member",
    "objectives_for_cycle",
    "parent_candidates",
    "search_objectives",
    "unit_overview",
    "visible_objectives_q",
    "week_check_in_counts",
    "week_start",
]
