"""The Django admin pages for accounts models load and search."""

import pytest
from django.urls import reverse

from accounts.models import ApiToken, hash_token
from tests import factories


@pytest.fixture
def staff_client(client, db):
    user = factories.UserFactory(email="root@example.com")
    user.is_staff = user.is_superuser = True
    user.save()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "model", ["user", "organization", "membership", "orgunit", "invitation", "apitoken"]
)
def test_admin_changelists_load_with_search(staff_client, org, member_membership, model):
    factories.OrgUnitFactory(organization=org)
    factories.InvitationFactory(organization=org)
    ApiToken.objects.create(
        user=member_membership.user, name="ci", prefix="abc", key_hash=hash_token("x")
    )
    url = reverse(f"admin:accounts_{model}_changelist")
    assert staff_client.get(url).status_code == 200
    assert staff_client.get(url + "?q=acme").status_code == 200


def test_admin_add_user_form_uses_email(staff_client):
    html = staff_client.get(reverse("admin:accounts_user_add")).content.decode()
    assert 'name="email"' in html and 'name="username"' not in html


def test_api_token_hash_is_read_only(staff_client, member_membership):
    token = ApiToken.objects.create(
        user=member_membership.user, name="ci", prefix="abc", key_hash=hash_token("x")
    )
    html = staff_client.get(reverse("admin:accounts_apitoken_change", args=[token.pk])).content
    assert b'name="key_hash"' not in html
