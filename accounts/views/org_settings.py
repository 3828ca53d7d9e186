"""Organization settings (admins edit; others read)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from accounts import services
from accounts.forms import OrganizationSettingsForm, apply_errors
from accounts.tenancy import org_required
from accounts.views.common import forbidden


@org_required
def org_settings(request, org_slug: str):
    organization = request.organization
    is_admin = request.membership.is_admin
    if request.method == "POST" and not is_admin:
        return forbidden(request)
    # The form validates a copy: the request's organization stays untouched on errors.
    form = OrganizationSettingsForm(
        request.POST or None, instance=type(organization).objects.get(pk=organization.pk)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_organization_settings(
                organization=organization, actor=request.membership, **form.cleaned_data
            )
        except PermissionDenied as exc:
            return forbidden(request, str(exc))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Settings saved.")
            return redirect("orgchart:settings", org_slug=org_slug)
    if not is_admin:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "accounts/org_settings.html",
        {"form": form, "is_admin": is_admin},
        status=400 if form.errors else 200,
    )
