"""Each reader's digest: the last complete week against the week before, whatever the send
day, cut per reader through the visibility rule.

MONDAY_9 is in 2026-W48, so every digest sent then reports 2026-W47 (Nov 16–22) against W46.
"""

from datetime import timedelta

from django.core import mail

from notifications import delivery
from notifications.digests import DigestSnapshot, ObjectiveLine, digest_context
from notifications.models import Kind
from okrs.models import Level, Risk
from tests import factories
from tests.notifications.conftest import MADE, MONDAY_9, WEEK, check_in

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


def made(row, at=MADE):
    """Backdate a row's creation (objectives and key results made in a test are "now")."""
    type(row).objects.filter(pk=row.pk).update(created_at=at)
    row.created_at = at
    return row


def objective(company, title, at=MADE, **kwargs):
    fields = {"level": Level.INDIVIDUAL, "unit": company.unit, "owner": company.owner, **kwargs}
    return made(
        factories.ObjectiveFactory(
            organization=company.org, cycle=company.cycle, title=title, **fields
        ),
        at,
    )


def key_result(company, objective, title, owner=None, at=MADE):
    return made(
        factories.KeyResultFactory(
            organization=company.org, objective=objective, owner=owner or company.owner,
            title=title,
        ),
        at,
    )  # fmt: skip


def test_owner_digest_shows_last_weeks_change_confidence_and_staleness(company):
    check_in(company.kr_a, week=W46, at=IN_W46, progress=0.2, confidence=6)
    check_in(company.kr_a, week=W47, at=IN_W47, progress=0.35, confidence=8)
    old = key_result(company, company.objective, "Old and quiet", at=MONDAY_9 - timedelta(days=60))
    check_in(old, week="2026-W42", at=MONDAY_9 - timedelta(days=40), progress=0.1)
    context = digest_context(snapshot(company), Kind.DIGEST_OWNER, company.owner)
    assert context["week"] == W47  # the last complete week, though it is sent on a Monday
    lines = {line.title: line for line in context["lines"]}
    assert set(lines) == {"p95 latency under 200 ms", "Deploy daily", "Old and quiet"}
    latency = lines["p95 latency under 200 ms"]
    assert round(latency.change, 2) == 0.15
    assert (latency.confidence_before, latency.confidence) == (6, 8)
    assert lines["Deploy daily"].change is None  # no reading by the end of the week
    assert lines["Deploy daily"].note == "no check-in yet"
    assert lines["Old and quiet"].stale and not lines["Old and quiet"].went_stale
    assert not latency.stale
    assert context["stale_count"] == 1
    assert [line.title for line in context["movers"]] == ["p95 latency under 200 ms"]
    assert (context["checked_in_count"], context["due_count"]) == (1, 3)


def test_a_check_in_this_week_does_not_count_for_the_reported_week(company):
    check_in(company.kr_a, week=W47, at=IN_W47, progress=0.3)
    check_in(company.kr_a, week=WEEK, at=MONDAY_9, progress=0.9)  # this (incomplete) week
    context = digest_context(snapshot(company), Kind.DIGEST_OWNER, company.owner)
    (line,) = [line for line in context["lines"] if line.key_result == company.kr_a]
    assert (round(line.progress, 2), round(line.change, 2)) == (0.3, 0.3)
    assert line.note == "first reading"


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
    assert [line.title for line in context["objectives"]] == ["Ship a faster product"]
    assert [m.pk for m in context["missing"]] == [company.owner.pk]


def test_lead_digest_includes_child_units(company):
    team = factories.OrgUnitFactory(organization=company.org, name="Platform", parent=company.unit)
    objective(company, "Team objective", level=Level.TEAM, unit=team)
    context = digest_context(snapshot(company), Kind.DIGEST_LEAD, company.lead)
    assert "Team objective" in [line.title for line in context["objectives"]]


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
    assert [line.title for line in context["company_objectives"]] == ["Delight customers"]
    assert [line.title for line in context["movers"]] == [
        "p95 latency under 200 ms",
        "Deploy daily",
    ]
    assert [r.description for r in context["risks"]] == ["Big one", "Small"]
    assert [r.description for r in context["new_risks"]] == ["Big one"]
    assert [line.title for line in context["confidence_drops"]] == ["Deploy daily"]


def test_champion_digest_has_stale_low_confidence_missed_and_unaligned(company):
    check_in(company.kr_a, week=W47, at=IN_W47, progress=0.3, confidence=3)
    check_in(company.kr_lead, week=W47, at=IN_W47)
    # Never checked in, made 20 days before: 14 days quiet during the week, so it went stale.
    made(company.kr_b, MONDAY_9 - timedelta(days=20))
    objective(company, "Lonely objective")
    context = digest_context(snapshot(company), Kind.DIGEST_CHAMPION, company.champion)
    assert [line.title for line in context["stale"]] == ["Deploy daily"]
    assert [line.title for line in context["went_stale"]] == ["Deploy daily"]
    assert [line.title for line in context["low_confidence"]] == ["p95 latency under 200 ms"]
    assert [line.title for line in context["missed"]] == ["Deploy daily"]
    assert [o.title for o in context["unaligned"]] == ["Lonely objective"]


def test_a_key_result_created_yesterday_is_not_stale(company):
    made(company.kr_b, MONDAY_9 - timedelta(days=1))
    context = digest_context(snapshot(company), Kind.DIGEST_CHAMPION, company.champion)
    assert "Deploy daily" not in [line.title for line in context["stale"]]


def test_private_objective_reaches_only_digest_readers_who_may_open_it(company):
    secret = objective(company, "Secret reorg plan", visibility="private")
    key_result(company, secret, "Quiet hires")
    champion = digest_context(snapshot(company), Kind.DIGEST_CHAMPION, company.champion)
    texts = [o.title for o in champion["unaligned"]] + [line.title for line in champion["missed"]]
    assert "Secret reorg plan" not in texts and "Quiet hires" not in texts
    lead = digest_context(snapshot(company), Kind.DIGEST_LEAD, company.lead)
    assert "Secret reorg plan" in [line.title for line in lead["objectives"]]  # leads its unit


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

    def row(v):
        if isinstance(v, ObjectiveLine):  # its numbers too: rolled up from the whole subtree
            return (v.objective.pk, round(v.progress, 6), v.change and round(v.change, 6), v.status)
        return getattr(getattr(v, "key_result", v), "pk", v)

    def one(value):
        if isinstance(value, list):
            return [row(v) for v in value]
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
        # Sales' goal aligns under Engineering's objective: Engineering's progress rolls it up,
        # so a lead batch for Engineering must read it although it is another unit's.
        goal = objective(
            company, f"{unit.name} goal", owner=lead, level=Level.TEAM, unit=unit,
            parent=company.objective, visibility=visibility,
        )  # fmt: skip
        kr = key_result(company, goal, f"{unit.name} KR", owner=lead)
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
        for batch in (
            [r.pk for r in readers],
            [company.owner.pk],
            [company.lead.pk],
            [team_lead.pk],
        ):
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
