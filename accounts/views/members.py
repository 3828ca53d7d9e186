"""Member detail; admins edit role/title/unit/manager and (de)activate."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse

from accounts import selectors, services
from accounts.forms import MemberForm
from accounts.rules.policy import ADMINS_ONLY, can_manage_org
from accounts.tenancy import org_required, requires
from okr_project.web import confirm, submit_and_redirect


def _member_url(org_slug: str, member) -> str:
    return reverse("orgchart:member", kwargs={"org_slug": org_slug, "membership_id": member.pk})


@org_required
@requires(can_manage_org, ADMINS_ONLY, methods=["POST"])
def member_detail(request, org_slug: str, membership_id: int):
    organization = request.organization
    member = selectors.get_membership(organization=organization, pk=membership_id)
    can_manage = can_manage_org(request.membership)
    form = None
    if can_manage:
        initial = {
            "role": member.role,
            "title": member.title,
            "unit": member.unit,
            "reports_to": member.reports_to,
        }
        form = MemberForm(
            request.POST or None, organization=organization, member=member, initial=initial
        )
        if request.method == "POST" and form.is_valid():
            response = submit_and_redirect(
                request,
                form,
                lambda: services.update_member(
                    membership=member, actor=request.membership, **form.cleaned_data
                ),
                success=f"{member.name} updated.",
                redirect_to=_member_url(org_slug, member),
            )
            if response:
                return response
    reports = selectors.reports_of(organization=organization, membership=member)
    return render(
        request,
        "accounts/member_detail.html",
        {"member": member, "form": form, "reports": reports},
        status=400 if form is not None and form.errors else 200,
    )


@org_required
@requires(can_manage_org, ADMINS_ONLY)
def member_deactivate(request, org_slug: str, membership_id: int):
    member = selectors.get_membership(organization=request.organization, pk=membership_id)
    return confirm(
        request,
        lambda: services.deactivate_member(membership=member, actor=request.membership),
        title=f"Deactivate {member.name}?",
        body="They lose access to this organization. Their OKRs and history stay.",
        confirm_label="Deactivate",
        cancel_url=_member_url(org_slug, member),
        success=f"{member.name} deactivated.",
        done_url=_member_url(org_slug, member),
    )


@org_required
@requires(can_manage_org, ADMINS_ONLY)
def member_reactivate(request, org_slug: str, membership_id: int):
    member = selectors.get_membership(organization=request.organization, pk=membership_id)
    return confirm(
        request,
        lambda: services.reactivate_member(membership=member, actor=request.membership),
        title=f"Reactivate {member.name}?",
        body="They can log in and use this organization again.",
        confirm_label="Reactivate",
        cancel_url=_member_url(org_slug, member),
        success=f"{member.name} reactivated.",
        done_url=_member_url(org_slug, member),
        danger=False,
    )
