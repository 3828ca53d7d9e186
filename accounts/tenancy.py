"""The one place that resolves the tenant for a web request.

`/o/<org_slug>/…` views use `OrgRequiredMixin` (class-based) or `@org_required` (functions).
Both load the caller's *active* membership in that organization or answer 404 — the same
answer as for an organization that does not exist, so slugs of other tenants leak nothing.
They set `request.organization` and `request.membership` for the view and templates.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest

from accounts.models import Membership


def get_membership_for_request(*, user, org_slug: str) -> Membership:
    """The user's active membership in the organization with this slug, or Http404."""
    if not user.is_authenticated:
        raise Http404("Organization not found.")
    membership = (
        Membership.objects.select_related("organization", "user", "unit")
        .filter(user=user, organization__slug=org_slug, is_active=True)
        .first()
    )
    if membership is None:
        raise Http404("Organization not found.")
    return membership


def bind_tenant(request: HttpRequest, org_slug: str) -> Membership:
    membership = get_membership_for_request(user=request.user, org_slug=org_slug)
    request.membership = membership
    request.organization = membership.organization
    return membership


class OrgRequiredMixin(LoginRequiredMixin):
    """Resolves `self.organization` / `self.membership` from the URL, or 404."""

    organization = None
    membership = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.membership = bind_tenant(request, kwargs["org_slug"])
        self.organization = self.membership.organization
        return super().dispatch(request, *args, **kwargs)

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
        bind_tenant(request, org_slug)
        return view(request, *args, org_slug=org_slug, **kwargs)

    return wrapper
