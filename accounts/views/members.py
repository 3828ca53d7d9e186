"""Member detail; admins edit role/title/unit/manager and (de)activate."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts import selectors, services
from accounts.forms import MemberForm, apply_errors
from accounts.tenancy import org_required
from accounts.views.common import forbidden


@org_required
def member_detail(request, org_slug: str, membership_id: int):
    organization = request.organization
    member = selectors.get_membership(organization=organization, pk=membership_id)
    is_admin = request.membership.is_admin
    form = None
    if request.method == "POST" and not is_admin:
        return forbidden(request)
    if is_admin:
        initial = {
            "role": member.role,
            "title": member.title,
            "unit": member.unit,
            "reports_to": member.reports_to,
        }
        form = MemberForm(request.POST or None, organization=organization, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                services.update_member(
                    membership=member, actor=request.membership, **form.cleaned_data
                )
            except PermissionDenied as exc:
                return forbidden(request, str(exc))
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"{member.name} updated.")
                return redirect("orgchart:member", org_slug=org_slug, membership_id=member.pk)
    reports = selectors.reports_of(organization=organization, membership=member)
    status = 400 if form is not None and form.errors else 200
    return render(
        request,
        "accounts/member_detail.html",
        {"member": member, "form": form, "reports": reports, "is_admin": is_admin},
        status=status,
    )


def _toggle(request, org_slug: str, membership_id: int, *, activate: bool):
    organization = request.organization
    member = selectors.get_membership(organization=organization, pk=membership_id)
    if not request.membership.is_admin:
        return forbidden(request)
    error = ""
    if request.method == "POST":
        service = services.reactivate_member if activate else services.deactivate_member
        try:
            service(membership=member, actor=request.membership)
        except (PermissionDenied, ValidationError) as exc:
            error = " ".join(getattr(exc, "messages", [str(exc)]))
        else:
            verb = "reactivated" if activate else "deactivated"
            messages.success(request, f"{member.name} {verb}.")
            return redirect("orgchart:member", org_slug=org_slug, membership_id=member.pk)
    if activate:
        title, body = (
            f"Reactivate {member.name}?",
            "They can log in and use this organization again.",
        )
    else:
        title = f"Deactivate {member.name}?"
        body = "They lose access to this organization. Their OKRs and history stay."
    return render(
        request,
        "accounts/confirm.html",
        {
            "title": title,
            "body": body,
            "confirm_label": "Reactivate" if activate else "Deactivate",
            "danger": not activate,
            "cancel_url": reverse(
                "orgchart:member", kwargs={"org_slug": org_slug, "membership_id": member.pk}
            ),
            "error": error,
        },
        status=400 if error else 200,
    )


@org_required
def member_deactivate(request, org_slug: str, membership_id: int):
    return _toggle(request, org_slug, membership_id, activate=False)


@org_required
def member_reactivate(request, org_slug: str, membership_id: int):
    return _toggle(request, org_slug, membership_id, activate=True)
