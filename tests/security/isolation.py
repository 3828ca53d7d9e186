"""Helpers for the tenant-isolation walker.

`org_routes()` finds every URL pattern under an organization slug by walking the project's
resolver, so pages and API endpoints added later are covered without touching the test.
`build_tenant()` makes one row of every tenant model, each named with a marker that must
never show up in another organization's pages. `FILLERS` turns a URL kwarg name into a value
taken from those rows: a new kwarg name without a filler fails the test with instructions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import Role
from tests import factories
from tests.builders import person

# Routes where the object is authenticated by a signed token instead of a login: the token
# itself is the credential, so "A's slug + A's token" answers 200 by design. They are still
# walked (B's slug + A's token, forged token → 404); the reason is printed with the results.
TOKEN_AUTHENTICATED = {
    "notifications:unsubscribe": (
        "one-click unsubscribe from an email works without logging in; the signed token "
        "names the organization, so it is checked against the slug instead"
    ),
}

# URL kwargs that name no row (the same value in every organization): never "another
# tenant's id", so the cross-id pass does not expect a 404 for them alone.
CONSTANT_KWARGS = ("format", "section")

_CONVERTER = re.compile(r"(?<!\?P)<(?:\w+:)?(\w+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(\w+)>[^()]*\)")


@dataclass(frozen=True)
class Route:
    """One URL pattern under /o/<org_slug>/ or /api/v1/orgs/<org_slug>/."""

    route: str  # the full route text, e.g. "o/<slug:org_slug>/people/units/<int:unit_id>/"
    name: str  # namespaced name, e.g. "orgchart:unit_edit" ("" when unnamed)

    @property
    def kwarg_names(self) -> list[str]:
        return _CONVERTER.findall(self.route) + _REGEX_GROUP.findall(self.route)

    @property
    def object_kwargs(self) -> list[str]:
        return [k for k in self.kwarg_names if k not in ("org_slug", *CONSTANT_KWARGS)]

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/")

    def url(self, values: dict[str, object]) -> str:
        """The concrete path for these kwarg values, built from the route text itself."""
        path = _CONVERTER.sub(lambda m: str(values[m[1]]), self.route)
        path = _REGEX_GROUP.sub(lambda m: str(values[m[1]]), path)
        path = path.replace("^", "").replace("$", "").replace("\\.", ".").replace("/?", "/")
        if re.search(r"[()\[\]<>?*+\\]", path):
            raise AssertionError(
                f"Cannot build a URL from route {self.route!r} (got {path!r}). Teach "
                "tests/security/isolation.py Route.url() about this pattern syntax."
            )
        return "/" + path


def _walk(resolver: URLResolver, prefix: str, namespace: str) -> Iterator[Route]:
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry, route, ns)
        elif isinstance(entry, URLPattern):
            name = entry.name or ""
            if name and namespace:
                name = f"{namespace}:{name}"
            yield Route(route=route, name=name)


def org_routes() -> list[Route]:
    """Every URL pattern of the project whose route carries the organization slug."""
    return [r for r in _walk(get_resolver(), "", "") if "org_slug" in r.kwarg_names]


@dataclass
class Tenant:
    """One organization with a row of every tenant model, all carrying `marker`."""

    marker: str
    organization: object
    admin: object
    membership: object
    unit: object
    cycle: object
    objective: object
    key_result: object
    check_in: object
    initiative: object
    risk: object
    comment: object
    invitation: object
    notification: object


def build_tenant(marker: str, slug: str) -> Tenant:
    """An organization named with `marker`, its admin, and one row of every tenant model."""
    from notifications.models import Kind, Notification

    org = factories.OrganizationFactory(name=f"{marker} Corp", slug=slug)

    admin = person(
        org,
        email=f"admin@{slug}.example",
        name=f"{marker} Admin",
        role=Role.ADMIN,
        title=f"{marker} Chief",
    )
    unit = factories.OrgUnitFactory(organization=org, name=f"{marker} Unit", lead=admin)
    member = person(
        org,
        email=f"member@{slug}.example",
        name=f"{marker} Member",
        unit=unit,
        reports_to=admin,
        title=f"{marker} Engineer",
    )
    cycle = factories.CycleFactory(organization=org, name=f"{marker} Cycle")
    objective = factories.ObjectiveFactory(
        organization=org,
        cycle=cycle,
        owner=member,
        unit=unit,
        level="team",
        title=f"{marker} Objective",
        description=f"{marker} description",
    )
    key_result = factories.KeyResultFactory(
        organization=org, objective=objective, owner=member, title=f"{marker} Key Result"
    )
    return Tenant(
        marker=marker,
        organization=org,
        admin=admin,
        membership=member,
        unit=unit,
        cycle=cycle,
        objective=objective,
        key_result=key_result,
        check_in=factories.CheckInFactory(
            organization=org, key_result=key_result, author=member, note=f"{marker} note"
        ),
        initiative=factories.InitiativeFactory(
            organization=org, key_result=key_result, title=f"{marker} Initiative"
        ),
        risk=factories.RiskFactory(
            organization=org, key_result=key_result, description=f"{marker} Risk"
        ),
        comment=factories.CommentFactory(
            organization=org, objective=objective, author=member, body=f"{marker} Comment"
        ),
        invitation=factories.InvitationFactory(
            organization=org, email=f"{marker.lower()}.invitee@example.com", unit=unit
        ),
        notification=Notification.objects.create(
            organization=org, recipient=admin, kind=Kind.REMINDER, title=f"{marker} Notification"
        ),
    )


def _unsubscribe_token(tenant: Tenant) -> str:
    from notifications.emails import unsubscribe_token

    return unsubscribe_token(membership=tenant.admin, kind="reminder")


# URL kwarg name → value taken from the tenant whose rows are being probed.
FILLERS: dict[str, Callable[[Tenant], object]] = {
    "org_slug": lambda t: t.organization.slug,
    "cycle_id": lambda t: t.cycle.pk,
    "objective_id": lambda t: t.objective.pk,
    "key_result_id": lambda t: t.key_result.pk,
    "check_in_id": lambda t: t.check_in.pk,
    "initiative_id": lambda t: t.initiative.pk,
    "risk_id": lambda t: t.risk.pk,
    "comment_id": lambda t: t.comment.pk,
    "unit_id": lambda t: t.unit.pk,
    "membership_id": lambda t: t.membership.pk,
    "invitation_id": lambda t: t.invitation.pk,
    "notification_id": lambda t: t.notification.pk,
    "token": _unsubscribe_token,
    "section": lambda t: "stale_krs",  # a health list (okrs.selectors.SECTION_KEYS)
    "format": lambda t: "json",
}


def fill(
    route: Route, *, slug_from: Tenant, rows_from: Tenant, overrides: dict | None = None
) -> str:
    """The route's URL with the slug of one tenant and the object ids of another."""
    missing = [k for k in route.kwarg_names if k not in FILLERS and k not in (overrides or {})]
    if missing:
        raise AssertionError(
            f"URL {route.route!r} ({route.name or 'unnamed'}) has kwarg(s) {missing} that the "
            "tenant-isolation walker cannot fill. Name URL kwargs after the model "
            "(`<model>_id`) or add a filler to FILLERS in tests/security/isolation.py."
        )
    overrides = overrides or {}
    values = {k: FILLERS[k](rows_from) for k in route.kwarg_names if k not in overrides}
    values["org_slug"] = slug_from.organization.slug
    values.update(overrides)
    return route.url(values)
