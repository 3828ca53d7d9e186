"""The change history of an objective (and of its KRs and check-ins)."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Organization
from okrs.models import AuditEntry, Objective


def audit_for_objective(
    *, organization: Organization, objective: Objective | int
) -> QuerySet[AuditEntry]:
    """Entries about the objective, its KRs and check-ins, newest first (kept after deletes)."""
    objective_id = objective if isinstance(objective, int) else objective.pk
    return (
        AuditEntry.objects.filter(organization=organization, objective_id_ref=objective_id)
        .select_related("actor__user")
        .order_by("-created_at", "-id")
    )
