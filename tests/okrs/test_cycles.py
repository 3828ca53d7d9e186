"""Cycle services: create, overlap rule, activate, close (freeze + grades), copy unfinished."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from okrs import services
from okrs.models import AuditEntry, Cycle, KeyResult, Level, Objective
from tests.okrs.conftest import make_chain, reload

D = dt.date


def _cycle(world, name, start, end, status="planning"):
    return services.create_cycle(
        organization=world.org, actor=world.admin, name=name, start_date=start, end_date=end,
        status=status,
    )  # fmt: skip


def test_create_cycle_starts_in_planning_and_is_audited(world):
    cycle = _cycle(world, "Q1 2027", D(2027, 1, 1), D(2027, 3, 31))
    assert cycle.status == Cycle.Status.PLANNING
    assert AuditEntry.objects.filter(target_type="cycle", target_id=cycle.pk).exists()


def test_end_before_start_and_duplicate_names_are_field_errors(world):
    with pytest.raises(ValidationError) as exc:
        _cycle(world, "Backwards", D(2027, 3, 1), D(2027, 1, 1))
    assert "end_date" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _cycle(world, "q4 2026", D(2027, 1, 1), D(2027, 3, 31))
    assert "name" in exc.value.message_dict


def test_two_overlapping_active_quarters_are_refused(world):
    start = world.cycle.start_date
    overlapping = _cycle(
        world, "Overlap", start + dt.timedelta(days=10), start + dt.timedelta(days=100)
    )
    with pytest.raises(ValidationError, match="already active and overlaps"):
        services.activate_cycle(cycle=overlapping, actor=world.admin)
    assert reload(overlapping).status == "planning"


def test_an_annual_cycle_may_run_alongside_a_quarter(world):
    start = world.cycle.start_date
    annual = _cycle(world, "FY", start, start + dt.timedelta(days=365))
    assert services.activate_cycle(cycle=annual, actor=world.ceo).status == "active"


def test_only_admin_and_exec_create_cycles(world):
    with pytest.raises(PermissionDenied):
        services.create_cycle(
            organization=world.org, actor=world.champion, name="X",
            start_date=D(2027, 1, 1), end_date=D(2027, 3, 31),
        )  # fmt: skip


def test_dates_as_strings_are_parsed_and_garbage_is_a_field_error(world):
    cycle = _cycle(world, "Q2 2027", "2027-04-01", "2027-06-30")
    assert cycle.start_date == D(2027, 4, 1)
    with pytest.raises(ValidationError) as exc:
        _cycle(world, "Bad", "soon", "2027-06-30")
    assert "start_date" in exc.value.message_dict


def test_activate_twice_is_a_clear_error(world):
    with pytest.raises(ValidationError, match="Only a cycle in planning"):
        services.activate_cycle(cycle=world.cycle, actor=world.admin)


def test_close_sets_grades_to_progress_keeps_manual_grades_and_freezes(world):
    company, dept, team, kr = make_chain(world)
    services.record_check_in(key_result=kr, actor=world.owner, value=300, confidence=7)
    services.grade_objective(objective=dept, actor=world.eng_head, grade=0.9, retrospective="ok")
    closed = services.close_cycle(cycle=world.cycle, actor=world.champion)
    assert closed.status == "closed" and closed.closed_at
    assert reload(kr).grade == 0.5
    assert reload(team).grade == 0.5
    assert reload(dept).grade == 0.9
    with pytest.raises(ValidationError, match="already closed"):
        services.close_cycle(cycle=world.cycle, actor=world.champion)
    with pytest.raises(ValidationError, match="closed"):
        services.update_cycle(cycle=world.cycle, actor=world.admin, name="Renamed")


def test_member_cannot_close_a_cycle(world):
    with pytest.raises(PermissionDenied):
        services.close_cycle(cycle=world.cycle, actor=world.owner)


def test_copy_unfinished_keeps_alignment_and_restarts_from_current(world):
    company, dept, team, kr = make_chain(world)
    done = services.create_key_result(
        objective=team, actor=world.platform_lead, title="Done already", owner=world.owner,
        metric_type="milestone", start_value=0, target_value=1,
    )  # fmt: skip
    services.record_check_in(key_result=done, actor=world.owner, value=1, confidence=10)
    services.record_check_in(key_result=kr, actor=world.owner, value=300, confidence=6)
    finished = services.create_objective(
        organization=world.org, actor=world.ceo, cycle=world.cycle, level=Level.COMPANY,
        title="Finished", owner=world.ceo,
    )  # fmt: skip
    services.create_key_result(
        objective=finished, actor=world.ceo, title="Hit", owner=world.ceo,
        metric_type="stay_below", start_value=0, target_value=5,
    )  # fmt: skip
    services.close_cycle(cycle=world.cycle, actor=world.ceo)
    target = _cycle(
        world, "Next", world.cycle.end_date, world.cycle.end_date + dt.timedelta(days=90)
    )

    copied = services.copy_unfinished_okrs(source=world.cycle, target=target, actor=world.ceo)

    titles = {o.title for o in copied}
    assert titles == {"Delight customers", "Reliable product", "Fast platform"}
    new_team = Objective.objects.get(cycle=target, title="Fast platform")
    assert new_team.parent.title == "Reliable product"
    assert new_team.parent.parent.title == "Delight customers"
    (new_kr,) = KeyResult.objects.filter(objective=new_team)
    assert new_kr.start_value == 300 and new_kr.current_value == 300 and new_kr.progress == 0
    assert list(new_kr.contributors.all()) == [world.contributor]
    # Idempotent: a second run copies nothing more.
    assert services.copy_unfinished_okrs(source=world.cycle, target=target, actor=world.ceo) == []
    assert Objective.objects.filter(cycle=target).count() == 3


def test_copy_from_a_cycle_still_open_is_refused(world):
    make_chain(world)
    target = _cycle(
        world, "Next", world.cycle.end_date, world.cycle.end_date + dt.timedelta(days=90)
    )
    with pytest.raises(ValidationError, match="still active: close it before copying"):
        services.copy_unfinished_okrs(source=world.cycle, target=target, actor=world.ceo)
    assert not Objective.objects.filter(cycle=target).exists()


def test_a_cycle_never_goes_back_to_planning(world):
    with pytest.raises(ValidationError, match="cannot go from active back to planning"):
        services.change_cycle(cycle=world.cycle, actor=world.ceo, status="planning")
    services.close_cycle(cycle=world.cycle, actor=world.ceo)
    with pytest.raises(ValidationError, match="cannot go from closed back to active"):
        services.change_cycle(cycle=world.cycle, actor=world.ceo, status="active")


def test_a_plain_member_may_not_send_even_an_empty_cycle_change(world):
    with pytest.raises(PermissionDenied):
        services.change_cycle(cycle=world.cycle, actor=world.owner, status=world.cycle.status)


def test_copy_into_a_closed_cycle_is_refused(world):
    other = _cycle(world, "Old", D(2020, 1, 1), D(2020, 3, 31), status="active")
    services.close_cycle(cycle=other, actor=world.ceo)
    services.close_cycle(cycle=world.cycle, actor=world.ceo)
    with pytest.raises(ValidationError, match="closed"):
        services.copy_unfinished_okrs(source=world.cycle, target=other, actor=world.ceo)


def _closed_cascade(world):
    """A cascade whose company objective has no key results of its own (it rolls up its
    aligned objectives), a private department objective, and a KR with every property set;
    the cycle is closed and an open one waits for the copy."""
    company, dept, team, kr = make_chain(world)
    services.update_objective(objective=dept, actor=world.ceo, visibility="private")
    services.update_key_result(
        key_result=kr, actor=world.platform_lead, weight=3, unit="percent",
        unit_label="ms", confidence=6,
    )  # fmt: skip
    services.record_check_in(key_result=kr, actor=world.owner, value=300, confidence=6)
    services.close_cycle(cycle=world.cycle, actor=world.ceo)
    target = _cycle(
        world, "Next", world.cycle.end_date, world.cycle.end_date + dt.timedelta(days=90)
    )
    return company, dept, team, kr, target


def test_a_copy_keeps_every_property_of_its_source_through_the_create_services(world):
    company, dept, team, kr, target = _closed_cascade(world)
    services.copy_unfinished_okrs(source=world.cycle, target=target, actor=world.ceo)
    copies = {o.title: o for o in Objective.objects.filter(cycle=target)}
    for source in (company, dept, team):
        copy = copies[source.title]
        source = reload(source)
        assert (copy.level, copy.unit_id, copy.owner_id, copy.visibility, copy.rollup) == (
            source.level, source.unit_id, source.owner_id, source.visibility, source.rollup,
        )  # fmt: skip
    assert copies["Delight customers"].rollup == "both" == copies["Reliable product"].rollup
    assert copies["Fast platform"].parent == copies["Reliable product"]
    (copy,) = KeyResult.objects.filter(objective=copies["Fast platform"])
    assert (copy.metric_type, copy.target_value, copy.weight, copy.unit, copy.unit_label) == (
        "decrease_to", 200, 3, "percent", "ms",
    )  # fmt: skip
    assert (copy.start_value, copy.current_value, copy.confidence) == (300, 300, 6)
    assert list(copy.contributors.all()) == [world.contributor]
    # Audited as copies, like any create through the services (with what was set).
    entry = AuditEntry.objects.get(target_type="objective", target_id=copies["Fast platform"].pk)
    assert entry.summary == f"Copied “Fast platform” from {world.cycle.name}"
    assert entry.changes["rollup"] == [None, "key_results"]
    kr_entry = AuditEntry.objects.get(target_type="key_result", target_id=copy.pk)
    assert kr_entry.summary == f"Copied “p95 latency under 200ms” from {world.cycle.name}"


def test_a_copied_company_objective_without_key_results_moves_with_the_cascade(world):
    *_, target = _closed_cascade(world)
    services.copy_unfinished_okrs(source=world.cycle, target=target, actor=world.ceo)
    services.activate_cycle(cycle=target, actor=world.ceo)
    (copy,) = KeyResult.objects.filter(objective__cycle=target)
    services.record_check_in(key_result=copy, actor=world.owner, value=250, confidence=7)
    company = Objective.objects.get(cycle=target, title="Delight customers")
    assert company.progress == pytest.approx(0.5)  # team 50% → department 50% → company


def test_a_copy_drops_who_left_and_gives_their_key_results_to_the_objective_owner(world):
    company, dept, team, kr, target = _closed_cascade(world)
    type(world.owner).objects.filter(pk__in=[world.owner.pk, world.contributor.pk]).update(
        is_active=False
    )
    services.copy_unfinished_okrs(source=world.cycle, target=target, actor=world.ceo)
    (copy,) = KeyResult.objects.filter(objective__cycle=target)
    assert copy.owner == world.platform_lead  # the copied objective's owner
    assert list(copy.contributors.all()) == []


def test_copying_200_objectives_costs_a_bounded_number_of_statements_per_row(world):
    """Each copy is a create through the services (their reads, checks and audit rows);
    nothing more per row: no statement per contributor, per parent or per refresh."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests import factories

    people = [world.owner, world.contributor, world.platform_lead]
    parents = []
    for i in range(60):
        level, parent = ("company", None) if i < 10 else ("department", parents[i % 10])
        objective = factories.ObjectiveFactory(
            organization=world.org, cycle=world.cycle, owner=world.eng_head, level=level,
            unit=None if level == "company" else world.engineering, parent=parent,
            title=f"O{i}",
        )  # fmt: skip
        parents.append(objective)
        for k in range(2):
            row = factories.KeyResultFactory(
                organization=world.org, objective=objective, owner=people[k], title=f"K{i}.{k}"
            )
            row.contributors.add(people[2], through_defaults={"organization": world.org})
    Cycle.objects.filter(pk=world.cycle.pk).update(status="closed")
    target = _cycle(world, "Next", D(2040, 1, 1), D(2040, 3, 31))
    with CaptureQueriesContext(connection) as statements:
        copied = services.copy_unfinished_okrs(source=world.cycle, target=target, actor=world.ceo)
    assert len(copied) == 60 and KeyResult.objects.filter(objective__cycle=target).count() == 120
    # One objective with its two KRs: seven statements for the objective's create (its
    # savepoint, cycle, depth check, insert, audit), six per KR (savepoint, objective,
    # insert, contributors, audit); plus a fixed few for the whole copy.
    assert len(statements.captured_queries) <= 60 * (7 + 2 * 6) + 20
