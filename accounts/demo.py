"""Demo people and org chart for `seed_demo` (filled in by the Foundation work)."""

from accounts.models import Organization

DEMO_PASSWORD = "demo"


def seed_people() -> list[Organization]:
    return []


def login_lines() -> list[str]:
    return []
