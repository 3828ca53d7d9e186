"""Mentions and comments: tell the people concerned, once each, by email and in the app.

`okrs.signals.conversation` fires after a comment or check-in commits; the receiver queues
`notifications.tasks.notify_conversation` with ids only. Here the source is reloaded and each
recipient re-checked against `okrs.rules.visibility` (a member who may not open the objective hears
nothing), then delivered through the same exactly-once claim as reminders: the log period is
the source ("c<id>" for a comment, "k<id>" for a check-in), so a retry or a second signal never
sends twice. Opting out of the email kind keeps the in-app notification.
"""

from __future__ import annotations

from django.urls import reverse

from accounts.models import Organization
from notifications import emails
from notifications.delivery import Counts, deliver_to
from notifications.models import Kind
from okrs.models import CheckIn, Comment
from okrs.rules import visibility


def period_for(source: str, source_id: int) -> str:
    return f"{'c' if source == 'comment' else 'k'}{source_id}"


def load_source(*, organization: Organization, source: str, source_id: int):
    """(objective, key_result or None, author, text, anchor) of the comment or check-in."""
    if source == "comment":
        row = (
            Comment.objects.filter(organization=organization, pk=source_id)
            .select_related("author__user", "objective__owner", "key_result__objective__owner")
            .first()
        )
        if row is None:
            return None
        kr = row.key_result
        objective = kr.objective if kr is not None else row.objective
        return objective, kr, row.author, row.body, "comments"
    row = (
        CheckIn.objects.filter(organization=organization, pk=source_id)
        .select_related("author__user", "key_result__objective__owner")
        .first()
    )
    if row is None:
        return None
    text = "\n".join(t for t in (row.note, row.blockers) if t)
    return row.key_result.objective, row.key_result, row.author, text, "check-ins"


class ConversationContent:
    """Renders one mention/comment email; a recipient who may not see it is skipped."""

    def __init__(self, *, organization: Organization, kind: str, source: str, source_id: int):
        self.organization, self.kind = organization, kind
        self.loaded = load_source(organization=organization, source=source, source_id=source_id)

    @property
    def objective(self):
        """What the notification is about (stored with the in-app notification)."""
        return self.loaded[0] if self.loaded is not None else None

    def url(self) -> str:
        objective, kr, _author, _text, anchor = self.loaded
        slug = {"org_slug": self.organization.slug}
        if kr is not None:
            path = reverse("okrs:key_result_detail", kwargs={**slug, "key_result_id": kr.pk})
        else:
            path = reverse("okrs:objective_detail", kwargs={**slug, "objective_id": objective.pk})
        return emails.absolute(f"{path}#{anchor}")

    def render(self, membership) -> tuple[str, dict] | str:
        if self.loaded is None:
            return "the comment or check-in no longer exists"
        objective, kr, author, text, _anchor = self.loaded
        if not visibility.can_view_objective(membership, objective):
            return "may not open the objective"
        title = (kr or objective).title
        subject = emails.subject_for(self.kind, author=author.name, title=title)
        return subject, {
            "author": author,
            "title": title,
            "objective": objective,
            "key_result": kr,
            "text": text,
            "url": self.url(),
            "mention": self.kind == Kind.MENTION,
        }


def deliver_conversation(
    *,
    organization: Organization,
    kind: str,
    source: str,
    source_id: int,
    recipient_ids: list[int],
    task_id: str,
) -> Counts:
    """Each recipient at most once per source: claim, check visibility, send."""
    content = ConversationContent(
        organization=organization, kind=kind, source=source, source_id=source_id
    )
    return deliver_to(
        content=content,
        kind=kind,
        period=period_for(source, source_id),
        membership_ids=recipient_ids,
        task_id=task_id,
    )
