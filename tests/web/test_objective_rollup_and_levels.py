"""The objective form: the roll-up choice ("Progress comes from") and only the levels the
policy lets the member create (issue 11, items 1 and 6)."""

import pytest
from django.urls import reverse

from accounts.models import Membership, OrgUnit
from okrs.models import Objective
from tests.builders import person
from tests.web.html_forms import form_values
from tests.web.test_work_support import build_cascade

pytestmark = pytest.mark.django_db


def u(name, org, **kwargs):
    return reverse(f"okrs:{name}", kwargs={"org_slug": org.slug, **kwargs})


def _post(c, **overrides):
    data = {
        "title": "Cut build times",
        "description": "",
        "cycle": c.cycle.pk,
        "level": "individual",
        "unit": c.unit.pk,
        "owner": c.owner.pk,
        "parent": c.team.pk,
        "visibility": "public",
    }
    return {**data, **overrides}


def _levels(response):
    return [value for value, _label in response.context["form"].fields["level"].choices]


def test_create_sets_the_chosen_rollup_or_the_level_default(org, client_for):
    c = build_cascade(org)
    client = client_for(c.owner)
    assert client.post(u("objective_create", org), _post(c, rollup="both")).status_code == 302
    assert Objective.objects.get(title="Cut build times").rollup == "both"
    assert client.post(u("objective_create", org), _post(c, title="Plain")).status_code == 302
    assert Objective.objects.get(title="Plain").rollup == "key_results"


def test_new_form_leaves_the_rollup_to_the_level_and_says_what_each_level_gets(org, client_for):
    c = build_cascade(org)
    html = client_for(c.owner).get(u("objective_create", org))
    # "Depends on the level" is preselected: the empty value.
    assert form_values(html.content.decode(), field="title")["rollup"] == ""
    text = html.content.decode()
    assert "Progress comes from" in text and "Depends on the level" in text
    assert "company and department objectives get “Both: key results and aligned" in text


