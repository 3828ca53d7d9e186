"""Invite people by email (one, or many from a list or a CSV), list pending invitations,
revoke one."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts import selectors, services
from accounts.forms import BulkInviteForm, InviteForm
from accounts.rules.policy import ADMINS_ONLY, can_manage_org
from accounts.tenancy import org_required, requires
from accounts.views.common import PAGE_SIZE
from okr_project.web import (
    apply_service_error,
    confirm,
    error_text,
    forbidden,
    paginate,
    submit_and_redirect,
)

BULK_FORM = "accounts/invitations_bulk.html"
BULK_PREVIEW = "accounts/invitations_bulk_preview.html"


@org_required
@requires(can_manage_org, ADMINS_ONLY, methods=["POST"])
def invitations(request, org_slug: str):
    organization = request.organization
    can_manage = can_manage_org(request.membership)
    form = InviteForm(request.POST or None, organization=organization) if can_manage else None
    if request.method == "POST" and form.is_valid():
        response = submit_and_redirect(
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
        {"form": form, "page": page},
        status=400 if form is not None and form.errors else 200,
    )


@org_required
@requires(can_manage_org, ADMINS_ONLY)
def invitation_revoke(request, org_slug: str, invitation_id: int):
    invitation = selectors.get_invitation(organization=request.organization, pk=invitation_id)
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


@org_required
@requires(can_manage_org, ADMINS_ONLY)
def invitations_bulk(request, org_slug: str):
    """Invite several people: paste or upload a list (step "preview" shows what each row
    would do), then "send" re-checks it and invites the valid rows (`services.invite_many`).
    "edit" goes back to the form with the list in the text box. Works without JavaScript:
    the preview carries the list in a hidden field, so nothing is kept on the server."""
    organization = request.organization
    step = request.POST.get("step", "preview")
    if request.method == "POST" and step == "edit":
        fields = ("addresses", "role", "unit")
        form = BulkInviteForm(
            initial={f: request.POST.get(f, "") for f in fields}, organization=organization
        )
        return render(request, BULK_FORM, {"form": form})
    form = BulkInviteForm(request.POST or None, request.FILES or None, organization=organization)
    if request.method != "POST" or not form.is_valid():
        return render(request, BULK_FORM, {"form": form}, status=400 if form.errors else 200)
    data = form.cleaned_data
    arguments = {
        "organization": organization,
        "actor": request.membership,
        "rows": data["rows"],
        "default_role": data["role"],
        "default_unit": data["unit"],
    }
    changed = ""
    try:
        if step == "send":
            plan = services.invite_many(**arguments, expected=data["fingerprint"])
            messages.success(request, plan.sent_summary)
            return redirect(reverse("orgchart:invitations", kwargs={"org_slug": org_slug}))
        plan = services.plan_invitations(**arguments)
    except services.InvitationListChanged as exc:
        # Sent without a preview (no fingerprint): just show the preview.
        plan, changed = exc.plan, error_text(exc) if data["fingerprint"] else ""
    except PermissionDenied as exc:
        return forbidden(request, error_text(exc))
    except ValidationError as exc:
        apply_service_error(form, exc)
        return render(request, BULK_FORM, {"form": form}, status=400)
    context = {"form": form, "plan": plan, "text": data["text"], "changed": changed}
    return render(request, BULK_PREVIEW, context, status=409 if changed else 200)
