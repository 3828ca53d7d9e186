"""The alignment tree's first level (`selectors.alignment_roots`) is exactly the rule, for every
viewer: the visible objectives of the cycle whose parent is none or one the viewer may not open
(okrs.rules.visibility). The selector reads it through two partial indexes (roots, private ones)
instead of the whole cycle (docs/benchmarks.md, EXPLAIN check); this pins the semantics."""

from __future__ import annotations

import pytest

from accounts.models import Membership
from okrs import selectors, services
from okrs.models import Cycle, Level, Objective
from okrs.rules import visibility
from tests import factories
from tests.okrs.conftest import make_chain

pytestmark = pytest.mark.django_db


def _by_rule(world, viewer) -> set[int]:
    rows = Objective.objects.filter(organization=world.org, cycle=world.cycle).select_related(
        "owner", "parent__owner"
    )
    return {
        o.pk
        for o in rows
        if visibility.can_view_objective(viewer, o)
        and (o.parent is None or not visibility.can_view_objective(viewer, o.parent))
    }


def test_roots_are_the_visibility_rule_for_every_viewer(world):
    company, dept, team, _kr = make_chain(world)

    def objective(**kwargs):
        return factories.ObjectiveFactory(organization=world.org, cycle=world.cycle, **kwargs)

    secret = objective(
        level=Level.DEPARTMENT, unit=world.engineering, owner=world.eng_head, parent=company,
        visibility="private", title="Secret",
    )  # fmt: skip
    objective(  # below a private parent: a root only for those who may not open the parent
        level=Level.TEAM, unit=world.sales, owner=world.bystander, parent=secret, title="Below"
    )
    private_below_private = objective(
        level=Level.TEAM, unit=world.platform, owner=world.platform_lead, parent=secret,
        visibility="private", title="Private below private",
    )  # fmt: skip
    objective(
        level=Level.INDIVIDUAL, unit=world.platform, owner=world.owner,
        parent=private_below_private, title="Deep",
    )  # fmt: skip
    objective(level=Level.TEAM, unit=world.sales, owner=world.sales_head, title="Orphan")
    objective(  # a private orphan
        level=Level.COMPANY, owner=world.ceo, visibility="private", title="CEO secret"
    )
    trashed = objective(
        level=Level.TEAM, unit=world.sales, owner=world.sales_head, parent=dept, title="Gone"
    )
    services.delete_objective(objective=trashed, actor=world.admin)  # its children unaligned
    other_cycle = factories.CycleFactory(
        organization=world.org, name="Next", status=Cycle.Status.PLANNING
    )
    factories.ObjectiveFactory(  # another cycle's root is never this cycle's
        organization=world.org, cycle=other_cycle, level=Level.COMPANY, owner=world.ceo
    )
    viewers = list(Membership.objects.filter(organization=world.org))
    assert len(viewers) >= 8
    gone = viewers[-1]
    Membership.objects.filter(pk=gone.pk).update(is_active=False)
    gone.refresh_from_db()
    for viewer in viewers:
        roots = selectors.alignment_roots(organization=world.org, cycle=world.cycle, viewer=viewer)
        found = [o.pk for o in roots]
        assert len(found) == len(set(found)) == roots.count()  # no duplicates from the UNION
        assert set(found) == _by_rule(world, viewer), viewer
    assert selectors.alignment_roots(organization=world.org, cycle=world.cycle, viewer=gone)\
        .count() == 0  # fmt: skip
