"""A small org chart for domain tests: Engineering → Platform, with a head, a lead and people."""

from dataclasses import dataclass

import pytest

from accounts.models import Membership, OrgUnit
from okrs import services
from okrs.models import Cycle, KeyResult, Level, Objective
from tests import factories
from tests.builders import person


@dataclass
class World:
    org: object
    cycle: Cycle
    engineering: OrgUnit
    platform: OrgUnit
    sales: OrgUnit
    admin: Membership
    ceo: Membership
    champion: Membership
    eng_head: Membership
    platform_lead: Membership
    sales_head: Membership
    owner: Membership
    contributor: Membership
    bystander: Membership


@pytest.fixture
def world(org):
    ceo = person(org, role="executive", email="ceo@w.example", name="Carla Executive")
    admin = person(org, role="admin", email="admin@w.example")
    champion = person(org, role="champion", email="champion@w.example")
    engineering = factories.OrgUnitFactory(organization=org, name="Engineering")
    platform = factories.OrgUnitFactory(
        organization=org, name="Platform", kind="team", parent=engineering
    )
    sales = factories.OrgUnitFactory(organization=org, name="Sales")
    eng_head = person(org, email="eng.head@w.example", unit=engineering, reports_to=ceo)
    sales_head = person(org, email="sales.head@w.example", unit=sales, reports_to=ceo)
    platform_lead = person(org, email="platform.lead@w.example", unit=platform, reports_to=eng_head)
    engineering.lead, platform.lead, sales.lead = eng_head, platform_lead, sales_head
    for unit in (engineering, platform, sales):
        unit.save()
    owner = person(
        org, email="owner@w.example", unit=platform, reports_to=platform_lead, name="Olivia Owner"
    )
    contributor = person(
        org, email="contributor@w.example", unit=platform, reports_to=platform_lead
    )
    bystander = person(org, email="bystander@w.example", unit=sales, reports_to=sales_head)
    cycle = factories.CycleFactory(organization=org, name="Q4 2026", status=Cycle.Status.ACTIVE)
    return World(
        org, cycle, engineering, platform, sales, admin, ceo, champion,
        eng_head, platform_lead, sales_head, owner, contributor, bystander,
    )  # fmt: skip


def make_chain(w: World):
    """company ← department ← team ← individual objectives, one KR on the team objective."""
    company = services.create_objective(
        organization=w.org, actor=w.ceo, cycle=w.cycle, level=Level.COMPANY,
        title="Delight customers", owner=w.ceo,
    )  # fmt: skip
    dept = services.create_objective(
        organization=w.org, actor=w.eng_head, cycle=w.cycle, level=Level.DEPARTMENT,
        title="Reliable product", owner=w.eng_head, unit=w.engineering, parent=company,
    )  # fmt: skip
    team = services.create_objective(
        organization=w.org, actor=w.platform_lead, cycle=w.cycle, level=Level.TEAM,
        title="Fast platform", owner=w.platform_lead, unit=w.platform, parent=dept,
    )  # fmt: skip
    kr = services.create_key_result(
        objective=team, actor=w.platform_lead, title="p95 latency under 200ms",
        owner=w.owner, metric_type=KeyResult.MetricType.DECREASE_TO,
        start_value=400, target_value=200, contributors=[w.contributor],
    )  # fmt: skip
    return company, dept, team, kr


def reload(obj):
    return type(obj).objects.get(pk=obj.pk)


__all__ = ["World", "make_chain", "reload", "Objective"]
