"""Demo cycles and OKRs for `seed_demo` (filled in by the OKR domain work)."""

from accounts.models import Organization


def seed_okrs(organization: Organization) -> None:
    return None
