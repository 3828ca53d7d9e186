"""Cycle close in a real browser: two KRs and an objective graded in one "Save grades"."""

import pytest

from okrs.models import KeyResult, Objective
from tests import factories
from tests.builders import person
from tests.web.test_planning_support import build_company

pytestmark = pytest.mark.django_db(transaction=True)


def test_champion_grades_two_key_results_and_an_objective_in_one_submit(live_server, login, page):
    org = factories.OrganizationFactory(name="Acme Grades", slug="acme-g")
    company = build_company(org)
    person(org, email="champion@acme-g.example", role="champion")
    objective = factories.ObjectiveFactory(
        organization=org, cycle=company.cycle, owner=company.head, title="Retain customers"
    )
    churn = factories.KeyResultFactory(organization=org, objective=objective, title="Churn low")
    nps = factories.KeyResultFactory(organization=org, objective=objective, title="NPS up")

    login("champion@acme-g.example")
    page.goto(f"{live_server.url}/o/{org.slug}/cycles/{company.cycle.pk}/close/")
    assert page.get_by_text("You can grade every objective and key result").is_visible()
    page.get_by_label("Grade for Churn low").fill("1.5")
    page.get_by_label("Grade for NPS up").fill("0.4")
    page.get_by_role("button", name="Save grades").click()
    page.get_by_role("alert").filter(has_text="less than or equal to 1").wait_for()
    assert KeyResult.objects.get(pk=nps.pk).grade is None  # nothing half-written

    page.get_by_label("Grade for Churn low").fill("0.9")
    page.get_by_label("Grade for Retain customers", exact=True).fill("0.7")
    page.get_by_label("Retrospective for Retain customers").fill("Support rota worked.")
    page.get_by_role("button", name="Save grades").click()
    page.get_by_role("status").filter(has_text="Saved 3 grade(s).").wait_for()
    assert page.get_by_label("Grade for NPS up").input_value() == "0.4"
    assert KeyResult.objects.get(pk=churn.pk).grade == pytest.approx(0.9)
    assert KeyResult.objects.get(pk=nps.pk).grade == pytest.approx(0.4)
    graded = Objective.objects.get(pk=objective.pk)
    assert graded.grade == pytest.approx(0.7)
    assert graded.retrospective == "Support rota worked."
