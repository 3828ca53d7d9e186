"""Invite several people in a real browser: paste a CSV, preview, send. The preview carries the
list in a hidden field, so this checks that the browser posts it back unchanged (line breaks,
quotes) and the plan still matches."""

import pytest
from django.core import mail

from accounts.models import Invitation, Role
from tests import factories
from tests.builders import person

pytestmark = pytest.mark.django_db(transaction=True)


def test_admin_pastes_a_csv_previews_and_sends(live_server, login, page, screenshot):
    org = factories.OrganizationFactory(slug="bulk-co", name="Bulk Co")
    person(org, role=Role.ADMIN, email="admin@bulk.example")
    factories.OrgUnitFactory(organization=org, name="Sales")
    person(org, email="already@bulk.example")
    login("admin@bulk.example")
    page.goto(f"{live_server.url}/o/bulk-co/people/invitations/")
    page.get_by_role("link", name="Invite several people").click()
    page.get_by_label("Addresses").fill(
        'name,email,unit,role\n"Doe, Jane",jane@bulk.example,sales,OKR champion\n'
        "Al,already@bulk.example,,\nBad,not-an-address,,\n"
    )
    page.get_by_role("button", name="Preview").click()
    status = page.get_by_role("status")
    assert "1 to invite, 1 already a member, 1 invalid" in status.inner_text()
    assert page.get_by_role("cell", name="Invalid: not an email address").is_visible()
    screenshot(page, "invite-several-preview")
    page.get_by_role("button", name="Send 1 invitation").click()
    assert "1 invitation sent." in page.get_by_text("invitation sent").inner_text()
    invitation = Invitation.objects.get(organization=org, email="jane@bulk.example")
    assert (invitation.name, invitation.role, invitation.unit.name) == (
        "Doe, Jane",
        Role.CHAMPION,
        "Sales",
    )
    assert [m.to for m in mail.outbox] == [["jane@bulk.example"]]
