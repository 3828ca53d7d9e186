"""Forms for the people pages. Every queryset is scoped to the organization, so an id from
another organization fails validation ("Select a valid choice") and nothing is written."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from accounts.fields import MemberChoiceField, UnitChoiceField, member_choices, unit_choices
from accounts.models import Membership, Organization, OrgUnit, Role
from accounts.rules import timezones
from accounts.rules.invitation_lists import (
    MAX_BYTES,
    MAX_ROWS,
    TOO_BIG,
    decode_invitation_text,
    parse_invitation_rows,
)
from accounts.services.members import SETTINGS_FIELDS
from accounts.validators import validate_single_line
from accounts.widgets import FilterableSelect


class UnitForm(forms.Form):
    name = forms.CharField(max_length=120, validators=[validate_single_line])
    kind = forms.ChoiceField(choices=OrgUnit.Kind.choices, initial=OrgUnit.Kind.TEAM)
    parent = UnitChoiceField(
        queryset=OrgUnit.objects.none(),
        required=False,
        label="Part of",
        empty_label="— top level (reports to the company) —",
    )
    lead = MemberChoiceField(
        queryset=Membership.objects.none(),
        required=False,
        empty_label="—",
        help_text="Leading a unit does not move anyone: the lead stays a member of their own "
        "unit unless you tick the box below.",
    )
    move_lead = forms.BooleanField(
        required=False,
        label="Also move the lead into this unit",
        help_text="They leave their current unit and become a member of this one.",
    )

    def __init__(self, *args, organization: Organization, unit: OrgUnit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = unit_choices(organization)
        self.fields["lead"].queryset = member_choices(organization).select_related("unit")
        lead = unit.lead if unit is not None else None
        if lead is not None and not self.is_bound:
            # Editing a unit whose lead is known: name them and where they are now.
            where = f"from {lead.unit.name} " if lead.unit_id and lead.unit_id != unit.pk else ""
            if lead.unit_id == unit.pk:
                self.fields["move_lead"].help_text = f"{lead.name} is already a member of it."
            else:
                self.fields["move_lead"].label = f"Also move {lead.name} {where}into this unit"


class MemberForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
    title = forms.CharField(
        max_length=120, required=False, label="Job title", validators=[validate_single_line]
    )
    unit = UnitChoiceField(queryset=OrgUnit.objects.none(), required=False, empty_label="—")
    reports_to = MemberChoiceField(
        queryset=Membership.objects.none(), required=False, label="Reports to", empty_label="—"
    )
    manager_after_move = forms.ChoiceField(
        choices=[("lead", "the new unit's lead"), ("keep", "keep the current manager")],
        required=False,
        widget=forms.HiddenInput,  # shown (as radio buttons) only when the question arises
        label="After the move, report to",
    )

    def __init__(
        self, *args, organization: Organization, member: Membership | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.member = member
        self.fields["unit"].queryset = unit_choices(organization)
        self.fields["reports_to"].queryset = member_choices(organization)

    def clean(self):
        """Moving someone to a unit with another lead asks who they report to now, instead
        of silently keeping the old manager."""
        data = super().clean()
        choice = data.pop("manager_after_move", "")
        member, unit = self.member, data.get("unit")
        if member is None or unit is None or unit.pk == member.unit_id:
            return data
        lead = unit.lead
        kept = data.get("reports_to") == member.reports_to
        if lead is None or lead.pk == member.pk or lead == member.reports_to or not kept:
            return data
        if choice == "lead":
            data["reports_to"] = lead
        elif choice != "keep":
            current = member.reports_to.name if member.reports_to else "nobody"
            field = self.fields["manager_after_move"]
            field.choices = [
                ("lead", f"{lead.name}, lead of {unit.name}"),
                ("keep", f"{current} (keep the current manager)"),
            ]
            field.widget = forms.RadioSelect(choices=field.choices)
            self.add_error(
                "manager_after_move",
                f"{member.name} moves to {unit.name}. Who should they report to now?",
            )
        return data


class InviteForm(forms.Form):
    email = forms.EmailField(label="Email address")
    name = forms.CharField(
        max_length=150,
        required=False,
        label="Name (optional)",
        validators=[validate_single_line],
        help_text="Filled in for them when they accept.",
    )
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MEMBER)
    unit = UnitChoiceField(queryset=OrgUnit.objects.none(), required=False, empty_label="—")

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_choices(organization)


class BulkInviteForm(forms.Form):
    """A pasted list or a CSV file, and the role and unit for rows that name none. `clean`
    reads the list (`cleaned_data["text"]` and `["rows"]`); checking the rows is the
    service's job. `fingerprint` comes back from the preview (see `invite_many`)."""

    addresses = forms.CharField(
        required=False,
        strip=False,  # the preview carries the list back as is: line numbers must not shift
        label="Addresses",
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text=(
            "One per line, or separated by commas, semicolons or spaces; “Jane Doe "
            "<jane@example.com>” works too. For names, units and roles paste a CSV whose "
            "first line is: name,email,unit,role."
        ),
    )
    file = forms.FileField(
        required=False,
        label="…or a CSV file",
        widget=forms.FileInput(attrs={"accept": ".csv,.txt,text/csv,text/plain"}),
        help_text=(
            "A header row with an email column, plus name, unit and role if you like (any "
            "order). Comma or semicolon separated, UTF-8 (Excel: “CSV UTF-8”). "
            f"At most {MAX_ROWS} rows and 1 MB."
        ),
    )
    role = forms.ChoiceField(
        choices=Role.choices,
        initial=Role.MEMBER,
        label="Role",
        help_text="For rows without a role.",
    )
    unit = UnitChoiceField(
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label="—",
        help_text="For rows without a unit.",
    )
    fingerprint = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_choices(organization)

    def clean(self):
        data = super().clean()
        upload, text = data.get("file"), data.get("addresses") or ""
        if "addresses" in self.errors or "file" in self.errors:
            return data
        if upload and text.strip():
            self.add_error("file", "Paste a list or choose a file, not both.")
            return data
        field = "file" if upload else "addresses"
        try:
            if upload:
                if upload.size > MAX_BYTES:
                    raise ValidationError(TOO_BIG)
                text = decode_invitation_text(upload.read())
            data["text"] = decode_invitation_text(text)
            data["rows"] = parse_invitation_rows(data["text"])
        except ValidationError as exc:
            self.add_error(field, exc)
        return data


