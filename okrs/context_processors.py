"""What the navigation may offer, asked of the policy (never decided in a template)."""

from okrs.rules import policy


def navigation(request):
    membership = getattr(request, "membership", None)
    if membership is None:
        return {}
    # Lazy: evaluated when the nav renders (leads are found with one cached query).
    return {"nav_can_view_health": lambda: policy.can_view_health(membership)}
