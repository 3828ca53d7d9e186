"""Fixtures for the API tests: token clients and a small org chart with OKRs."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.services.tokens import create_api_token
from tests import factories
from tests.builders import add_contributor, person


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    """Throttle counters live in the cache; each test starts with a clean budget."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def token_client():
    """`token_client(membership)` → an APIClient sending that user's new Bearer token."""

    def make(membership, keyword="Bearer"):
        _token, raw = create_api_token(user=membership.user, name="tests")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"{keyword} {raw}")
        client.raw_token = raw
        return client

    return make


class Chart:
    """A department with a team, their leads, an owner and a contributor, plus OKRs."""

    def __init__(self, org, admin):
        f = factories
        self.org = org
        self.admin = admin
        self.dept = f.OrgUnitFactory(organization=org, name="Engineering")
        self.team = f.OrgUnitFactory(
            organization=org, name="Platform", parent=self.dept, kind="team"
        )
        self.dept_head = person(org, email="head@acme-test.example", unit=self.dept)
        self.team_lead = person(
            org, email="lead@acme-test.example", unit=self.team, reports_to=self.dept_head
        )
        self.dept.lead = self.dept_head
        self.dept.save()
        self.team.lead = self.team_lead
        self.team.save()
        self.owner = person(
            org, email="owner@acme-test.example", unit=self.team, reports_to=self.team_lead
        )
        self.contributor = person(
            org, email="contrib@acme-test.example", unit=self.team, reports_to=self.team_lead
        )
        self.bystander = person(org, email="bystander@acme-test.example")
        self.cycle = f.CycleFactory(organization=org, name="Q1 2030")
        self.company = f.ObjectiveFactory(
            organization=org, cycle=self.cycle, owner=admin, level="company", title="Win"
        )
        self.team_objective = f.ObjectiveFactory(
            organization=org,
            cycle=self.cycle,
            owner=self.team_lead,
            level="team",
            unit=self.team,
            parent=self.company,
            title="Ship the platform",
        )
        self.kr = f.KeyResultFactory(
            organization=org, objective=self.team_objective, owner=self.owner, title="Uptime"
        )
        add_contributor(self.kr, self.contributor)

    def url(self, path: str) -> str:
        return f"/api/v1/orgs/{self.org.slug}/{path}"


@pytest.fixture
def chart(org, admin_membership):
    return Chart(org, admin_membership)


def assert_problem(response, status: int):
    """The response is RFC 9457 problem details with this status."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    assert body["title"] and body["detail"] and body["type"]
    return body
