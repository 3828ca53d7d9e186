"""The visibility rule's two forms agree: `can_view_objective` (a loaded row) and
`visible_objectives_q` (a queryset), over random organizations, unit trees, roles, reporting
lines, key-result owners and contributors, and visibilities."""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.models import Role
from okrs.models import Level, Objective
from okrs.rules import visibility
from tests import factories
from tests.builders import add_contributor

ROLES = [Role.ADMIN, Role.EXECUTIVE, Role.CHAMPION, Role.MEMBER]


@st.composite
def worlds(draw):
    n_units = draw(st.integers(1, 4))
    units = [draw(st.none() | st.integers(0, i - 1)) if i else None for i in range(n_units)]
    n_members = draw(st.integers(2, 6))
    members = [
        {
            "role": draw(st.sampled_from(ROLES)),
            "active": draw(st.booleans()),
            "unit": draw(st.none() | st.integers(0, n_units - 1)),
            "reports_to": draw(st.none() | st.integers(0, i - 1)) if i else None,
        }
        for i in range(n_members)
    ]
    leads = [draw(st.none() | st.integers(0, n_members - 1)) for _ in range(n_units)]
    objectives = [
        {
            "owner": draw(st.integers(0, n_members - 1)),
            "unit": draw(st.none() | st.integers(0, n_units - 1)),
            "private": draw(st.booleans()),
            "krs": draw(
                st.lists(
                    st.tuples(
                        st.integers(0, n_members - 1),
                        st.sets(st.integers(0, n_members - 1), max_size=2),
                    ),
                    max_size=2,
                )
            ),
        }
        for _ in range(draw(st.integers(1, 5)))
    ]
    return units, members, leads, objectives


def build(spec, org, other_org):
    units_spec, members_spec, leads, objectives_spec = spec
    units = []
    for parent in units_spec:
        units.append(
            factories.OrgUnitFactory(
                organization=org, parent=units[parent] if parent is not None else None
            )
        )
    members = []
    for m in members_spec:
        members.append(
            factories.MembershipFactory(
                organization=org,
                role=m["role"],
                is_active=m["active"],
                unit=units[m["unit"]] if m["unit"] is not None else None,
                reports_to=members[m["reports_to"]] if m["reports_to"] is not None else None,
            )
        )
    for unit, lead in zip(units, leads, strict=True):
        if lead is not None:
            unit.lead = members[lead]
            unit.save()
    cycle = factories.CycleFactory(organization=org)
    for o in objectives_spec:
        objective = factories.ObjectiveFactory(
            organization=org,
            cycle=cycle,
            owner=members[o["owner"]],
            unit=units[o["unit"]] if o["unit"] is not None else None,
            level=Level.TEAM,
            visibility="private" if o["private"] else "public",
        )
        for owner, contributors in o["krs"]:
            kr = factories.KeyResultFactory(
                organization=org, objective=objective, owner=members[owner]
            )
            for c in contributors:
                add_contributor(kr, members[c])
    # Another company's objective: neither form may ever return it.
    outsider = factories.MembershipFactory(organization=other_org)
    factories.ObjectiveFactory(
        organization=other_org,
        cycle=factories.CycleFactory(organization=other_org),
        owner=outsider,
        level=Level.TEAM,
    )
    return members


@pytest.mark.django_db
@settings(max_examples=40)
@given(spec=worlds())
def test_predicate_and_queryset_filter_agree(spec):
    with transaction.atomic():
        org = factories.OrganizationFactory()
        other_org = factories.OrganizationFactory()
        members = build(spec, org, other_org)
        objectives = list(Objective.objects.select_related("owner"))
        for viewer in members:
            by_filter = set(
                Objective.objects.filter(visibility.visible_objectives_q(viewer)).values_list(
                    "pk", flat=True
                )
            )
            by_predicate = {o.pk for o in objectives if visibility.can_view_objective(viewer, o)}
            assert by_filter == by_predicate
            assert all(o.organization_id == org.pk for o in objectives if o.pk in by_filter)
            if not viewer.is_active:
                assert by_filter == set()
            # The split the health tallies read by: every public objective of the viewer's
            # organization (if they may see public ones at all), plus the private ones
            # `visible_private_objectives_q` lets through — or all private ones.
            private = Objective.objects.filter(
                organization_id=viewer.organization_id, visibility="private"
            )
            if visibility.sees_every_private(viewer):
                seen_private = set(private.values_list("pk", flat=True))
            else:
                seen_private = set(
                    private.filter(visibility.visible_private_objectives_q(viewer)).values_list(
                        "pk", flat=True
                    )
                )
            seen_public = (
                set(
                    Objective.objects.filter(
                        organization_id=viewer.organization_id, visibility="public"
                    ).values_list("pk", flat=True)
                )
                if visibility.sees_public(viewer)
                else set()
            )
            assert by_filter == seen_public | (seen_private if viewer.is_active else set())
        transaction.set_rollback(True)


def test_no_viewer_sees_nothing(db, org):
    owner = factories.MembershipFactory(organization=org)
    factories.ObjectiveFactory(organization=org, owner=owner, cycle__organization=org)
    assert not Objective.objects.filter(visibility.visible_objectives_q(None)).exists()
    assert not visibility.can_view_objective(None, Objective.objects.get())


def test_contributor_may_open_a_private_objective_they_work_on(db, org):
    owner = factories.MembershipFactory(organization=org)
    helper = factories.MembershipFactory(organization=org)
    bystander = factories.MembershipFactory(organization=org)
    secret = factories.ObjectiveFactory(
        organization=org, owner=owner, cycle__organization=org, visibility="private"
    )
    kr = factories.KeyResultFactory(organization=org, objective=secret, owner=owner)
    add_contributor(kr, helper)
    assert visibility.can_view_objective(helper, secret)
    assert not visibility.can_view_objective(bystander, secret)
