"""Unit pickers (objective unit, alignment filter, member unit, invitation unit, unit parent):
a native select in small organizations, an htmx autocomplete backed by the organization's
unit search otherwise; an id or an exact name validates within the organization only."""

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.fields import UnitChoiceField, unit_choices
from accounts.forms import InviteForm, MemberForm, UnitForm
from okrs.forms.planning import AlignmentFilterForm
from tests.builders import person
from tests.factories import OrgUnitFactory

pytestmark = pytest.mark.django_db


def search_url(org):
    return reverse("orgchart:unit_search", kwargs={"org_slug": org.slug})


class PickForm(forms.Form):
    unit = UnitChoiceField(queryset=None, required=False, label="Unit")

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_choices(organization)


@pytest.fixture
def units(org):
    return [
        OrgUnitFactory(organization=org, name="Platform", kind="team"),
        OrgUnitFactory(organization=org, name="Payments", kind="team"),
        OrgUnitFactory(organization=org, name="Engineering", kind="department"),
    ]


def test_search_returns_an_option_fragment_of_this_organizations_units(
    org, other_org, units, client_for
):
    OrgUnitFactory(organization=other_org, name="Platform Elsewhere")
    client = client_for(person(org))
    html = client.get(
        search_url(org), {"q": "pla", "field": "id_unit"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in html and 'role="option"' in html
    assert f'id="id_unit-opt-{units[0].pk}"' in html and f'data-value="{units[0].pk}"' in html
    assert 'data-label="Platform"' in html
    assert "Elsewhere" not in html and "Payments" not in html
    none = client.get(search_url(org), {"q": "zzz"}, HTTP_HX_REQUEST="true").content.decode()
    assert "No unit matches" in none and 'aria-disabled="true"' in none


def test_search_without_htmx_is_a_page_of_links_and_junk_is_harmless(org, units, client_for):
    client = client_for(person(org))
    page = client.get(search_url(org), {"q": "pay"}).content.decode()
    assert "<html" in page and "Payments" in page
    link = reverse("okrs:unit_detail", kwargs={"org_slug": org.slug, "unit_id": units[1].pk})
    assert link in page
    for params in ({"field": '"><script>x</script>'}, {"q": "x" * 5000}):
        response = client.get(search_url(org), params, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        assert "<script>x" not in response.content.decode()


def test_search_is_404_for_outsiders(org, units, outsider_membership, client_for):
    assert client_for(outsider_membership).get(search_url(org), {"q": "a"}).status_code == 404


def test_search_query_count_does_not_grow_with_the_company(org, units, client_for):
    client = client_for(person(org))

    def count():
        with CaptureQueriesContext(connection) as ctx:
            client.get(search_url(org), {"q": "a"}, HTTP_HX_REQUEST="true")
        return len(ctx.captured_queries)

    small = count()
    for i in range(30):
        OrgUnitFactory(organization=org, name=f"Area {i:02d}")
    assert count() == small


def test_small_organizations_get_a_native_select(org, units):
    html = str(PickForm(organization=org, initial={"unit": units[1].pk})["unit"])
    assert html.startswith("<select") and 'role="combobox"' not in html
    assert f'<option value="{units[1].pk}" selected>' in html


def test_bigger_organizations_get_an_autocomplete_in_every_unit_form(org, units, settings):
    settings.CAIRN_PEOPLE_SELECT_MAX = 2
    member = person(org)
    forms_with_units = [
        (PickForm(organization=org, initial={"unit": units[1].pk}), "unit"),
        (InviteForm(organization=org), "unit"),
        (MemberForm(organization=org, member=member), "unit"),
        (UnitForm(organization=org), "parent"),
        (AlignmentFilterForm(units=unit_choices(org), members=None), "unit"),
    ]
    for form, name in forms_with_units:
        html = str(form[name])
        assert "<select" not in html and 'role="combobox"' in html, type(form)
        assert f'hx-get="{search_url(org)}?field=id_{name}"' in html
    picked = str(forms_with_units[0][0]["unit"])
    assert 'value="Payments"' in picked  # the text box shows the chosen unit's name


def test_one_query_renders_a_picker_whatever_the_size(org, units, settings):
    for i in range(10):
        OrgUnitFactory(organization=org, name=f"Extra {i}")
    for threshold in (50, 3):
        settings.CAIRN_PEOPLE_SELECT_MAX = threshold
        form = PickForm(organization=org, initial={"unit": units[0].pk})
        with CaptureQueriesContext(connection) as ctx:
            str(form["unit"])
        assert len(ctx.captured_queries) == 1


@pytest.mark.parametrize("given", ["{pk}", "Payments", "payments", "  PAYMENTS "])
def test_the_field_takes_an_id_or_an_exact_name(org, units, given):
    form = PickForm({"unit": given.format(pk=units[1].pk)}, organization=org)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["unit"] == units[1]


def test_foreign_or_unknown_units_are_not_a_valid_choice(org, other_org, units):
    foreign = OrgUnitFactory(organization=other_org, name="Elsewhere")
    OrgUnitFactory(organization=org, name="Platform", parent=units[2])  # a second "Platform"
    for given in (foreign.pk, "Elsewhere", "Pay", "Platform", "9" * 30, "x\x00"):
        form = PickForm({"unit": given}, organization=org)
        assert not form.is_valid(), given
        assert "valid choice" in str(form.errors["unit"])
    assert PickForm({"unit": ""}, organization=org).is_valid()
