"""The "Aligned to" picker: a native select for a small cycle, else an htmx autocomplete over
the objectives the member may see (never a private one they may not open)."""

import pytest
from django.urls import reverse

from okrs.forms import ObjectiveForm
from tests import factories
from tests.web.test_planning_support import build_company, cascade, private_team_objective

pytestmark = pytest.mark.django_db


def search(org):
    return reverse("okrs:objective_search", kwargs={"org_slug": org.slug})


def test_search_lists_visible_objectives_of_the_cycle_only(client_for, member_membership, org):
    company = build_company(org)
    top, dept, team = cascade(company, owner_company=member_membership)
    private_team_objective(company, "Secret platform plan")
    other_cycle = factories.CycleFactory(organization=org, name="Later")
    factories.ObjectiveFactory(organization=org, cycle=other_cycle, title="Platform later")
    client = client_for(member_membership)
    html = client.get(
        search(org), {"q": "plat", "cycle": company.cycle.pk, "field": "id_parent"},
        HTTP_HX_REQUEST="true",
    ).content.decode()  # fmt: skip
    assert f'id="id_parent-opt-{dept.pk}"' in html and "Ship the platform (Department)" in html
    assert "Secret platform plan" not in html and "Platform later" not in html
    page = client.get(search(org), {"q": "secret"}).content.decode()
    assert "<html" in page and "Secret platform plan" not in page


def test_search_is_404_for_outsiders(client_for, outsider_membership, org):
    assert client_for(outsider_membership).get(search(org), {"q": "a"}).status_code == 404


def test_a_bigger_cycle_gets_the_autocomplete_and_titles_validate(org, settings):
    settings.CAIRN_PEOPLE_SELECT_MAX = 2
    company = build_company(org)
    top, dept, team = cascade(company, owner_company=company.head)
    secret = private_team_objective(company, "Secret plan")
    viewer = company.member
    form = ObjectiveForm(organization=org, viewer=viewer, initial={"cycle": company.cycle.pk})
    html = str(form["parent"])
    assert 'role="combobox"' in html and 'hx-include="[name=cycle]"' in html
    assert f'hx-get="{search(org)}?field=id_parent"' in html

    def parent_for(value):
        data = {
            "title": "New", "cycle": company.cycle.pk, "level": "individual",
            "unit": company.team.pk,
            "owner": viewer.pk, "parent": value, "visibility": "public",
        }  # fmt: skip
        bound = ObjectiveForm(data, organization=org, viewer=viewer)
        return bound.cleaned_data.get("parent") if bound.is_valid() else bound.errors

    assert parent_for(str(dept.pk)) == dept
    assert parent_for("Ship the platform (Department)") == dept  # what the text box shows
    assert parent_for("ship the platform") == dept
    for refused in (str(secret.pk), "Secret plan", "No such objective"):
        assert "valid choice" in str(parent_for(refused)["parent"])
