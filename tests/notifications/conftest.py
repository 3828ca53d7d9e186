"""A small company for notification tests, a real SMTP server, and Redis detection."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from aiosmtpd.controller import Controller

from accounts.models import Membership, OrgUnit
from okrs.models import Cycle, KeyResult, Level, Objective
from tests import factories
from tests.builders import add_contributor, person

# Monday 2026-11-23 09:00 UTC: the default check-in slot (Monday, 09:00) of a UTC company.
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
WEEK = "2026-W48"
CYCLE_START, CYCLE_END = date(2026, 10, 1), date(2026, 12, 31)
MADE = MONDAY_9 - timedelta(days=14, hours=1)  # Monday of 2026-W46, 08:00: not stale by W47
REDIS_URL = "redis://127.0.0.1:6379/10"


@dataclass
class Company:
    org: object
    cycle: Cycle
    unit: OrgUnit
    lead: Membership
    owner: Membership
    contributor: Membership
    ceo: Membership
    champion: Membership
    objective: Objective
    kr_a: KeyResult
    kr_b: KeyResult
    kr_lead: KeyResult


def build_company(org, prefix: str = "") -> Company:
    """Engineering (led by `lead`) with an owner of two KRs, one contributor, a CEO, a champion."""
    domain = f"{prefix or org.slug}.example"
    # Pinned to MONDAY_9, not to today: the cycle opened weeks before the reported week.
    cycle = factories.CycleFactory(
        organization=org, name=f"Q4 {org.slug}", start_date=CYCLE_START, end_date=CYCLE_END,
        activated_at=MONDAY_9 - timedelta(days=56),
    )  # fmt: skip
    unit = factories.OrgUnitFactory(organization=org, name="Engineering")
    lead = person(org, email=f"lead@{domain}", unit=unit, name="Lena Lead")
    unit.lead = lead
    unit.save()
    owner = person(org, email=f"owner@{domain}", unit=unit, name="Otto Owner")
    contributor = person(org, email=f"contributor@{domain}", unit=unit, name="Cleo Contributor")
    ceo = person(org, role="executive", email=f"ceo@{domain}", name="Carla Ceo")
    champion = person(org, role="champion", email=f"champion@{domain}", name="Chad Champion")
    company_objective = factories.ObjectiveFactory(
        organization=org, cycle=cycle, owner=ceo, level=Level.COMPANY, title="Delight customers"
    )
    objective = factories.ObjectiveFactory(
        organization=org,
        cycle=cycle,
        owner=lead,
        level=Level.DEPARTMENT,
        unit=unit,
        parent=company_objective,
        title="Ship a faster product",
    )
    kr_a = factories.KeyResultFactory(
        organization=org, objective=objective, owner=owner, title="p95 latency under 200 ms"
    )
    kr_b = factories.KeyResultFactory(
        organization=org, objective=objective, owner=owner, title="Deploy daily"
    )
    kr_lead = factories.KeyResultFactory(
        organization=org, objective=company_objective, owner=lead, title="NPS above 50"
    )
    add_contributor(kr_a, contributor)
    # Made before the reported week (2026-W47), though not long enough ago to be stale.
    for model, rows in (
        (Objective, (company_objective, objective)),
        (KeyResult, (kr_a, kr_b, kr_lead)),
    ):
        model.objects.filter(pk__in=[r.pk for r in rows]).update(created_at=MADE)
        for row in rows:
            row.created_at = MADE
    return Company(
        org, cycle, unit, lead, owner, contributor, ceo, champion, objective, kr_a, kr_b, kr_lead
    )


def check_in(kr, *, week=WEEK, at=MONDAY_9, progress=None, confidence=7):
    return factories.CheckInFactory(
        organization=kr.organization,
        key_result=kr,
        week=week,
        created_at=at,
        confidence=confidence,
        progress=kr.progress if progress is None else progress,
    )


@pytest.fixture
def company(org):
    return build_company(org)


@pytest.fixture
def other_company(other_org):
    return build_company(other_org)


class RecordingHandler:
    """aiosmtpd handler: records delivered messages; refuses addresses in `refuse` with 550."""

    def __init__(self, refuse=()):
        self.refuse = set(refuse)
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.lower() in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"

    def recipients(self) -> list[str]:
        return [rcpt for rcpts, _ in self.messages for rcpt in rcpts]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_smtp(handler) -> Controller:
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on localhost; Django's SMTP backend pointed at it."""
    handler = RecordingHandler()
    controller = start_smtp(handler)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    yield handler
    controller.stop()


def redis_available() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False
