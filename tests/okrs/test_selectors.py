"""Selectors: tenancy, visibility, 404s and constant query counts."""

import datetime as dt

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Membership
from okrs import selectors, services
from okrs.models import CheckIn, Level
from tests import factories
from tests.builders import add_contributor
from tests.okrs.conftest import make_chain


def _grow(world, n):
    """n extra team objectives with a KR each (and a check-in), aligned under one parent."""
    company, dept, team, kr = make_chain(world)
    for i in range(n):
        objective = factories.ObjectiveFactory(
            organization=world.org, cycle=world.cycle, level=Level.TEAM, unit=world.platform,
            owner=world.platform_lead, parent=dept if i % 2 else team, title=f"Team {i}",
        )  # fmt: skip
        extra = factories.KeyResultFactory(
            organization=world.org, objective=objective, owner=world.owner
        )
        add_contributor(extra, world.contributor)
        factories.CheckInFactory(organization=world.org, key_result=extra, author=world.owner)
    return company


def _count(world, fn):
    # Fresh membership objects: the visibility facts cached on a membership are counted too.
    for name, m in list(vars(world).items()):
        if isinstance(m, Membership):
            setattr(world, name, Membership.objects.get(pk=m.pk))
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "call",
    [
        lambda w: list(
            selectors.objectives_for_cycle(organization=w.org, cycle=w.cycle, viewer=w.bystander)
        ),
        lambda w: _tree(w, w.bystander),
        lambda w: list(
            selectors.key_results_for_member(
                organization=w.org, membership=w.contributor, cycle=w.cycle
            )
        ),
        lambda w: selectors.health_report(
            organization=w.org, cycle=w.cycle, unit=w.engineering, viewer=w.champion
        ),
        lambda w: selectors.unit_overview(
            organization=w.org, unit=w.platform, cycle=w.cycle, viewer=w.bystander
        ),
    ],
    ids=["objectives_for_cycle", "alignment_tree", "key_results_for_member", "health", "unit"],
)
def test_query_count_does_not_grow_with_the_number_of_objectives(world, call):
    _grow(world, 3)
    small = _count(world, lambda: call(world))
    _grow(world, 30)
    assert _count(world, lambda: call(world)) == small


def test_objectives_for_cycle_hides_private_objectives_from_bystanders(world):
    company, *_ = make_chain(world)
    secret = factories.ObjectiveFactory(
        organization=world.org, cycle=world.cycle, level=Level.INDIVIDUAL, owner=world.owner,
        unit=world.platform, visibility="private",
    )  # fmt: skip
    seen = set(
        selectors.objectives_for_cycle(
            organization=world.org, cycle=world.cycle, viewer=world.bystander
        )
    )
    assert company in seen and secret not in seen
    lead_sees = selectors.objectives_for_cycle(
        organization=world.org, cycle=world.cycle, viewer=world.eng_head
    )
    assert secret in set(lead_sees)
    with pytest.raises(Http404):
        selectors.get_objective(organization=world.org, pk=secret.pk, viewer=world.bystander)


@pytest.mark.parametrize("bad", ["abc", None, "", 10**30, -1])
def test_get_selectors_answer_404_for_bad_ids(world, bad):
    for get in (
        lambda: selectors.get_cycle(organization=world.org, pk=bad),
        lambda: selectors.get_objective(organization=world.org, pk=bad, viewer=world.ceo),
        lambda: selectors.get_key_result(organization=world.org, pk=bad, viewer=world.ceo),
    ):
        with pytest.raises(Http404):
            get()


def test_get_selectors_answer_404_for_other_orgs_rows(world, other_org):
    foreign_kr = factories.KeyResultFactory(organization=other_org)
    with pytest.raises(Http404):
        selectors.get_cycle(organization=world.org, pk=foreign_kr.objective.cycle_id)
    with pytest.raises(Http404):
        selectors.get_objective(
            organization=world.org, pk=foreign_kr.objective_id, viewer=world.ceo
        )
    with pytest.raises(Http404):
        selectors.get_key_result(organization=world.org, pk=foreign_kr.pk, viewer=world.ceo)


