"""`manage.py send_reminders [--org SLUG] [--dry-run] [--now ISO] [--followup]`."""

from notifications.management.commands._runner import SendCommand
from notifications.models import Kind


class Command(SendCommand):
    help = "Send this week's check-in reminders now (each person at most once per week)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--followup", action="store_true", help="Send the follow-up reminder instead."
        )

    def kinds_for(self, organization, options):
        return [Kind.FOLLOWUP if options["followup"] else Kind.REMINDER]
