"""Cross-tenant links are impossible by construction: a service that links two rows asks this."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from accounts.models import Organization


def require_same_org(row: Any, organization: Organization | int, field: str, label: str) -> None:
    """Refuse a linked row (owner, unit, parent, cycle…) of another organization, as an error
    on `field` that reads like "not a choice here", never revealing the other tenant's row."""
    organization_id = organization if isinstance(organization, int) else organization.pk
    if row is not None and row.organization_id != organization_id:
        raise ValidationError({field: f"Choose a {label} from this organization."})
