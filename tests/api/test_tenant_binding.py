"""The organization is bound once, before the handler, by `OrganizationEndpoint`."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.api.base import OrganizationEndpoint
from tests import factories
from tests.api.conftest import assert_problem


def _api_org_views(patterns=None, prefix=""):
    """(route, view class) for every DRF route below /api/v1/orgs/<org_slug>/."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _api_org_views(entry.url_patterns, route)
        elif isinstance(entry, URLPattern) and "<slug:org_slug>" in route:
            view_class = getattr(entry.callback, "cls", None)
            if view_class is not None and route.startswith("api/v1/"):
                yield route, view_class


def test_every_org_scoped_api_view_binds_the_organization_the_same_way():
    views = list(_api_org_views())
    assert len(views) > 10  # the walk found the routers
    unbound = [route for route, cls in views if not issubclass(cls, OrganizationEndpoint)]
    assert unbound == []


@pytest.mark.parametrize("path", ["objectives/", "members/", "cycles/"])
def test_anonymous_caller_is_401_whatever_the_slug(chart, api_client, path):
    for slug in (chart.org.slug, "nope"):
        response = api_client.get(f"/api/v1/orgs/{slug}/{path}")
        assert_problem(response, 401)
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_foreign_slug_inactive_membership_and_unknown_slug_answer_the_same_404(
    chart, other_org, token_client
):
    factories.MembershipFactory(organization=other_org, is_active=False, user=chart.owner.user)
    client = token_client(chart.owner)
    bodies = [
        assert_problem(client.get(f"/api/v1/orgs/{slug}/objectives/"), 404)
        for slug in (other_org.slug, "nope")
    ]
    chart.owner.is_active = False
    chart.owner.save()
    bodies.append(assert_problem(client.get(chart.url("objectives/")), 404))
    assert bodies[0] == bodies[1] == bodies[2]


def test_the_tenant_is_bound_before_throttling(chart, outsider_membership, token_client, settings):
    """A slug the caller is not in answers 404 before any throttle or permission runs."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "2/minute", "token_obtain": "2/minute"},
    }
    client = token_client(outsider_membership)
    for _ in range(4):
        assert_problem(client.get(chart.url("objectives/")), 404)
