"""Shared body of `send_reminders` and `send_digests` (not a command itself)."""

from __future__ import annotations

import json
import logging
import uuid

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organization
from accounts.rls import tenant_context
from notifications import planning
from notifications.delivery import Counts, TransientDeliveryError, deliver_batch
from notifications.schedule import parse_now

logger = logging.getLogger("cairn.notifications")


class SendCommand(BaseCommand):
    kinds: tuple[str, ...] = ()

    def add_arguments(self, parser):
        parser.add_argument(
            "--org",
            action="append",
            default=[],
            help="Organization slug (repeatable); default: all.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Print who would get what; send nothing."
        )
        parser.add_argument(
            "--now", default=None, help="ISO datetime to simulate (default: now). Naive = UTC."
        )

    def kinds_for(self, organization: Organization, options) -> list[str]:
        return list(self.kinds)

    def handle(self, *args, **options):
        try:
            now = parse_now(options["now"])
        except ValueError as exc:
            raise CommandError(
                f"--now must be an ISO datetime, e.g. 2026-11-23T14:00:00+00:00 ({exc})"
            ) from exc
        organizations = Organization.objects.order_by("slug")
        if options["org"]:
            organizations = organizations.filter(slug__in=options["org"])
            missing = set(options["org"]) - {o.slug for o in organizations}
            if missing:
                raise CommandError(f"Unknown organization(s): {', '.join(sorted(missing))}")
        total = Counts()
        run_id = f"manual-{uuid.uuid4().hex[:12]}"
        for organization in organizations:
            with tenant_context(organization.pk):  # the row-level-security wall
                period = planning.current_period(organization=organization, now=now)
                for kind in self.kinds_for(organization, options):
                    if options["dry_run"]:
                        self.print_plan(organization, kind, period, now)
                        continue
                    ids = planning.recipient_ids(
                        organization=organization, kind=kind, period=period
                    )
                    try:
                        counts = deliver_batch(
                            organization=organization,
                            kind=kind,
                            period=period,
                            membership_ids=ids,
                            now=now,
                            task_id=run_id,
                        )
                    except TransientDeliveryError as exc:
                        raise CommandError(
                            f"Mail server trouble, nothing lost (rows stay pending): {exc}"
                        ) from exc
                    total.add(counts)
                    self.stdout.write(
                        f"{organization.slug} {kind} {period}: {json.dumps(counts.as_dict())}"
                    )
        if not options["dry_run"]:
            logger.info(
                "notifications command=%s run=%s now=%s %s",
                self.__module__.rsplit(".", 1)[-1],
                run_id,
                now.isoformat(),
                " ".join(f"{k}={v}" for k, v in total.as_dict().items()),
            )
            self.stdout.write(self.style.SUCCESS(f"Done: {json.dumps(total.as_dict())}"))

    def print_plan(self, organization, kind, period, now):
        items = planning.plan(organization=organization, kind=kind, period=period, now=now)
        self.stdout.write(f"{organization.slug} {kind} {period}: {len(items)} recipient(s)")
        for item in items:
            email = item.membership.user.email or "(no email)"
            self.stdout.write(f"  {email}: {item.summary}")
