"""The health scope (who sees which part of the company) and the per-child check-in rates."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import OrgUnit
from okrs import selectors, services
from okrs.models import Level
from okrs.selectors.health_scope import NOT_FOR_YOU, ONLY_YOUR_UNITS
from tests import factories
from tests.okrs.conftest import make_chain

pytestmark = pytest.mark.django_db


def scope(world, viewer, unit=None):
    return selectors.health_scope(organization=world.org, viewer=viewer, unit=unit)


def test_champions_start_at_the_whole_company_and_see_the_top_units(world):
    s = scope(world, world.champion)
    assert s.unit is None and s.whole_company and s.breadcrumb == []
    assert [u.name for u in s.children] == ["Engineering", "Sales"]


def test_a_lead_starts_at_their_top_unit_and_sees_no_ancestor_they_do_not_lead(world):
    s = scope(world, world.platform_lead)
    assert s.unit == world.platform and not s.whole_company
    assert s.breadcrumb == [] and s.top_units == []
    head = scope(world, world.eng_head, str(world.platform.pk))
    assert [u.name for u in head.breadcrumb] == ["Engineering"]
    champion = scope(world, world.champion, world.platform.pk)
    assert [u.name for u in champion.breadcrumb] == ["Engineering"] and champion.whole_company


def test_a_lead_of_separate_units_gets_them_listed_and_the_first_by_name(world):
    world.sales.lead = world.platform_lead
    world.sales.save()
    s = scope(world, world.platform_lead)
    assert s.unit == world.platform
    assert [u.name for u in s.top_units] == ["Platform", "Sales"]


@pytest.mark.parametrize("raw", ["abc", "-1", "1.5", "9" * 30, " 1"])
def test_something_that_is_not_a_unit_id_is_invalid_for_a_lead_and_a_champion(world, raw):
    for viewer in (world.platform_lead, world.champion):
        with pytest.raises(selectors.InvalidUnit):
            scope(world, viewer, raw)


def test_a_foreign_or_unknown_unit_is_404_and_another_unit_is_refused(world, other_org):
    foreign = factories.OrgUnitFactory(organization=other_org)
    for unit_id in (foreign.pk, 10**9):
        with pytest.raises(Http404):
            scope(world, world.champion, str(unit_id))
    with pytest.raises(PermissionDenied, match=ONLY_YOUR_UNITS):
        scope(world, world.platform_lead, world.sales.pk)
    with pytest.raises(PermissionDenied, match=NOT_FOR_YOU):
        scope(world, world.bystander)


def test_rates_are_per_child_unit_each_counting_its_whole_subtree(world):
    company, dept, team, kr = make_chain(world)
    services.record_check_in(key_result=kr, actor=world.owner, value=350, confidence=5)
    company_kr = factories.KeyResultFactory(organization=world.org, objective=company)
    report = selectors.health_report(
        organization=world.org,
        cycle=world.cycle,
        viewer=world.champion,
        scope=scope(world, world.champion),
    )
    rows = {r.label: (r.expected, r.done, r.own) for r in report.checkin_rates}
    # The team's KR counts under Engineering; Sales has none; company-level on its own row.
    assert rows == {
        "Company-level objectives": (1, 0, True),
        "Engineering": (1, 1, False),
        "Sales": (0, 0, False),
    }
    assert report.key_result_count == 2 and report.checkin_rate == 0.5
    assert company_kr.objective == company


def test_rates_leave_out_private_objectives_the_reader_may_not_open(world):
    secret = factories.ObjectiveFactory(
        organization=world.org, cycle=world.cycle, level=Level.TEAM, unit=world.platform,
        owner=world.platform_lead, visibility="private",
    )  # fmt: skip
    factories.KeyResultFactory(organization=world.org, objective=secret)
    champion = selectors.health_report(
        organization=world.org, cycle=world.cycle, viewer=world.champion
    )
    ceo = selectors.health_report(organization=world.org, cycle=world.cycle, viewer=world.ceo)
    engineering = {r.label: r.expected for r in champion.checkin_rates}["Engineering"]
    assert engineering == 0
    assert {r.label: r.expected for r in ceo.checkin_rates}["Engineering"] == 1


def test_a_lead_in_a_unit_tree_corrupted_into_a_cycle_still_gets_a_scope(world):
    OrgUnit.objects.filter(pk=world.engineering.pk).update(parent=world.platform)
    s = scope(world, world.eng_head)
    assert s.unit in (world.engineering, world.platform)
    assert len(s.breadcrumb) <= 1
    report = selectors.health_report(
        organization=world.org, cycle=world.cycle, viewer=world.eng_head, scope=s
    )
    assert report.objective_count == 0 and len(report.checkin_rates) == 1
