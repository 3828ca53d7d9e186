"""Organization settings (admins edit; others read) and deleting the organization (admins:
typed confirmation, then a grace period; see accounts/services/organization_deletion.py)."""

from __future__ import annotations

import copy

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts import services
from accounts.forms import OrganizationSettingsForm
from accounts.rules.policy import ADMINS_ONLY, can_delete_organization, can_manage_org
from accounts.services import organization_deletion as deletion
from accounts.tenancy import org_required, requires
from okr_project.web import confirm, submit_and_redirect, submit_to_service

DELETE_ADMINS_ONLY = deletion.ADMINS_ONLY


@org_required
@requires(can_manage_org, ADMINS_ONLY, methods=["POST"])
def org_settings(request, org_slug: str):
    organization = request.organization
    can_manage = can_manage_org(request.membership)
    # The form validates a copy: the request's organization stays untouched on errors.
    form = OrganizationSettingsForm(request.POST or None, instance=copy.copy(organization))
    if request.method == "POST" and form.is_valid():
        response = submit_and_redirect(
            request,
            form,
            lambda: services.update_organization_settings(
                organization=organization, actor=request.membership, **form.cleaned_data
            ),
            success="Settings saved.",
            redirect_to=reverse("orgchart:settings", kwargs={"org_slug": org_slug}),
        )
        if response:
            return response
    if not can_manage:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "accounts/org_settings.html",
        {
            "form": form,
            "grace_days": deletion.grace_period().days,
        },
        status=400 if form.errors else 200,
    )


class DeleteOrganizationForm(forms.Form):
    confirmation = forms.CharField(
        label="Type the organization's slug to confirm",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


@org_required
@require_http_methods(["GET", "POST"])
@requires(can_delete_organization, DELETE_ADMINS_ONLY)
def organization_delete(request, org_slug: str):
    """The typed confirmation; a right one schedules the deletion after the grace period."""
    organization = request.organization
    settings_url = reverse("orgchart:settings", kwargs={"org_slug": org_slug})
    if organization.deletion_scheduled:
        messages.info(request, "Deletion is already scheduled; you can cancel it below.")
        return redirect(settings_url)
    form = DeleteOrganizationForm(request.POST if request.method == "POST" else None)
    hint = f"Type “{organization.slug}” (or the exact name, “{organization.name}”)."
    form.fields["confirmation"].help_text = hint
    if request.method == "POST" and form.is_valid():
        done, _ = submit_to_service(
            form,
            lambda: deletion.schedule_organization_deletion(
                organization=organization,
                actor=request.membership,
                confirmation=form.cleaned_data["confirmation"],
            ),
        )
        if done:
            messages.success(
                request,
                f"{organization.name} will be deleted on {deletion.due_text(organization)}. "
                "Every admin was emailed; any admin can cancel until then.",
            )
            return redirect(settings_url)
    return render(
        request,
        "accounts/organization_delete.html",
        {"form": form, "grace_days": deletion.grace_period().days, "cancel_url": settings_url},
        status=400 if form.errors else 200,
    )


@org_required
@require_http_methods(["GET", "POST"])
@requires(can_delete_organization, DELETE_ADMINS_ONLY)
def organization_delete_cancel(request, org_slug: str):
    """Cancel a scheduled deletion (the one confirmation page, then POST)."""
    organization = request.organization
    settings_url = reverse("orgchart:settings", kwargs={"org_slug": org_slug})
    return confirm(
        request,
        lambda: deletion.cancel_organization_deletion(
            organization=organization, actor=request.membership
        ),
        title="Cancel the deletion?",
        body=(
            f"{organization.name} will not be deleted; everything stays as it is."
            if organization.deletion_scheduled
            else "No deletion is scheduled for this organization."
        ),
        confirm_label=f"Keep {organization.name}",
        cancel_url=settings_url,
        success=f"The deletion of {organization.name} was cancelled. Nothing will be deleted.",
        done_url=settings_url,
        danger=False,
    )
