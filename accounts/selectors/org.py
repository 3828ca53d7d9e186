"""Reads for accounts. Every function takes the organization and filters on it first."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Lower
from django.http import Http404

from accounts.models import (
    ApiToken,
    Invitation,
    Membership,
    Organization,
    OrgUnit,
    Role,
    User,
    hash_token,
)
from accounts.rules.lifecycle import (
    invitation_is_pending,
    live_tokens_q,
    pending_invitations_q,
)
from accounts.rules.units import subtree_ids
from okr_project.paging import Counted


def _active_member_counts(organization: Organization, unit_ids=None) -> dict[int, int]:
    """Active members per unit (one grouped query), for `unit_ids` only when given."""
    members = Membership.objects.filter(
        organization=organization, is_active=True, unit__isnull=False
    )
    if unit_ids is not None:
        members = members.filter(unit_id__in=list(unit_ids))
    return dict(members.values("unit").annotate(n=Count("id")).values_list("unit", "n"))


UNIT_SORTS = {"tree": "Tree order", "name": "Name"}


def units_listing(*, organization: Organization, search: str = "", sort: str = "tree"):
    """The units index, lazy, for the caller to page: names matching `search` (case-
    insensitive, in SQL), in tree order (`tree_depth` set) or by name (`sort`), each with its
    lead. Add `member_count` to the page with `with_member_counts`. Its length is a plain
    COUNT: the tree order's recursive query ranks every unit, which a page needs and a count
    does not."""
    matching = OrgUnit.objects.filter(organization=organization)
    if search:
        matching = matching.filter(name__icontains=search)
    units = matching.select_related("lead__user")
    if sort == "name":
        units = units.order_by(Lower("name"), "id")
    else:
        units = units.with_tree_fields().tree_filter(organization=organization)
    return Counted(units, matching.count)


def with_member_counts(units: Iterable[OrgUnit], *, organization: Organization) -> list[OrgUnit]:
    """`units` as a list, each with `member_count` of active members: one grouped query
    limited to these units (a page), whatever the size of the organization."""
    units = list(units)
    counts = _active_member_counts(organization, [u.pk for u in units])
    for unit in units:
        unit.member_count = counts.get(unit.pk, 0)
    return units


def unit_subtree_ids(*, organization: Organization, roots: Iterable[int]) -> set[int]:
    """`roots` and every unit below them in this organization (one query)."""
    edges = OrgUnit.objects.filter(organization=organization).values_list("id", "parent_id")
    return subtree_ids(edges, roots)


@dataclass
class UnitNode:
    unit: OrgUnit
    children: list[UnitNode] = field(default_factory=list)
    expanded: bool = True  # False: its children load on demand (`chart_children`)


# The org chart opens with the second level drawn only if the first two levels together are at
# most this many units; a bigger company opens on its top units, each expanding on click.
CHART_OPEN_UNITS = 40


def _chart_units(organization: Organization) -> QuerySet[OrgUnit]:
    """Units with their lead, `member_count` (active members directly in the unit) and
    `child_count` (units right below), as correlated subqueries: one query per list."""
    members = (
        Membership.objects.filter(unit_id=OuterRef("pk"), is_active=True)
        .order_by()
        .values("unit_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    below = (
        OrgUnit.objects.filter(parent_id=OuterRef("pk"))
        .order_by()
        .values("parent_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        OrgUnit.objects.filter(organization=organization)
        .select_related("lead__user")
        .annotate(
            member_count=Coalesce(Subquery(members, output_field=IntegerField()), Value(0)),
            child_count=Coalesce(Subquery(below, output_field=IntegerField()), Value(0)),
        )
        .order_by("name", "pk")
    )


def chart_top(*, organization: Organization) -> list[UnitNode]:
    """The org chart as it opens: the top units, each with member and child counts, and the
    units right below them while the two levels together are at most `CHART_OPEN_UNITS`
    (one query either way); deeper levels — and the second one of a big company — load on
    demand (`chart_children`), so the page draws a bounded number of units."""
    rows = list(
        _chart_units(organization).filter(Q(parent__isnull=True) | Q(parent__parent__isnull=True))
    )
    expand = len(rows) <= CHART_OPEN_UNITS
    nodes = {unit.pk: UnitNode(unit, expanded=expand) for unit in rows}
    roots: list[UnitNode] = []
    for unit in rows:
        parent = nodes.get(unit.parent_id) if unit.parent_id != unit.pk else None
        if parent is None:
            roots.append(nodes[unit.pk])
        elif expand:
            parent.children.append(nodes[unit.pk])
    return [node for node in roots if node.unit.parent_id is None]


def chart_children(*, organization: Organization, parent: OrgUnit) -> list[OrgUnit]:
    """The units right below `parent`, with member and child counts (one query)."""
    return list(_chart_units(organization).filter(parent_id=parent.pk))


def search_units(*, organization: Organization, search: str, limit: int = 10) -> list[OrgUnit]:
    """Units whose name contains `search` (SQL icontains), with counts; at most `limit`."""
    search = search.strip()
    if not search:
        return []
    return list(_chart_units(organization).filter(name__icontains=search)[:limit])


def get_unit(*, organization: Organization, pk) -> OrgUnit:
    """A unit of this organization, or Http404."""
    unit = (
        OrgUnit.objects.filter(organization=organization, pk=pk)
        .select_related("lead__user", "parent", "organization")
        .first()
    )
    if unit is None:
        raise Http404("Unit not found.")
    return unit


def find_unit(*, organization: Organization, pk: Any) -> OrgUnit | None:
    """A unit of this organization by an id from a query string, or None for anything else
    (a junk or foreign id is simply no filter)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**63:
        return None
    return OrgUnit.objects.filter(organization=organization, pk=pk).only("pk", "name").first()


