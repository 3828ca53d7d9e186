"""Rendering notification emails (HTML with inlined CSS + plain text) and unsubscribe links."""

from __future__ import annotations

from datetime import timedelta

import css_inline
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import Membership, Organization
from accounts.validators import as_single_line
from notifications.models import Kind

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
# Unsubscribe links carry their signing time; older than this they no longer work (a page
# says so and points to the settings page). Every email carries a fresh link.
UNSUBSCRIBE_MAX_AGE_DAYS = 60


class UnsubscribeLinkExpired(Exception):
    """A genuine unsubscribe link, signed longer ago than UNSUBSCRIBE_MAX_AGE_DAYS."""


SUBJECTS = {
    Kind.REMINDER: "Check-in due: {count} key result{plural} this week",
    Kind.FOLLOWUP: "Still open: {count} key result{plural} need{verb} a check-in",
    Kind.DIGEST_OWNER: "Your key results, {week}",
    Kind.DIGEST_LEAD: "Your units' OKRs, {week}",
    Kind.DIGEST_EXECUTIVE: "Company OKRs, {week}",
    Kind.DIGEST_CHAMPION: "OKR health, {week}",
    Kind.MENTION: "{author} mentioned you on “{title}”",
    Kind.COMMENT: "{author} commented on “{title}”",
}
TEMPLATE_FOR = {
    Kind.REMINDER: "reminder",
    Kind.FOLLOWUP: "reminder",
    Kind.DIGEST_OWNER: "digest_owner",
    Kind.DIGEST_LEAD: "digest_lead",
    Kind.DIGEST_EXECUTIVE: "digest_executive",
    Kind.DIGEST_CHAMPION: "digest_champion",
    Kind.MENTION: "conversation",
    Kind.COMMENT: "conversation",
}
_inliner = css_inline.CSSInliner(load_remote_stylesheets=False)


def unsubscribe_token(*, membership: Membership, kind: str) -> str:
    """A signed, timestamped, login-free token naming one member and one kind of email."""
    return signing.dumps(
        {"o": membership.organization_id, "m": membership.pk, "k": kind}, salt=UNSUBSCRIBE_SALT
    )


def read_unsubscribe_token(token: str) -> dict | None:
    """The token's payload, or None when it was tampered with or is not ours; raises
    `UnsubscribeLinkExpired` for a real link past its lifetime."""
    try:
        data = signing.loads(
            token, salt=UNSUBSCRIBE_SALT, max_age=timedelta(days=UNSUBSCRIBE_MAX_AGE_DAYS)
        )
    except signing.SignatureExpired as exc:
        raise UnsubscribeLinkExpired from exc
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not {"o", "m", "k"} <= data.keys():
        return None
    if data["k"] not in Kind.values:
        return None
    return data


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def checkin_url(organization: Organization, key_result_id: int) -> str:
    """One click to the check-in form for this KR."""
    base = reverse("okrs:my_okrs", kwargs={"org_slug": organization.slug})
    return absolute(f"{base}?checkin={key_result_id}")


def links_for(*, organization: Organization, membership: Membership, kind: str) -> dict:
    token = unsubscribe_token(membership=membership, kind=kind)
    slug = {"org_slug": organization.slug}
    return {
        "unsubscribe_url": absolute(
            reverse("notifications:unsubscribe", kwargs={**slug, "token": token})
        ),
        "settings_url": absolute(reverse("notifications:settings", kwargs=slug)),
        "home_url": absolute(reverse("okrs:my_okrs", kwargs=slug)),
        "notifications_url": absolute(reverse("notifications:list", kwargs=slug)),
    }


def subject_for(
    kind: str, *, count: int = 0, week: str = "", author: str = "", title: str = ""
) -> str:
    """The one place notification subjects are built: always one line (a title written
    before the single-line rule, or any other quoted text, cannot break the header)."""
    title = as_single_line(title)
    return as_single_line(
        SUBJECTS[kind].format(
            count=count,
            plural="" if count == 1 else "s",
            verb="s" if count == 1 else "",
            week=week,
            author=as_single_line(author),
            title=title if len(title) <= 80 else title[:79] + "…",
        )
    )


def build_message(
    *,
    organization: Organization,
    membership: Membership,
    kind: str,
    subject: str,
    context: dict,
    connection=None,
) -> EmailMultiAlternatives:
    """The email: text body, HTML alternative with inlined CSS, RFC 8058 unsubscribe headers."""
    links = links_for(organization=organization, membership=membership, kind=kind)
    full = {
        **context,
        **links,
        "organization": organization,
        "recipient": membership,
        "kind": kind,
        "kind_label": Kind(kind).label,
        "subject": subject,
    }
    name = TEMPLATE_FOR[kind]
    text = render_to_string(f"email/notifications/{name}.txt", full)
    html = _inliner.inline(render_to_string(f"email/notifications/{name}.html", full))
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[membership.user.email],
        connection=connection,
        headers={
            "List-Unsubscribe": f"<{links['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message