def _tree(world, viewer, *, depth: int = 1, root=None):
    """The alignment tree as the web page and the API build it: a level of roots (or of one
    objective's children), then `depth - 1` levels below, one query per level."""
    if root is None:
        rows = selectors.alignment_roots(organization=world.org, cycle=world.cycle, viewer=viewer)
    else:
        rows = selectors.alignment_children(organization=world.org, parent=root, viewer=viewer)
    nodes = selectors.nodes_from(rows)
    selectors.expand_levels(
        nodes, organization=world.org, cycle=world.cycle, viewer=viewer, depth=depth
    )
    return nodes


def test_alignment_tree_nests_and_orphans_are_roots(world):
    company, dept, team, _ = make_chain(world)
    orphan = factories.ObjectiveFactory(
        organization=world.org, cycle=world.cycle, level=Level.TEAM, unit=world.sales,
        owner=world.sales_head, title="Orphan",
    )  # fmt: skip
    roots = _tree(world, world.ceo, depth=3)
    assert [n.objective for n in roots] == [company, orphan]
    assert [n.child_count for n in roots] == [1, 0]
    assert roots[0].children[0].objective == dept
    assert roots[0].children[0].children[0].objective == team
    assert roots[0].children[0].children[0].depth == 2
    shallow = _tree(world, world.ceo)
    assert shallow[0].children == [] and shallow[0].child_count == 1
    (sub,) = _tree(world, world.ceo, root=dept)
    assert sub.objective == team and sub.depth == 0
    flat = selectors.flatten_tree(roots)
    assert [n.objective for n in flat] == [company, dept, team, orphan]
    whole = selectors.expanded_tree(organization=world.org, cycle=world.cycle, viewer=world.ceo)
    assert [n.objective for n in selectors.flatten_tree(whole.roots)] == [
        company, dept, team, orphan,
    ]  # fmt: skip
    capped = selectors.expanded_tree(
        organization=world.org, cycle=world.cycle, viewer=world.ceo, limit=3
    )
    assert capped.truncated and capped.roots == []


def test_child_counts_and_roots_respect_visibility(world):
    company, dept, team, _ = make_chain(world)
    secret = factories.ObjectiveFactory(
        organization=world.org, cycle=world.cycle, level=Level.DEPARTMENT, unit=world.engineering,
        owner=world.eng_head, parent=company, visibility="private", title="Secret",
    )  # fmt: skip
    below_secret = factories.ObjectiveFactory(
        organization=world.org, cycle=world.cycle, level=Level.TEAM, unit=world.sales,
        owner=world.bystander, parent=secret, title="Mine",
    )  # fmt: skip
    ceo_secret = factories.ObjectiveFactory(  # its owner reports to nobody (NULLs in SQL)
        organization=world.org, cycle=world.cycle, level=Level.COMPANY, owner=world.ceo,
        visibility="private", title="CEO secret",
    )  # fmt: skip
    below_ceo = factories.ObjectiveFactory(
        organization=world.org, cycle=world.cycle, level=Level.TEAM, unit=world.sales,
        owner=world.bystander, parent=ceo_secret, title="Also mine",
    )  # fmt: skip
    (root, also_mine, mine) = selectors.alignment_roots(
        organization=world.org, cycle=world.cycle, viewer=world.bystander
    )
    assert root == company and root.child_count == 1  # the private child is not counted
    assert mine == below_secret  # its parent is hidden from the bystander: a root
    assert also_mine == below_ceo
    (secret_root, root) = selectors.alignment_roots(
        organization=world.org, cycle=world.cycle, viewer=world.ceo
    )
    assert root.child_count == 2 and secret_root == ceo_secret


def test_a_chain_deeper_than_the_cap_made_in_sql_still_builds_iteratively(world):
    chain = make_deep_chain(world, 60)
    whole = selectors.expanded_tree(organization=world.org, cycle=world.cycle, viewer=world.ceo)
    flat = selectors.flatten_tree(whole.roots)
    assert len(flat) == 60 and flat[-1].depth == 59 and flat[-1].objective == chain[-1]


