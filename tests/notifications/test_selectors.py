"""Who is due for a check-in reminder, and who reads which digest."""

from notifications import selectors
from notifications.models import Kind
from okrs.models import Cycle
from tests import factories
from tests.builders import add_contributor, person
from tests.notifications.conftest import WEEK, check_in


def due_map(org, include_contributors=False):
    due = selectors.due_recipients(
        organization=org, week=WEEK, include_contributors=include_contributors
    )
    return {d.membership.user.email: [kr.title for kr in d.key_results] for d in due}


def test_owner_is_due_for_exactly_the_krs_without_a_check_in_this_week(company):
    check_in(company.kr_a)
    assert due_map(company.org)[company.owner.user.email] == ["Deploy daily"]


def test_owner_who_checked_in_on_everything_is_not_due(company):
    check_in(company.kr_a)
    check_in(company.kr_b)
    assert company.owner.user.email not in due_map(company.org)


def test_check_in_from_last_week_does_not_count(company):
    check_in(company.kr_a, week="2026-W47")
    assert due_map(company.org)[company.owner.user.email] == [
        "p95 latency under 200 ms",
        "Deploy daily",
    ]


def test_contributors_only_when_the_org_asks_for_it(company):
    assert company.contributor.user.email not in due_map(company.org)
    assert due_map(company.org, include_contributors=True)[company.contributor.user.email] == [
        "p95 latency under 200 ms"
    ]


def test_closed_or_planning_cycles_remind_nobody(company):
    company.cycle.status = Cycle.Status.CLOSED
    company.cycle.save()
    assert due_map(company.org) == {}
    company.cycle.status = Cycle.Status.PLANNING
    company.cycle.save()
    assert due_map(company.org) == {}


def test_other_organizations_members_are_never_included(company, other_company):
    emails = set(due_map(company.org, include_contributors=True))
    assert emails
    assert all(email.endswith("@acme-test.example") for email in emails)


def test_inactive_members_are_candidates_so_the_sender_can_log_the_skip(company):
    company.owner.is_active = False
    company.owner.save()
    assert company.owner.user.email in due_map(company.org)


def test_due_recipients_runs_constant_queries(company, django_assert_max_num_queries):
    for n in range(15):
        member = person(company.org, email=f"extra{n}@acme-test.example", unit=company.unit)
        factories.KeyResultFactory(
            organization=company.org, objective=company.objective, owner=member
        )
    with django_assert_max_num_queries(5):
        due = selectors.due_recipients(
            organization=company.org, week=WEEK, include_contributors=True
        )
    assert len(due) == 18  # lead, owner, contributor + 15


def test_a_batch_reads_its_members_due_key_results_exactly_as_the_whole_company(company):
    """Each reminder batch reads only the KRs its members own or contribute to; each member's
    list is the one the whole company's read gives (with and without contributors)."""
    check_in(company.kr_b)
    extra = person(company.org, email="extra@acme-test.example", unit=company.unit)
    shared = factories.KeyResultFactory(
        organization=company.org, objective=company.objective, owner=extra, title="Shared"
    )
    add_contributor(shared, company.owner)
    for contributors in (False, True):
        whole = due_map(company.org, include_contributors=contributors)
        for batch in ([company.owner], [company.contributor, extra], [company.lead]):
            due = selectors.due_recipients(
                organization=company.org,
                week=WEEK,
                include_contributors=contributors,
                reader_ids=[m.pk for m in batch],
            )
            got = {d.membership.user.email: [kr.title for kr in d.key_results] for d in due}
            for member in batch:
                assert got.get(member.user.email) == whole.get(member.user.email), (
                    contributors,
                    member.user.email,
                )


def test_digest_readers_by_kind(company, other_company):
    def readers(kind):
        return {m.user.email for m in selectors.digest_readers(organization=company.org, kind=kind)}

    assert readers(Kind.DIGEST_OWNER) == {company.owner.user.email, company.lead.user.email}
    assert readers(Kind.DIGEST_LEAD) == {company.lead.user.email}
    assert readers(Kind.DIGEST_EXECUTIVE) == {company.ceo.user.email}
    assert readers(Kind.DIGEST_CHAMPION) == {company.champion.user.email}
