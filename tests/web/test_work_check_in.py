"""The weekly check-in: inline via htmx, as a full page, bad input, permissions, tenancy."""

import pytest
from django.urls import reverse

from okrs.models import CheckIn, KeyResult, Objective
from tests import factories
from tests.web.html_forms import form_values
from tests.web.test_work_support import (
    build_cascade,
)

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def check_in_url(kr):
    return reverse(
        "okrs:check_in", kwargs={"org_slug": kr.organization.slug, "key_result_id": kr.pk}
    )


def test_htmx_get_returns_the_inline_form_with_labelled_fields(org, client_for):
    c = build_cascade(org, kr_count=1)
    kr = c.krs[0]
    response = client_for(c.owner).get(check_in_url(kr), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html  # a fragment, not a page
    assert f'id="kr-{kr.pk}"' in html
    assert f'<label for="id_kr{kr.pk}_value">New value' in html
    assert "autofocus" in html
    # Prefilled with the current value, selected on focus: typing replaces, never appends.
    assert form_values(html, field="value")["value"] == "0"
    assert "data-select-on-focus" in html
    assert "hx-disabled-elt=\"find button[type='submit']\"" in html


def test_full_page_get_works_without_javascript(org, client_for):
    c = build_cascade(org, kr_count=1)
    response = client_for(c.owner).get(check_in_url(c.krs[0]))
    assert response.status_code == 200
    assert "<html" in response.content.decode()
    assert "Weekly check-in" in response.content.decode()


def test_htmx_post_returns_row_plus_out_of_band_bars_and_summary(org, client_for):
    c = build_cascade(org, kr_count=2)
    kr = c.krs[0]
    data = {"value": "50", "confidence": "8", "note": "Halfway", "blockers": ""}
    response = client_for(c.owner).post(check_in_url(kr), data, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    kr.refresh_from_db()
    assert kr.current_value == 50 and kr.progress == pytest.approx(0.5)
    team = Objective.objects.get(pk=c.team.pk)
    assert team.progress == pytest.approx(0.25)
    assert f'id="kr-{kr.pk}"' in html and "Checked in" in html
    assert f'hx-swap-oob="innerHTML:.obj-progress-{c.team.pk}"' in html
    assert f'hx-swap-oob="innerHTML:.obj-progress-{c.company.pk}"' in html
    assert 'id="week-summary" role="status" hx-swap-oob="true"' in html
    assert "1 of 2</strong>" in html
    assert 'aria-valuenow="50"' in html and 'aria-valuenow="25"' in html


def test_plain_post_redirects_back_to_next(org, client_for):
    c = build_cascade(org, kr_count=1)
    kr = c.krs[0]
    back = reverse("okrs:key_result_detail", kwargs={"org_slug": org.slug, "key_result_id": kr.pk})
    data = {"value": "10", "confidence": "6", "next": back}
    response = client_for(c.owner).post(check_in_url(kr), data)
    assert response.status_code == 302 and response.url == back
    assert CheckIn.objects.filter(key_result=kr).count() == 1


def test_offsite_next_is_ignored(org, client_for):
    c = build_cascade(org, kr_count=1)
    data = {"value": "10", "confidence": "6", "next": "https://evil.example/"}
    response = client_for(c.owner).post(check_in_url(c.krs[0]), data)
    assert response.url == reverse("okrs:my_okrs", kwargs={"org_slug": org.slug})


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"value": "abc", "confidence": "5"}, "Enter a number."),
        ({"value": "5", "confidence": "11"}, "less than or equal to 10"),
        ({"value": "5", "confidence": "-1"}, "greater than or equal to 0"),
        ({"value": "1e30", "confidence": "5"}, "This number is too large."),
        ({"value": "", "confidence": ""}, "This field is required."),
    ],
)
def test_bad_input_is_shown_next_to_the_field_and_kept(org, client_for, data, message):
    c = build_cascade(org, kr_count=1)
    kr = c.krs[0]
    client = client_for(c.owner)
    inline = client.post(check_in_url(kr), {**data, "note": "keep me"}, **HTMX)
    assert inline.status_code == 200  # htmx swaps only 2xx answers
    assert message in inline.content.decode()
    assert "keep me" in inline.content.decode()
    page = client.post(check_in_url(kr), {**data, "note": "keep me"})
    assert page.status_code == 422
    assert message in page.content.decode()
    assert not CheckIn.objects.filter(key_result=kr).exists()


