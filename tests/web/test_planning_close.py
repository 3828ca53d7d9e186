"""Cycle close: grading rows (htmx and plain), closing, copying unfinished OKRs."""

from datetime import date

import pytest
from django.urls import reverse

from okrs.models import Cycle, Objective
from tests import factories

pytestmark = pytest.mark.django_db


def url(name, org, **kwargs):
    return reverse(f"okrs:{name}", kwargs={"org_slug": org.slug, **kwargs})


@pytest.fixture
def graded_cycle(org):
    cycle = factories.CycleFactory(organization=org, name="Q1 Close")
    objective = factories.ObjectiveFactory(
        organization=org, cycle=cycle, title="Win the market", progress=0.6
    )
    kr = factories.KeyResultFactory(
        organization=org, objective=objective, title="Sign 10 deals", progress=0.5
    )
    return cycle, objective, kr


def test_close_page_prefills_grades_with_progress(
    client_for, champion_membership, org, graded_cycle
):
    cycle, objective, kr = graded_cycle
    html = client_for(champion_membership).get(url("cycle_close", org, cycle_id=cycle.pk))
    text = html.content.decode()
    assert html.status_code == 200
    assert f'name="o{objective.pk}-grade" value="0.6"' in text
    assert f'name="k{kr.pk}-grade" value="0.5"' in text
    assert 'Grade<span class="visually-hidden"> for Win the market</span>' in text
    assert 'Retrospective<span class="visually-hidden"> for Win the market' in text
    assert "Close cycle" in text


