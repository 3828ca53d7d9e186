"""Builders every test folder shares: people, and the rows tests keep composing by hand.

`tests/factories.py` makes one row with valid defaults; a builder says what a test means ("a
member of Platform reporting to its lead") in one call, so every folder builds people the same
way. Folder-specific worlds (`tests/okrs/conftest.py`, `tests/web/test_*_support.py`, …) are
made of these.
"""

from __future__ import annotations

import itertools

from accounts.models import Membership, Organization, OrgUnit, Role
from okrs.models import KeyResult, KeyResultContributor
from tests import factories

_numbers = itertools.count(1)


def person(
    org: Organization,
    *,
    role: str = Role.MEMBER,
    email: str | None = None,
    unit: OrgUnit | None = None,
    reports_to: Membership | None = None,
    name: str = "",
    title: str = "",
) -> Membership:
    """A user with an active membership in `org`.

    `email` defaults to a fresh `personN@<org slug>.example`; `name` (the user's full name) to
    the email's local part, title-cased (`eng.head@…` → "Eng.Head"). An email that already
    belongs to a user reuses that user, so one person can be a member of two organizations.
    """
    email = email or f"person{next(_numbers)}@{org.slug}.example"
    user = factories.UserFactory(email=email, full_name=name or email.split("@")[0].title())
    return factories.MembershipFactory(
        organization=org, user=user, role=role, unit=unit, reports_to=reports_to, title=title
    )


def add_contributor(key_result: KeyResult, membership: Membership) -> KeyResultContributor:
    """Make `membership` a contributor of `key_result` (a row, no service, no audit)."""
    return KeyResultContributor.objects.create(
        organization=key_result.organization, key_result=key_result, membership=membership
    )


def emailed_token(to: str) -> str:
    """The raw token in the latest invitation email to `to` (the only place it exists: the
    email task mints it; nothing stores or queues it)."""
    import re

    from django.core import mail

    bodies = [m.body for m in mail.outbox if m.to == [to]]
    assert bodies, f"no invitation email to {to}"
    return re.search(r"/accounts/invitations/([^/\s]+)/", bodies[-1]).group(1)


def invitation_token(invitation) -> str:
    """A working raw token for `invitation`: the email goes out the way the task sends it
    (which mints the link), and the token is read from it."""
    from accounts.services.invitations import deliver_invitation

    invitation.refresh_from_db(fields=["token_hash"])
    deliver_invitation(invitation_id=invitation.pk, ticket=invitation.token_hash)
    return emailed_token(invitation.email)
