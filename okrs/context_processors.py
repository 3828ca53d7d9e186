"""What a page may offer the member, asked of the policy — never decided in a template.

`{{ can.NAME }}` is the policy predicate `can_NAME(membership)` for the member of the page's
organization: the same predicate the service enforces, so what a template offers is exactly
what the service allows. Only member-level predicates are here (a row's permission, such as
editing one risk, is set on the row by its view from the row predicate). Each is evaluated
when a template first reads it, and once per request.
"""

from __future__ import annotations

from collections.abc import Callable

from accounts.models import Membership
from okrs.rules import policy

MEMBER_PREDICATES: dict[str, Callable[[Membership | None], bool]] = {
    "manage_org": policy.can_manage_org,
    "manage_cycles": policy.can_manage_cycles,
    "manage_trash": policy.can_manage_trash,
    "view_health": policy.can_view_health,
    "view_company_health": policy.can_view_company_health,
    "view_security_log": policy.can_view_security_log,
    "view_delivery_log": policy.can_view_delivery_log,
    "delete_organization": policy.can_delete_organization,
}


class MemberPermissions:
    """Reads `can.NAME` as `MEMBER_PREDICATES[NAME](membership)`, cached; an unknown name is a
    programming error and raises (a template typo must not silently offer nothing)."""

    def __init__(self, membership: Membership | None):
        self._membership = membership
        self._answers: dict[str, bool] = {}

    def __getattr__(self, name: str) -> bool:
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self._answers:
            predicate = MEMBER_PREDICATES.get(name)
            if predicate is None:
                raise AttributeError(f"no member-level policy predicate can_{name}")
            self._answers[name] = predicate(self._membership)
        return self._answers[name]


def permissions(request):
    return {"can": MemberPermissions(getattr(request, "membership", None))}
