"""The organization's time zone picker (issue 17, item 9): current IANA names only, grouped by
region, searchable — and a stored old alias still saves."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Organization
from accounts.rules import timezones
from tests.web.html_forms import form_values

pytestmark = pytest.mark.django_db


def settings_url(org):
    return reverse("orgchart:settings", kwargs={"org_slug": org.slug})


def test_only_current_names_grouped_by_region(org, admin_membership, client_for):
    html = client_for(admin_membership).get(settings_url(org)).content.decode()
    for current in ("America/New_York", "Europe/Berlin", "Asia/Kolkata", "Europe/Kyiv", "UTC"):
        assert f'value="{current}"' in html, current
    for alias in ("US/Eastern", "Asia/Calcutta", "Europe/Kiev", "GB", "EST5EDT", "Etc/GMT+5"):
        assert f'value="{alias}"' not in html, alias
    assert '<optgroup label="Europe">' in html and '<optgroup label="America">' in html
    assert "Berlin · UTC+0" in html  # a place and its offset, not a raw code
    assert 'data-select-filter="id_timezone"' in html and 'aria-label="Search time zones"' in html
    assert len(timezones.current_zone_names()) > 300  # the whole world, once each


def test_a_stored_old_alias_stays_selectable_so_other_settings_still_save(
    org, admin_membership, client_for
):
    Organization.objects.filter(pk=org.pk).update(timezone="US/Eastern")
    client = client_for(admin_membership)
    page = client.get(settings_url(org)).content.decode()
    assert "US/Eastern (an old name: pick its place)" in page
    data = form_values(page, field="timezone")
    assert data["timezone"] == "US/Eastern"
    data["checkin_hour"] = "10"
    assert client.post(settings_url(org), data).status_code == 302
    org.refresh_from_db()
    assert (org.timezone, org.checkin_hour) == ("US/Eastern", 10)
    data["timezone"] = "America/New_York"
    assert client.post(settings_url(org), data).status_code == 302
    org.refresh_from_db()
    assert org.timezone == "America/New_York"
