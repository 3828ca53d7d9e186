"""Each reader's digest: the last complete week against the week before, whatever the send
day, cut per reader through the visibility rule.

MONDAY_9 is in 2026-W48, so every digest sent then reports 2026-W47 (Nov 16–22) against W46.
"""

from datetime import timedelta

from django.core import mail

from notifications import delivery
from notifications.digests import DigestSnapshot, digest_context
from notifications.models import Kind
from okrs.models import Level, Risk
from tests import factories
from tests.notifications.conftest import MONDAY_9, WEEK, check_in

W46, W47 = "2026-W46", "2026-W47"
IN_W46, IN_W47 = MONDAY_9 - timedelta(days=14), MONDAY_9 - timedelta(days=7)


def snapshot(company):
    return DigestSnapshot.load(organization=company.org, now=MONDAY_9)


def deliver(company, kind, reader):
    return delivery.deliver_batch(
        organization=company.org,
        kind=kind,
        period=WEEK,
        membership_ids=[reader.pk],
        now=MONDAY_9,
        task_id="t",
    )


def set_progress(kr, progress, confidence=None, checked=MONDAY_9):
    kr.progress = progress
    kr.last_check_in_at = checked
    if confidence is not None:
        kr.confidence = confidence
    kr.save()


def test_owner_digest_shows_last_weeks_change_confidence_and_staleness(company):
    check_in(company.kr_a, week=W46, at=IN_W46, progress=0.2)
    check_in(company.kr_a, week=W47, at=IN_W47, progress=0.35, confidence=8)
    set_progress(company.kr_a, 0.35, confidence=8, checked=IN_W47)
    set_progress(company.kr_b, 0.1, checked=MONDAY_9 - timedelta(days=20))
    context = digest_context(snapshot(company), Kind.DIGEST_OWNER, company.owner)
    assert context["week"] == W47  # the last complete week, though it is sent on a Monday
    lines = {line.title: line for line in context["lines"]}
    assert set(lines) == {"p95 latency under 200 ms", "Deploy daily"}
    assert round(lines["p95 latency under 200 ms"].change, 2) == 0.15
    assert lines["p95 latency under 200 ms"].confidence == 8
    assert lines["Deploy daily"].change is None  # no reading by the end of the week
    assert lines["Deploy daily"].stale and not lines["p95 latency under 200 ms"].stale
    assert context["stale_count"] == 1


def test_a_check_in_this_week_does_not_count_for_the_reported_week(company):
    check_in(company.kr_a, week=W47, at=IN_W47, progress=0.3)
    check_in(company.kr_a, week=WEEK, at=MONDAY_9, progress=0.9)  # this (incomplete) week
    context = digest_context(snapshot(company), Kind.DIGEST_OWNER, company.owner)
    (line,) = [line for line in context["lines"] if line.key_result == company.kr_a]
    assert (round(line.progress, 2), round(line.change, 2)) == (0.3, 0.3)


def test_owner_digest_email_renders_change_in_points(company):
    check_in(company.kr_a, week=W46, at=IN_W46, progress=0.2)
    check_in(company.kr_a, week=W47, at=IN_W47, progress=0.35)
    deliver(company, Kind.DIGEST_OWNER, company.owner)
    (message,) = mail.outbox
    assert message.subject == f"Your key results, {W47}"
    assert "35% (+15 pts)" in message.body
    assert "+15 pts" in message.alternatives[0][0]


def test_lead_digest_lists_unit_objectives_and_who_missed_last_week(company):
    check_in(company.kr_lead, week=W47, at=IN_W47)
    check_in(company.kr_a, week=WEEK, at=MONDAY_9)  # this week: too late for W47
    context = digest_context(snapshot(company), Kind.DIGEST_LEAD, company.lead)
    assert [u.name for u in context["units"]] == ["Engineering"]
    assert [o.title for o in context["objectives"]] == ["Ship a faster product"]
    assert [m.pk for m in context["missing"]] == [company.owner.pk]


