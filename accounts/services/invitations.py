"""Invitations: invite by email, (re)send, revoke, accept."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts import selectors
from accounts.models import (
    Invitation,
    Membership,
    Organization,
    OrgUnit,
    Role,
    SecurityEvent,
    User,
)
from accounts.rules.lifecycle import invitation_is_pending, open_invitations_q
from accounts.rules.policy import require_admin
from accounts.rules.tenancy import require_same_org
from accounts.selectors import account_exists
from accounts.services import security_events
from accounts.validators import as_single_line, clean_single_line
from okr_project.queue import enqueue_on_commit

INVITATION_DAYS = 14
NAME_LENGTH = 150


def active_memberships(organization: Organization) -> QuerySet[Membership]:
    """Seats that make an address "already a member" (inviting it again is refused)."""
    return Membership.objects.filter(organization=organization, is_active=True)


def open_invitations(organization: Organization) -> QuerySet[Invitation]:
    """Invitations that inviting the same address again refreshes and re-sends (expired ones
    included) instead of duplicating."""
    return Invitation.objects.filter(open_invitations_q(), organization=organization)


def clean_invitee_email(email: str) -> str:
    """The address as stored (trimmed, lower case), or a ValidationError on `email`."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": "Enter a valid email address."}) from exc
    return email


def clean_invitee_name(name: str) -> str:
    """The optional name an inviter gives: one line, at most NAME_LENGTH characters."""
    name = clean_single_line(name, field="name")
    if len(name) > NAME_LENGTH:
        raise ValidationError({"name": f"Keep the name under {NAME_LENGTH} characters."})
    return name


def invitation_url(raw_token: str) -> str:
    """Absolute link to the accept page (emails leave the request, so use SITE_URL)."""
    path = reverse("accounts:accept_invitation", kwargs={"token": raw_token})
    return f"{settings.SITE_URL}{path}"


def send_invitation_email(invitation: Invitation, raw_token: str) -> None:
    """Email the invitation link, as text plus simple HTML (`deliver_invitation` mints the
    token and calls this)."""
    context = {
        "invitation": invitation,
        "organization": invitation.organization,
        "inviter": invitation.invited_by.name if invitation.invited_by else "",
        "url": invitation_url(raw_token),
        "days": INVITATION_DAYS,
    }
    subject = as_single_line(f"You are invited to {invitation.organization.name} on Cairn")
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("email/accounts/invitation.txt", context),
        to=[invitation.email],
    )
    message.attach_alternative(
        render_to_string("email/accounts/invitation.html", context), "text/html"
    )
    message.send()


def invite_member(
    *,
    organization: Organization,
    actor: Membership,
    email: str,
    role: str = Role.MEMBER,
    unit: OrgUnit | None = None,
    name: str = "",
) -> Invitation:
    """Invite someone by email. A pending invitation for the same address is refreshed and
    re-sent rather than duplicated; an active member cannot be invited again. `name` (optional)
    prefills the accept form; a re-send without one keeps the earlier name."""
    require_admin(actor, organization)
    email = clean_invitee_email(email)
    name = clean_invitee_name(name)
    if role not in Role.values:
        raise ValidationError({"role": "Choose one of the listed roles."})
    require_same_org(unit, organization, "unit", "unit")
    with transaction.atomic():
        if active_memberships(organization).filter(user__email__iexact=email).exists():
            raise ValidationError({"email": f"{email} is already a member of {organization.name}."})
        now = timezone.now()
        invitation = (
            open_invitations(organization).select_for_update().filter(email__iexact=email).first()
        )
        if invitation is None:
            invitation = Invitation(organization=organization, email=email)
        # A re-send retires the current link at once (an older leaked link stops working);
        # the email task mints the new one, so no raw token travels in a broker message.
        ticket = invitation.retire_token()
        invitation.role = role
        invitation.name = name or invitation.name
        invitation.unit = unit
        invitation.invited_by = actor
        invitation.expires_at = now + timedelta(days=INVITATION_DAYS)
        invitation.save()
        security_events.record(
            SecurityEvent.Kind.INVITATION_SENT,
            organization_id=organization.pk,
            actor=actor,
            detail={"invitation": invitation.pk, "email": email, "role": role},
        )
        # After commit, from a retrying task: a mail failure never undoes (or half-does) the
        # invitation, and the admin can re-send.
        enqueue_on_commit("accounts.tasks.send_invitation", invitation.pk, ticket)
    return invitation


