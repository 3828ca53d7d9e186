"""How long the trash keeps what was deleted (what "live" means is `okrs.models.live_q`)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

RETENTION = dt.timedelta(days=30)
RETENTION_TEXT = f"{RETENTION.days} days"


def restorable_q(*, now: dt.datetime) -> Q:
    """In the trash and still restorable (deleted less than RETENTION ago)."""
    return Q(deleted_at__isnull=False, deleted_at__gte=now - RETENTION)
