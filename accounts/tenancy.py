"""The one place that resolves the tenant for a web request.

`/o/<org_slug>/…` views use `OrgRequiredMixin` (class-based) or `@org_required` (functions);
`@requires(predicate, message)` under `@org_required` refuses with the friendly 403 page unless
a policy predicate allows the member (the same predicate the service enforces).
Both load the caller's *active* membership in that organization or answer 404 — the same
answer as for an organization that does not exist, so slugs of other tenants leak nothing.
They set `request.organization` and `request.membership` for the view and templates, and run
the view inside `accounts.rls.tenant_context` (PostgreSQL row-level security: a query that
forgets its organization filter still sees only this organization's rows).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest
from django.template.response import SimpleTemplateResponse

from accounts.models import Membership
from accounts.rls import tenant_context
from accounts.selectors import memberships_for_user
from okr_project.web import forbidden


def active_memberships(user) -> list[Membership]:
    """The user's active seats in every organization, by organization name (one query)."""
    return list(memberships_for_user(user=user))


def get_membership_for_request(*, user, org_slug: str) -> Membership:
    """The user's active membership in the organization with this slug, or Http404."""
    return _pick(active_memberships(user) if user.is_authenticated else [], org_slug)


def _pick(seats: list[Membership], org_slug: str) -> Membership:
    membership = next((m for m in seats if m.organization.slug == org_slug), None)
    if membership is None:
        raise Http404("Organization not found.")
    return membership


def bind_tenant(request: HttpRequest, org_slug: str) -> Membership:
    seats = active_memberships(request.user) if request.user.is_authenticated else []
    membership = _pick(seats, org_slug)
    request.membership = membership
    request.organization = membership.organization
    # For the organization switcher: the user's own seats everywhere, read before the
    # row-level-security wall goes up (behind it only this organization's rows are visible).
    request.active_memberships = seats
    return membership


def behind_the_wall(organization_id: int, view):
    """Run the view with the database wall up for its organization (accounts/rls.py); a
    TemplateResponse is rendered here too, since its template may still query."""
    with tenant_context(organization_id):
        response = view()
        if isinstance(response, SimpleTemplateResponse):
            response.render()
        return response


class OrgRequiredMixin(LoginRequiredMixin):
    """Resolves `self.organization` / `self.membership` from the URL, or 404."""

    organization = None
    membership = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.membership = bind_tenant(request, kwargs["org_slug"])
        self.organization = self.membership.organization
        return behind_the_wall(
            self.organization.pk,
            lambda: super(OrgRequiredMixin, self).dispatch(request, *args, **kwargs),
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("organization", self.organization)
        ctx.setdefault("membership", self.membership)
        return ctx


def org_required(view):
    """Function-view twin of OrgRequiredMixin. The view receives `org_slug` as usual."""

    @wraps(view)
    def wrapper(request, *args, org_slug: str, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        membership = bind_tenant(request, org_slug)
        return behind_the_wall(
            membership.organization_id, lambda: view(request, *args, org_slug=org_slug, **kwargs)
        )

    return wrapper


def requires(
    predicate: Callable[[Membership], bool],
    message: str,
    *,
    methods: Iterable[str] | None = None,
):
    """Under `@org_required`: answer the friendly 403 page with `message` unless
    `predicate(request.membership)` — a policy predicate, the same one the service enforces.
    `methods`: check only requests with these HTTP methods (e.g. a page everyone may read
    but only admins may post to)."""
    only = {m.upper() for m in methods} if methods is not None else None

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if (only is None or request.method in only) and not predicate(request.membership):
                return forbidden(request, message)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
