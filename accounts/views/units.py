"""Create, edit (rename, move, set lead) and delete org units. Admins only."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse

from accounts import selectors, services
from accounts.forms import UnitForm
from accounts.rules.policy import ADMINS_ONLY, can_manage_org
from accounts.tenancy import org_required, requires
from okr_project.web import confirm, submit_and_redirect


def _form_page(request, form, unit):
    status = 400 if form.errors else 200
    return render(request, "accounts/unit_form.html", {"form": form, "unit": unit}, status=status)


@org_required
@requires(can_manage_org, ADMINS_ONLY)
def unit_create(request, org_slug: str):
    organization = request.organization
    form = UnitForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        response = submit_and_redirect(
            request,
            form,
            lambda: services.create_unit(
                organization=organization, actor=request.membership, **form.cleaned_data
            ),
            success=f"Unit “{form.cleaned_data['name']}” created.",
            redirect_to=reverse("orgchart:chart", kwargs={"org_slug": org_slug}),
        )
        if response:
            return response
    return _form_page(request, form, None)


@org_required
@requires(can_manage_org, ADMINS_ONLY)
def unit_edit(request, org_slug: str, unit_id: int):
    organization = request.organization
    unit = selectors.get_unit(organization=organization, pk=unit_id)
    initial = {"name": unit.name, "kind": unit.kind, "parent": unit.parent, "lead": unit.lead}
    form = UnitForm(request.POST or None, organization=organization, initial=initial)
    if request.method == "POST" and form.is_valid():
        response = submit_and_redirect(
            request,
            form,
            lambda: services.update_unit(unit=unit, actor=request.membership, **form.cleaned_data),
            success=f"Unit “{form.cleaned_data['name']}” saved.",
            redirect_to=reverse("orgchart:chart", kwargs={"org_slug": org_slug}),
        )
        if response:
            return response
    return _form_page(request, form, unit)


@org_required
@requires(can_manage_org, ADMINS_ONLY)
def unit_delete(request, org_slug: str, unit_id: int):
    unit = selectors.get_unit(organization=request.organization, pk=unit_id)
    chart = reverse("orgchart:chart", kwargs={"org_slug": org_slug})
    return confirm(
        request,
        lambda: services.delete_unit(unit=unit, actor=request.membership),
        title=f"Delete “{unit.name}”?",
        body="The unit disappears from the org chart. This cannot be undone.",
        confirm_label="Delete unit",
        cancel_url=chart,
        success=f"Unit “{unit.name}” deleted.",
        done_url=chart,
    )
