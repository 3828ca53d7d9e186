"""A small OKR cascade shared by the web-work tests (no tests in this module).

company objective (CEO) ← team objective (team lead, Platform) ← KRs owned by `owner`, with
`contributor` contributing. Rows come from factories; progress changes go through services.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from accounts.models import Membership, Organization, OrgUnit
from okrs.models import Cycle, KeyResult, Level, Objective
from tests import factories
from tests.builders import add_contributor, person


@dataclass
class Cascade:
    org: Organization
    cycle: Cycle
    unit: OrgUnit
    ceo: Membership
    lead: Membership
    owner: Membership
    contributor: Membership
    bystander: Membership
    company: Objective
    team: Objective
    krs: list[KeyResult] = field(default_factory=list)


def add_krs(cascade: Cascade, count: int, *, objective: Objective | None = None) -> None:
    objective = objective or cascade.team
    for _ in range(count):
        kr = factories.KeyResultFactory(
            organization=cascade.org, objective=objective, owner=cascade.owner
        )
        add_contributor(kr, cascade.contributor)
        cascade.krs.append(kr)


def build_cascade(org: Organization, *, kr_count: int = 3, domain: str = "t.example") -> Cascade:
    ceo = person(org, email=f"ceo@{domain}", role="executive", title="CEO")
    lead = person(org, email=f"lead@{domain}", reports_to=ceo)
    unit = factories.OrgUnitFactory(
        organization=org, name="Platform", kind=OrgUnit.Kind.TEAM, lead=lead
    )
    lead.unit = unit
    lead.save()
    owner = person(org, email=f"owner@{domain}", unit=unit, reports_to=lead)
    contributor = person(org, email=f"contributor@{domain}", unit=unit, reports_to=lead)
    bystander = person(org, email=f"bystander@{domain}")
    cycle = factories.CycleFactory(organization=org, name="Q4", status=Cycle.Status.ACTIVE)
    company = factories.ObjectiveFactory(
        organization=org, cycle=cycle, owner=ceo, level=Level.COMPANY, title="Delight customers"
    )
    team = factories.ObjectiveFactory(
        organization=org,
        cycle=cycle,
        owner=lead,
        level=Level.TEAM,
        unit=unit,
        parent=company,
        title="Ship a faster platform",
    )
    cascade = Cascade(org, cycle, unit, ceo, lead, owner, contributor, bystander, company, team)
    add_krs(cascade, kr_count)
    return cascade
