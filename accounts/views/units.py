"""Create, edit (rename, move, set lead) and delete org units. Admins only."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse

from accounts import selectors, services
from accounts.forms import UnitForm
from accounts.rules.policy import ADMINS_ONLY, can_manage_org
from accounts.tenancy import org_required, requires
from okr_project.web import confirm, submit_and_redirect


def lead_outcome(unit, lead, was_in) -> str:
    """What happened to the lead's own unit, in a sentence (leading does not move anyone)."""
    if lead is None:
        return ""
    if lead.unit_id == unit.pk and was_in != unit.pk:
        return f" {lead.name} leads it and moved into it."
    if lead.unit_id == unit.pk:
        return f" {lead.name} leads it and is a member of it."
    where = f"stays in {lead.unit.name}" if lead.unit_id else "stays in no unit"
    return f" {lead.name} leads it and {where}."


def _form_page(request, form, unit):
    status = 400 if form.errors else 200
    return render(request, "accounts/unit_form.html", {"form": form, "unit": unit}, status=status)


@org_required
@requires(can_manage_org, ADMINS_ONLY)
def unit_create(request, org_slug: str):
    organization = request.organization
    form = UnitForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        lead = form.cleaned_data["lead"]
        was_in = lead.unit_id if lead else None
        response = submit_and_redirect(
            request,
            form,
            lambda: services.create_unit(
                organization=organization, actor=request.membership, **form.cleaned_data
            ),
            success=lambda made: f"Unit “{made.name}” created." + lead_outcome(made, lead, was_in),
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
    form = UnitForm(request.POST or None, organization=organization, initial=initial, unit=unit)
    if request.method == "POST" and form.is_valid():
        lead = form.cleaned_data["lead"]
        was_in = lead.unit_id if lead else None
        changed_lead = lead != unit.lead or form.cleaned_data["move_lead"]
        response = submit_and_redirect(
            request,
            form,
            lambda: services.update_unit(unit=unit, actor=request.membership, **form.cleaned_data),
            success=lambda saved: f"Unit “{saved.name}” saved."
            + (lead_outcome(saved, lead, was_in) if changed_lead else ""),
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
