from accounts.selectors import memberships_for_user


def tenancy(request):
    """Current organization/membership (set by the tenancy mixin) and the switcher list."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def switchable():
        # Under /o/<slug>/ the tenancy layer already read them, before the row-level-security
        # wall went up (accounts/tenancy.py: bind_tenant).
        seats = getattr(request, "active_memberships", None)
        if seats is not None:
            return seats
        return list(memberships_for_user(user=user))

    return {
        "current_organization": getattr(request, "organization", None),
        "current_membership": getattr(request, "membership", None),
        # Lazy: evaluated only when a template renders the switcher (one query).
        "switchable_memberships": switchable,
    }
