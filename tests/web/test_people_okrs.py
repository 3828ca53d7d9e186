"""A person's OKRs on the people page: cycles, grades, labels, paging, and the visibility rule.

Pat (a member of Platform, reporting to its lead Lee) owns a public and a private objective in
the active cycle, a key result under Lee's objective and a contribution under the admin's;
last quarter (closed) Pat owned two graded public objectives and a graded private one. Who
may open the private ones is okrs.rules.visibility's answer (Pat, Lee as manager and unit lead, the
admin); a plain member of another unit and a champion see neither the titles, nor the key
results, nor the counts and averages that would include them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Organization, Role
from okrs import services
from okrs.models import Cycle, Objective
from okrs.selectors.people import cycles_for_person, person_okrs
from okrs.views.work.people import OBJECTIVES_PAGE_SIZE
from tests import factories
from tests.builders import add_contributor, person

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
HX = {"HTTP_HX_REQUEST": "true"}


@dataclass
class World:
    org: Organization
    admin: Membership
    lead: Membership
    pat: Membership
    bystander: Membership
    champion: Membership
    active: Cycle
    closed: Cycle
    planning: Cycle
    empty_planning: Cycle
    secret_planning: Cycle
    public: Objective
    secret: Objective


def _cycle(org, name, status, start_offset):
    start = TODAY + dt.timedelta(days=start_offset)
    return factories.CycleFactory(
        organization=org, name=name, status=status, start_date=start,
        end_date=start + dt.timedelta(days=89),
    )  # fmt: skip


def _objective(org, cycle, owner, title, *, level="team", unit=None, **kwargs):
    return factories.ObjectiveFactory(
        organization=org, cycle=cycle, owner=owner, title=title, level=level,
        unit=unit or owner.unit, **kwargs,
    )  # fmt: skip


def _kr(objective, owner, title, **kwargs):
    return factories.KeyResultFactory(
        organization=objective.organization, objective=objective, owner=owner, title=title,
        **kwargs,
    )  # fmt: skip


@pytest.fixture
def world(org) -> World:
    admin = person(org, role=Role.ADMIN, name="Ada Admin")
    lead = person(org, name="Lee Lead")
    team = factories.OrgUnitFactory(organization=org, name="Platform", kind="team", lead=lead)
    lead.unit = team
    lead.save()
    pat = person(org, unit=team, reports_to=lead, name="Pat Person")
    sales = factories.OrgUnitFactory(organization=org, name="Sales")
    bystander = person(org, unit=sales, name="Bo Bystander")
    champion = person(org, role=Role.CHAMPION, name="Cy Champion")

    active = _cycle(org, "Q4 2026", Cycle.Status.ACTIVE, -30)
    closed = _cycle(org, "Q3 2026", Cycle.Status.CLOSED, -120)
    planning = _cycle(org, "Q1 2027", Cycle.Status.PLANNING, 70)
    empty_planning = _cycle(org, "Q2 2027", Cycle.Status.PLANNING, 160)
    secret_planning = _cycle(org, "Q3 2027", Cycle.Status.PLANNING, 250)

    public = _objective(org, active, pat, "Ship the new search", progress=0.4, status="at_risk")
    _kr(public, pat, "Index ten million documents", progress=0.5)
    helper_kr = _kr(public, lead, "Tune the ranking model")
    add_contributor(helper_kr, pat)
    secret = _objective(
        org, active, pat, "ZEBRASECRET career plan", level="individual", visibility="private"
    )
    _kr(secret, pat, "QUOKKAHIDDEN certification")
    leads_goal = _objective(org, active, lead, "Make Platform boring")
    _kr(leads_goal, pat, "Give the on-call talk")
    company = _objective(org, active, admin, "Win the market", level="company", unit=None)
    add_contributor(_kr(company, admin, "Hire two engineers"), pat)

    for title, grade in (("Stabilise paging", 0.7), ("Move CI", 0.5)):
        old = _objective(org, closed, pat, title, progress=grade, grade=grade)
        _kr(old, pat, f"{title} KR", progress=grade, grade=grade)
    old_secret = _objective(
        org, closed, pat, "ZEBRASECRET old plan", level="individual", visibility="private",
        grade=1.0, progress=1.0,
    )  # fmt: skip
    _kr(old_secret, pat, "QUOKKAHIDDEN old KR", grade=1.0)

    _objective(org, planning, pat, "Plan the next search")
    _objective(
        org, secret_planning, pat, "ZEBRASECRET future", level="individual", visibility="private"
    )
    return World(
        org, admin, lead, pat, bystander, champion, active, closed, planning, empty_planning,
        secret_planning, public, secret,
    )  # fmt: skip


def url(w: World, member: Membership | None = None, **query) -> str:
    path = reverse(
        "okrs:person_okrs", kwargs={"org_slug": w.org.slug, "membership_id": (member or w.pat).pk}
    )
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _html(client_for, viewer, target, **headers) -> str:
    response = client_for(viewer).get(target, **headers)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- what the page shows ---------------------------------------------------------------------


def test_the_person_sees_objectives_with_their_krs_and_work_on_others_labelled(w_html):
    html = w_html("pat")
    for title in (
        "Ship the new search", "Index ten million documents", "Tune the ranking model",
        "ZEBRASECRET career plan", "QUOKKAHIDDEN certification",
    ):  # fmt: skip
        assert title in html
    assert "owned by Lee Lead" in html  # a KR under Pat's objective that Lee owns
    give_talk = html.index("Give the on-call talk")
    assert "Owner</span> for" in html[give_talk:] and "Make Platform boring" in html
    hire = html.index("Hire two engineers")
    assert "Contributor</span> for" in html[hire:]
    assert "Key results under other people's objectives" in html
    assert "2 objectives, average progress" in html
    assert "Works on 2 key results under other people" in html


def test_links_lead_to_each_objective_and_key_result(world, client_for):
    html = _html(client_for, world.pat, url(world))
    detail = reverse(
        "okrs:objective_detail",
        kwargs={"org_slug": world.org.slug, "objective_id": world.public.pk},
    )
    assert f'href="{detail}"' in html
    for kr in world.public.key_results.all():
        kr_url = reverse(
            "okrs:key_result_detail", kwargs={"org_slug": world.org.slug, "key_result_id": kr.pk}
        )
        assert f'href="{kr_url}"' in html


def test_the_active_cycle_is_the_default_and_the_switcher_lists_cycles_in_order(world, client_for):
    html = _html(client_for, world.pat, url(world), **HX)
    assert "Q4 2026 · Active" in html
    options = [c.name for c in cycles_for_person(
        organization=world.org, member=world.pat, viewer=world.pat
    )]  # fmt: skip
    # Active, then planning cycles with Pat's OKRs, then closed newest first; a planning
    # cycle where Pat has nothing is not offered.
    assert options == ["Q4 2026", "Q3 2027", "Q1 2027", "Q3 2026"]
    positions = [html.index(f">{name} (") for name in options]
    assert positions == sorted(positions)
    assert ">Q2 2027 (" not in html


def test_a_closed_cycle_shows_grades_and_the_average(world, client_for):
    html = _html(client_for, world.pat, url(world, cycle=world.closed.pk))
    assert "Q3 2026 · Closed" in html
    assert "Average grade <strong>0.73</strong> over 3 objectives" in html
    assert "Grade <strong>0.70</strong>" in html and "Grade <strong>0.50</strong>" in html
    assert "ZEBRASECRET old plan" in html and "QUOKKAHIDDEN old KR" in html
    # Open cycles show confidence instead of grades.
    assert "Grade <strong>" not in _html(client_for, world.pat, url(world))


def test_partly_graded_cycle_says_how_many_are_graded(world, client_for):
    Objective.objects.filter(cycle=world.closed, title="Move CI").update(grade=None)
    html = _html(client_for, world.admin, url(world, cycle=world.closed.pk))
    assert "Average grade <strong>0.85</strong> over 2 graded objectives of 3" in html


def test_empty_states(world, client_for):
    html = _html(client_for, world.bystander, url(world, world.bystander, cycle=world.closed.pk))
    assert "No OKRs in Q3 2026" in html
    assert "Create an objective" not in html  # a closed cycle takes no new objectives
    own = _html(client_for, world.bystander, url(world, world.bystander))
    assert "No OKRs in Q4 2026" in own and "Create an objective" in own


def test_an_organization_without_cycles(org, client_for):
    someone = person(org, name="Solo")
    html = _html(client_for, someone, url_for(org, someone))
    assert "No OKRs yet" in html
    # A planning cycle in which the person has nothing is not offered: the same answer.
    factories.CycleFactory(organization=org, name="Next", status=Cycle.Status.PLANNING)
    assert "No OKRs yet" in _html(client_for, someone, url_for(org, someone))


def url_for(org, member) -> str:
    return reverse("okrs:person_okrs", kwargs={"org_slug": org.slug, "membership_id": member.pk})


def test_junk_or_foreign_cycle_ids_fall_back_to_the_default(world, client_for, other_org):
    foreign = factories.CycleFactory(organization=other_org, name="Elsewhere")
    for junk in ("abc", "-1", "99999999999999999999", "1e3", foreign.pk):
        html = _html(client_for, world.pat, url(world, cycle=junk))
        assert "Q4 2026 · Active" in html and "Elsewhere" not in html


def test_objectives_are_paged(world, client_for):
    for i in range(OBJECTIVES_PAGE_SIZE + 2):
        _objective(world.org, world.active, world.pat, f"Extra objective {i:02d}")
    first = _html(client_for, world.pat, url(world))
    assert "Page 1 of 2" in first
    assert f"{OBJECTIVES_PAGE_SIZE + 4} objectives" in first  # the summary counts them all
    second = _html(client_for, world.pat, url(world, cycle=world.active.pk, page=2))
    shown = [t for t in (f"Extra objective {i:02d}" for i in range(12)) if t in first + second]
    assert len(shown) == 12


def test_trashed_objectives_are_not_listed(world, client_for):
    services.delete_objective(objective=world.public, actor=world.admin)
    html = _html(client_for, world.admin, url(world))
    assert "Ship the new search" not in html and "Index ten million documents" not in html


# --- the people page embeds it ---------------------------------------------------------------


def test_the_people_page_loads_the_section_with_htmx_and_links_it_without(world, client_for):
    member_url = reverse(
        "orgchart:member", kwargs={"org_slug": world.org.slug, "membership_id": world.pat.pk}
    )
    html = _html(client_for, world.bystander, f"{member_url}?cycle={world.closed.pk}")
    target = url(world, cycle=world.closed.pk)
    assert f'hx-get="{target}" hx-trigger="load"' in html
    assert f'<a href="{target}">Objectives and key results of Pat Person</a>' in html


def test_the_htmx_fragment_is_the_section_only_and_the_switch_follows_in_the_address_bar(
    world, client_for
):
    member_url = reverse(
        "orgchart:member", kwargs={"org_slug": world.org.slug, "membership_id": world.pat.pk}
    )
    response = client_for(world.pat).get(
        url(world, cycle=world.closed.pk),
        HTTP_HX_CURRENT_URL=f"http://testserver{member_url}",
        **HX,
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="person-okrs"') and "<html" not in html
    assert response["HX-Replace-Url"] == f"{member_url}?cycle={world.closed.pk}"
    # The first load without a choice leaves the address bar alone; a foreign page too.
    assert "HX-Replace-Url" not in client_for(world.pat).get(url(world), **HX)
    foreign = client_for(world.pat).get(
        url(world, cycle=world.closed.pk), HTTP_HX_CURRENT_URL="https://evil.example/x", **HX
    )
    assert "HX-Replace-Url" not in foreign


def test_writes_are_not_allowed(world, client_for):
    assert client_for(world.pat).post(url(world)).status_code == 405


# --- visibility and tenancy --------------------------------------------------------------------


@pytest.fixture
def w_html(world, client_for):
    def view(who: str, **query) -> str:
        return _html(client_for, getattr(world, who), url(world, **query))

    return view


@pytest.mark.parametrize("who", ["pat", "lead", "admin"])
def test_a_private_objective_is_shown_to_who_may_open_it(w_html, world, who):
    html = w_html(who)
    assert "ZEBRASECRET career plan" in html and "QUOKKAHIDDEN certification" in html
    assert "2 objectives" in html
    closed = w_html(who, cycle=world.closed.pk)
    assert "Average grade <strong>0.73</strong> over 3 objectives" in closed


@pytest.mark.parametrize("who", ["bystander", "champion"])
def test_a_private_objective_is_hidden_with_its_krs_and_counts(w_html, world, who):
    for query in ({}, {"cycle": world.closed.pk}, {"cycle": world.secret_planning.pk}):
        html = w_html(who, **query)
        assert "ZEBRASECRET" not in html and "QUOKKAHIDDEN" not in html
    assert "1 objective, average progress <strong>40%</strong>" in w_html(who)
    assert "Average grade <strong>0.60</strong> over 2 objectives" in w_html(
        who, cycle=world.closed.pk
    )
    # A planning cycle holding only the private objective is not offered either.
    assert ">Q3 2027 (" not in w_html(who)


def test_the_selector_counts_only_what_the_viewer_may_see(world):
    seen = person_okrs(
        organization=world.org, member=world.pat, viewer=world.bystander, cycle=world.closed
    )
    assert (seen.objective_count, seen.graded_count) == (2, 2)
    assert seen.average_grade == pytest.approx(0.6)
    assert "ZEBRASECRET" not in " ".join(o.title for o in seen.objectives)
    assert "QUOKKAHIDDEN" not in " ".join(kr.title for kr in seen.key_results)
    nothing = person_okrs(organization=world.org, member=world.pat, viewer=None, cycle=world.active)
    assert nothing.objective_count == 0 and not nothing.key_results.exists()


def test_another_tenant_gets_404(world, client_for, outsider_membership, other_org):
    assert client_for(outsider_membership).get(url(world)).status_code == 404
    # A member id of another organization under one's own slug is not found either.
    stranger = reverse(
        "okrs:person_okrs", kwargs={"org_slug": other_org.slug, "membership_id": world.pat.pk}
    )
    assert client_for(outsider_membership).get(stranger).status_code == 404
    assert client_for(world.pat).get(stranger).status_code == 404
