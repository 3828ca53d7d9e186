"""Shared form plumbing: org-scoped choice fields and service-error attachment."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.fields import (  # noqa: F401 (re-export)
    MemberChoiceField,
    MembersChoiceField,
    UnitChoiceField,
)
from accounts.fields import member_choices as members_of
from accounts.fields import unit_choices as units_of

__all__ = ["members_of", "units_of", "attach_errors", "StyledForm"]


def attach_errors(form: forms.Form, exc: ValidationError | PermissionDenied) -> None:
    """Put a service's domain error on the form: field errors next to their field when the
    form has that field, everything else as a non-field error. Never raises."""
    if isinstance(exc, PermissionDenied):
        form.add_error(None, str(exc) or "You are not allowed to do that.")
        return
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
        return
    for message in exc.messages:
        form.add_error(None, message)


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
