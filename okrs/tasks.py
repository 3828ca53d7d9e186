"""OKR background work: the daily trash purge (scheduled by `cairn-purge-trash`)."""

from __future__ import annotations

import logging

from celery import shared_task

from okrs import services

logger = logging.getLogger("cairn.okrs")


@shared_task(name="okrs.tasks.purge_trash", acks_late=True)
def purge_trash() -> dict[str, int]:
    """Delete for good what was trashed longer ago than the retention (`okrs.rules.trash`);
    safe to run any time."""
    result = services.purge_trash()
    logger.info("okrs purge_trash deleted=%d", result["deleted"])
    return result