def make_deep_chain(world, n):
    """A chain n deep written straight to the database (around the service's depth cap)."""
    parent, chain = None, []
    for i in range(n):
        parent = factories.ObjectiveFactory(
            organization=world.org, cycle=world.cycle, level=Level.INDIVIDUAL, unit=world.platform,
            owner=world.owner, parent=parent, title=f"Link {i:02d}",
        )  # fmt: skip
        chain.append(parent)
    return chain


def test_key_results_for_member_includes_owned_and_contributed_once(world):
    *_, kr = make_chain(world)
    assert list(
        selectors.key_results_for_member(organization=world.org, membership=world.owner)
    ) == [kr]
    (row,) = selectors.key_results_for_member(organization=world.org, membership=world.contributor)
    assert row == kr and not row.is_owner and not row.checked_in_this_week
    services.record_check_in(key_result=kr, actor=world.contributor, value=350, confidence=5)
    (row,) = selectors.key_results_for_member(organization=world.org, membership=world.contributor)
    assert row.checked_in_this_week and row.recent_check_ins[0].value == 350


def test_health_report_flags_what_needs_attention(world):
    company, dept, team, kr = make_chain(world)
    empty = factories.ObjectiveFactory(
        organization=world.org, cycle=world.cycle, level=Level.TEAM, unit=world.platform,
        owner=world.platform_lead, title="No KRs",
    )  # fmt: skip
    low = services.create_key_result(
        objective=team, actor=world.platform_lead, title="Low", owner=world.owner,
        metric_type="increase_to", start_value=0, target_value=10, confidence=3,
    )  # fmt: skip
    services.record_check_in(key_result=low, actor=world.owner, value=1, confidence=2)
    later = timezone.now() + dt.timedelta(days=15)
    report = selectors.health_report(
        organization=world.org, cycle=world.cycle, now=later, viewer=world.champion
    )
    assert empty in report.objectives_without_krs and company in report.objectives_without_krs
    assert empty in report.orphans and company not in report.orphans
    assert set(report.stale_krs) == {kr, low}
    assert list(report.low_confidence) == [low]
    # The totals are aggregates; they agree with the lists they head.
    for key in ("stale_krs", "low_confidence", "objectives_without_krs", "orphans"):
        assert len(getattr(report, key)) == len(list(getattr(report, key))), key
    assert report.issue_count == 2 + 1 + 3 + 0 + 1
    fresh = selectors.health_report(
        organization=world.org, cycle=world.cycle, unit=world.platform, viewer=world.champion
    )
    assert list(fresh.stale_krs) == [] and company not in fresh.objectives
    (platform_rate,) = fresh.checkin_rates
    assert (platform_rate.expected, platform_rate.done) == (2, 1)
    assert platform_rate.unit_id == world.platform.pk and platform_rate.label == "Platform"
    assert fresh.checkin_rate == 0.5


def test_audit_for_objective_covers_its_krs_and_check_ins(world, other_org):
    _, _, team, kr = make_chain(world)
    services.record_check_in(key_result=kr, actor=world.owner, value=350, confidence=5)
    entries = selectors.audit_for_objective(organization=world.org, objective=team)
    assert [e.target_type for e in entries] == ["check_in", "key_result", "objective"]
    assert not selectors.audit_for_objective(organization=other_org, objective=team).exists()


def test_current_cycle_prefers_active_then_planning(world, other_org):
    assert selectors.current_cycle(organization=world.org) == world.cycle
    assert selectors.current_cycle(organization=other_org) is None
    world.cycle.status = "closed"
    world.cycle.save()
    planning = factories.CycleFactory(organization=world.org, status="planning")
    assert selectors.current_cycle(organization=world.org) == planning


def test_check_ins_for_key_result_newest_first(world):
    *_, kr = make_chain(world)
    now = timezone.now()
    old = services.record_check_in(
        key_result=kr, actor=world.owner, value=390, confidence=5, at=now - dt.timedelta(days=8)
    )
    new = services.record_check_in(key_result=kr, actor=world.owner, value=350, confidence=5)
    assert list(
        selectors.check_ins_for_key_result(
            organization=world.org, key_result=kr, viewer=world.owner
        )
    ) == [
        new,
        old,
    ]
    assert CheckIn.objects.count() == 2
