"""The security event log page (organization admins): newest first, filtered, paged."""

from __future__ import annotations

from django import forms
from django.shortcuts import render

from accounts.fields import MemberChoiceField
from accounts.models import SecurityEvent
from accounts.rules.policy import can_view_security_log
from accounts.selectors import security as security_selectors
from accounts.services import security_events
from accounts.tenancy import org_required
from okr_project.web import forbidden, paginate

PAGE_SIZE = 50
ADMINS_ONLY = "Only admins can see the security log."


class SecurityFilterForm(forms.Form):
    """GET filters of the log; empty means "all". The API takes the same names."""

    kind = forms.ChoiceField(
        choices=[("", "All events")] + list(SecurityEvent.Kind.choices),
        required=False,
        label="Event",
    )
    person = MemberChoiceField(queryset=None, required=False, label="Person", empty_label="Anyone")
    since = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = security_selectors.member_choices(
            organization=organization
        )

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "“To” must be on or after “From”.")
        return data

    def filters(self) -> dict:
        """The valid filters (an invalid one is shown as an error and ignored)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "kind": data.get("kind") or "",
            "person": data.get("person"),
            "since": data.get("since"),
            "until": data.get("until") if "until" not in self.errors else None,
        }


@org_required
def security_log(request, org_slug: str):
    if not can_view_security_log(request.membership):
        return forbidden(request, ADMINS_ONLY)
    organization = request.organization
    form = SecurityFilterForm(request.GET or None, organization=organization)
    filters = form.filters() if form.is_bound else {}
    events = security_selectors.events_for_org(organization=organization, **filters)
    page = paginate(request, events, PAGE_SIZE)
    for event in page.object_list:
        event.detail_lines = security_selectors.detail_lines(event.detail)
    return render(
        request,
        "accounts/security_log.html",
        {
            "form": form,
            "page": page,
            "events": page.object_list,
            "filtering": any(filters.values()),
            "retention_days": security_events.RETENTION.days,
        },
    )
