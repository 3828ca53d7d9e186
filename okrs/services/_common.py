"""Helpers shared by the write services: errors, audit, value parsing, tenancy guards."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import OperationalError, models

from accounts.models import Membership, Organization
from accounts.rules.tenancy import require_same_org
from okr_project.errors import ConflictError
from okrs.models import AuditEntry, Cycle, KeyResult, Objective
from okrs.rules import limits, policy

# The closed-cycle rule and its message live in the policy; services refuse through it.
CLOSED_MESSAGE = policy.CLOSED_MESSAGE
MAX_VALUE = Decimal("99999999999999")  # DecimalField(max_digits=18, decimal_places=4)


_RETRYABLE = {"40P01", "40001"}  # deadlock detected, serialization failure


@contextmanager
def conflict_on_concurrent_write(message: str):
    """Turn a deadlock or serialization failure into a ConflictError (web: a form error,
    API: 409) instead of a 500. Use it around the whole atomic block, so it has rolled back."""
    try:
        yield
    except OperationalError as exc:
        if getattr(exc.__cause__, "sqlstate", None) in _RETRYABLE:
            raise ConflictError(message, code="concurrent_write") from exc
        raise


def ensure_active(cycle: Cycle) -> None:
    """Check-ins belong to a running cycle: not before it starts, not after it closes."""
    ensure_open(cycle)
    if cycle.status != Cycle.Status.ACTIVE:
        raise ValidationError(
            "Check-ins open when the cycle is activated; this cycle is still being planned.",
            code="cycle_not_active",
        )


def ensure_open(cycle: Cycle) -> None:
    """Refuse any write to the OKRs of a closed cycle (the rule: `policy.cycle_is_open`)."""
    if not policy.cycle_is_open(cycle):
        raise ValidationError(CLOSED_MESSAGE, code="cycle_closed")


def ensure_active_member(organization_id: int, member: Membership | None, *, field: str) -> None:
    if member is None:
        raise ValidationError({field: "Choose a person."})
    require_same_org(member, organization_id, field=field, label="person")
    if not member.is_active:
        raise ValidationError({field: f"{member.name} is no longer an active member."})


def check_version(row: models.Model, expected_version: int | None) -> None:
    if expected_version is not None and int(expected_version) != row.version:
        raise ConflictError(
            "Someone else changed this since you opened it. Reload to see their changes, "
            "then apply yours again.",
            code="conflict",
        )


def reject_unknown(fields: dict[str, Any], allowed: Iterable[str]) -> None:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise ValidationError(f"These fields cannot be changed here: {', '.join(unknown)}.")


def to_decimal(value: Any, *, field: str, places: int = 4) -> Decimal:
    """Parse a user-entered number (str, int, float, Decimal, bool) or raise a field error."""
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, float) and not math.isfinite(value):
        raise ValidationError({field: "Enter a number."})
    # Commas are rejected rather than guessed: "1,500" and "1,5" mean different things
    # in New York and Berlin.
    try:
        number = Decimal(value.strip() if isinstance(value, str) else str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: "Enter a number."}) from None
    if not number.is_finite():
        raise ValidationError({field: "Enter a number."})
    if abs(number) > MAX_VALUE:
        raise ValidationError({field: "This number is too large."})
    return number.quantize(Decimal(1).scaleb(-places))


def to_confidence(value: Any, *, field: str = "confidence") -> int:
    """Confidence is a whole number from 0 (no chance) to 10 (certain)."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: "Confidence must be a whole number from 0 to 10."}) from None
    if not number.is_finite() or number != number.to_integral_value() or not 0 <= number <= 10:
        raise ValidationError({field: "Confidence must be a whole number from 0 to 10."})
    return int(number)


def _json_value(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple | set):
        return sorted(_json_value(v) for v in value)
    return value


def snapshot(row: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Current values of `fields` (FKs as ids) in JSON-safe form."""
    values = {}
    for name in fields:
        field = row._meta.get_field(name)
        attr = field.attname if isinstance(field, models.ForeignKey) else name
        values[name] = _json_value(getattr(row, attr))
    return values


def initial_changes(row: models.Model, fields: Iterable[str]) -> dict[str, list[Any]]:
    """A create's audit `changes`: every set field as [None, value]."""
    return {k: [None, v] for k, v in snapshot(row, fields).items() if v}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def audit(
    *,
    organization: Organization | int,
    actor: Membership | None,
    action: str,
    target_type: str,
    target_id: int,
    objective_id: int | None,
    summary: str,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    org_id = organization if isinstance(organization, int) else organization.pk
    return AuditEntry.objects.create(
        organization_id=org_id,
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=target_id,
        objective_id_ref=objective_id,
        summary=summary[:255],
        # Compared in full by `diff`, stored bounded: a long text is kept cut and marked.
        changes=limits.bounded(changes or {}),
    )


def audit_row(
    row: Objective | KeyResult,
    *,
    actor: Membership | None,
    action: str,
    summary: str,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """`audit` for an objective or a KR: target and objective follow from the row."""
    is_objective = isinstance(row, Objective)
    return audit(
        organization=row.organization_id,
        actor=actor,
        action=action,
        target_type="objective" if is_objective else "key_result",
        target_id=row.pk,
        objective_id=row.pk if is_objective else row.objective_id,
        summary=summary,
        changes=changes,
    )


def lock(row: models.Model, *related: str) -> Any:
    """Reload `row` (within its organization) with a row lock, for a read-modify-write."""
    return (
        type(row)
        .objects.select_for_update(of=("self",))
        .select_related(*related)
        .get(pk=row.pk, organization_id=row.organization_id)
    )


def _loaded_relations(row: models.Model) -> list[str]:
    """Foreign keys of `row` set to a row the service already holds (loaded, saved): Django's
    field check would read each again only to learn that it exists."""
    return [
        f.name
        for f in row._meta.concrete_fields
        if f.many_to_one
        and f.is_cached(row)
        and getattr(row, f.name) is not None
        and getattr(row, f.name).pk is not None
    ]


def full_clean(row: models.Model, *, exclude: Iterable[str] = ()) -> None:
    """`full_clean` without the TreeNode loop query (services check loops themselves) and
    without re-reading the related rows the service holds (they exist, and the services
    check that they belong to the same organization)."""
    fields = list(exclude)
    row.clean_fields(exclude=[*fields, *_loaded_relations(row)])
    row.validate_unique(exclude=fields)
    row.validate_constraints(exclude=fields)
