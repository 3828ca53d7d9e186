"""Cycle close, one form per page: several grades saved together or not at all, wording per
role, "Grade & close" only on an active cycle, and the copy step's "already copied" list."""

from datetime import date

import pytest
from django.urls import reverse

from okrs.models import AuditEntry, Cycle, Level, Objective
from tests import factories
from tests.web.test_planning_support import build_company

pytestmark = pytest.mark.django_db


def url(name, org, **kwargs):
    return reverse(f"okrs:{name}", kwargs={"org_slug": org.slug, **kwargs})


@pytest.fixture
def two_objectives(org):
    cycle = factories.CycleFactory(organization=org, name="Q3 Batch")
    win = factories.ObjectiveFactory(organization=org, cycle=cycle, title="Win", progress=0.6)
    keep = factories.ObjectiveFactory(organization=org, cycle=cycle, title="Keep", progress=0.2)
    deals = factories.KeyResultFactory(organization=org, objective=win, title="Deals", progress=0.5)
    churn = factories.KeyResultFactory(organization=org, objective=keep, title="Churn", progress=0)
    return cycle, win, keep, deals, churn


def page_data(client, org, cycle):
    """The form as the browser would submit it: every input of the grading form."""
    response = client.get(url("cycle_close", org, cycle_id=cycle.pk))
    form = response.context["objectives"]
    data = {}
    for objective in form:
        if objective.can_grade:
            data.update(_values(objective.form))
        for kr in objective.key_results.all():
            if kr.can_grade:
                data.update(_values(kr.form))
    return data


def _values(form):
    values = {name: form[name].value() for name in form.fields}
    return {form.add_prefix(k): "" if v is None else v for k, v in values.items()}


def test_one_form_one_button_with_labelled_inputs(
    client_for, champion_membership, org, two_objectives
):
    cycle, win, keep, deals, churn = two_objectives
    text = client_for(champion_membership).get(url("cycle_close", org, cycle_id=cycle.pk))
    text = text.content.decode()
    assert text.count('id="grades-form"') == 1 and text.count(">Save grades</button>") == 1
    assert ">Save</button>" not in text
    assert 'aria-label="Grade for Deals"' in text and 'aria-label="Retrospective for Win"' in text
    assert reverse("okrs:cycle_grades", args=[org.slug, cycle.pk]) in text


def test_several_grades_saved_in_one_submit(client_for, champion_membership, org, two_objectives):
    cycle, win, keep, deals, churn = two_objectives
    client = client_for(champion_membership)
    data = page_data(client, org, cycle)
    data |= {
        f"o{win.pk}-grade": "0.7",
        f"o{win.pk}-retrospective": "Good quarter",
        f"k{deals.pk}-grade": "0.4",
        f"k{churn.pk}-grade": "0.9",
    }
    response = client.post(url("cycle_grades", org, cycle_id=cycle.pk), data, follow=True)
    text = response.content.decode()
    assert "Saved 3 grade(s)." in text
    for row in (win, keep, deals, churn):
        row.refresh_from_db()
    assert win.grade == pytest.approx(0.7) and win.retrospective == "Good quarter"
    assert deals.grade == pytest.approx(0.4) and churn.grade == pytest.approx(0.9)
    assert keep.grade is None  # untouched rows keep "progress as grade" for the close


def test_one_invalid_row_saves_nothing_and_shows_the_error_on_that_row(
    client_for, champion_membership, org, two_objectives
):
    cycle, win, keep, deals, churn = two_objectives
    client = client_for(champion_membership)
    data = page_data(client, org, cycle)
    data |= {f"o{win.pk}-grade": "0.7", f"k{deals.pk}-grade": "0.4", f"k{churn.pk}-grade": "1.5"}
    response = client.post(url("cycle_grades", org, cycle_id=cycle.pk), data)
    text = response.content.decode()
    assert response.status_code == 422
    assert "Nothing was saved: 1 row(s) need a fix" in text
    row = text[text.index(f'id="grade-k{churn.pk}"') :]
    row = row[: row.index("</section>")]  # the churn row is the last of its objective
    assert "less than or equal to 1" in row
    # Other rows keep what was typed, the wrong one too.
    assert f'name="o{win.pk}-grade" value="0.7"' in text
    assert f'name="k{churn.pk}-grade" value="1.5"' in text
    for obj in (win, deals, churn):
        obj.refresh_from_db()
        assert obj.grade is None


@pytest.mark.parametrize("bad", ["abc", "-0.1", "", "nan", "1e999", "\x00", "0.123456"])
def test_junk_grades_are_row_errors_never_500(
    client_for, champion_membership, org, two_objectives, bad
):
    cycle, win, *_ = two_objectives
    client = client_for(champion_membership)
    data = page_data(client, org, cycle) | {f"o{win.pk}-grade": bad}
    response = client.post(url("cycle_grades", org, cycle_id=cycle.pk), data)
    assert response.status_code == 422
    win.refresh_from_db()
    assert win.grade is None


