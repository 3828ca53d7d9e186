"""Planning journey in a real browser: company objective → department → team cascade,
the champion's health view, and tenant isolation of the planning pages."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from okrs.models import KeyResult, Objective
from tests import factories
from tests.builders import person
from tests.web.test_planning_support import build_company

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def acme():
    org = factories.OrganizationFactory(name="Acme Browser", slug="acme-b")
    company = build_company(org)
    executive = person(org, email="ceo@acme-b.example", role="executive")
    champion = person(org, email="champion@acme-b.example", role="champion")
    return org, company, executive, champion


def logout(page):
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state("networkidle")


def add_key_result(page, title, target):
    page.get_by_role("link", name=re.compile("Add (the first )?key result")).first.click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Target value").fill(target)
    page.get_by_role("button", name="Add key result").click()
    page.wait_for_load_state("networkidle")


def test_executive_and_leads_cascade_objectives_through_the_alignment_tree(
    live_server, login, page, acme, screenshot
):
    org, company, executive, _ = acme
    base = f"{live_server.url}/o/{org.slug}"

    # The executive starts on the empty company page and adds the first company objective.
    login("ceo@acme-b.example")
    page.goto(f"{base}/company/")
    page.get_by_role("link", name="Add the first company objective").click()
    page.get_by_label("Title").fill("Become the default platform")
    page.get_by_role("button", name="Create objective").click()
    page.wait_for_load_state("networkidle")
    add_key_result(page, "Reach 500 paying teams", "500")
    add_key_result(page, "Grow NPS to 50", "50")
    top = Objective.objects.get(organization=org, title="Become the default platform")
    assert top.level == "company" and top.key_results.count() == 2
    page.goto(f"{base}/company/")
    assert page.get_by_role("link", name="Become the default platform").is_visible()
    screenshot(page, "planning-company")
    logout(page)

    # The department head aligns a department objective from the tree.
    login("head@acme-b.example")
    page.goto(f"{base}/alignment/")
    page.get_by_role("link", name="Add aligned objective under Become the default platform").click()
    page.get_by_label("Title").fill("Make the platform self-serve")
    page.get_by_role("button", name="Create objective").click()
    page.wait_for_load_state("networkidle")
    dept = Objective.objects.get(organization=org, title="Make the platform self-serve")
    assert dept.parent_id == top.pk and dept.level == "department"
    assert dept.unit_id == company.department.pk
    logout(page)

    # The team lead expands the tree (htmx) and aligns a team objective with a KR.
    login("lead@acme-b.example")
    page.goto(f"{base}/alignment/")
    toggle = page.get_by_role("button", name=re.compile("Aligned objectives of Become"))
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    add_link = page.get_by_role(
        "link", name="Add aligned objective under Make the platform self-serve"
    )
    add_link.wait_for()
    screenshot(page, "planning-alignment")
    add_link.click()
    page.get_by_label("Title").fill("Sign-up without a sales call")
    page.get_by_role("button", name="Create objective").click()
    page.wait_for_load_state("networkidle")
    add_key_result(page, "Self-serve sign-ups per week", "100")
    team = Objective.objects.get(organization=org, title="Sign-up without a sales call")
    assert team.parent_id == dept.pk and team.level == "team"
    assert team.key_results.count() == 1


def test_champion_sees_stale_key_result_in_health_view(live_server, login, page, acme, screenshot):
    org, company, executive, _ = acme
    objective = factories.ObjectiveFactory(
        organization=org, cycle=company.cycle, owner=executive, title="Retain customers"
    )
    kr = factories.KeyResultFactory(
        organization=org, objective=objective, owner=company.member, title="Churn below 2%"
    )
    KeyResult.objects.filter(pk=kr.pk).update(created_at=timezone.now() - timedelta(days=21))
    login("champion@acme-b.example")
    page.get_by_role("link", name="Health").click()
    stale = page.get_by_role("region", name=re.compile("Stale key results"))
    assert stale.get_by_role("link", name="Churn below 2%").is_visible()
    screenshot(page, "planning-health")


def test_member_of_another_org_gets_404_on_planning_pages(live_server, login, page, acme):
    org, company, *_ = acme
    other = factories.OrganizationFactory(slug="other-b")
    person(other, email="spy@other-b.example")
    login("spy@other-b.example")
    for path in ("company/", "alignment/", "health/", "cycles/", f"units/{company.team.pk}/"):
        response = page.goto(f"{live_server.url}/o/{org.slug}/{path}")
        assert response.status == 404
        assert page.get_by_role("heading", name="Page not found").is_visible()


def test_champion_grades_with_htmx_then_closes_the_cycle(
    live_server, login, page, acme, screenshot
):
    org, company, executive, _ = acme
    objective = factories.ObjectiveFactory(
        organization=org, cycle=company.cycle, owner=executive, title="Retain customers"
    )
    factories.KeyResultFactory(organization=org, objective=objective, title="Churn below 2%")
    login("champion@acme-b.example")
    page.goto(f"{live_server.url}/o/{org.slug}/cycles/{company.cycle.pk}/close/")
    page.get_by_label("Grade for Retain customers", exact=True).fill("1.5")
    page.get_by_role("button", name="Save grades").click()
    page.get_by_role("alert").filter(has_text="less than or equal to 1").wait_for()
    page.get_by_label("Grade for Retain customers", exact=True).fill("0.8")
    page.get_by_label("Retrospective for Retain customers").fill("Support rota worked.")
    page.get_by_role("button", name="Save grades").click()
    page.get_by_role("status").filter(has_text="Saved 1 grade(s).").wait_for()
    objective.refresh_from_db()
    assert objective.grade == pytest.approx(0.8)
    assert objective.retrospective == "Support rota worked."
    screenshot(page, "planning-close")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Close cycle").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Q1 Test is closed").is_visible()
    company.cycle.refresh_from_db()
    assert company.cycle.status == "closed"
    page.goto(f"{live_server.url}/o/{org.slug}/units/{company.department.pk}/")
    screenshot(page, "planning-unit")
