"""Form fields for picking people and units; shared by the org chart and OKR forms.

They render as `accounts.widgets.PeoplePicker*` / `UnitPicker` (a native select in small
organizations, an autocomplete otherwise). The people fields accept a member id, an email,
or "Name (email)" (what the autocomplete's text box shows), the unit field an id or a
name, always within the field's organization-scoped queryset: anything else, another
organization's id included, is "not a valid choice".
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from accounts.models import Membership, Organization, OrgUnit
from accounts.widgets import PeoplePicker, PeoplePickerMultiple, UnitPicker

_EMAIL = re.compile(r"[^\s()<>,;]+@[^\s()<>,;]+")


def member_choices(organization: Organization):
    """What a people picker offers: active members of this organization, by name."""
    return (
        Membership.objects.filter(organization=organization, is_active=True)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


def unit_choices(organization: Organization):
    """What a unit picker offers: this organization's units, by name."""
    return OrgUnit.objects.filter(organization=organization).order_by("name")


def member_label(membership: Membership) -> str:
    """Name and email, to tell namesakes apart."""
    return f"{membership.user.display_name} ({membership.user.email})"


def _email_in(text: str) -> str | None:
    found = _EMAIL.findall(text)
    return found[-1].lower() if found else None


class MemberChoiceField(forms.ModelChoiceField):
    widget = PeoplePicker

    def label_from_instance(self, obj: Membership) -> str:
        return member_label(obj)

    def to_python(self, value):
        text = str(value).strip() if value not in self.empty_values else ""
        if "\x00" in text:  # PostgreSQL cannot even compare it: never a valid choice
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        if text and not text.isdigit():
            email = _email_in(text)
            if email is None or len(text) > 500:
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
            member = self.queryset.filter(user__email__iexact=email).first()
            if member is None:
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
            return member
        return super().to_python(text or value)


class MembersChoiceField(forms.ModelMultipleChoiceField):
    widget = PeoplePickerMultiple

    def label_from_instance(self, obj: Membership) -> str:
        return member_label(obj)

    def clean(self, value):
        if isinstance(value, list | tuple):
            value = self._ids_from(value)
        return super().clean(value)

    def _ids_from(self, values) -> list[str]:
        """Ids as given; emails (a comma-separated list from the no-JS text box) to ids."""
        ids, emails = [], []
        for raw in values:
            for part in str(raw).split(","):
                part = part.strip()
                if not part:
                    continue
                if "\x00" in part:
                    raise ValidationError(
                        self.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": "?"},
                    )
                if part.isdigit():
                    ids.append(part)
                    continue
                email = _email_in(part)
                if email is None:
                    raise ValidationError(
                        self.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": part[:100]},
                    )
                emails.append(email)
        if emails:
            match = Q()
            for email in emails[:200]:
                match |= Q(user__email__iexact=email)
            rows = self.queryset.filter(match).values_list("user__email", "pk")
            found = {email.lower(): pk for email, pk in rows}
            for email in emails:
                if email not in found:
                    raise ValidationError(
                        self.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": email[:100]},
                    )
                ids.append(str(found[email]))
        return list(dict.fromkeys(ids))


class UnitChoiceField(forms.ModelChoiceField):
    """A unit of the field's organization-scoped queryset, by id or (the no-JS text box of
    the autocomplete) by its name, case-insensitive, when exactly one unit has it (names repeat
    only under different parents; an ambiguous name is "not a valid choice")."""

    widget = UnitPicker

    def to_python(self, value):
        text = str(value).strip() if value not in self.empty_values else ""
        if "\x00" in text or len(text) > 500 or (text.isdigit() and len(text) > 18):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        if text and not text.isdigit():
            matches = list(self.queryset.filter(name__iexact=text)[:2])
            if len(matches) != 1:
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
            return matches[0]
        return super().to_python(text or value)
