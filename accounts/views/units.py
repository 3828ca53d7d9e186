"""Create, edit (rename, move, set lead) and delete org units. Admins only."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts import selectors, services
from accounts.forms import UnitForm, apply_errors
from accounts.tenancy import org_required
from accounts.views.common import forbidden


@org_required
def unit_create(request, org_slug: str):
    organization = request.organization
    if not request.membership.is_admin:
        return forbidden(request)
    form = UnitForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.create_unit(
                organization=organization, actor=request.membership, **form.cleaned_data
            )
        except PermissionDenied as exc:
            return forbidden(request, str(exc))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Unit “{unit.name}” created.")
            return redirect("orgchart:chart", org_slug=org_slug)
    status = 400 if form.errors else 200
    return render(request, "accounts/unit_form.html", {"form": form, "unit": None}, status=status)


@org_required
def unit_edit(request, org_slug: str, unit_id: int):
    organization = request.organization
    unit = selectors.get_unit(organization=organization, pk=unit_id)
    if not request.membership.is_admin:
        return forbidden(request)
    initial = {"name": unit.name, "kind": unit.kind, "parent": unit.parent, "lead": unit.lead}
    form = UnitForm(request.POST or None, organization=organization, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_unit(unit=unit, actor=request.membership, **form.cleaned_data)
        except PermissionDenied as exc:
            return forbidden(request, str(exc))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Unit “{form.cleaned_data['name']}” saved.")
            return redirect("orgchart:chart", org_slug=org_slug)
    status = 400 if form.errors else 200
    return render(request, "accounts/unit_form.html", {"form": form, "unit": unit}, status=status)


@org_required
def unit_delete(request, org_slug: str, unit_id: int):
    organization = request.organization
    unit = selectors.get_unit(organization=organization, pk=unit_id)
    if not request.membership.is_admin:
        return forbidden(request)
    error = ""
    if request.method == "POST":
        try:
            services.delete_unit(unit=unit, actor=request.membership)
        except PermissionDenied as exc:
            return forbidden(request, str(exc))
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, f"Unit “{unit.name}” deleted.")
            return redirect("orgchart:chart", org_slug=org_slug)
    return render(
        request,
        "accounts/confirm.html",
        {
            "title": f"Delete “{unit.name}”?",
            "body": "The unit disappears from the org chart. This cannot be undone.",
            "confirm_label": "Delete unit",
            "danger": True,
            "cancel_url": reverse("orgchart:chart", kwargs={"org_slug": org_slug}),
            "error": error,
        },
        status=400 if error else 200,
    )
