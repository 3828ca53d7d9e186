"""Shared form plumbing: org-scoped choice fields and accessible error markup. A service's
errors go onto a form with `okr_project.web.apply_service_error`."""

from __future__ import annotations

from django import forms

from accounts.fields import (  # noqa: F401 (re-export)
    MemberChoiceField,
    MembersChoiceField,
    UnitChoiceField,
)
from accounts.fields import member_choices as members_of
from accounts.fields import unit_choices as units_of

__all__ = ["members_of", "units_of", "StyledForm"]


class StyledForm(forms.Form):
    """Adds `aria-describedby` / `aria-invalid` so screen readers announce help and errors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs.setdefault("aria-describedby", f"id_{name}_helptext")

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"