def test_double_submit_records_one_check_in_for_the_week(org, client_for):
    c = build_cascade(org, kr_count=1)
    kr = c.krs[0]
    client = client_for(c.owner)
    client.post(check_in_url(kr), {"value": "30", "confidence": "7"}, **HTMX)
    client.post(check_in_url(kr), {"value": "30", "confidence": "7"}, **HTMX)
    assert CheckIn.objects.filter(key_result=kr).count() == 1


def test_contributor_may_check_in(org, client_for):
    c = build_cascade(org, kr_count=1)
    response = client_for(c.contributor).post(
        check_in_url(c.krs[0]), {"value": "5", "confidence": "5"}
    )
    assert response.status_code == 302


def test_bystander_is_refused_with_a_styled_page(org, client_for):
    c = build_cascade(org, kr_count=1)
    client = client_for(c.bystander)
    assert client.get(check_in_url(c.krs[0])).status_code == 403
    response = client.post(check_in_url(c.krs[0]), {"value": "5", "confidence": "5"})
    assert response.status_code == 403
    assert "Only the owner, contributors and unit leads can check in." in response.content.decode()
    assert not CheckIn.objects.exists()


def test_other_orgs_kr_is_404(org, other_org, client_for):
    c = build_cascade(org, kr_count=1)
    foreign = factories.KeyResultFactory(organization=other_org)
    client = client_for(c.owner)
    assert client.get(check_in_url(foreign)).status_code == 404
    assert client.post(check_in_url(foreign), {"value": "1", "confidence": "5"}).status_code == 404
    assert KeyResult.objects.get(pk=foreign.pk).current_value == 0


def test_closed_cycle_check_in_shows_the_reason(org, client_for):
    c = build_cascade(org, kr_count=1)
    c.cycle.status = "closed"
    c.cycle.save()
    response = client_for(c.owner).post(
        check_in_url(c.krs[0]), {"value": "5", "confidence": "5"}, **HTMX
    )
    assert response.status_code == 200
    assert "This cycle is closed" in response.content.decode()


def test_cancel_returns_the_plain_row(org, client_for):
    c = build_cascade(org, kr_count=1)
    kr = c.krs[0]
    row_url = reverse("okrs:key_result_row", kwargs={"org_slug": org.slug, "key_result_id": kr.pk})
    client = client_for(c.owner)
    response = client.get(row_url, **HTMX)
    assert f'aria-label="Check in on {kr.title}"' in response.content.decode()
    assert client.get(row_url).status_code == 302


def test_a_confidence_only_update_sends_the_value_the_form_started_from(org, client_for):
    """The form starts from where the KR stands: changing only the confidence checks in
    with the current value (no retyping)."""
    c = build_cascade(org, kr_count=1)
    kr = c.krs[0]
    client = client_for(c.owner)
    client.post(check_in_url(kr), {"value": "42.5", "confidence": "8"})
    data = form_values(client.get(check_in_url(kr), **HTMX).content.decode(), field="value")
    assert (data["value"], data["confidence"]) == ("42.5", "8")
    data["confidence"] = "5"
    assert client.post(check_in_url(kr), data, **HTMX).status_code == 200
    kr.refresh_from_db()
    assert (kr.current_value, kr.confidence) == (42.5, 5)


def test_a_milestone_checks_in_with_a_labelled_done_or_not_done_choice(org, client_for):
    c = build_cascade(org, kr_count=0)
    kr = factories.KeyResultFactory(
        organization=org, objective=c.team, owner=c.owner, title="Launch the beta",
        metric_type=KeyResult.MetricType.MILESTONE, start_value=0, target_value=1,
    )  # fmt: skip
    client = client_for(c.owner)
    html = client.get(check_in_url(kr), **HTMX).content.decode()
    assert "<legend>Milestone" in html
    assert (
        f'<label for="id_kr{kr.pk}_value_0"><input type="radio" name="value" value="done"' in html
    )
    assert "Not done yet</label>" in html
    assert form_values(html, field="confidence")["value"] == "not done"  # where it stands
    assert client.post(check_in_url(kr), {"value": "done", "confidence": "9"}).status_code == 302
    kr.refresh_from_db()
    assert (kr.current_value, kr.progress) == (1, 1.0)
    html = client.get(check_in_url(kr), **HTMX).content.decode()
    assert form_values(html, field="confidence")["value"] == "done"
