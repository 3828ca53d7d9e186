"""Signals that okrs sends so other apps can react without okrs importing them.

`conversation` fires after the transaction commits, when people should hear about something
said on an objective or key result: `kind` is "mention" (they were @mentioned) or "comment"
(a new comment on something they own); `source` is "comment" or "check_in". Receivers get ids
only and must reload (and re-check visibility) themselves — `notifications` does.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal

conversation = Signal()

MENTION, COMMENT = "mention", "comment"


def announce(
    *, organization_id: int, kind: str, source: str, source_id: int, recipient_ids: Iterable[int]
) -> None:
    """Send `conversation` once the surrounding transaction commits (never for a rollback)."""
    ids = sorted(set(recipient_ids))
    if not ids:
        return
    transaction.on_commit(
        lambda: conversation.send(
            sender=source,
            organization_id=organization_id,
            kind=kind,
            source=source,
            source_id=source_id,
            recipient_ids=ids,
        )
    )
