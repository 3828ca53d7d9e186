"""Objective detail, create (with ?parent=), edit (optimistic lock), delete, comments."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from okrs import services
from okrs.models import AuditEntry, Comment, CommentMention, Objective
from tests import factories
from tests.builders import person
from tests.web.test_work_support import (
    add_krs,
    build_cascade,
)

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def u(name, org, **kwargs):
    return reverse(f"okrs:{name}", kwargs={"org_slug": org.slug, **kwargs})


def test_detail_shows_krs_parent_children_and_actions_for_editor(org, client_for):
    c = build_cascade(org, kr_count=2)
    child = factories.ObjectiveFactory(
        organization=org,
        cycle=c.cycle,
        owner=c.owner,
        level="individual",
        unit=c.unit,
        parent=c.team,
        title="My own push",
    )
    html = client_for(c.lead).get(u("objective_detail", org, objective_id=c.team.pk))
    html = html.content.decode()
    assert "Delight customers" in html and child.title in html
    assert all(kr.title in html for kr in c.krs)
    assert "Add key result" in html and "Delete…" in html
    assert f"?parent={c.team.pk}" in html  # "Add aligned objective"


def test_detail_hides_edit_actions_from_a_plain_member(org, client_for):
    c = build_cascade(org)
    html = client_for(c.bystander).get(u("objective_detail", org, objective_id=c.team.pk))
    html = html.content.decode()
    assert "Delete…" not in html and "Add key result" not in html
    assert "Post comment" in html  # anyone who can view may comment


def test_private_and_foreign_objectives_are_404(org, other_org, client_for):
    c = build_cascade(org)
    private = factories.ObjectiveFactory(
        organization=org,
        cycle=c.cycle,
        owner=c.owner,
        level="individual",
        unit=c.unit,
        visibility="private",
    )
    foreign = factories.ObjectiveFactory(organization=other_org)
    client = client_for(c.bystander)
    for objective in (private, foreign):
        for name in ("objective_detail", "objective_edit", "objective_delete"):
            assert client.get(u(name, org, objective_id=objective.pk)).status_code == 404


def _child_and_comment(c, i):
    factories.ObjectiveFactory(
        organization=c.org,
        cycle=c.cycle,
        owner=c.owner,
        level="individual",
        unit=c.unit,
        parent=c.team,
    )
    services.add_comment(actor=c.lead, body=f"note {i} @owner", objective=c.team)


def test_detail_query_count_is_constant(org, client_for):
    c = build_cascade(org, kr_count=3)
    _child_and_comment(c, 0)
    client = client_for(c.lead)
    url = u("objective_detail", org, objective_id=c.team.pk)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add_krs(c, 12)
    for i in range(1, 5):
        _child_and_comment(c, i)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_create_form_prefills_from_parent(org, client_for):
    c = build_cascade(org)
    response = client_for(c.owner).get(u("objective_create", org) + f"?parent={c.team.pk}")
    form = response.context["form"]
    assert form.initial["parent"] == c.team
    assert form.initial["level"] == "individual"
    assert form.initial["cycle"] == c.cycle


def test_create_ignores_a_foreign_parent_in_the_query(org, other_org, client_for):
    c = build_cascade(org)
    foreign = factories.ObjectiveFactory(organization=other_org)
    response = client_for(c.owner).get(u("objective_create", org) + f"?parent={foreign.pk}")
    assert response.status_code == 200
    assert "parent" not in response.context["form"].initial


def test_create_form_prefills_the_unit_from_the_query_but_never_a_foreign_one(
    org, other_org, client_for
):
    c = build_cascade(org)
    team = factories.OrgUnitFactory(organization=org, name="Prefilled team", kind="team")
    foreign = factories.OrgUnitFactory(organization=other_org)
    client = client_for(c.owner)
    ours = client.get(u("objective_create", org) + f"?level=team&unit={team.pk}")
    assert ours.context["form"].initial["unit"] == team
    theirs = client.get(u("objective_create", org) + f"?level=team&unit={foreign.pk}")
    assert theirs.status_code == 200
    assert theirs.context["form"].initial["unit"] != foreign


def _objective_post(c, **overrides):
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


def test_owner_creates_an_aligned_individual_objective(org, client_for):
    c = build_cascade(org)
    response = client_for(c.owner).post(u("objective_create", org), _objective_post(c))
    created = Objective.objects.get(title="Cut build times")
    assert response.status_code == 302
    assert response.url == u("objective_detail", org, objective_id=created.pk)
    assert created.parent == c.team and created.organization == org


def test_foreign_ids_in_the_form_are_invalid_choices(org, other_org, client_for):
    c = build_cascade(org)
    stranger = factories.MembershipFactory(organization=other_org)
    foreign_obj = factories.ObjectiveFactory(organization=other_org)
    foreign_unit = factories.OrgUnitFactory(organization=other_org)
    data = _objective_post(c, owner=stranger.pk, parent=foreign_obj.pk, unit=foreign_unit.pk)
    response = client_for(c.owner).post(u("objective_create", org), data)
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert {"owner", "parent", "unit"} <= set(errors)
    assert "Select a valid choice" in str(errors["owner"])
    assert not Objective.objects.filter(title="Cut build times").exists()


def test_parent_from_another_cycle_is_rejected(org, client_for):
    c = build_cascade(org)
    other_cycle = factories.CycleFactory(organization=org, name="Q1 next", status="planning")
    data = _objective_post(c, cycle=other_cycle.pk)
    response = client_for(c.owner).post(u("objective_create", org), data)
    assert response.status_code == 422
    assert "parent" in response.context["form"].errors


def test_member_may_not_create_a_company_objective(org, client_for):
    c = build_cascade(org)
    data = _objective_post(c, level="company", unit="", parent="")
    response = client_for(c.owner).post(u("objective_create", org), data)
    assert response.status_code == 422
    assert "level" in response.context["form"].errors  # not even offered (policy)
    assert not Objective.objects.filter(title="Cut build times").exists()


@pytest.mark.parametrize(
    "overrides",
    [{"title": ""}, {"level": "galaxy"}, {"cycle": "abc"}, {"owner": "99999999999999999999"}],
)
def test_garbage_input_never_500s(org, client_for, overrides):
    c = build_cascade(org)
    response = client_for(c.owner).post(u("objective_create", org), _objective_post(c, **overrides))
    assert response.status_code == 422


def test_edit_saves_and_records_history(org, client_for):
    c = build_cascade(org)
    client = client_for(c.lead)
    url = u("objective_edit", org, objective_id=c.team.pk)
    form = client.get(url).context["form"]
    data = {k: v.pk if hasattr(v, "pk") else v for k, v in form.initial.items() if v is not None}
    data.update(title="Ship a much faster platform", status_override="")
    response = client.post(url, data)
    assert response.status_code == 302
    assert Objective.objects.get(pk=c.team.pk).title == "Ship a much faster platform"
    assert AuditEntry.objects.filter(objective_id_ref=c.team.pk).exists()
    html = client.get(u("objective_detail", org, objective_id=c.team.pk)).content.decode()
    assert "History" in html


def test_edit_with_a_stale_version_reports_a_conflict(org, client_for):
    c = build_cascade(org)
    client = client_for(c.lead)
    data = {
        "title": "Stale",
        "level": "team",
        "unit": c.unit.pk,
        "owner": c.lead.pk,
        "parent": c.company.pk,
        "visibility": "public",
        "version": 0,
    }
    response = client.post(u("objective_edit", org, objective_id=c.team.pk), data)
    assert response.status_code == 422
    assert "Someone else changed this" in response.content.decode()
    assert Objective.objects.get(pk=c.team.pk).title == "Ship a faster platform"


def test_non_editor_cannot_edit(org, client_for):
    c = build_cascade(org)
    response = client_for(c.bystander).get(u("objective_edit", org, objective_id=c.team.pk))
    assert response.status_code == 403


def test_delete_needs_a_confirmed_post(org, client_for):
    c = build_cascade(org)
    client = client_for(c.lead)
    url = u("objective_delete", org, objective_id=c.team.pk)
    confirm = client.get(url)
    assert confirm.status_code == 200 and "an admin can restore it" in confirm.content.decode()
    assert Objective.objects.filter(pk=c.team.pk).exists()
    response = client.post(url)
    assert response.status_code == 302 and response.url == u("my_okrs", org)
    assert not Objective.objects.filter(pk=c.team.pk).exists()


def test_htmx_comment_returns_the_comments_section_with_mentions(org, client_for):
    c = build_cascade(org)
    url = u("objective_comment", org, objective_id=c.team.pk)
    response = client_for(c.lead).post(url, {"body": "Nice work @owner <b>x</b>"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="comments"' in html and "<html" not in html
    assert '<span class="mention">@owner</span>' in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html  # user text is escaped
    assert CommentMention.objects.filter(membership=c.owner).exists()


def test_plain_comment_redirects_and_empty_comment_is_an_error(org, client_for):
    c = build_cascade(org)
    client = client_for(c.lead)
    url = u("objective_comment", org, objective_id=c.team.pk)
    assert client.post(url, {"body": "Hi"}).status_code == 302
    response = client.post(url, {"body": "   "}, **HTMX)
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert Comment.objects.count() == 1


def test_history_pages_with_bad_page_numbers_do_not_fail(org, client_for):
    c = build_cascade(org)
    client = client_for(c.lead)
    url = u("objective_detail", org, objective_id=c.team.pk)
    for page in ("abc", "-1", "99999"):
        assert client.get(url, {"history": page}).status_code == 200
    fragment = client.get(url, {"history": "1"}, **HTMX).content.decode()
    assert 'id="history"' in fragment and "<html" not in fragment


def test_outsider_cannot_comment(org, outsider_membership, client_for):
    c = build_cascade(org)
    url = u("objective_comment", org, objective_id=c.team.pk)
    assert client_for(outsider_membership).post(url, {"body": "hi"}).status_code == 404
    person(org, email="x@t.example")  # the org itself is fine, only the outsider is refused


def test_a_huge_description_is_a_form_error_and_nothing_is_written(org, client_for):
    c = build_cascade(org)
    client = client_for(c.owner)
    huge = _objective_post(c, description="x" * 2_400_000)
    response = client.post(u("objective_create", org), huge)
    assert response.status_code == 422
    assert "at most 5000 characters" in response.content.decode()
    assert not Objective.objects.filter(title="Cut build times").exists()
    fine = _objective_post(c, description="y" * 5_000)
    assert client.post(u("objective_create", org), fine).status_code == 302
    assert len(Objective.objects.get(title="Cut build times").description) == 5_000


def test_comments_are_paginated_opening_on_the_latest_page(org, client_for):
    c = build_cascade(org)
    for i in range(25):
        services.add_comment(actor=c.lead, objective=c.team, body=f"Comment number {i:02d}")
    client = client_for(c.lead)
    url = u("objective_detail", org, objective_id=c.team.pk)
    latest = client.get(url).content.decode()
    assert "Comment number 24" in latest and "Comment number 19" not in latest
    assert "Page 2 of 2" in latest and "(25)" in latest
    first = client.get(url, {"comments": "1"}).content.decode()
    assert "Comment number 00" in first and "Comment number 19" in first
    assert "Comment number 20" not in first
    assert client.get(url, {"comments": "junk"}).status_code == 200
    posted = client.post(
        u("objective_comment", org, objective_id=c.team.pk), {"body": "The newest"}, **HTMX
    ).content.decode()
    assert "The newest" in posted and 'id="comments"' in posted


def _history_text(client, org, objective) -> str:
    from tests.web.test_words_on_screen import visible_text

    html = client.get(u("objective_detail", org, objective_id=objective.pk)).content.decode()
    return visible_text(html[html.index('id="history"') :])


def test_history_shows_who_changed_which_field_from_what_to_what(org, client_for):
    """The page says what the API's `changes` hold, in words: field labels, enum labels,
    people's names for owner ids, dates written out; an aligned objective the reader may
    not open is never named."""
    c = build_cascade(org, kr_count=1)
    kr = c.krs[0]
    KeyResult = type(kr)
    KeyResult.objects.filter(pk=kr.pk).update(target_value=50)
    kr.refresh_from_db()
    services.update_key_result(
        key_result=kr, actor=c.lead, target_value=60, owner=c.contributor,
        metric_type="decrease_to", start_value=100, due_date="2026-12-31",
        contributors=[c.owner],
    )  # fmt: skip
    secret = factories.ObjectiveFactory(
        organization=org, cycle=c.cycle, owner=c.ceo, level="company", title="Secret merger",
        visibility="private",
    )  # fmt: skip
    services.update_objective(objective=c.team, actor=c.ceo, parent=secret, rollup="both")
    services.update_objective(objective=c.team, actor=c.ceo, parent=c.company)
    lead_view = _history_text(client_for(c.lead), org, c.team)
    name = c.lead.name
    assert f"{name} Updated key result “{kr.title}”" in lead_view
    assert "Target value: 100 → 60" not in lead_view  # start moved, target: 50 → 60
    assert "Target value: 50 → 60" in lead_view
    assert "Start value: 0 → 100" in lead_view
    assert "Metric: Increase to → Decrease to" in lead_view
    assert f"Owner: {c.owner.name} → {c.contributor.name}" in lead_view
    assert "Due date: — → Dec 31, 2026" not in lead_view and "Due date: Dec 31, 2026" in lead_view
    assert f"Contributors: {c.contributor.name} → {c.owner.name}" in lead_view
    assert "Progress comes from: Its key results → Both: key results and aligned" in lead_view
    # The lead may not open the private objective: it is never named in their history.
    assert "Secret merger" not in lead_view
    assert "Aligned to: “Delight customers” → an objective you cannot open" in lead_view
    ceo_view = _history_text(client_for(c.ceo), org, c.team)
    assert "Aligned to: “Delight customers” → “Secret merger”" in ceo_view
