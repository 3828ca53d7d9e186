"""Alignment tree: company → department → team → individual, expandable on demand."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.template.response import TemplateResponse

from accounts.tenancy import org_required
from okr_project.web import paginate
from okrs import selectors
from okrs.forms.base import members_of, units_of
from okrs.forms.planning import AlignmentFilterForm
from okrs.models import LEVEL_RANK, Level
from okrs.rules import policy
from okrs.views.planning.common import PAGE_SIZE
from okrs.views.planning.cycles import switched_cycle

TEMPLATE = "okrs/planning/alignment.html"
_FIELD_ID = re.compile(r"^[A-Za-z0-9_-]{1,60}$")


def creatable_levels(viewer, cycle=None) -> list[str]:
    """Levels below company the viewer may create an aligned objective at: the policy's
    answer (`policy.creatable_levels`, none in a closed cycle), so the tree offers "Add
    aligned objective" exactly where the form and the service would accept it."""
    return [lvl for lvl in policy.creatable_levels(viewer, cycle=cycle) if lvl != Level.COMPANY]


ROOTS_PER_PAGE = 50
CHILDREN_PER_PAGE = 25


@dataclass
class TreeRow:
    """One node as the template draws it, in depth-first order: `open` when its children
    follow (expanded), `closes` how many enclosing levels end after it. The template
    nests with this instead of including itself, so any depth renders."""

    node: selectors.AlignmentNode
    open: bool
    closes: range


def tree_rows(nodes, *, levels: list[str], expanded: bool) -> list[TreeRow]:
    """Flatten nodes (iteratively) and attach what the node template needs: the level to
    suggest for an aligned objective (`add_level`) and whether it is expanded."""
    flat = selectors.flatten_tree(nodes)
    base = flat[0].depth if flat else 0
    rows = []
    for index, node in enumerate(flat):
        rank = LEVEL_RANK[node.objective.level]
        below = [lvl for lvl in levels if LEVEL_RANK[lvl] > rank]
        node.add_level = below[0] if below else ""
        node.expanded = expanded and bool(node.children)
        following = flat[index + 1].depth if index + 1 < len(flat) else base
        opens = node.expanded and following > node.depth
        rows.append(TreeRow(node, opens, range(0 if opens else node.depth - following)))
    return rows


def _lazy_roots(request, cycle):
    page = paginate(
        request,
        selectors.alignment_roots(
            organization=request.organization, cycle=cycle, viewer=request.membership
        ),
        ROOTS_PER_PAGE,
    )
    return page, selectors.nodes_from(page)


def _tree_context(request, cycle, *, expand=False):
    context = {"cycle": cycle, "rows": [], "roots_page": None, "too_many": False}
    if cycle is None:
        return context
    levels = creatable_levels(request.membership, cycle)
    if expand:
        tree = selectors.expanded_tree(
            organization=request.organization, cycle=cycle, viewer=request.membership
        )
        if not tree.truncated:
            context["rows"] = tree_rows(tree.roots, levels=levels, expanded=True)
            return context
        context.update(too_many=True, expand_limit=tree.limit)
    page, nodes = _lazy_roots(request, cycle)
    context.update(roots_page=page, rows=tree_rows(nodes, levels=levels, expanded=False))
    return context


@org_required
def alignment(request, org_slug, cycle_id=None):
    """The tree's first level with child counts (one page; children load on expand;
    `?expand=all` renders every level without JS, up to `EXPAND_ALL_LIMIT` objectives),
    or, when filtered or searched, the matching objectives as a paginated list."""
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
            search=data.get("q") or "",
        )
        context.update(
            cycle=cycle, rows=[], matches=paginate(request, matches, PAGE_SIZE), filtering=True
        )
    else:
        context.update(_tree_context(request, cycle, expand=expand), filtering=False)
    template = f"{TEMPLATE}#tree-content" if request.htmx else TEMPLATE
    return TemplateResponse(request, template, context)


@org_required
def alignment_children(request, org_slug, objective_id):
    """One page of the objectives aligned to one objective (25, each with its own child
    count): for htmx the `<li>` rows plus a "show more" row, else a page of its own."""
    objective = selectors.get_objective(
        organization=request.organization, pk=objective_id, viewer=request.membership
    )
    page = paginate(
        request,
        selectors.alignment_children(
            organization=request.organization, parent=objective, viewer=request.membership
        ),
        CHILDREN_PER_PAGE,
    )
    levels = creatable_levels(request.membership, objective.cycle)
    context = {
        "objective": objective,
        "cycle": objective.cycle,
        "page": page,
        "rows": tree_rows(selectors.nodes_from(page), levels=levels, expanded=False),
    }
    template = (
        "okrs/planning/alignment_children.html#children"
        if request.htmx
        else "okrs/planning/alignment_children.html"
    )
    return TemplateResponse(request, template, context)


@org_required
def objective_search(request, org_slug):
    """The "Aligned to" picker's listbox: up to ten objectives the viewer may see whose title
    contains `q`, within `cycle` when given (htmx fragment, or a small page)."""
    query = request.GET.get("q", "").strip()[:100]
    raw_cycle = request.GET.get("cycle", "")
    cycle_id = int(raw_cycle) if raw_cycle.isdigit() and len(raw_cycle) < 19 else None
    field = request.GET.get("field", "")
    field = field if _FIELD_ID.match(field) else "objective"
    found = selectors.search_objectives(
        organization=request.organization,
        viewer=request.membership,
        search=query,
        cycle_id=cycle_id,
    )
    options = [{"objective": o, "label": f"{o.title} ({o.get_level_display()})"} for o in found]
    template = "okrs/planning/objective_search.html"
    if request.htmx:
        template += "#options"
    return TemplateResponse(request, template, {"query": query, "field": field, "options": options})