def deliver_invitation(*, invitation_id: int, ticket: str) -> bool:
    """Mint the invitation's link and email it, if the invitation is pending and still holds
    `ticket` (the hash `invite_member` left; a re-send since replaced it, and its own task
    sends the current link). The new token is stored only if the mail goes out: a failed send
    rolls it back, so a retry of the same task finds its ticket again. The raw token exists
    in this function and the email only."""
    with transaction.atomic():
        invitation = selectors.get_invitation_to_send(
            pk=invitation_id, token_hash=ticket, for_update=True
        )
        if invitation is None:
            return False  # re-sent or revoked meanwhile
        raw = invitation.issue_token()
        invitation.save(update_fields=["token_hash"])
        send_invitation_email(invitation, raw)
    return True


@transaction.atomic
def revoke_invitation(*, invitation: Invitation, actor: Membership) -> Invitation:
    """Cancel a pending invitation; its link stops working. Revoking it again changes
    nothing: the first revocation's time and its one security event stand."""
    require_admin(actor, invitation.organization)
    if invitation.accepted_at is not None:
        raise ValidationError("This invitation was already accepted.")
    revoked = Invitation.objects.filter(
        pk=invitation.pk, organization=invitation.organization, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    invitation.refresh_from_db()
    if not revoked:
        return invitation
    security_events.record(
        SecurityEvent.Kind.INVITATION_REVOKED,
        organization_id=invitation.organization_id,
        actor=actor,
        detail={"invitation": invitation.pk, "email": invitation.email},
    )
    return invitation


def accept_invitation(
    *,
    invitation: Invitation,
    user: User | None = None,
    full_name: str = "",
    password: str = "",
) -> Membership:
    """Turn an invitation into a membership.

    A logged-in `user` accepts for themselves (their email must match the invitation).
    Without a user, a new account is created from `full_name` and `password`.
    """
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation_is_pending(invitation):
            raise ValidationError("This invitation is no longer valid. Ask an admin for a new one.")
        if user is None:
            if account_exists(email=invitation.email):
                raise ValidationError(
                    "An account with this email already exists. Log in to accept the invitation."
                )
            full_name = clean_single_line(full_name, field="full_name")
            if not full_name:
                raise ValidationError({"full_name": "Tell us your name."})
            candidate = User(email=invitation.email, full_name=full_name[:150])
            try:
                validate_password(password, candidate)
            except ValidationError as exc:
                raise ValidationError({"password1": exc.messages}) from exc
            user = User.objects.create_user(
                email=invitation.email, password=password, full_name=full_name[:150]
            )
        elif user.email.lower() != invitation.email.lower():
            raise PermissionDenied(
                f"This invitation is for {invitation.email}. Log in with that address to accept."
            )
        membership, created = Membership.objects.get_or_create(
            organization=invitation.organization,
            user=user,
            defaults={"role": invitation.role, "unit": invitation.unit},
        )
        if not created and not membership.is_active:
            # A former member comes back with the role the admin chose now.
            membership.is_active = True
            membership.role = invitation.role
            membership.unit = invitation.unit or membership.unit
            membership.save(update_fields=["is_active", "role", "unit"])
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        membership.user = user
        security_events.record(
            SecurityEvent.Kind.INVITATION_ACCEPTED,
            organization_id=invitation.organization_id,
            actor=membership,
            detail={
                "invitation": invitation.pk,
                "email": invitation.email,
                "role": membership.role,
            },
        )
    return membership