def test_lead_digest_includes_child_units(company):
    team = factories.OrgUnitFactory(organization=company.org, name="Platform", parent=company.unit)
    factories.ObjectiveFactory(
        organization=company.org,
        cycle=company.cycle,
        owner=company.owner,
        level=Level.TEAM,
        unit=team,
        title="Team objective",
    )
    context = digest_context(snapshot(company), Kind.DIGEST_LEAD, company.lead)
    assert "Team objective" in [o.title for o in context["objectives"]]


def test_executive_digest_has_movers_new_risks_confidence_drops_and_open_risks(company):
    check_in(company.kr_a, week=W46, at=IN_W46, progress=0.1)
    check_in(company.kr_b, week=W46, at=IN_W46, progress=0.5, confidence=7)
    check_in(company.kr_a, week=W47, at=IN_W47, progress=0.4)  # +30
    check_in(company.kr_b, week=W47, at=IN_W47, progress=0.45, confidence=4)  # -5, 7 → 4
    big = factories.RiskFactory(
        organization=company.org,
        key_result=company.kr_a,
        description="Big one",
        likelihood=3,
        impact=3,
    )
    Risk.objects.filter(pk=big.pk).update(created_at=IN_W47)  # raised during the week
    factories.RiskFactory(organization=company.org, key_result=company.kr_b, description="Small")
    factories.RiskFactory(
        organization=company.org,
        key_result=company.kr_b,
        description="Done",
        status=Risk.State.CLOSED,
    )
    context = digest_context(snapshot(company), Kind.DIGEST_EXECUTIVE, company.ceo)
    assert [o.title for o in context["company_objectives"]] == ["Delight customers"]
    assert [line.title for line in context["movers"]] == [
        "p95 latency under 200 ms",
        "Deploy daily",
    ]
    assert [r.description for r in context["risks"]] == ["Big one", "Small"]
    assert [r.description for r in context["new_risks"]] == ["Big one"]
    assert [line.title for line in context["confidence_drops"]] == ["Deploy daily"]


def test_champion_digest_has_stale_low_confidence_missed_and_unaligned(company):
    set_progress(company.kr_a, 0.3, confidence=3)
    set_progress(company.kr_lead, 0.3)
    type(company.kr_b).objects.filter(pk=company.kr_b.pk).update(
        created_at=MONDAY_9 - timedelta(days=30)  # never checked in, a month old: stale
    )
    check_in(company.kr_lead, week=W47, at=IN_W47)
    factories.ObjectiveFactory(
        organization=company.org,
        cycle=company.cycle,
        owner=company.owner,
        level=Level.INDIVIDUAL,
        unit=company.unit,
        title="Lonely objective",
    )
    context = digest_context(snapshot(company), Kind.DIGEST_CHAMPION, company.champion)
    assert [line.title for line in context["stale"]] == ["Deploy daily"]
    assert [line.title for line in context["low_confidence"]] == ["p95 latency under 200 ms"]
    assert {line.title for line in context["missed"]} == {
        "Deploy daily",
        "p95 latency under 200 ms",
    }
    assert [o.title for o in context["unaligned"]] == ["Lonely objective"]


def test_a_key_result_created_yesterday_is_not_stale(company):
    type(company.kr_b).objects.filter(pk=company.kr_b.pk).update(
        created_at=MONDAY_9 - timedelta(days=1)
    )
    context = digest_context(snapshot(company), Kind.DIGEST_CHAMPION, company.champion)
    assert "Deploy daily" not in [line.title for line in context["stale"]]


def test_private_objective_reaches_only_digest_readers_who_may_open_it(company):
    secret = factories.ObjectiveFactory(
        organization=company.org,
        cycle=company.cycle,
        owner=company.owner,
        level=Level.INDIVIDUAL,
        unit=company.unit,
        title="Secret reorg plan",
        visibility="private",
    )
    factories.KeyResultFactory(
        organization=company.org, objective=secret, owner=company.owner, title="Quiet hires"
    )
    champion = digest_context(snapshot(company), Kind.DIGEST_CHAMPION, company.champion)
    texts = [o.title for o in champion["unaligned"]] + [line.title for line in champion["missed"]]
    assert "Secret reorg plan" not in texts and "Quiet hires" not in texts
    lead = digest_context(snapshot(company), Kind.DIGEST_LEAD, company.lead)
    assert "Secret reorg plan" in [o.title for o in lead["objectives"]]  # leads its unit


