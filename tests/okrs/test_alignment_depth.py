"""Alignment chains have a depth cap (the service), and every tree is built without recursion:
a 60-deep chain written around the service still renders everywhere (it used to answer 500,
RecursionError, for everyone)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from okrs import services
from okrs.models import Level, Objective
from okrs.selectors import MAX_ALIGNMENT_DEPTH
from tests.okrs.test_selectors import make_deep_chain


def _individual(world, parent, title="Next link"):
    return services.create_objective(
        organization=world.org, actor=world.owner, cycle=world.cycle, level=Level.INDIVIDUAL,
        title=title, owner=world.owner, parent=parent,
    )  # fmt: skip


def _service_chain(world, n):
    parent, chain = None, []
    for i in range(n):
        parent = _individual(world, parent, f"Level {i + 1}")
        chain.append(parent)
    return chain


def test_the_service_refuses_the_level_below_the_cap(world):
    chain = _service_chain(world, MAX_ALIGNMENT_DEPTH)
    with pytest.raises(ValidationError) as refused:
        _individual(world, chain[-1])
    assert f"at most {MAX_ALIGNMENT_DEPTH} levels" in str(refused.value.message_dict["parent"])
    assert Objective.objects.filter(organization=world.org).count() == MAX_ALIGNMENT_DEPTH


def test_re_parenting_counts_the_subtree_that_moves_along(world):
    top = _service_chain(world, 5)
    bottom = _service_chain(world, 4)  # a separate chain of 4
    with pytest.raises(ValidationError):  # 5 + 4 = 9 levels
        services.update_objective(objective=bottom[0], actor=world.owner, parent=top[-1])
    moved = services.update_objective(objective=bottom[0], actor=world.owner, parent=top[-2])
    assert moved.parent_id == top[-2].pk  # 4 + 4 = 8: allowed


def test_editing_a_too_deep_row_made_in_sql_without_moving_it_still_works(world):
    chain = make_deep_chain(world, 12)
    edited = services.update_objective(objective=chain[-1], actor=world.owner, title="Renamed")
    assert edited.title == "Renamed"


def test_web_form_and_api_show_a_clear_error(world, client):
    chain = _service_chain(world, MAX_ALIGNMENT_DEPTH)
    client.force_login(world.owner.user)
    data = {
        "title": "One too deep", "description": "", "cycle": world.cycle.pk,
        "level": "individual", "unit": world.platform.pk, "owner": world.owner.pk,
        "parent": chain[-1].pk, "visibility": "public",
    }  # fmt: skip
    page = client.post(reverse("okrs:objective_create", args=[world.org.slug]), data)
    assert page.status_code == 422
    assert f"at most {MAX_ALIGNMENT_DEPTH} levels" in page.content.decode()
    api = client.post(
        f"/api/v1/orgs/{world.org.slug}/objectives/",
        {**data, "unit": None},
        content_type="application/json",
    )
    assert api.status_code == 400 and api["Content-Type"].startswith("application/problem+json")
    assert "parent" in api.json()["errors"]


def test_a_60_deep_chain_made_in_sql_renders_everywhere(world, client):
    chain = make_deep_chain(world, 60)
    slug = world.org.slug
    client.force_login(world.bystander.user)
    alignment = reverse("okrs:alignment", args=[slug, world.cycle.pk])
    expanded = client.get(alignment, {"expand": "all"})
    assert expanded.status_code == 200
    html = expanded.content.decode()
    assert "Link 59" in html and html.count("<ul") == html.count("</ul>")
    assert client.get(alignment).status_code == 200
    for link in (chain[0], chain[30], chain[58]):
        children = reverse("okrs:alignment_children", args=[slug, link.pk])
        assert client.get(children, HTTP_HX_REQUEST="true").status_code == 200
        assert client.get(children).status_code == 200
        detail = reverse("okrs:objective_detail", args=[slug, link.pk])
        assert client.get(detail).status_code == 200
    api = f"/api/v1/orgs/{slug}/cycles/{world.cycle.pk}/alignment/"
    assert client.get(api, {"depth": 3}).status_code == 200
    assert client.get(api, {"parent": chain[40].pk, "depth": 3}).status_code == 200
