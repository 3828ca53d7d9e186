"""Company overview and cycle management pages."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from okrs.models import Cycle
from tests import factories
from tests.web.html_forms import form_values

pytestmark = pytest.mark.django_db


def url(name, org, **kwargs):
    return reverse(f"okrs:{name}", kwargs={"org_slug": org.slug, **kwargs})


def test_overview_lists_company_objectives_with_progress_and_kr_count(
    client_for, member_membership, org
):
    cycle = factories.CycleFactory(organization=org, name="Q1 2027")
    objective = factories.ObjectiveFactory(
        organization=org, cycle=cycle, title="Delight customers", progress=0.4
    )
    factories.KeyResultFactory.create_batch(2, organization=org, objective=objective)
    response = client_for(member_membership).get(url("cycle_overview_current", org))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Delight customers" in html and "Q1 2027" in html
    assert 'aria-valuenow="40"' in html
    assert 'class="hide-sm">2</td>' in html


def test_overview_empty_state_invites_executive_to_add_first_objective(
    client_for, executive_membership, org
):
    cycle = factories.CycleFactory(organization=org)
    html = client_for(executive_membership).get(url("cycle_overview", org, cycle_id=cycle.pk))
    text = html.content.decode()
    assert "No objectives yet" in text
    assert "Add the first company objective" in text
    assert f"level=company&amp;cycle={cycle.pk}" in text


def test_overview_hides_create_link_from_members(client_for, member_membership, org):
    factories.CycleFactory(organization=org)
    text = client_for(member_membership).get(url("cycle_overview_current", org)).content.decode()
    assert "Add the first company objective" not in text
    assert "Executives add them" in text


def test_overview_without_any_cycle_offers_to_create_one(client_for, admin_membership, org):
    text = client_for(admin_membership).get(url("cycle_overview_current", org)).content.decode()
    assert "Create the first cycle" in text


def test_cycle_switcher_works_as_plain_get_and_as_htmx_partial(client_for, member_membership, org):
    old = factories.CycleFactory(organization=org, name="Q4 2026", status=Cycle.Status.CLOSED)
    factories.CycleFactory(organization=org, name="Q1 2027")
    factories.ObjectiveFactory(organization=org, cycle=old, title="Old goal")
    client = client_for(member_membership)
    full = client.get(url("cycle_overview_current", org), {"cycle": old.pk})
    assert "Old goal" in full.content.decode() and "<html" in full.content.decode()
    partial = client.get(
        url("cycle_overview_current", org), {"cycle": old.pk}, HTTP_HX_REQUEST="true"
    )
    assert "Old goal" in partial.content.decode()
    assert "<html" not in partial.content.decode()


def test_cycle_switcher_ignores_garbage_and_foreign_ids(
    client_for, member_membership, org, other_org
):
    foreign = factories.CycleFactory(organization=other_org, name="Secret cycle")
    factories.CycleFactory(organization=org, name="Ours")
    client = client_for(member_membership)
    for bad in ("abc", str(foreign.pk), "-1"):
        response = client.get(url("cycle_overview_current", org), {"cycle": bad})
        assert response.status_code == 200
        assert "Secret cycle" not in response.content.decode()


def test_overview_of_foreign_cycle_is_404(client_for, member_membership, org, other_org):
    foreign = factories.CycleFactory(organization=other_org)
    response = client_for(member_membership).get(url("cycle_overview", org, cycle_id=foreign.pk))
    assert response.status_code == 404


@pytest.mark.parametrize("count", [3, 30])
def test_overview_query_count_is_constant(
    client_for, member_membership, org, count, django_assert_max_num_queries
):
    cycle = factories.CycleFactory(organization=org)
    for objective in factories.ObjectiveFactory.create_batch(count, organization=org, cycle=cycle):
        factories.KeyResultFactory(organization=org, objective=objective)
    client = client_for(member_membership)
    with django_assert_max_num_queries(12):
        assert client.get(url("cycle_overview", org, cycle_id=cycle.pk)).status_code == 200


def test_executive_creates_cycle_in_planning(client_for, executive_membership, org):
    response = client_for(executive_membership).post(
        url("cycle_create", org),
        {"name": "Q2 2027", "start_date": "2027-04-01", "end_date": "2027-06-30"},
        follow=True,
    )
    assert "Cycle “Q2 2027” created" in response.content.decode()
    cycle = Cycle.objects.get(organization=org, name="Q2 2027")
    assert cycle.status == Cycle.Status.PLANNING


def test_cycle_form_rejects_end_before_start_and_garbage_dates(
    client_for, executive_membership, org
):
    client = client_for(executive_membership)
    response = client.post(
        url("cycle_create", org),
        {"name": "Bad", "start_date": "2027-04-01", "end_date": "2027-03-01"},
    )
    assert response.status_code == 200
    assert "The end date must be after the start date." in response.content.decode()
    response = client.post(
        url("cycle_create", org), {"name": "Bad", "start_date": "soon", "end_date": ""}
    )
    assert response.status_code == 200
    assert not Cycle.objects.filter(organization=org, name="Bad").exists()


def test_duplicate_cycle_name_becomes_a_field_error(client_for, admin_membership, org):
    factories.CycleFactory(organization=org, name="Q3 2027")
    response = client_for(admin_membership).post(
        url("cycle_create", org),
        {"name": "Q3 2027", "start_date": "2027-07-01", "end_date": "2027-09-30"},
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()


@pytest.mark.parametrize("role_fixture", ["member_membership", "champion_membership"])
def test_members_and_champions_cannot_create_or_edit_cycles(client_for, org, role_fixture, request):
    membership = request.getfixturevalue(role_fixture)
    cycle = factories.CycleFactory(organization=org, status=Cycle.Status.PLANNING)
    client = client_for(membership)
    data = {"name": "X", "start_date": "2027-01-01", "end_date": "2027-02-01"}
    assert client.post(url("cycle_create", org), data).status_code == 403
    assert client.post(url("cycle_edit", org, cycle_id=cycle.pk), data).status_code == 403
    client.post(url("cycle_activate", org, cycle_id=cycle.pk))
    cycle.refresh_from_db()
    assert cycle.name != "X" and cycle.status == Cycle.Status.PLANNING


def test_executive_edits_cycle_dates(client_for, executive_membership, org):
    cycle = factories.CycleFactory(organization=org, name="Q1", status=Cycle.Status.PLANNING)
    response = client_for(executive_membership).post(
        url("cycle_edit", org, cycle_id=cycle.pk),
        {"name": "Q1 renamed", "start_date": "2027-01-01", "end_date": "2027-03-31"},
    )
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.name == "Q1 renamed" and cycle.end_date == date(2027, 3, 31)


def test_activate_moves_planning_cycle_to_active(client_for, admin_membership, org):
    cycle = factories.CycleFactory(organization=org, status=Cycle.Status.PLANNING)  # started
    response = client_for(admin_membership).post(
        url("cycle_activate", org, cycle_id=cycle.pk), follow=True
    )
    assert "is now active" in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.ACTIVE


def test_activating_an_active_cycle_shows_a_message_not_an_error(client_for, admin_membership, org):
    cycle = factories.CycleFactory(organization=org, status=Cycle.Status.ACTIVE)
    response = client_for(admin_membership).post(
        url("cycle_activate", org, cycle_id=cycle.pk), follow=True
    )
    assert response.status_code == 200
    assert "Only a cycle in planning can be activated" in response.content.decode()


def test_a_get_never_activates(client_for, admin_membership, org):
    cycle = factories.CycleFactory(organization=org, status=Cycle.Status.PLANNING)
    response = client_for(admin_membership).get(url("cycle_activate", org, cycle_id=cycle.pk))
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.PLANNING


def test_activating_before_the_start_date_asks_first_and_says_check_ins_are_due_at_once(
    client_for, admin_membership, org
):
    start = date.today() + timedelta(days=12)
    cycle = factories.CycleFactory(
        organization=org, name="Q1 2031", status=Cycle.Status.PLANNING, start_date=start,
        end_date=start + timedelta(days=90),
    )  # fmt: skip
    client = client_for(admin_membership)
    listing = client.get(url("cycle_list", org)).content.decode()
    assert 'aria-label="Activate Q1 2031 before it starts">Activate…</a>' in listing
    # The list's plain POST (or a GET of the link) asks instead of activating.
    for response in (
        client.post(url("cycle_activate", org, cycle_id=cycle.pk)),
        client.get(url("cycle_activate", org, cycle_id=cycle.pk)),
    ):
        page = response.content.decode()
        assert response.status_code == 200
        assert "Activate Q1 2031 before it starts?" in page
        assert f"starts on {start:%A, %B} {start.day}, {start.year} (in 12 days)" in page
        assert "opens check-ins at once" in page and "due for a check-in from this week" in page
        assert "the reminders go out on Mondays at 09:00" in page
        cycle.refresh_from_db()
        assert cycle.status == Cycle.Status.PLANNING
    data = form_values(page, field="early")
    response = client.post(url("cycle_activate", org, cycle_id=cycle.pk), data, follow=True)
    assert "is now active" in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.ACTIVE and cycle.activated_at is not None


def test_cycle_list_shows_actions_by_role(client_for, admin_membership, member_membership, org):
    factories.CycleFactory(organization=org, name="Next", status=Cycle.Status.PLANNING)
    admin_html = client_for(admin_membership).get(url("cycle_list", org)).content.decode()
    assert "Activate Next" in admin_html and "New cycle" in admin_html
    member_html = client_for(member_membership).get(url("cycle_list", org)).content.decode()
    assert "Activate Next" not in member_html and "New cycle" not in member_html


@pytest.mark.parametrize("name", ["cycle_edit", "cycle_activate", "cycle_overview", "alignment"])
def test_foreign_cycle_ids_are_404(client_for, admin_membership, org, other_org, name):
    foreign = factories.CycleFactory(organization=other_org)
    client = client_for(admin_membership)
    method = client.post if name == "cycle_activate" else client.get
    assert method(url(name, org, cycle_id=foreign.pk)).status_code == 404


def test_outsider_gets_404_on_company_pages(client_for, outsider_membership, org):
    factories.CycleFactory(organization=org)
    client = client_for(outsider_membership)
    for name in ("cycle_overview_current", "cycle_list", "cycle_create"):
        assert client.get(url(name, org)).status_code == 404


def test_unit_lead_finds_health_link_on_company_page(client_for, member_membership, org):
    from tests.web.test_planning_support import build_company

    company = build_company(org)
    lead_html = client_for(company.lead).get(url("cycle_overview_current", org)).content.decode()
    assert url("health", org) in lead_html
    member_html = client_for(company.member).get(url("cycle_overview_current", org))
    assert url("health", org) not in member_html.content.decode()


def test_cycle_list_counts_only_the_objectives_the_reader_may_see(
    client_for, admin_membership, member_membership, org
):
    """A private objective the member may not open, and one in the trash, are not counted."""
    cycle = factories.CycleFactory(organization=org, name="Counted", status=Cycle.Status.ACTIVE)
    factories.ObjectiveFactory(organization=org, cycle=cycle, owner=admin_membership)
    factories.ObjectiveFactory(
        organization=org, cycle=cycle, owner=admin_membership, visibility="private"
    )
    trashed = factories.ObjectiveFactory(organization=org, cycle=cycle, owner=admin_membership)
    type(trashed).all_objects.filter(pk=trashed.pk).update(deleted_at=timezone.now())

    def counted(membership) -> str:
        html = client_for(membership).get(url("cycle_list", org)).content.decode()
        row = html[html.index("Counted") :]
        return row[row.index('class="hide-sm">') :].split(">", 1)[1].split("<", 1)[0]

    assert counted(member_membership) == "1"
    assert counted(admin_membership) == "2"
