import pytest


@pytest.mark.django_db
def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_login_page_renders(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b"Log in to Cairn" in response.content


def test_member_reaches_own_org_and_outsider_gets_404(
    client_for, member_membership, outsider_membership, client
):
    url = f"/o/{member_membership.organization.slug}/"
    assert client_for(member_membership).get(url).status_code == 200
    client.logout()
    assert client_for(outsider_membership).get(url).status_code == 404
