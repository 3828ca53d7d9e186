"""Organization settings (admins edit; others read)."""

from __future__ import annotations

import copy

from django.shortcuts import render
from django.urls import reverse

from accounts import services
from accounts.forms import OrganizationSettingsForm
from accounts.tenancy import org_required
from accounts.views.common import admins_only, save_form


@org_required
def org_settings(request, org_slug: str):
    organization = request.organization
    is_admin = request.membership.is_admin
    if request.method == "POST" and not is_admin:
        return admins_only(request)
    # The form validates a copy: the request's organization stays untouched on errors.
    form = OrganizationSettingsForm(request.POST or None, instance=copy.copy(organization))
    if request.method == "POST" and form.is_valid():
        response = save_form(
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
    if not is_admin:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "accounts/org_settings.html",
        {"form": form, "is_admin": is_admin},
        status=400 if form.errors else 200,
    )
