"""Builders shared by the planning page tests (no tests here; imported by the others)."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import Membership, OrgUnit
from okrs.models import Cycle, Level, Objective
from tests import factories
from tests.builders import person


@dataclass
class Company:
    cycle: Cycle
    department: OrgUnit
    team: OrgUnit
    head: Membership
    lead: Membership
    member: Membership


def build_company(organization, *, cycle=None) -> Company:
    """Engineering (led by a head) ⊃ Platform (led by a team lead) ⊃ one member."""
    cycle = cycle or factories.CycleFactory(organization=organization, name="Q1 Test")
    department = factories.OrgUnitFactory(
        organization=organization, name="Engineering", kind=OrgUnit.Kind.DEPARTMENT
    )
    team = factories.OrgUnitFactory(
        organization=organization, name="Platform", kind=OrgUnit.Kind.TEAM, parent=department
    )
    domain = f"{organization.slug}.example"
    head = person(organization, email=f"head@{domain}", unit=department)
    lead = person(organization, email=f"lead@{domain}", unit=team, reports_to=head)
    member = person(organization, email=f"dev@{domain}", unit=team, reports_to=lead)
    department.lead = head
    department.save()
    team.lead = lead
    team.save()
    return Company(cycle, department, team, head, lead, member)


def cascade(company: Company, *, owner_company) -> tuple[Objective, Objective, Objective]:
    """A company objective, a department objective aligned to it, a team one below that."""
    org = company.cycle.organization
    top = factories.ObjectiveFactory(
        organization=org, cycle=company.cycle, owner=owner_company, title="Grow revenue"
    )
    dept = factories.ObjectiveFactory(
        organization=org,
        cycle=company.cycle,
        owner=company.head,
        level=Level.DEPARTMENT,
        unit=company.department,
        parent=top,
        title="Ship the platform",
    )
    team = factories.ObjectiveFactory(
        organization=org,
        cycle=company.cycle,
        owner=company.lead,
        level=Level.TEAM,
        unit=company.team,
        parent=dept,
        title="Cut deploy time",
    )
    return top, dept, team


def private_team_objective(company: Company, title: str) -> Objective:
    """A private team objective led by the company's team lead (hidden from most members)."""
    return factories.ObjectiveFactory(
        organization=company.cycle.organization,
        cycle=company.cycle,
        owner=company.lead,
        level=Level.TEAM,
        unit=company.team,
        title=title,
        visibility="private",
    )