def units_of(*, organization: Organization) -> QuerySet[OrgUnit]:
    """The organization's units (the API list orders and pages them)."""
    return OrgUnit.objects.filter(organization=organization)


def get_organization(*, pk: int) -> Organization | None:
    """An organization by id, for a task that was given one (None once it is gone)."""
    return Organization.objects.filter(pk=pk).first()


def organization_by_slug(*, slug: str) -> Organization | None:
    """An organization by slug, for links that carry one outside a member's session (the
    one-click unsubscribe); None for an unknown slug."""
    return Organization.objects.filter(slug=slug).first()


def members_for_org(
    *,
    organization: Organization,
    search: str = "",
    unit: OrgUnit | None = None,
    role: str = "",
    include_inactive: bool = False,
) -> QuerySet[Membership]:
    """Members with user, unit and manager loaded; filter by name/email/title, unit, role."""
    members = Membership.objects.filter(organization=organization).select_related(
        "user", "unit", "reports_to__user"
    )
    if not include_inactive:
        members = members.filter(is_active=True)
    if search.strip():
        members = members.filter(member_search_q(search))
    if unit is not None:
        members = members.filter(unit=unit)
    if role:
        members = members.filter(role=role)
    return members.order_by("user__full_name", "user__email")


def member_search_q(search: str) -> Q:
    """The one people search: name, email or title contains `search` (SQL icontains)."""
    search = search.strip()
    return (
        Q(user__full_name__icontains=search)
        | Q(user__email__icontains=search)
        | Q(title__icontains=search)
    )


def get_membership(*, organization: Organization, pk) -> Membership:
    """A membership (active or not) of this organization, or Http404."""
    membership = (
        Membership.objects.filter(organization=organization, pk=pk)
        .select_related("user", "unit", "reports_to__user", "organization")
        .first()
    )
    if membership is None:
        raise Http404("Member not found.")
    return membership


def reports_of(*, organization: Organization, membership: Membership) -> QuerySet[Membership]:
    """Active direct reports of a member."""
    return members_for_org(organization=organization).filter(reports_to=membership)


def pending_invitations(*, organization: Organization) -> QuerySet[Invitation]:
    """Invitations not yet accepted, revoked or expired, newest first."""
    return (
        Invitation.objects.filter(pending_invitations_q(), organization=organization)
        .select_related("unit", "invited_by__user")
        .order_by("-created_at")
    )


def get_invitation(*, organization: Organization, pk) -> Invitation:
    """An invitation of this organization, or Http404."""
    invitation = (
        Invitation.objects.filter(organization=organization, pk=pk)
        .select_related("organization")
        .first()
    )
    if invitation is None:
        raise Http404("Invitation not found.")
    return invitation


def get_invitation_by_token(*, token: str) -> Invitation | None:
    """The invitation behind an emailed link, or None. Only the token's SHA-256 is stored,
    so the lookup is by hash (a database leak does not hand out working links)."""
    return (
        Invitation.objects.filter(token_hash=hash_token(token))
        .select_related("organization", "invited_by__user", "unit")
        .first()
    )


def get_invitation_to_send(
    *, pk: int, token_hash: str, for_update: bool = False
) -> Invitation | None:
    """The invitation a queued email is for, while it still holds that email's send ticket
    (`Invitation.retire_token`; a re-send replaces it) and is pending; else None.
    `for_update` locks the row until the transaction ends (the sender mints the link)."""
    rows = Invitation.objects.select_related("organization", "invited_by__user")
    if for_update:
        rows = rows.select_for_update(of=("self",))
    invitation = rows.filter(pk=pk, token_hash=token_hash).first()
    return invitation if invitation is not None and invitation_is_pending(invitation) else None


def get_active_admin(*, organization_id: int, pk: int) -> Membership | None:
    """An active admin of the organization by membership id (with user and organization),
    or None once they are not one any more."""
    return (
        Membership.objects.select_related("organization", "user")
        .filter(pk=pk, organization_id=organization_id, is_active=True, role=Role.ADMIN)
        .first()
    )


def api_tokens_for_user(*, user: User) -> QuerySet[ApiToken]:
    """The user's tokens, newest first (revoked ones included, so the list explains itself),
    each with `is_live` (`accounts.rules.lifecycle.token_is_live`, in SQL)."""
    return (
        ApiToken.objects.filter(user=user)
        .annotate(is_live=ExpressionWrapper(live_tokens_q(), output_field=BooleanField()))
        .order_by("revoked_at", "-created_at")
    )


def get_api_token(*, user: User, pk) -> ApiToken:
    """One of the user's own tokens, or Http404 (someone else's token is simply not found)."""
    token = ApiToken.objects.filter(user=user, pk=pk).first()
    if token is None:
        raise Http404("Token not found.")
    return token


def account_exists(*, email: str) -> bool:
    """Whether a person with this email address (any case) has an account."""
    return User.objects.filter(email__iexact=email.strip()).exists()


def memberships_for_user(*, user: User) -> QuerySet[Membership]:
    """The person's active seats in every organization (the organization switcher, the
    tenancy layer), by organization name, with organization, user and unit loaded."""
    return (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("organization", "user", "unit")
        .order_by("organization__name", "pk")
    )
