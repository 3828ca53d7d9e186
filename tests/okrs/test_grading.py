"""okrs.services.grading.save_grades: many grades of one cycle, all saved or none."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from okrs.models import AuditEntry, Cycle, Objective
from okrs.services import grading, save_grades
from tests import factories
from tests.builders import person

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(org):
    cycle = factories.CycleFactory(organization=org, name="Q3 Grades")
    win = factories.ObjectiveFactory(organization=org, cycle=cycle, title="Win")
    keep = factories.ObjectiveFactory(organization=org, cycle=cycle, title="Keep")
    deals = factories.KeyResultFactory(organization=org, objective=win, title="Deals")
    return cycle, win, keep, deals


def test_saves_objectives_and_key_results_in_submitted_order(champion_membership, rows):
    cycle, win, keep, deals = rows
    saved = save_grades(
        cycle=cycle,
        actor=champion_membership,
        objective_grades=[
            {"id": keep.pk, "grade": "0.3"},
            {"id": win.pk, "grade": 0.7, "retrospective": " Good "},
        ],
        kr_grades=[{"id": deals.pk, "grade": 1}],
    )
    assert [o.pk for o in saved.objectives] == [keep.pk, win.pk]
    win.refresh_from_db(), keep.refresh_from_db(), deals.refresh_from_db()
    assert (win.grade, win.retrospective) == (pytest.approx(0.7), "Good")
    assert keep.grade == pytest.approx(0.3) and deals.grade == pytest.approx(1.0)
    assert AuditEntry.objects.filter(summary__startswith="Graded").count() == 3


def test_an_omitted_retrospective_keeps_the_one_written(champion_membership, rows):
    cycle, win, *_ = rows
    Objective.objects.filter(pk=win.pk).update(retrospective="Kept")
    save_grades(
        cycle=cycle, actor=champion_membership, objective_grades=[{"id": win.pk, "grade": 1}]
    )
    win.refresh_from_db()
    assert win.retrospective == "Kept" and win.grade == pytest.approx(1.0)


def test_invalid_rows_are_keyed_by_position_and_nothing_is_written(champion_membership, rows):
    cycle, win, keep, deals = rows
    with pytest.raises(ValidationError) as caught:
        save_grades(
            cycle=cycle,
            actor=champion_membership,
            objective_grades=[{"id": win.pk, "grade": 0.5}, {"id": keep.pk, "grade": 1.5}],
            kr_grades=[{"id": deals.pk, "grade": "abc"}],
        )
    assert set(caught.value.message_dict) == {"objectives[1].grade", "key_results[0].grade"}
    split = grading.errors_by_row(caught.value)
    assert split["objectives[1]"].message_dict == {"grade": ["A grade is between 0.0 and 1.0."]}
    win.refresh_from_db()
    assert win.grade is None
    assert not AuditEntry.objects.filter(summary__startswith="Graded").exists()


def test_missing_or_repeated_ids_are_row_errors(champion_membership, rows):
    cycle, win, *_ = rows
    with pytest.raises(ValidationError) as caught:
        save_grades(
            cycle=cycle,
            actor=champion_membership,
            objective_grades=[{"grade": 1}, {"id": win.pk, "grade": 1}, {"id": win.pk, "grade": 0}],
        )
    assert set(caught.value.message_dict) == {"objectives[0].id", "objectives[2].id"}


def test_a_row_the_actor_may_not_grade_refuses_the_batch(member_membership, rows):
    cycle, win, keep, deals = rows
    win.owner = member_membership
    win.save()
    with pytest.raises(PermissionDenied, match=r"objectives\[1\]"):
        save_grades(
            cycle=cycle,
            actor=member_membership,
            objective_grades=[{"id": win.pk, "grade": 1}, {"id": keep.pk, "grade": 1}],
        )
    win.refresh_from_db()
    assert win.grade is None


def test_rows_of_another_cycle_or_tenant_or_invisible_are_not_found(
    org, other_org, champion_membership, rows
):
    cycle, win, *_ = rows
    other_cycle = factories.CycleFactory(organization=org, name="Elsewhere")
    elsewhere = factories.ObjectiveFactory(organization=org, cycle=other_cycle)
    foreign = factories.ObjectiveFactory(organization=other_org)
    private = factories.ObjectiveFactory(
        organization=org,
        cycle=cycle,
        owner=person(org, email="secret@acme-test.example"),
        visibility=Objective.Visibility.PRIVATE,
    )
    for pk in (elsewhere.pk, foreign.pk, private.pk, 10**9):
        with pytest.raises(Http404):
            save_grades(
                cycle=cycle,
                actor=champion_membership,
                objective_grades=[{"id": win.pk, "grade": 1}, {"id": pk, "grade": 1}],
            )
    foreign_kr = factories.KeyResultFactory(organization=other_org)
    with pytest.raises(Http404):
        save_grades(
            cycle=cycle, actor=champion_membership, kr_grades=[{"id": foreign_kr.pk, "grade": 1}]
        )
    win.refresh_from_db()
    assert win.grade is None


def test_a_closed_cycle_is_refused_with_the_closed_message(champion_membership, rows):
    cycle, win, *_ = rows
    Cycle.objects.filter(pk=cycle.pk).update(status=Cycle.Status.CLOSED)
    cycle.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        save_grades(
            cycle=cycle, actor=champion_membership, objective_grades=[{"id": win.pk, "grade": 1}]
        )
    assert caught.value.messages == [grading.policy.CLOSED_MESSAGE]
    assert grading.errors_by_row(caught.value) == {}
