"""Demo people and org chart for `seed_demo`: the fixed roster everyone codes against.

Two companies, `acme` and `globex`, ~40 people each, with the same shape (departments,
teams, leads, reports-to chains) so demos, browser tests and screenshots can rely on the
same logins in both. Idempotent: rows are fetched or created, passwords are set only when
a user is created (a re-run never resets a password someone changed).
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from accounts.models import Membership, Organization, OrgUnit, Role, User

DEMO_PASSWORD = "demo"
COACH_EMAIL = "coach@cairn.example"


@dataclass(frozen=True)
class Company:
    slug: str
    name: str
    timezone: str
    domain: str
    # Display names for the fixed logins, then for the ~24 extra members.
    names: dict[str, str]
    extras: tuple[str, ...]


# Departments and their teams; the extra members are dealt out over the teams in this order.
DEPARTMENTS: dict[str, list[str]] = {
    "Engineering": ["Platform", "Mobile"],
    "Sales": ["Enterprise Sales", "SMB Sales"],
    "Marketing": ["Growth"],
    "Customer Success": ["Support"],
}
DEPARTMENT_HEADS = {
    "Engineering": "eng.head",
    "Sales": "sales.head",
    "Marketing": "marketing.head",
    "Customer Success": "cs.head",
}
TEAM_LEADS = {
    "Platform": "platform.lead",
    "Mobile": "mobile.lead",
    "Enterprise Sales": "enterprise.lead",
    "SMB Sales": "smb.lead",
    "Growth": "growth.lead",
    "Support": "support.lead",
}
TEAM_DEPARTMENT = {team: dept for dept, teams in DEPARTMENTS.items() for team in teams}

# (local part, role, title) of the company-level people.
EXECUTIVES = [
    ("ceo", Role.EXECUTIVE, "Chief Executive Officer"),
    ("cfo", Role.EXECUTIVE, "Chief Financial Officer"),
    ("admin", Role.ADMIN, "Operations Administrator"),
    ("champion", Role.CHAMPION, "OKR Coach"),
]

COMPANIES = [
    Company(
        slug="acme",
        name="Acme Corp",
        timezone="America/New_York",
        domain="acme.example",
        names={
            "ceo": "Alice Carter",
            "cfo": "Frank Delgado",
            "admin": "Ada Morgan",
            "champion": "Chloe Bennett",
            "eng.head": "Ethan Brooks",
            "sales.head": "Sofia Ramirez",
            "marketing.head": "Maya Patel",
            "cs.head": "Carlos Nguyen",
            "platform.lead": "Priya Shah",
            "mobile.lead": "Marcus Lee",
            "enterprise.lead": "Elena Rossi",
            "smb.lead": "Sam Whitaker",
            "growth.lead": "Grace Kim",
            "support.lead": "Sean O'Brien",
            "owner": "Olivia Owens",
            "contributor": "Connor Hayes",
        },
        extras=(
            "Liam Foster",
            "Noah Bailey",
            "Emma Hughes",
            "Ava Sullivan",
            "Lucas Perry",
            "Mia Coleman",
            "Jack Russell",
            "Zoe Barnes",
            "Henry Price",
            "Lily Jenkins",
            "Owen Butler",
            "Ella Simmons",
            "Leo Griffin",
            "Ruby Powell",
            "Isaac Long",
            "Nora Patterson",
            "Caleb Ward",
            "Hazel Cox",
            "Julian Reed",
            "Stella Murphy",
            "Adrian Cook",
            "Violet Rogers",
            "Miles Bell",
            "Aurora Hayes",
        ),
    ),
    Company(
        slug="globex",
        name="Globex",
        timezone="Europe/Berlin",
        domain="globex.example",
        names={
            "ceo": "Greta Hoffmann",
            "cfo": "Felix Wagner",
            "admin": "Anna Schulz",
            "champion": "Clara Becker",
            "eng.head": "Erik Lindqvist",
            "sales.head": "Sabine Krüger",
            "marketing.head": "Matteo Bianchi",
            "cs.head": "Camille Laurent",
            "platform.lead": "Paul Richter",
            "mobile.lead": "Mila Novak",
            "enterprise.lead": "Emil Jansen",
            "smb.lead": "Sara Lindgren",
            "growth.lead": "Gabriel Dubois",
            "support.lead": "Sophie Meyer",
            "owner": "Oskar Braun",
            "contributor": "Carla Vogel",
        },
        extras=(
            "Jonas Keller",
            "Lena Fischer",
            "Tobias Wolf",
            "Hanna Schröder",
            "Lukas Neumann",
            "Marie Schwarz",
            "Niklas Zimmermann",
            "Laura Krause",
            "David Hartmann",
            "Julia Lange",
            "Moritz Werner",
            "Lea Schmitz",
            "Finn Koch",
            "Emilia Frank",
            "Ben Albrecht",
            "Nina Vogt",
            "Jan Peters",
            "Ida Sommer",
            "Leon Haas",
            "Pia Roth",
            "Max Lorenz",
            "Frieda Kuhn",
            "Elias Berger",
            "Johanna Graf",
        ),
    ),
]


def _local_part(full_name: str) -> str:
    """`Hanna Schröder` → `hanna.schroder` (ASCII, so every address is a plain one)."""
    ascii_name = unicodedata.normalize("NFKD", full_name).encode("ascii", "ignore").decode()
    return ".".join(ascii_name.lower().replace("'", "").split())


@functools.cache
def demo_password_hash() -> str:
    # Hashing is deliberately slow (~0.5 s); the demo's ~80 people share one hash.
    return make_password(DEMO_PASSWORD)


def _user(email: str, full_name: str) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={"full_name": full_name})
    if created:
        user.password = demo_password_hash()
        user.save(update_fields=["password"])
    return user


def _member(
    organization: Organization,
    *,
    email: str,
    full_name: str,
    role: str,
    title: str,
    unit: OrgUnit | None = None,
    reports_to: Membership | None = None,
) -> Membership:
    membership, _ = Membership.objects.get_or_create(
        organization=organization,
        user=_user(email, full_name),
        defaults={"role": role, "title": title, "unit": unit, "reports_to": reports_to},
    )
    return membership


def _unit(organization: Organization, name: str, kind: str, parent: OrgUnit | None) -> OrgUnit:
    unit, _ = OrgUnit.objects.get_or_create(
        organization=organization, parent=parent, name=name, defaults={"kind": kind}
    )
    return unit


def _set_lead(unit: OrgUnit, lead: Membership) -> None:
    if unit.lead_id is None:
        unit.lead = lead
        unit.save(update_fields=["lead"])


def _seed_company(company: Company) -> Organization:
    organization, _ = Organization.objects.get_or_create(
        slug=company.slug, defaults={"name": company.name, "timezone": company.timezone}
    )

    def email(local: str) -> str:
        return f"{local}@{company.domain}"

    people: dict[str, Membership] = {}
    for local, role, title in EXECUTIVES:
        people[local] = _member(
            organization,
            email=email(local),
            full_name=company.names[local],
            role=role,
            title=title,
            reports_to=people.get("ceo"),
        )
    ceo = people["ceo"]

    units: dict[str, OrgUnit] = {}
    for dept, teams in DEPARTMENTS.items():
        units[dept] = _unit(organization, dept, OrgUnit.Kind.DEPARTMENT, None)
        head = DEPARTMENT_HEADS[dept]
        people[head] = _member(
            organization,
            email=email(head),
            full_name=company.names[head],
            role=Role.MEMBER,
            title=f"Head of {dept}",
            unit=units[dept],
            reports_to=ceo,
        )
        _set_lead(units[dept], people[head])
        for team in teams:
            units[team] = _unit(organization, team, OrgUnit.Kind.TEAM, units[dept])
            lead = TEAM_LEADS[team]
            people[lead] = _member(
                organization,
                email=email(lead),
                full_name=company.names[lead],
                role=Role.MEMBER,
                title=f"{team} Manager",
                unit=units[team],
                reports_to=people[head],
            )
            _set_lead(units[team], people[lead])

    platform_lead = people["platform.lead"]
    for local, title in (("owner", "Senior Engineer"), ("contributor", "Software Engineer")):
        people[local] = _member(
            organization,
            email=email(local),
            full_name=company.names[local],
            role=Role.MEMBER,
            title=title,
            unit=units["Platform"],
            reports_to=platform_lead,
        )

    teams = list(TEAM_LEADS)
    for index, full_name in enumerate(company.extras):
        team = teams[index % len(teams)]
        _member(
            organization,
            email=email(_local_part(full_name)),
            full_name=full_name,
            role=Role.MEMBER,
            title=_TITLES[TEAM_DEPARTMENT[team]],
            unit=units[team],
            reports_to=people[TEAM_LEADS[team]],
        )
    return organization


_TITLES = {
    "Engineering": "Software Engineer",
    "Sales": "Account Executive",
    "Marketing": "Marketing Specialist",
    "Customer Success": "Support Specialist",
}


def seed_people() -> list[Organization]:
    """Create (or complete) the demo roster in acme and globex; return both organizations."""
    with transaction.atomic():
        organizations = [_seed_company(company) for company in COMPANIES]
        # A coach in both companies, so the organization switcher has something to show.
        for organization in organizations:
            _member(
                organization,
                email=COACH_EMAIL,
                full_name="Casey Coach",
                role=Role.CHAMPION,
                title="External OKR coach",
            )
    return organizations


def login_lines() -> list[str]:
    """Human-readable list of the key demo logins (all with password `demo`)."""
    lines = []
    for company in COMPANIES:
        lines.append(f"{company.name} (/o/{company.slug}/):")
        for local, label in (
            ("admin", "admin"),
            ("ceo", "executive (CEO)"),
            ("champion", "OKR champion"),
            ("eng.head", "department head, Engineering"),
            ("platform.lead", "team lead, Platform"),
            ("owner", "KR owner in Platform"),
            ("contributor", "KR contributor in Platform"),
        ):
            lines.append(f"  {local + '@' + company.domain:<30} {label}")
    lines.append(f"{COACH_EMAIL} — champion in both companies (org switcher)")
    return lines
