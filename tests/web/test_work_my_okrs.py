"""My OKRs: grouping, week status, empty states, tenancy and a constant query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from okrs import services
from okrs.models import Cycle
from tests import factories
from tests.builders import person
from tests.web.test_work_support import (
    add_krs,
    build_cascade,
)

pytestmark = pytest.mark.django_db


def url(org):
    return reverse("okrs:my_okrs", kwargs={"org_slug": org.slug})


def test_owner_sees_krs_grouped_by_objective_with_alignment_chain(org, client_for):
    c = build_cascade(org)
    html = client_for(c.owner).get(url(org)).content.decode()
    assert "Ship a faster platform" in html
    assert "Delight customers" in html  # the company objective it aligns to
    for kr in c.krs:
        assert kr.title in html
        assert f'aria-label="Check in on {kr.title}"' in html
    assert "0 of 3</strong> key results checked in this week" in html


def test_contributor_sees_contributed_krs(org, client_for):
    c = build_cascade(org, kr_count=2)
    html = client_for(c.contributor).get(url(org)).content.decode()
    assert all(kr.title in html for kr in c.krs)


def test_checked_in_kr_shows_checked_in_and_summary_counts_it(org, client_for):
    c = build_cascade(org, kr_count=2)
    services.record_check_in(key_result=c.krs[0], actor=c.owner, value=40, confidence=7)
    html = client_for(c.owner).get(url(org)).content.decode()
    assert "Checked in" in html
    assert "1 of 2</strong>" in html
    assert "1 still due" in html


def test_member_without_krs_gets_a_call_to_action(org, client_for):
    build_cascade(org)
    loner = person(org, email="loner@t.example")
    html = client_for(loner).get(url(org)).content.decode()
    assert "You have no key results in Q4 yet" in html
    assert "Create an objective" in html
    assert "You do not own an objective in this cycle" in html


def test_organization_without_cycle_explains_what_to_do(org, member_membership, client_for):
    html = client_for(member_membership).get(url(org)).content.decode()
    assert "No active cycle" in html


def test_objectives_i_own_are_listed(org, client_for):
    c = build_cascade(org)
    html = client_for(c.lead).get(url(org)).content.decode()
    assert "Objectives I own" in html
    assert "Ship a faster platform" in html


def test_outsider_gets_404_and_anonymous_goes_to_login(
    org, outsider_membership, client, client_for
):
    build_cascade(org)
    assert client.get(url(org)).status_code == 302
    assert client_for(outsider_membership).get(url(org)).status_code == 404


def test_closed_cycle_krs_are_not_offered_for_check_in(org, client_for):
    c = build_cascade(org)
    Cycle.objects.filter(pk=c.cycle.pk).update(status=Cycle.Status.CLOSED)
    factories.CycleFactory(organization=org, name="Q1", status=Cycle.Status.ACTIVE)
    html = client_for(c.owner).get(url(org)).content.decode()
    assert c.krs[0].title not in html


def _count_queries(client, org) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url(org)).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_number_of_krs(
    org, client_for, django_assert_max_num_queries
):
    c = build_cascade(org, kr_count=2)
    own = factories.ObjectiveFactory(
        organization=org, cycle=c.cycle, owner=c.owner, level="individual", unit=c.unit
    )
    add_krs(c, 1, objective=own)
    client = client_for(c.owner)
    few = _count_queries(client, org)
    add_krs(c, 6)
    add_krs(c, 6, objective=own)
    many = _count_queries(client, org)
    assert many == few
    with django_assert_max_num_queries(few):
        client.get(url(org))


def test_the_reminder_link_opens_that_check_in_form_without_javascript(org, client_for):
    c = build_cascade(org, kr_count=2)
    client = client_for(c.owner)
    kr, other = c.krs
    html = client.get(f"{url(org)}?checkin={kr.pk}").content.decode()
    assert f'aria-label="Check in on {kr.title}"' in html and 'class="checkin-form"' in html
    assert html.count('class="checkin-form"') == 1  # only that one is open
    post_url = reverse("okrs:check_in", args=[org.slug, kr.pk])
    response = client.post(
        post_url,
        {"value": "40", "confidence": "7", "next": url(org)},
        follow=True,
    )
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == url(org)
    assert f"Checked in on “{kr.title}”" in page
    assert "1 of 2</strong>" in page and "1 still due" in page  # what is left this week


def test_a_reminder_link_for_someone_elses_kr_explains_itself(org, client_for):
    c = build_cascade(org, kr_count=1)
    stranger = person(org, email="stranger@t.example")
    html = client_for(stranger).get(f"{url(org)}?checkin={c.krs[0].pk}").content.decode()
    assert "nothing to check in on from that link" in html
    assert 'class="checkin-form"' not in html
    assert client_for(stranger).get(f"{url(org)}?checkin=junk").status_code == 200


def test_a_planning_cycle_is_not_current_when_the_active_one_closes(org, client_for):
    c = build_cascade(org)
    Cycle.objects.filter(pk=c.cycle.pk).update(status=Cycle.Status.CLOSED)
    factories.CycleFactory(organization=org, name="Next quarter", status=Cycle.Status.PLANNING)
    html = client_for(c.owner).get(url(org)).content.decode()
    assert "No active cycle" in html and "Next quarter" in html and "being planned" in html
    assert 'aria-label="Check in on' not in html


def test_between_cycles_my_okrs_names_the_next_cycle_by_its_start_date(org, client_for):
    """Two cycles being planned: the one that starts next is named, with its date (not the
    newest one); with none planned, the one that ended last."""
    from datetime import date, timedelta

    from tests.web.test_words_on_screen import visible_text

    c = build_cascade(org)
    Cycle.objects.filter(pk=c.cycle.pk).update(status=Cycle.Status.CLOSED)
    today = date.today()
    soon, later = today + timedelta(days=10), today + timedelta(days=100)
    for name, start in (("Q3 later", later), ("Q2 soon", soon)):
        factories.CycleFactory(
            organization=org, name=name, status=Cycle.Status.PLANNING, start_date=start,
            end_date=start + timedelta(days=80),
        )  # fmt: skip
    text = visible_text(client_for(c.owner).get(url(org)).content.decode())
    assert (
        f"The next cycle, Q2 soon, starts on {soon:%A, %B} {soon.day}, {soon.year} and is "
        "being planned." in text
    )
    assert "Q3 later" not in text
    Cycle.objects.filter(organization=org, status=Cycle.Status.PLANNING).delete()
    text = visible_text(client_for(c.owner).get(url(org)).content.decode())
    ended = Cycle.objects.get(pk=c.cycle.pk).end_date
    assert f"The last cycle, Q4, ended on {ended:%B} {ended.day}, {ended.year}" in text
