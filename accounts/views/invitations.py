"""Invite people by email, list pending invitations, revoke one."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse

from accounts import selectors, services
from accounts.forms import InviteForm
from accounts.tenancy import org_required
from accounts.views.common import PAGE_SIZE, admins_only, save_form
from okr_project.web import confirm, paginate


@org_required
def invitations(request, org_slug: str):
    organization = request.organization
    is_admin = request.membership.is_admin
    if request.method == "POST" and not is_admin:
        return admins_only(request)
    form = InviteForm(request.POST or None, organization=organization) if is_admin else None
    if request.method == "POST" and form.is_valid():
        response = save_form(
            request,
            form,
            lambda: services.invite_member(
                organization=organization, actor=request.membership, **form.cleaned_data
            ),
            success=f"Invitation sent to {form.cleaned_data['email']}.",
            redirect_to=reverse("orgchart:invitations", kwargs={"org_slug": org_slug}),
        )
        if response:
            return response
    page = paginate(request, selectors.pending_invitations(organization=organization), PAGE_SIZE)
    return render(
        request,
        "accounts/invitations.html",
        {"form": form, "page": page, "is_admin": is_admin},
        status=400 if form is not None and form.errors else 200,
    )


@org_required
def invitation_revoke(request, org_slug: str, invitation_id: int):
    invitation = selectors.get_invitation(organization=request.organization, pk=invitation_id)
    if not request.membership.is_admin:
        return admins_only(request)
    listing = reverse("orgchart:invitations", kwargs={"org_slug": org_slug})
    return confirm(
        request,
        lambda: services.revoke_invitation(invitation=invitation, actor=request.membership),
        title=f"Revoke the invitation for {invitation.email}?",
        body="The link in their email stops working. You can invite them again later.",
        confirm_label="Revoke invitation",
        cancel_url=listing,
        success=f"Invitation for {invitation.email} revoked.",
        done_url=listing,
    )
