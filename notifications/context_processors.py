"""The unread badge in the main nav."""

from django.utils.functional import SimpleLazyObject

from notifications import selectors


def unread_count(request):
    """`notifications_unread`: evaluated (one COUNT query) only if a template shows it."""
    organization = getattr(request, "organization", None)
    membership = getattr(request, "membership", None)
    if organization is None or membership is None:
        return {"notifications_unread": 0}
    return {
        "notifications_unread": SimpleLazyObject(
            lambda: selectors.unread_count(organization=organization, membership=membership)
        )
    }