def test_a_service_refusal_rolls_back_the_rows_already_saved(
    client_for, champion_membership, org, two_objectives, monkeypatch
):
    from django.core.exceptions import ValidationError

    from okrs.services import grading

    cycle, win, keep, deals, churn = two_objectives
    client = client_for(champion_membership)
    data = page_data(client, org, cycle) | {
        f"o{win.pk}-grade": "0.7",
        f"o{keep.pk}-grade": "0.8",
    }
    real = grading.grade_objective  # what the grading service calls per row

    def refuse_keep(*, objective, **kwargs):
        if objective.pk == keep.pk:
            raise ValidationError({"grade": "Refused for the test."})
        return real(objective=objective, **kwargs)

    monkeypatch.setattr(grading, "grade_objective", refuse_keep)
    response = client.post(url("cycle_grades", org, cycle_id=cycle.pk), data)
    assert response.status_code == 422 and "Refused for the test." in response.content.decode()
    win.refresh_from_db()
    assert win.grade is None
    assert not AuditEntry.objects.filter(summary__startswith="Graded objective").exists()


def test_member_sees_other_rows_read_only_and_posting_them_changes_nothing(
    client_for, member_membership, org, two_objectives
):
    cycle, win, keep, deals, churn = two_objectives
    deals.owner = member_membership
    deals.save()
    client = client_for(member_membership)
    text = client.get(url("cycle_close", org, cycle_id=cycle.pk)).content.decode()
    assert f'name="k{deals.pk}-grade"' in text  # their own KR
    assert f'name="o{win.pk}-grade"' not in text and f'name="k{churn.pk}-grade"' not in text
    assert "read-only for you" in text
    response = client.post(
        url("cycle_grades", org, cycle_id=cycle.pk),
        {f"o{win.pk}-grade": "0.9", f"k{churn.pk}-grade": "0.9", f"k{deals.pk}-grade": "0.3"},
    )
    assert response.status_code == 302
    for row in (win, churn, deals):
        row.refresh_from_db()
    assert win.grade is None and churn.grade is None and deals.grade == pytest.approx(0.3)


def test_nothing_to_save_and_closed_cycle_are_messages(
    client_for, champion_membership, org, two_objectives
):
    cycle, *_ = two_objectives
    client = client_for(champion_membership)
    response = client.post(url("cycle_grades", org, cycle_id=cycle.pk), {}, follow=True)
    assert "no grades to save" in response.content.decode()
    cycle.status = Cycle.Status.CLOSED
    cycle.save()
    response = client.post(url("cycle_grades", org, cycle_id=cycle.pk), {}, follow=True)
    assert response.status_code == 200 and "closed" in response.content.decode()


def test_wording_per_role(client_for, org, admin_membership, executive_membership):
    company = build_company(org)
    objective = factories.ObjectiveFactory(
        organization=org,
        cycle=company.cycle,
        owner=company.head,
        level=Level.DEPARTMENT,
        unit=company.department,
    )
    factories.KeyResultFactory(organization=org, objective=objective)
    page = url("cycle_close", org, cycle_id=company.cycle.pk)
    everything = "You can grade every objective and key result of this cycle."
    for who in (admin_membership, executive_membership):
        assert everything in client_for(who).get(page).content.decode()
    lead = client_for(company.lead).get(page).content.decode()
    assert "the objectives of the units you lead" in lead and everything not in lead
    own = client_for(company.member).get(page).content.decode()
    assert "You can grade the objectives and key results you own." in own
    for text in (lead, own):
        assert "only its owner" not in text


def test_grade_and_close_only_on_an_active_cycle(client_for, champion_membership, org):
    active = factories.CycleFactory(organization=org, name="Now", status=Cycle.Status.ACTIVE)
    planning = factories.CycleFactory(
        organization=org,
        name="Later",
        status=Cycle.Status.PLANNING,
        start_date=date(2031, 4, 1),
        end_date=date(2031, 6, 30),
    )
    client = client_for(champion_membership)
    listing = client.get(url("cycle_list", org)).content.decode()
    assert 'aria-label="Grade &amp; close Now"' in listing
    assert "Grade &amp; close Later" not in listing
    text = client.get(url("cycle_close", org, cycle_id=planning.pk)).content.decode()
    assert "Close cycle" not in text
    assert "Close cycle" in client.get(url("cycle_close", org, cycle_id=active.pk)).content.decode()
    response = client.post(url("cycle_close", org, cycle_id=planning.pk), follow=True)
    assert "still in planning" in response.content.decode()
    planning.refresh_from_db()
    assert planning.status == Cycle.Status.PLANNING


def test_copy_step_lists_objectives_already_copied(client_for, executive_membership, org):
    source = factories.CycleFactory(organization=org, name="Q1 Src")
    done = factories.ObjectiveFactory(organization=org, cycle=source, title="Copied", progress=0.3)
    factories.ObjectiveFactory(organization=org, cycle=source, title="Not yet", progress=0.3)
    client = client_for(executive_membership)
    client.post(url("cycle_close", org, cycle_id=source.pk))
    target = factories.CycleFactory(
        organization=org,
        name="Q2 Dest",
        status=Cycle.Status.PLANNING,
        start_date=date(2031, 4, 1),
        end_date=date(2031, 6, 30),
    )
    page = url("cycle_close", org, cycle_id=source.pk)
    assert "Already copied" not in client.get(page).content.decode()
    factories.ObjectiveFactory(
        organization=org, cycle=target, title="Copied", owner=done.owner, level=done.level
    )
    text = client.get(page).content.decode()
    assert "Already copied to Q2 Dest" in text
    listed = text[text.index("Already copied to Q2 Dest") :]
    listed = listed[: listed.index("</ul>")]
    assert "Copied" in listed and "Not yet" not in listed
    client.post(url("cycle_copy", org, cycle_id=source.pk), {"target": target.pk})
    assert Objective.objects.filter(cycle=target, title="Copied").count() == 1