def test_digests_without_an_active_cycle_are_skipped_with_a_reason(company):
    company.cycle.status = "closed"
    company.cycle.save()
    counts = deliver(company, Kind.DIGEST_EXECUTIVE, company.ceo)
    assert counts.skipped == 1 and mail.outbox == []


def test_every_digest_kind_renders_for_its_reader(company):
    readers = {
        Kind.DIGEST_OWNER: company.owner,
        Kind.DIGEST_LEAD: company.lead,
        Kind.DIGEST_EXECUTIVE: company.ceo,
        Kind.DIGEST_CHAMPION: company.champion,
    }
    for kind, reader in readers.items():
        counts = deliver(company, kind, reader)
        assert counts.sent == 1, kind
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.user.email for r in readers.values())


def _as_ids(context: dict) -> dict:
    """A digest context comparable across snapshots: rows by their ids, in order."""

    def one(value):
        if isinstance(value, list):
            return [getattr(getattr(v, "key_result", v), "pk", v) for v in value]
        return getattr(value, "pk", value)

    return {key: one(value) for key, value in context.items()}


def test_a_batch_snapshot_gives_each_reader_the_digest_the_whole_cycle_would(company):
    """Delivery loads only what a batch's readers can be shown (their own key results for
    owner digests, their units' subtrees for lead digests); every reader's digest is the one
    a snapshot of the whole cycle gives — private objectives, sub-units, other units and
    risks included."""
    org = company.org
    team = factories.OrgUnitFactory(organization=org, name="Platform", parent=company.unit)
    sales = factories.OrgUnitFactory(organization=org, name="Sales")
    team_lead = factories.MembershipFactory(organization=org, unit=team)
    sales_lead = factories.MembershipFactory(organization=org, unit=sales)
    team.lead, sales.lead = team_lead, sales_lead
    team.save()
    sales.save()
    for unit, lead, visibility in ((team, team_lead, "private"), (sales, sales_lead, "public")):
        objective = factories.ObjectiveFactory(
            organization=org, cycle=company.cycle, owner=lead, level=Level.TEAM, unit=unit,
            parent=company.objective, visibility=visibility, title=f"{unit.name} goal",
        )  # fmt: skip
        kr = factories.KeyResultFactory(
            organization=org, objective=objective, owner=lead, title=f"{unit.name} KR"
        )
        check_in(kr, week=W46, at=IN_W46, progress=0.1, confidence=8)
        check_in(kr, week=W47, at=IN_W47, progress=0.4, confidence=3)
        factories.RiskFactory(organization=org, key_result=kr, description=f"{unit.name} risk")
    check_in(company.kr_a, week=W47, at=IN_W47, progress=0.5)
    whole = snapshot(company)
    readers = [
        company.owner, company.contributor, company.lead, team_lead, sales_lead,
        company.ceo, company.champion,
    ]  # fmt: skip
    for kind in (
        Kind.DIGEST_OWNER, Kind.DIGEST_LEAD, Kind.DIGEST_EXECUTIVE, Kind.DIGEST_CHAMPION
    ):  # fmt: skip
        for batch in ([r.pk for r in readers], [company.owner.pk], [team_lead.pk]):
            batch_snapshot = DigestSnapshot.load(
                organization=org, now=MONDAY_9, kind=kind, reader_ids=batch
            )
            for reader in (r for r in readers if r.pk in batch):
                got = _as_ids(digest_context(batch_snapshot, kind, reader))
                assert got == _as_ids(digest_context(whole, kind, reader)), (kind, reader)
    # The batch really loaded less: an owner's batch holds their key results only.
    owner_batch = DigestSnapshot.load(
        organization=org, now=MONDAY_9, kind=Kind.DIGEST_OWNER, reader_ids=[company.owner.pk]
    )
    assert {line.key_result.owner_id for line in owner_batch.lines} == {company.owner.pk}
    assert len(owner_batch.lines) < len(whole.lines)
