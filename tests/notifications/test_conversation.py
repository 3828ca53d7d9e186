"""@mentions and new comments notify the people concerned: an in-app notification and an
email linking to the conversation, once each, respecting opt-outs and visibility."""

from __future__ import annotations

import pytest
from django.core import mail

from notifications.conversation import deliver_conversation
from notifications.models import Kind, Notification, NotificationLog, NotificationOptOut
from okrs import services
from okrs.models import CommentMention, Level
from tests import factories
from tests.builders import person


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the after-commit hooks (the signal → task) as a real commit would."""

    def run(fn):
        with django_capture_on_commit_callbacks(execute=True):
            return fn()

    return run


def test_a_mention_in_a_comment_emails_and_notifies_once(company, on_commit):
    comment = on_commit(
        lambda: services.add_comment(
            actor=company.lead, key_result=company.kr_a, body="@owner can you look? cc @nobody"
        )
    )
    (message,) = [m for m in mail.outbox if m.to == [company.owner.user.email]]
    assert message.subject == "Lena Lead mentioned you on “p95 latency under 200 ms”"
    assert f"/kr/{company.kr_a.pk}/#comments" in message.body
    note = Notification.objects.get(recipient=company.owner, kind=Kind.MENTION)
    assert note.url.endswith(f"/kr/{company.kr_a.pk}/#comments")
    # The same conversation delivered again (a retry, a duplicate signal) sends nothing more.
    again = deliver_conversation(
        organization=company.org, kind=Kind.MENTION, source="comment", source_id=comment.pk,
        recipient_ids=[company.owner.pk], task_id="other",
    )  # fmt: skip
    assert again.already == 1 and len(mail.outbox) == 1
    assert not NotificationLog.objects.filter(recipient=company.lead).exists()  # not the author


def test_a_new_comment_tells_the_owner(company, on_commit):
    on_commit(
        lambda: services.add_comment(actor=company.ceo, objective=company.objective, body="Nice")
    )
    (message,) = mail.outbox
    assert message.to == [company.lead.user.email]  # the objective's owner
    assert message.subject == "Carla Ceo commented on “Ship a faster product”"


def test_mentioned_owner_hears_once_not_twice(company, on_commit):
    on_commit(
        lambda: services.add_comment(actor=company.ceo, objective=company.objective, body="@lead?")
    )
    assert [m.subject.split(" ", 3)[2] for m in mail.outbox] == ["mentioned"]


def test_opting_out_keeps_the_in_app_notification(company, on_commit):
    NotificationOptOut.objects.create(
        organization=company.org, membership=company.owner, kind=Kind.MENTION
    )
    on_commit(
        lambda: services.add_comment(actor=company.lead, key_result=company.kr_a, body="@owner")
    )
    assert mail.outbox == []
    assert Notification.objects.filter(recipient=company.owner, kind=Kind.MENTION).exists()


def test_a_mention_in_a_check_in_note_or_blocker(company, on_commit):
    on_commit(
        lambda: services.record_check_in(
            key_result=company.kr_a,
            actor=company.owner,
            value=1,
            confidence=6,
            note="Waiting on infra",
            blockers="Need @Lena Lead to approve the budget",
        )  # fmt: skip
    )
    (message,) = mail.outbox
    assert message.to == [company.lead.user.email]
    assert "Need @Lena Lead to approve the budget" in message.body


def test_only_people_who_may_open_the_objective_can_be_mentioned(company, on_commit):
    outsider = person(company.org, email="sam@elsewhere.example")
    secret = factories.ObjectiveFactory(
        organization=company.org, cycle=company.cycle, owner=company.owner,
        level=Level.INDIVIDUAL, unit=company.unit, visibility="private", title="Quiet plan",
    )  # fmt: skip
    comment = on_commit(
        lambda: services.add_comment(actor=company.owner, objective=secret, body="@sam @lead")
    )
    mentioned = set(
        CommentMention.objects.filter(comment=comment).values_list("membership", flat=True)
    )
    assert mentioned == {company.lead.pk}  # the lead leads the unit; Sam may not open it
    assert [m.to for m in mail.outbox] == [[company.lead.user.email]]
    assert not NotificationLog.objects.filter(recipient=outsider).exists()


def test_unknown_names_are_not_highlighted(company, client):
    services.add_comment(actor=company.lead, objective=company.objective, body="@owner and @ghost")
    client.force_login(company.lead.user)
    html = client.get(f"/o/{company.org.slug}/objectives/{company.objective.pk}/").content.decode()
    assert '<span class="mention">@owner</span>' in html
    assert '<span class="mention">@ghost</span>' not in html and "@ghost" in html


def test_a_notification_hides_once_its_objective_may_no_longer_be_opened(
    company, on_commit, client
):
    """The stored title was written when the reader could see it; after the objective turns
    private (or goes to the trash) it is shown to no one who may not open it: page, count,
    API, mark-read."""
    from django.urls import reverse

    from notifications import selectors

    on_commit(
        lambda: services.add_comment(
            actor=company.lead, key_result=company.kr_a, body="@champion have a look"
        )
    )
    note = Notification.objects.get(recipient=company.champion, kind=Kind.MENTION)
    assert note.objective_id == company.objective.pk
    mine = dict(organization=company.org, membership=company.champion)
    assert list(selectors.notifications_for_member(**mine)) == [note]

    company.objective.visibility = "private"
    company.objective.save(update_fields=["visibility"])
    assert list(selectors.notifications_for_member(**mine)) == []
    assert selectors.unread_count(**mine) == 0
    client.force_login(company.champion.user)
    page = client.get(reverse("notifications:list", kwargs={"org_slug": company.org.slug}))
    assert page.status_code == 200 and "p95 latency" not in page.content.decode()
    api = client.get(f"/api/v1/orgs/{company.org.slug}/notifications/").json()
    assert api["count"] == 0 and "p95 latency" not in str(api)
    read = client.post(f"/api/v1/orgs/{company.org.slug}/notifications/{note.pk}/read/")
    assert read.status_code == 404 and "p95 latency" not in read.content.decode()
    company.objective.visibility = "public"
    company.objective.save(update_fields=["visibility"])
    assert list(selectors.notifications_for_member(**mine)) == [note]
