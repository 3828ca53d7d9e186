"""People pickers: a native select in small organizations, an htmx autocomplete backed by the
organization's people search otherwise; ids, emails and "Name (email)" all validate within
the organization only."""

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.fields import MemberChoiceField, MembersChoiceField
from accounts.models import Membership
from tests.builders import person

pytestmark = pytest.mark.django_db


def search_url(org):
    return reverse("orgchart:people_search", kwargs={"org_slug": org.slug})


class PickForm(forms.Form):
    owner = MemberChoiceField(queryset=None, label="Owner")
    contributors = MembersChoiceField(queryset=None, required=False, label="Contributors")

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        members = Membership.objects.filter(organization=organization, is_active=True)
        self.fields["owner"].queryset = members.order_by("user__full_name", "user__email")
        self.fields["contributors"].queryset = members


@pytest.fixture
def people(org):
    return [
        person(org, email="ada@acme-test.example", name="Ada Lovelace"),
        person(org, email="alan@acme-test.example", name="Alan Turing"),
        person(org, email="grace@acme-test.example", name="Grace Hopper", title="Admiral"),
    ]


def test_search_returns_an_option_fragment_of_this_organizations_active_people(
    org, other_org, people, client_for
):
    person(other_org, email="ada@other-co.example", name="Ada Elsewhere")
    gone = person(org, email="ada.gone@acme-test.example", name="Ada Gone")
    gone.is_active = False
    gone.save()
    client = client_for(people[1])
    response = client.get(
        search_url(org), {"q": "ada", "field": "id_owner"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert f'id="id_owner-opt-{people[0].pk}"' in html and 'role="option"' in html
    assert f'data-value="{people[0].pk}"' in html and "Ada Lovelace (ada@acme-test.example)" in html
    assert "Elsewhere" not in html and "Ada Gone" not in html
    by_title = client.get(
        search_url(org), {"q": "admiral"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Grace Hopper" in by_title
    none = client.get(search_url(org), {"q": "zzz"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Nobody matches" in none and 'aria-disabled="true"' in none


def test_search_without_htmx_is_a_page_and_junk_is_harmless(org, people, client_for):
    client = client_for(people[0])
    page = client.get(search_url(org), {"q": "alan"}).content.decode()
    assert "<html" in page and "Alan Turing" in page
    for params in ({"field": '"><script>x</script>'}, {"q": "x" * 5000}, {"q": "\x00"}):
        response = client.get(search_url(org), params, HTTP_HX_REQUEST="true")
        assert response.status_code in (200, 400)  # a NUL byte is refused before any view
        assert "<script>x" not in response.content.decode()


def test_search_is_404_for_outsiders(org, people, outsider_membership, client_for):
    assert client_for(outsider_membership).get(search_url(org), {"q": "a"}).status_code == 404


def test_search_query_count_does_not_grow_with_the_company(org, people, client_for):
    client = client_for(people[0])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            client.get(search_url(org), {"q": "a"}, HTTP_HX_REQUEST="true")
        return len(ctx.captured_queries)

    small = count()
    for i in range(40):
        person(org, name=f"Anna {i:02d}")
    assert count() == small


def test_small_organizations_get_a_native_select(org, people):
    html = str(PickForm(organization=org, initial={"owner": people[1].pk})["owner"])
    assert html.startswith("<select") and 'role="combobox"' not in html
    assert f'<option value="{people[1].pk}" selected>' in html


def test_bigger_organizations_get_an_accessible_autocomplete(org, people, settings):
    settings.CAIRN_PEOPLE_SELECT_MAX = 2
    form = PickForm(organization=org, initial={"owner": people[1].pk, "contributors": [people[2]]})
    owner = str(form["owner"])
    assert "<select" not in owner
    assert 'role="combobox"' in owner and 'aria-controls="id_owner-listbox"' in owner
    assert 'aria-expanded="false"' in owner and 'role="listbox"' in owner
    assert f'hx-get="{search_url(org)}?field=id_owner"' in owner
    assert 'value="Alan Turing (alan@acme-test.example)"' in owner  # the text box
    assert f'value="{people[1].pk}" data-combobox-value disabled' in owner  # enabled by JS
    contributors = str(form["contributors"])
    assert f'type="checkbox" name="contributors" value="{people[2].pk}" checked' in contributors


def test_one_query_renders_a_picker_whatever_the_size(org, people, settings):
    for i in range(10):
        person(org, name=f"Extra {i}")
    for threshold in (50, 3):
        settings.CAIRN_PEOPLE_SELECT_MAX = threshold
        form = PickForm(organization=org, initial={"owner": people[0].pk})
        with CaptureQueriesContext(connection) as ctx:
            str(form["owner"])
        assert len(ctx.captured_queries) == 1


@pytest.mark.parametrize(
    "given",
    ["{pk}", "alan@acme-test.example", "ALAN@acme-test.example", "Alan T (alan@acme-test.example)"],
)
def test_the_field_takes_an_id_an_email_or_what_the_text_box_shows(org, people, given):
    form = PickForm({"owner": given.format(pk=people[1].pk)}, organization=org)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["owner"] == people[1]


def test_contributors_take_ids_and_comma_separated_emails(org, people):
    data = {
        "owner": people[0].pk,
        "contributors": [str(people[1].pk), "grace@acme-test.example, ada@acme-test.example"],
    }
    form = PickForm(data, organization=org)
    assert form.is_valid(), form.errors
    assert set(form.cleaned_data["contributors"]) == set(people)


def test_foreign_or_unknown_people_are_not_a_valid_choice(org, other_org, people):
    foreign = person(other_org, email="eve@other-co.example")
    for owner in (foreign.pk, "eve@other-co.example", "nobody@acme-test.example", "junk", "9" * 30):
        form = PickForm({"owner": owner}, organization=org)
        assert not form.is_valid()
        assert "valid choice" in str(form.errors["owner"])
    for contributors in ([str(foreign.pk)], ["eve@other-co.example"], ["nope"]):
        form = PickForm({"owner": people[0].pk, "contributors": contributors}, organization=org)
        assert not form.is_valid() and "valid choice" in str(form.errors["contributors"])


def test_api_members_search(org, people, client_for):
    client = client_for(people[0])
    body = client.get(f"/api/v1/orgs/{org.slug}/members/", {"search": "hopper"}).json()
    assert [m["id"] for m in body["results"]] == [people[2].pk]
    everyone = client.get(f"/api/v1/orgs/{org.slug}/members/", {"search": " "}).json()
    assert everyone["count"] == 3