class OrganizationSettingsForm(forms.ModelForm):
    timezone = forms.ChoiceField(
        choices=timezones.grouped_choices,
        label="Time zone",
        help_text="Check-in days, reminders and digests follow it. Grouped by region; type a "
        "city in the search box to narrow the list.",
        widget=FilterableSelect(
            search_label="Search time zones", placeholder="e.g. Berlin, New York, Kolkata"
        ),
    )

    class Meta:
        model = Organization
        fields = list(SETTINGS_FIELDS)
        labels = {
            "checkin_weekday": "Check-in day",
            "checkin_hour": "Check-in hour",
            "followup_weekday": "Follow-up reminder day",
            "remind_contributors": "Remind contributors too",
            "digest_cadence": "Digest",
            "fiscal_year_start_month": "Fiscal year starts in month (1–12)",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["followup_weekday"]
        field.choices = [("", "Off (no follow-up)"), *list(field.choices)[1:]]
        stored = getattr(self.instance, "timezone", "")
        self.fields["timezone"].choices = timezones.grouped_choices(keep=stored)


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(
        max_length=150, label="Your name", validators=[validate_single_line]
    )
    password1 = forms.CharField(
        label="Choose a password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Repeat the password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "The two passwords differ.")
        return data


class ProfileForm(forms.Form):
    full_name = forms.CharField(
        max_length=150, label="Your name", validators=[validate_single_line]
    )
