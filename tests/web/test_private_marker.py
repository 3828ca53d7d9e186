"""A private objective carries a visible "Private" marker wherever it is listed to someone
who may see it (issue 17, item 9): My OKRs, the objective page (its title, what it aligns to
and what aligns to it), a person's OKRs, the alignment tree and list, the company overview, a
unit's page, health, the close page, the objective search, a key result's crumbs and the
trash. One partial (`{% private_marker %}`) draws it; a public objective never has it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from okrs import services
from okrs.models import Cycle
from tests import factories
from tests.builders import person

pytestmark = pytest.mark.django_db

MARKER = '<span class="pill pill-private"'
PRIVATE_TOP, PRIVATE_SIDE, PUBLIC = "Private north star", "Private side quest", "Public team goal"


def marked(html: str, title: str) -> bool:
    """Whether `title` is followed by the marker (after its link or span closes)."""
    pattern = re.escape(title) + r"\s*(?:</a>|</span>)?\s*" + re.escape(MARKER)
    return re.search(pattern, html) is not None


@pytest.fixture
def world(org):
    admin = person(org, role="admin", email="admin@p.example")
    unit = factories.OrgUnitFactory(organization=org, name="Platform")
    member = person(org, email="member@p.example", unit=unit)
    cycle = factories.CycleFactory(organization=org, name="Q4", status=Cycle.Status.ACTIVE)
    top = factories.ObjectiveFactory(
        organization=org, cycle=cycle, owner=admin, level="company", title=PRIVATE_TOP,
        visibility="private",
    )  # fmt: skip
    public = factories.ObjectiveFactory(
        organization=org, cycle=cycle, owner=member, level="team", unit=unit, parent=top,
        title=PUBLIC,
    )  # fmt: skip
    side = factories.ObjectiveFactory(
        organization=org, cycle=cycle, owner=member, level="individual", unit=unit,
        title=PRIVATE_SIDE, visibility="private",
    )  # fmt: skip
    kr = factories.KeyResultFactory(organization=org, objective=side, owner=member, title="Ship")
    factories.KeyResultFactory(organization=org, objective=public, owner=member, title="Build")
    return {"org": org, "admin": admin, "member": member, "unit": unit, "cycle": cycle,
            "top": top, "public": public, "side": side, "kr": kr}  # fmt: skip


def url(name, org, **kwargs):
    return reverse(f"okrs:{name}", kwargs={"org_slug": org.slug, **kwargs})


def test_every_listing_marks_private_objectives_and_only_them(world, client_for):
    org, w = world["org"], world
    pages = {
        # (viewer, url): the private titles it lists
        ("member", url("my_okrs", org)): [PRIVATE_SIDE],
        ("admin", url("objective_detail", org, objective_id=w["public"].pk)): [PRIVATE_TOP],
        ("admin", url("objective_detail", org, objective_id=w["top"].pk)): [PRIVATE_TOP],
        ("admin", url("key_result_detail", org, key_result_id=w["kr"].pk)): [PRIVATE_SIDE],
        ("admin", url("person_okrs", org, membership_id=w["member"].pk)): [PRIVATE_SIDE],
        ("admin", url("alignment", org, cycle_id=w["cycle"].pk)): [PRIVATE_TOP, PRIVATE_SIDE],
        ("admin", url("alignment", org, cycle_id=w["cycle"].pk) + "?q=Private"): [
            PRIVATE_TOP, PRIVATE_SIDE,
        ],
        ("admin", url("cycle_overview", org, cycle_id=w["cycle"].pk)): [PRIVATE_TOP],
        ("admin", url("unit_detail", org, unit_id=w["unit"].pk)): [PRIVATE_SIDE],
        ("admin", url("health", org)): [PRIVATE_SIDE],
        ("admin", url("cycle_close", org, cycle_id=w["cycle"].pk)): [PRIVATE_TOP, PRIVATE_SIDE],
        ("admin", url("objective_search", org) + "?q=side"): [PRIVATE_SIDE],
    }  # fmt: skip
    for (who, path), titles in pages.items():
        html = client_for(w[who]).get(path).content.decode()
        for title in titles:
            assert marked(html, title), (who, path, title)
        assert not marked(html, PUBLIC), (who, path)


def test_the_trash_marks_a_private_objective(world, client_for):
    services.delete_objective(objective=world["side"], actor=world["member"])
    html = client_for(world["admin"]).get(url("trash", world["org"])).content.decode()
    assert marked(html, PRIVATE_SIDE)


def test_someone_who_may_not_see_it_gets_neither_title_nor_marker(world, client_for):
    bystander = person(world["org"], email="bystander@p.example")
    html = client_for(bystander).get(url("alignment", world["org"], cycle_id=world["cycle"].pk))
    text = html.content.decode()
    assert PRIVATE_TOP not in text and PRIVATE_SIDE not in text and MARKER not in text
    assert PUBLIC in text


def test_search_hits_mark_private_objectives_with_the_same_marker(world, client_for):
    html = client_for(world["admin"]).get(url("search", world["org"]) + "?q=quest").content
    hits = [li for li in html.decode().split("<li") if PRIVATE_SIDE in li]
    assert hits and all(MARKER in li for li in hits)  # the objective and its key result
    public = client_for(world["admin"]).get(url("search", world["org"]) + "?q=team goal")
    (hit,) = [li for li in public.content.decode().split("<li") if PUBLIC in li]
    assert MARKER not in hit
