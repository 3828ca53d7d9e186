"""The time zone picker by keyboard: type a city in its search box, Enter picks it, save."""

import pytest
from playwright.sync_api import expect

from accounts.models import Organization
from tests.builders import person
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_admin_finds_a_time_zone_by_typing_a_city(live_server, login, page):
    org = OrganizationFactory(slug="tz-pick")
    admin = person(org, role="admin", email="admin@tz.example")
    login(admin.user.email)
    page.goto(f"{live_server.url}/o/tz-pick/people/settings/")
    search = page.get_by_role("searchbox", name="Search time zones")
    expect(search).to_be_visible()  # shown by the script; the select alone works without it
    search.fill("kolk")
    expect(page.get_by_role("status").filter(has_text="1 match")).to_be_visible()
    search.press("Enter")  # picks the match, does not submit the form
    select = page.get_by_role("combobox", name="Time zone")
    expect(select).to_have_value("Asia/Kolkata")
    assert page.locator("#id_timezone option:not([hidden])").count() == 1
    page.get_by_role("button", name="Save settings").click()
    page.wait_for_load_state("networkidle")
    assert Organization.objects.get(pk=org.pk).timezone == "Asia/Kolkata"
