"""Alignment tree: company → department → team → individual, expandable on demand."""

from __future__ import annotations

from django.template.response import TemplateResponse

from accounts.tenancy import org_required
from okr_project.web import paginate
from okrs import policy, selectors
from okrs.forms.base import members_of, units_of
from okrs.forms.planning import AlignmentFilterForm
from okrs.models import LEVEL_RANK, Level
from okrs.views.planning.common import PAGE_SIZE
from okrs.views.planning.cycles import switched_cycle

TEMPLATE = "okrs/planning/alignment.html"
CASCADE = [Level.DEPARTMENT, Level.TEAM, Level.INDIVIDUAL]


def creatable_levels(viewer, cycle=None) -> list[str]:
    """Levels below company at which the viewer may create an objective somewhere.

    Tried against the units the viewer leads (and their own unit), so the tree can offer
    "Add aligned objective" only to people whose submission the service would accept
    (none in a closed cycle: the policy answers for the cycle state).
    """
    if policy.can_create_objective(
        viewer, level=Level.COMPANY, unit=None, owner=viewer, cycle=cycle
    ):
        return list(CASCADE)  # admins and executives may create at every level
    led = policy.unit_ids_led_by(viewer)
    units = [u for u in units_of(viewer.organization) if u.pk in led]
    if viewer.unit is not None:
        units.append(viewer.unit)
    levels = [
        level
        for level in (Level.DEPARTMENT, Level.TEAM)
        if any(
            u.kind == level
            and policy.can_create_objective(viewer, level=level, unit=u, owner=viewer, cycle=cycle)
            for u in units
        )
    ]
    if policy.can_create_objective(
        viewer, level=Level.INDIVIDUAL, unit=None, owner=viewer, cycle=cycle
    ):
        levels.append(Level.INDIVIDUAL)
    return levels


def annotate_nodes(nodes, *, levels: list[str], expand: bool, depth: int = 0) -> None:
    """Attach what the node template needs: the level to suggest for an aligned objective,
    whether it is expanded, its DOM id. Pure Python on the already-built tree."""
    for node in nodes:
        rank = LEVEL_RANK[node.objective.level]
        below = [lvl for lvl in levels if LEVEL_RANK[lvl] > rank]
        node.add_level = below[0] if below else ""
        node.expanded = expand
        node.depth = depth
        annotate_nodes(node.children, levels=levels, expand=expand, depth=depth + 1)


def _tree_context(request, cycle, *, root=None, expand=False):
    nodes = []
    if cycle is not None:
        nodes = selectors.alignment_tree(
            organization=request.organization, cycle=cycle, viewer=request.membership, root=root
        )
        if root is not None and len(nodes) == 1 and nodes[0].objective.pk == root.pk:
            nodes = nodes[0].children  # the subtree's own node is already on the page
    levels = creatable_levels(request.membership, cycle)
    annotate_nodes(nodes, levels=levels, expand=expand)
    return {"nodes": nodes, "cycle": cycle}


@org_required
def alignment(request, org_slug, cycle_id=None):
    """The whole tree (roots first; `?expand=all` renders every level without JS),
    or, when filtered, the matching objectives as a paginated list."""
    org, viewer = request.organization, request.membership
    cycles = selectors.cycles_for_org(organization=org)
    cycle = switched_cycle(request, cycle_id, cycles)
    form = AlignmentFilterForm(
        request.GET or None,
        units=units_of(org),
        members=members_of(org),
    )
    expand = request.GET.get("expand") == "all"
    context = {"cycles": cycles, "filter_form": form, "expand": expand}
    if form.is_bound and form.is_filtering and cycle is not None:
        data = form.cleaned_data
        matches = selectors.objectives_for_cycle(
            organization=org,
            cycle=cycle,
            viewer=viewer,
            unit=data.get("unit"),
            owner=data.get("owner"),
            status=data.get("status") or None,
        ).select_related("parent", "parent__owner__user")
        context.update(
            cycle=cycle, nodes=[], matches=paginate(request, matches, PAGE_SIZE), filtering=True
        )
    else:
        context.update(_tree_context(request, cycle, expand=expand), filtering=False)
    template = f"{TEMPLATE}#tree-content" if request.htmx else TEMPLATE
    return TemplateResponse(request, template, context)


@org_required
def alignment_children(request, org_slug, objective_id):
    """The objectives aligned to one objective: an htmx fragment, or a page of its own."""
    objective = selectors.get_objective(
        organization=request.organization, pk=objective_id, viewer=request.membership
    )
    context = _tree_context(request, objective.cycle, root=objective)
    context["objective"] = objective
    template = (
        "okrs/planning/alignment_children.html#children"
        if request.htmx
        else "okrs/planning/alignment_children.html"
    )
    return TemplateResponse(request, template, context)
