"""`manage.py send_digests [--org SLUG] [--dry-run] [--now ISO] [--kind digest_owner]`."""

from notifications.management.commands._runner import SendCommand
from notifications.schedule import DIGEST_KINDS


class Command(SendCommand):
    help = "Send this week's digests now (each reader at most once per week and kind)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--kind",
            action="append",
            choices=DIGEST_KINDS,
            default=[],
            help="Only these digest kinds.",
        )

    def kinds_for(self, organization, options):
        return options["kind"] or list(DIGEST_KINDS)
