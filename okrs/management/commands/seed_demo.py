"""`manage.py seed_demo`: two demo companies (acme, globex) with people and OKRs. Idempotent."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import demo as people_demo
from okrs import demo as okrs_demo


class Command(BaseCommand):
    help = "Create the demo companies acme and globex (people, org chart, OKRs). Idempotent."

    def handle(self, *args, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("seed_demo refuses to run with CAIRN_ENV=production.")
        with transaction.atomic():
            organizations = people_demo.seed_people()
            for organization in organizations:
                okrs_demo.seed_okrs(organization)
        try:
            from notifications import demo as notifications_demo
        except ImportError:  # pragma: no cover - notifications demo is optional
            notifications_demo = None
        if notifications_demo is not None:
            for organization in organizations:
                notifications_demo.seed_notifications(organization)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in with password 'demo' as:"))
        for line in people_demo.login_lines():
            self.stdout.write(f"  {line}")
