import pytest

from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def test_member_logs_in_and_lands_on_my_okrs(login, page):
    org = factories.OrganizationFactory(slug="browser-co", name="Browser Co")
    user = factories.UserFactory(email="owner@browser.example")
    factories.MembershipFactory(organization=org, user=user)
    login("owner@browser.example")
    assert page.url.endswith("/o/browser-co/")
    assert page.get_by_role("heading", name="My OKRs").is_visible()


def test_wrong_password_shows_error_in_page(login, page):
    factories.UserFactory(email="someone@browser.example")
    login("someone@browser.example", password="nope")
    assert page.get_by_role("alert").is_visible()
