"""Invite people by email, list pending invitations, revoke one."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts import selectors, services
from accounts.forms import InviteForm, apply_errors
from accounts.tenancy import org_required
from accounts.views.common import forbidden, paginate


@org_required
def invitations(request, org_slug: str):
    organization = request.organization
    is_admin = request.membership.is_admin
    if request.method == "POST" and not is_admin:
        return forbidden(request)
    form = InviteForm(request.POST or None, organization=organization) if is_admin else None
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invite_member(
                organization=organization, actor=request.membership, **form.cleaned_data
            )
        except PermissionDenied as exc:
            return forbidden(request, str(exc))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("orgchart:invitations", org_slug=org_slug)
    page = paginate(request, selectors.pending_invitations(organization=organization))
    return render(
        request,
        "accounts/invitations.html",
        {"form": form, "page": page, "is_admin": is_admin},
        status=400 if form is not None and form.errors else 200,
    )


@org_required
def invitation_revoke(request, org_slug: str, invitation_id: int):
    organization = request.organization
    invitation = selectors.get_invitation(organization=organization, pk=invitation_id)
    if not request.membership.is_admin:
        return forbidden(request)
    error = ""
    if request.method == "POST":
        try:
            services.revoke_invitation(invitation=invitation, actor=request.membership)
        except PermissionDenied as exc:
            return forbidden(request, str(exc))
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, f"Invitation for {invitation.email} revoked.")
            return redirect("orgchart:invitations", org_slug=org_slug)
    return render(
        request,
        "accounts/confirm.html",
        {
            "title": f"Revoke the invitation for {invitation.email}?",
            "body": "The link in their email stops working. You can invite them again later.",
            "confirm_label": "Revoke invitation",
            "danger": True,
            "cancel_url": reverse("orgchart:invitations", kwargs={"org_slug": org_slug}),
            "error": error,
        },
        status=400 if error else 200,
    )
