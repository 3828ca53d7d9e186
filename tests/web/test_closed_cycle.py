"""A closed cycle is read-only, and the policy is what says so (issue 10): every write
predicate answers False, the pages offer no write control, a stale form still gets the clear
reason, and the objective page's Grade link opens a page that exists."""

import pytest
from django.urls import reverse

from okrs import selectors
from okrs.models import Cycle, Level, Risk
from okrs.rules import policy
from tests import factories
from tests.web.test_work_support import build_cascade

pytestmark = pytest.mark.django_db


def u(name, org, **kwargs):
    return reverse(f"okrs:{name}", kwargs={"org_slug": org.slug, **kwargs})


def _close(cycle):
    Cycle.objects.filter(pk=cycle.pk).update(status=Cycle.Status.CLOSED)


def _write_answers(c, who):
    org = c.org
    objective = selectors.get_objective(organization=org, pk=c.team.pk, viewer=who)
    kr = selectors.get_key_result(organization=org, pk=c.krs[0].pk, viewer=who)
    initiative = selectors.get_initiative(organization=org, pk=c.initiative.pk, viewer=who)
    risk = selectors.get_risk(organization=org, pk=c.risk.pk, viewer=who)
    return {
        "create_objective": policy.can_create_objective(
            who, level=Level.TEAM, unit=c.unit, owner=who, cycle=objective.cycle
        ),
        "edit_objective": policy.can_edit_objective(who, objective),
        "add_aligned": policy.can_add_aligned(who, objective),
        "edit_key_result": policy.can_edit_key_result(who, kr),
        "check_in": policy.can_check_in(who, kr),
        "manage_initiatives": policy.can_manage_initiatives(who, kr),
        "edit_initiative": policy.can_edit_initiative(who, initiative),
        "manage_risks": policy.can_manage_risks(who, kr),
        "edit_risk": policy.can_edit_risk(who, risk),
        "grade": policy.can_grade(who, objective),
    }


def _cascade(org):
    c = build_cascade(org, kr_count=1)
    c.initiative = factories.InitiativeFactory(
        organization=org, key_result=c.krs[0], assignee=c.lead
    )
    c.risk = Risk.objects.create(organization=org, key_result=c.krs[0], description="Late")
    return c


def test_every_write_predicate_says_no_on_a_closed_cycle(org):
    c = _cascade(org)
    assert all(_write_answers(c, c.lead).values())  # the probe bites: all yes while open
    _close(c.cycle)
    assert not any(_write_answers(c, c.lead).values())
    assert not any(_write_answers(c, c.ceo).values())


def test_comments_stay_open_on_a_closed_cycle(org):
    c = _cascade(org)
    _close(c.cycle)
    objective = selectors.get_objective(organization=org, pk=c.team.pk, viewer=c.owner)
    assert policy.can_comment(c.owner, objective)


def test_closed_cycle_pages_show_no_write_controls(org, client_for):
    c = _cascade(org)
    client = client_for(c.lead)
    objective_url = u("objective_detail", org, objective_id=c.team.pk)
    kr_url = u("key_result_detail", org, key_result_id=c.krs[0].pk)
    open_objective = client.get(objective_url).content.decode()
    assert "Edit</a>" in open_objective and "Add aligned objective" in open_objective
    _close(c.cycle)
    objective_html = client.get(objective_url).content.decode()
    for control in ("Edit</a>", "Delete…", "Add key result", "Add aligned objective", ">Grade<"):
        assert control not in objective_html
    kr_html = client.get(kr_url).content.decode()
    for control in ("Check in</a>", "Delete…", "Add initiative", "Add a risk", "Update status"):
        assert control not in kr_html
    assert "comment" in objective_html.lower()  # discussion stays open


def test_closed_cycle_forms_answer_with_the_reason(org, client_for):
    c = _cascade(org)
    _close(c.cycle)
    client = client_for(c.lead)
    for url in (
        u("objective_edit", org, objective_id=c.team.pk),
        u("key_result_edit", org, key_result_id=c.krs[0].pk),
        u("objective_delete", org, objective_id=c.team.pk),
        u("risk_edit", org, risk_id=c.risk.pk),
    ):
        response = client.get(url)
        assert response.status_code == 403
        assert "This cycle is closed" in response.content.decode()


def test_grade_link_opens_the_grading_page(org, client_for):
    c = _cascade(org)
    client = client_for(c.lead)
    html = client.get(u("objective_detail", org, objective_id=c.team.pk)).content.decode()
    close_url = u("cycle_close", org, cycle_id=c.cycle.pk)
    assert f'href="{close_url}#close-o{c.team.pk}">Grade</a>' in html
    response = client.get(close_url)
    assert response.status_code == 200  # never 405: the link is a GET page
    assert f'id="close-o{c.team.pk}"' in response.content.decode()


def test_initiative_and_risk_of_an_invisible_or_foreign_objective_are_404(
    org, other_org, client_for
):
    c = _cascade(org)
    foreign_risk = Risk.objects.create(
        organization=other_org,
        key_result=factories.KeyResultFactory(organization=other_org),
        description="x",
    )
    client = client_for(c.lead)
    assert client.get(u("risk_edit", org, risk_id=foreign_risk.pk)).status_code == 404
    c.team.visibility = "private"
    c.team.save()
    outsider = client_for(c.bystander)
    assert outsider.get(u("risk_edit", org, risk_id=c.risk.pk)).status_code == 404
    status_url = u("initiative_update", org, initiative_id=c.initiative.pk)
    assert outsider.post(status_url, {"status": "done"}).status_code == 404