def test_a_company_objective_made_from_new_objective_rolls_up_both(org, client_for):
    """An executive opens "New objective" (it starts at the individual level), picks Company
    and creates: the roll-up is the company default, not the starting level's."""
    c = build_cascade(org)
    client = client_for(c.ceo)
    page = client.get(u("objective_create", org))
    assert page.context["form"].initial["level"] == "individual"
    data = form_values(page.content.decode(), field="title")
    data.update(title="Grow revenue", level="company", unit="", parent="")
    response = client.post(u("objective_create", org), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Objective.objects.get(title="Grow revenue").rollup == "both"
    # Chosen explicitly, a roll-up is kept whatever the level.
    data.update(title="Own KRs only", rollup="key_results")
    assert client.post(u("objective_create", org), data).status_code == 302
    assert Objective.objects.get(title="Own KRs only").rollup == "key_results"


def test_edit_changes_the_rollup_and_the_page_says_it(org, client_for):
    c = build_cascade(org)
    client = client_for(c.lead)
    url = u("objective_edit", org, objective_id=c.team.pk)
    form = client.get(url).context["form"]
    data = {k: v.pk if hasattr(v, "pk") else v for k, v in form.initial.items() if v is not None}
    data.update(rollup="both", status_override="")
    assert client.post(url, data).status_code == 302
    assert Objective.objects.get(pk=c.team.pk).rollup == "both"
    html = client.get(u("objective_detail", org, objective_id=c.team.pk)).content.decode()
    assert "Progress comes from" in html
    assert "Its key results and aligned objectives" in html


@pytest.mark.parametrize("value", ["galaxy", "both\x00", "x" * 5000])
def test_an_invalid_rollup_is_a_form_error(org, client_for, value):
    c = build_cascade(org)
    response = client_for(c.owner).post(u("objective_create", org), _post(c, rollup=value))
    assert response.status_code == 422
    assert "rollup" in response.context["form"].errors
    assert not Objective.objects.filter(title="Cut build times").exists()


def test_a_plain_member_is_not_offered_the_company_level(org, client_for):
    c = build_cascade(org)
    for member in (c.owner, c.contributor, c.bystander):
        response = client_for(member).get(u("objective_create", org))
        assert _levels(response) == ["individual"]
        assert 'value="company"' not in response.content.decode()


def test_a_unit_lead_is_offered_team_levels_and_an_executive_company(org, client_for):
    c = build_cascade(org)
    assert "company" not in _levels(client_for(c.lead).get(u("objective_create", org)))
    assert "team" in _levels(client_for(c.lead).get(u("objective_create", org)))
    exec_levels = _levels(client_for(c.ceo).get(u("objective_create", org)))
    assert exec_levels == ["company", "department", "team", "individual"]


def test_add_aligned_from_a_company_objective_preselects_what_they_may_create(org, client_for):
    c = build_cascade(org)
    query = f"?parent={c.company.pk}"
    member = client_for(c.bystander).get(u("objective_create", org) + query)
    assert member.context["form"].initial["level"] == "individual"
    assert member.context["form"].initial["parent"] == c.company
    lead = client_for(c.lead).get(u("objective_create", org) + query)
    # A unit lead may create department/team objectives in their unit: the level below stays.
    assert lead.context["form"].initial["level"] == "department"
    forced = client_for(c.owner).get(u("objective_create", org) + "?level=company")
    assert forced.context["form"].initial["level"] == "individual"
    assert forced.context["form"].initial["unit"] == c.owner.unit


def test_editing_keeps_a_level_the_editor_could_not_create(org, client_for):
    c = build_cascade(org)
    c.company.owner = c.owner  # an owner who is not an executive may still edit it
    c.company.save()
    client = client_for(c.owner)
    url = u("objective_edit", org, objective_id=c.company.pk)
    response = client.get(url)
    assert "company" in _levels(response) and "department" not in _levels(response)


def _owners(response) -> list:
    return list(response.context["form"].fields["owner"].queryset)


def test_a_plain_member_is_offered_only_the_owners_the_policy_allows(org, client_for):
    """A member without a unit to lead creates individual objectives for themselves and
    their direct reports only: the owner list offers exactly those, not the whole company,
    and anyone else is refused in place (not by the service after the fact)."""
    c = build_cascade(org)
    report = person(org, email="report@t.example", reports_to=c.bystander)
    others = [person(org, email=f"other{n}@t.example") for n in range(5)]
    response = client_for(c.bystander).get(u("objective_create", org))
    assert set(_owners(response)) == {c.bystander, report}
    html = response.content.decode()
    assert "other0@t.example" not in html and c.ceo.user.email not in html
    post = client_for(c.bystander).post(
        u("objective_create", org),
        _post(c, owner=others[0].pk, unit="", parent="", level="individual"),
    )
    assert post.status_code == 422
    assert "owner" in post.context["form"].errors
    assert not Objective.objects.filter(title="Cut build times").exists()
    # A unit lead (department or team objectives take any owner) and an executive: everyone.
    everyone = set(Membership.objects.filter(organization=org, is_active=True))
    assert set(_owners(client_for(c.lead).get(u("objective_create", org)))) == everyone
    assert set(_owners(client_for(c.ceo).get(u("objective_create", org)))) == everyone


def test_the_owner_choices_are_the_create_rule_applied_in_sql(org):
    """For every member as viewer and every member as owner: offered exactly when the create
    rule allows that owner at some level in some unit (or nowhere at all)."""
    from okrs.rules import policy
    from okrs.selectors.people import objective_owner_choices

    c = build_cascade(org)
    person(org, email="report@t.example", reports_to=c.owner)
    members = list(Membership.objects.filter(organization=org, is_active=True))
    units = [None, *OrgUnit.objects.filter(organization=org)]
    for viewer in members:
        offered = set(objective_owner_choices(organization=org, viewer=viewer))
        for owner in members:
            allowed = any(
                policy.can_create_objective(viewer, level=level, unit=unit, owner=owner)
                for level in policy.LEVELS_TOP_DOWN
                for unit in units
            )
            assert (owner in offered) == allowed, (viewer, owner)
