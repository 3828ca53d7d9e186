"""A NUL byte (or another control character) in a URL is a 400, never a 500.

PostgreSQL text cannot hold NUL: before the middleware, each of these URLs reached a query
and answered 500 (DataError). Run with DATABASE_URL pointing at PostgreSQL to prove it there;
on SQLite the same answers are checked.
"""

import pytest

from okr_project.middleware import has_control_characters

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/invitations/%00/",
        "/accounts/invitations/abc%01def/",
        "/accounts/login/?next=%00",
        "/accounts/password-reset/?x%00=1",
    ],
)
def test_anonymous_urls_with_control_characters_are_400(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "control characters" in page and "<title>Bad request · Cairn</title>" in page


def test_member_urls_with_nul_are_400(client_for, admin_membership):
    client = client_for(admin_membership)
    slug = admin_membership.organization.slug
    for path in (
        "/accounts/switch/?org=%00",
        f"/o/{slug}/people/?q=%00",
        f"/o/{slug}/people/?q=a%00b",
        f"/o/{slug}/notifications/log/?period=%00",
        f"/o/{slug}/notifications/log/?period=2026-W01%1b",
    ):
        assert client.get(path).status_code == 400, path
        assert client.post(path).status_code == 400, path


def test_api_urls_with_nul_are_400_problem_details(client):
    response = client.get("/api/v1/orgs/%00/objectives/")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["status"] == 400


def test_tab_and_line_breaks_in_query_values_are_allowed(client_for, admin_membership):
    slug = admin_membership.organization.slug
    response = client_for(admin_membership).get(f"/o/{slug}/people/?q=a%09b%0d%0ac")
    assert response.status_code == 200


def test_the_rule():
    assert has_control_characters("/a\x00/", {})
    assert has_control_characters("/a/", {"q": ["x\x00"]})
    assert has_control_characters("/a/", {"q\t": ["x"]})  # names are one word
    assert has_control_characters("/a/", {"q": ["x\x7f"]})
    assert not has_control_characters("/a/", {"q": ["tab\there", "two\r\nlines", "é 🎯"]})
