"""Key result detail (chart, check-ins, initiatives, risks), create, edit, delete."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from okrs import services
from okrs.models import Initiative, KeyResult, Risk
from tests import factories
from tests.web.test_work_support import (
    build_cascade,
)

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def u(name, org, **kwargs):
    return reverse(f"okrs:{name}", kwargs={"org_slug": org.slug, **kwargs})


def test_detail_draws_the_chart_and_lists_check_ins(org, client_for):
    c = build_cascade(org, kr_count=1)
    kr = c.krs[0]
    services.record_check_in(
        key_result=kr, actor=c.owner, value=30, confidence=4, note="Slow start", blockers="CI"
    )
    html = client_for(c.owner).get(u("key_result_detail", org, key_result_id=kr.pk))
    html = html.content.decode()
    assert '<svg viewBox="0 0 900 260" role="img"' in html
    assert 'class="expected" d="M' in html and 'class="actual" d="M' in html
    assert "Slow start" in html and "CI" in html and "4/10" in html
    assert "Check in" in html and "Edit" in html


def test_detail_query_count_is_constant(org, client_for):
    c = build_cascade(org, kr_count=1)
    kr = c.krs[0]
    factories.InitiativeFactory(organization=org, key_result=kr, assignee=c.contributor)
    factories.RiskFactory(organization=org, key_result=kr)
    services.add_comment(actor=c.lead, body="hi", key_result=kr)
    services.record_check_in(key_result=kr, actor=c.owner, value=10, confidence=6)
    client = client_for(c.owner)
    url = u("key_result_detail", org, key_result_id=kr.pk)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(8):
        factories.InitiativeFactory(organization=org, key_result=kr, assignee=c.owner)
        factories.RiskFactory(organization=org, key_result=kr, owner=c.lead)
        services.add_comment(actor=c.contributor, body=f"c{i}", key_result=kr)
        factories.CheckInFactory(organization=org, key_result=kr, week=f"2020-W{i + 10}")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_foreign_kr_initiative_and_risk_ids_are_404(org, other_org, client_for):
    c = build_cascade(org, kr_count=1)
    kr = factories.KeyResultFactory(organization=other_org)
    ini = factories.InitiativeFactory(organization=other_org, key_result=kr)
    risk = factories.RiskFactory(organization=other_org, key_result=kr)
    client = client_for(c.owner)
    for name in ("key_result_detail", "key_result_edit", "key_result_delete"):
        assert client.get(u(name, org, key_result_id=kr.pk)).status_code == 404
    assert (
        client.post(
            u("initiative_update", org, initiative_id=ini.pk), {"status": "done"}
        ).status_code
        == 404
    )
    assert client.get(u("risk_edit", org, risk_id=risk.pk)).status_code == 404
    assert client.post(u("risk_close", org, risk_id=risk.pk)).status_code == 404
    assert Risk.objects.get(pk=risk.pk).status == "open"


def _kr_post(c, **overrides):
    data = {
        "title": "p95 latency under 200ms",
        "owner": c.owner.pk,
        "metric_type": "decrease_to",
        "start_value": "450",
        "target_value": "200",
        "unit": "custom",
        "unit_label": "ms",
        "weight": "1",
        "confidence": "6",
        "contributors": [c.contributor.pk],
    }
    return {**data, **overrides}


def test_objective_editor_adds_a_key_result(org, client_for):
    c = build_cascade(org, kr_count=0)
    url = u("key_result_create", org, objective_id=c.team.pk)
    response = client_for(c.lead).post(url, _kr_post(c))
    kr = KeyResult.objects.get(title="p95 latency under 200ms")
    assert response.status_code == 302
    assert kr.objective == c.team and list(kr.contributors.all()) == [c.contributor]


def test_key_result_form_rejects_foreign_people_and_wrong_direction(org, other_org, client_for):
    c = build_cascade(org, kr_count=0)
    stranger = factories.MembershipFactory(organization=other_org)
    url = u("key_result_create", org, objective_id=c.team.pk)
    data = _kr_post(c, owner=stranger.pk, contributors=[stranger.pk], target_value="900")
    response = client_for(c.lead).post(url, data)
    assert response.status_code == 422
    assert {"owner", "contributors", "target_value"} <= set(response.context["form"].errors)
    assert not KeyResult.objects.exists()


def test_member_cannot_add_key_results_to_someone_elses_objective(org, client_for):
    c = build_cascade(org, kr_count=0)
    url = u("key_result_create", org, objective_id=c.team.pk)
    assert client_for(c.bystander).get(url).status_code == 403


def test_kr_owner_edits_with_version_check(org, client_for):
    c = build_cascade(org, kr_count=1)
    kr = c.krs[0]
    client = client_for(c.owner)
    url = u("key_result_edit", org, key_result_id=kr.pk)
    assert client.get(url).status_code == 200
    data = _kr_post(c, metric_type="increase_to", start_value="0", target_value="10")
    assert client.post(url, {**data, "version": kr.version}).status_code == 302
    kr.refresh_from_db()
    assert kr.target_value == 10
    stale = client.post(url, {**data, "title": "Stale", "version": 1})
    assert stale.status_code == 422 and "Someone else changed this" in stale.content.decode()


def test_kr_delete_confirms_then_deletes(org, client_for):
    c = build_cascade(org, kr_count=1)
    kr = c.krs[0]
    client = client_for(c.lead)
    url = u("key_result_delete", org, key_result_id=kr.pk)
    assert "an admin can restore it" in client.get(url).content.decode()
    assert KeyResult.objects.filter(pk=kr.pk).exists()
    response = client.post(url)
    assert response.url == u("objective_detail", org, objective_id=c.team.pk)
    assert not KeyResult.objects.filter(pk=kr.pk).exists()


def test_contributor_adds_an_initiative_inline_and_updates_its_status(org, client_for):
    c = build_cascade(org, kr_count=1)
    kr = c.krs[0]
    client = client_for(c.contributor)
    url = u("initiative_create", org, key_result_id=kr.pk)
    response = client.post(url, {"title": "Cache the build", "assignee": c.contributor.pk}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and 'id="initiatives"' in html and "<html" not in html
    ini = Initiative.objects.get(title="Cache the build")
    assert f'aria-label="Update status of {ini.title}"' in html
    update = u("initiative_update", org, initiative_id=ini.pk)
    assert client.post(update, {"status": "doing"}, **HTMX).status_code == 200
    assert Initiative.objects.get(pk=ini.pk).status == "doing"
    bad = client.post(update, {"status": "exploded"}, **HTMX)
    assert "Choose a status from the list." in bad.content.decode()


def test_initiative_errors_without_js_render_a_page(org, client_for):
    c = build_cascade(org, kr_count=1)
    url = u("initiative_create", org, key_result_id=c.krs[0].pk)
    response = client_for(c.contributor).post(url, {"title": ""})
    assert response.status_code == 422 and "This field is required." in response.content.decode()
    ok = client_for(c.contributor).post(url, {"title": "Plain"})
    assert ok.status_code == 302


def test_bystander_cannot_add_or_change_initiatives(org, client_for):
    c = build_cascade(org, kr_count=1)
    kr = c.krs[0]
    ini = factories.InitiativeFactory(organization=org, key_result=kr, assignee=c.owner)
    client = client_for(c.bystander)
    html = client.get(u("key_result_detail", org, key_result_id=kr.pk)).content.decode()
    assert "Add initiative" not in html
    response = client.post(
        u("initiative_create", org, key_result_id=kr.pk), {"title": "Sneaky"}, **HTMX
    )
    assert "You may not add initiatives" in response.content.decode()
    client.post(u("initiative_update", org, initiative_id=ini.pk), {"status": "done"}, **HTMX)
    assert Initiative.objects.get(pk=ini.pk).status == "todo"
    assert not Initiative.objects.filter(title="Sneaky").exists()


def test_risks_are_added_edited_and_closed(org, client_for):
    c = build_cascade(org, kr_count=1)
    kr = c.krs[0]
    client = client_for(c.owner)
    data = {"description": "Vendor late", "likelihood": "3", "impact": "2", "status": "open"}
    assert client.post(u("risk_create", org, key_result_id=kr.pk), data).status_code == 302
    risk = Risk.objects.get(description="Vendor late")
    edit = u("risk_edit", org, risk_id=risk.pk)
    assert client.get(edit).status_code == 200
    data.update(mitigation="Second vendor", likelihood="9")
    assert client.post(edit, data).status_code == 422  # 9 is not a choice
    data.update(likelihood="2")
    assert client.post(edit, data).status_code == 302
    assert Risk.objects.get(pk=risk.pk).mitigation == "Second vendor"
    assert client.post(u("risk_close", org, risk_id=risk.pk)).status_code == 302
    assert Risk.objects.get(pk=risk.pk).status == "closed"
    assert client.get(u("risk_close", org, risk_id=risk.pk)).status_code == 405


def test_kr_comment_via_htmx(org, client_for):
    c = build_cascade(org, kr_count=1)
    url = u("key_result_comment", org, key_result_id=c.krs[0].pk)
    response = client_for(c.owner).post(url, {"body": "@contributor can you help?"}, **HTMX)
    assert '<span class="mention">@contributor</span>' in response.content.decode()


def test_closed_cycle_kr_page_is_read_only(org, client_for):
    c = build_cascade(org, kr_count=1)
    kr = c.krs[0]
    factories.InitiativeFactory(organization=org, key_result=kr, assignee=c.owner)
    c.cycle.status = "closed"
    c.cycle.save()
    html = client_for(c.owner).get(u("key_result_detail", org, key_result_id=kr.pk))
    html = html.content.decode()
    assert kr.title in html
    for action in ("Check in</a>", "Delete…", "Add initiative", "Add a risk", "Update status"):
        assert action not in html