def test_grade_saved_with_htmx_returns_the_row(client_for, champion_membership, org, graded_cycle):
    cycle, objective, kr = graded_cycle
    client = client_for(champion_membership)
    response = client.post(
        url("objective_grade", org, objective_id=objective.pk),
        {f"o{objective.pk}-grade": "0.7", f"o{objective.pk}-retrospective": "Good quarter"},
        HTTP_HX_REQUEST="true",
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "Saved" in text and "<html" not in text
    objective.refresh_from_db()
    assert objective.grade == pytest.approx(0.7) and objective.retrospective == "Good quarter"
    response = client.post(
        url("key_result_grade", org, key_result_id=kr.pk),
        {f"k{kr.pk}-grade": "0.3"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "Saved" in response.content.decode()
    kr.refresh_from_db()
    assert kr.grade == pytest.approx(0.3)


def test_grade_saved_without_js_redirects_with_message(
    client_for, executive_membership, org, graded_cycle
):
    cycle, objective, _ = graded_cycle
    response = client_for(executive_membership).post(
        url("objective_grade", org, objective_id=objective.pk),
        {f"o{objective.pk}-grade": "1"},
        follow=True,
    )
    assert "Grade saved for “Win the market”" in response.content.decode()


@pytest.mark.parametrize("bad", ["1.5", "abc", "-0.1", ""])
def test_bad_grade_is_a_field_error_in_htmx_and_full_page(
    client_for, champion_membership, org, graded_cycle, bad
):
    cycle, objective, kr = graded_cycle
    client = client_for(champion_membership)
    data = {f"o{objective.pk}-grade": bad}
    partial = client.post(
        url("objective_grade", org, objective_id=objective.pk), data, HTTP_HX_REQUEST="true"
    )
    assert partial.status_code == 200  # htmx only swaps 2xx answers
    assert 'class="error"' in partial.content.decode()
    full = client.post(url("objective_grade", org, objective_id=objective.pk), data)
    assert full.status_code == 422
    assert "<html" in full.content.decode() and 'class="error"' in full.content.decode()
    kr_response = client.post(
        url("key_result_grade", org, key_result_id=kr.pk), {f"k{kr.pk}-grade": bad}
    )
    assert kr_response.status_code == 422
    objective.refresh_from_db()
    kr.refresh_from_db()
    assert objective.grade is None and kr.grade is None


def test_plain_member_cannot_grade_someone_elses_objective(
    client_for, member_membership, org, graded_cycle
):
    cycle, objective, kr = graded_cycle
    client = client_for(member_membership)
    page = client.get(url("cycle_close", org, cycle_id=cycle.pk)).content.decode()
    assert "Close cycle" not in page and f"o{objective.pk}-grade" not in page
    grade_url = url("objective_grade", org, objective_id=objective.pk)
    response = client.post(grade_url, {f"o{objective.pk}-grade": "0.9"}, follow=True)
    assert "You may not grade this objective" in response.content.decode()
    htmx = client.post(grade_url, {f"o{objective.pk}-grade": "0.9"}, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 200
    assert "You may not grade this objective" in htmx.content.decode()
    objective.refresh_from_db()
    assert objective.grade is None


def test_closing_freezes_cycle_and_defaults_grades(
    client_for, champion_membership, org, graded_cycle
):
    cycle, objective, kr = graded_cycle
    response = client_for(champion_membership).post(
        url("cycle_close", org, cycle_id=cycle.pk), follow=True
    )
    text = response.content.decode()
    assert "Q1 Close is closed" in text
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.CLOSED
    # After closing: grades are read-only, copying is offered only to admins/executives.
    assert f'name="o{objective.pk}-grade"' not in text


def test_closing_twice_shows_a_message(client_for, admin_membership, org):
    cycle = factories.CycleFactory(organization=org, status=Cycle.Status.CLOSED)
    response = client_for(admin_membership).post(
        url("cycle_close", org, cycle_id=cycle.pk), follow=True
    )
    assert response.status_code == 200 and "already closed" in response.content.decode()


def test_member_cannot_close(client_for, member_membership, org, graded_cycle):
    cycle, *_ = graded_cycle
    response = client_for(member_membership).post(
        url("cycle_close", org, cycle_id=cycle.pk), follow=True
    )
    assert "You may not close this cycle" in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.ACTIVE


def test_copy_unfinished_okrs_to_next_cycle(client_for, executive_membership, org, graded_cycle):
    cycle, objective, _ = graded_cycle
    client = client_for(executive_membership)
    client.post(url("cycle_close", org, cycle_id=cycle.pk))
    target = factories.CycleFactory(
        organization=org,
        name="Q2 Next",
        status=Cycle.Status.PLANNING,
        start_date=date(2031, 4, 1),
        end_date=date(2031, 6, 30),
    )
    page = client.get(url("cycle_close", org, cycle_id=cycle.pk)).content.decode()
    assert "Copy unfinished OKRs to" in page and "Q2 Next" in page
    response = client.post(url("cycle_copy", org, cycle_id=cycle.pk), {"target": target.pk})
    assert response.status_code == 302
    assert response["Location"] == url("cycle_overview", org, cycle_id=target.pk)
    assert Objective.objects.filter(cycle=target, title="Win the market").exists()


def test_copy_from_an_active_cycle_is_refused(client_for, executive_membership, org, graded_cycle):
    cycle, *_ = graded_cycle
    target = factories.CycleFactory(
        organization=org, status=Cycle.Status.PLANNING,
        start_date=date(2031, 4, 1), end_date=date(2031, 6, 30),
    )  # fmt: skip
    client = client_for(executive_membership)
    assert (
        "Copy unfinished OKRs to"
        not in client.get(url("cycle_close", org, cycle_id=cycle.pk)).content.decode()
    )
    response = client.post(
        url("cycle_copy", org, cycle_id=cycle.pk), {"target": target.pk}, follow=True
    )
    assert "close it before copying" in response.content.decode()
    assert not Objective.objects.filter(cycle=target).exists()


def test_copy_rejects_foreign_or_missing_target(
    client_for, executive_membership, org, other_org, graded_cycle
):
    cycle, *_ = graded_cycle
    client = client_for(executive_membership)
    client.post(url("cycle_close", org, cycle_id=cycle.pk))
    foreign = factories.CycleFactory(organization=other_org, status=Cycle.Status.PLANNING)
    for data in ({"target": foreign.pk}, {"target": "abc"}, {}):
        response = client.post(url("cycle_copy", org, cycle_id=cycle.pk), data, follow=True)
        assert response.status_code == 200
        assert "Choose an open cycle" in response.content.decode()
    assert not Objective.objects.filter(cycle=foreign).exists()


def test_foreign_ids_are_404(client_for, admin_membership, org, other_org):
    foreign_cycle = factories.CycleFactory(organization=other_org)
    objective = factories.ObjectiveFactory(organization=other_org, cycle=foreign_cycle)
    kr = factories.KeyResultFactory(organization=other_org, objective=objective)
    client = client_for(admin_membership)
    assert client.get(url("cycle_close", org, cycle_id=foreign_cycle.pk)).status_code == 404
    assert client.post(url("cycle_copy", org, cycle_id=foreign_cycle.pk)).status_code == 404
    assert client.post(url("objective_grade", org, objective_id=objective.pk)).status_code == 404
    assert client.post(url("key_result_grade", org, key_result_id=kr.pk)).status_code == 404


@pytest.mark.parametrize("count", [3, 30])
def test_close_page_query_count_is_constant(
    client_for, champion_membership, org, count, django_assert_max_num_queries
):
    cycle = factories.CycleFactory(organization=org)
    for objective in factories.ObjectiveFactory.create_batch(count, organization=org, cycle=cycle):
        factories.KeyResultFactory.create_batch(2, organization=org, objective=objective)
    client = client_for(champion_membership)
    with django_assert_max_num_queries(12):
        assert client.get(url("cycle_close", org, cycle_id=cycle.pk)).status_code == 200


def test_close_page_is_paginated_and_ordered_by_level(client_for, champion_membership, org):
    cycle = factories.CycleFactory(organization=org)
    factories.ObjectiveFactory.create_batch(22, organization=org, cycle=cycle)
    client = client_for(champion_membership)
    first = client.get(url("cycle_close", org, cycle_id=cycle.pk)).content.decode()
    assert "Page 1 of 2" in first
    second = client.get(url("cycle_close", org, cycle_id=cycle.pk), {"page": 2}).content.decode()
    assert "Page 2 of 2" in second and "Close cycle" in second


def test_a_copied_cascade_keeps_its_rollup_and_its_history_says_where_from(
    client_for, executive_membership, org
):
    """Close a cycle, copy its unfinished OKRs from the close page, start the new cycle and
    check in below: the copied company objective (no key results of its own, roll-up "both")
    moves, and its page says where it came from."""
    from okrs import services
    from tests.builders import person

    ceo = executive_membership
    unit = factories.OrgUnitFactory(organization=org, name="Sales")
    seller = person(org, unit=unit, email="seller@acme-test.example")
    q1 = factories.CycleFactory(
        organization=org, name="Q1", start_date=date(2031, 1, 1), end_date=date(2031, 3, 31)
    )
    company = services.create_objective(
        organization=org, actor=ceo, cycle=q1, level="company", title="Grow", owner=ceo
    )
    dept = services.create_objective(
        organization=org, actor=ceo, cycle=q1, level="department", title="Sell more",
        owner=seller, unit=unit, parent=company,
    )  # fmt: skip
    services.create_key_result(
        objective=dept, actor=ceo, title="Deals", owner=seller, metric_type="increase_to",
        start_value=0, target_value=10,
    )  # fmt: skip
    client = client_for(ceo)
    client.post(url("cycle_close", org, cycle_id=q1.pk))
    q2 = factories.CycleFactory(
        organization=org, name="Q2", status=Cycle.Status.PLANNING,
        start_date=date(2031, 4, 1), end_date=date(2031, 6, 30),
    )  # fmt: skip
    assert client.post(url("cycle_copy", org, cycle_id=q1.pk), {"target": q2.pk}).status_code == 302
    services.activate_cycle(cycle=q2, actor=ceo)
    copy = Objective.objects.get(cycle=q2, title="Grow")
    deals = Objective.objects.get(cycle=q2, title="Sell more").key_results.get()
    check_in = reverse("okrs:check_in", kwargs={"org_slug": org.slug, "key_result_id": deals.pk})
    assert client_for(seller).post(check_in, {"value": "5", "confidence": "7"}).status_code == 302
    copy.refresh_from_db()
    assert (copy.rollup, copy.progress) == ("both", 0.5)
    page = client_for(ceo).get(url("objective_detail", org, objective_id=copy.pk))
    text = page.content.decode()
    assert "Its key results and aligned objectives" in text
    assert "Copied “Grow” from Q1" in text
