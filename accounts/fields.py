"""Form fields for picking people; shared by the org chart and OKR forms."""

from django import forms

from accounts.models import Membership
from accounts.widgets import FastSelect, FastSelectMultiple


def member_label(membership: Membership) -> str:
    """Name and email, to tell namesakes apart."""
    return f"{membership.user.display_name} ({membership.user.email})"


class MemberChoiceField(forms.ModelChoiceField):
    widget = FastSelect

    def label_from_instance(self, obj: Membership) -> str:
        return member_label(obj)


class MembersChoiceField(forms.ModelMultipleChoiceField):
    widget = FastSelectMultiple

    def label_from_instance(self, obj: Membership) -> str:
        return member_label(obj)
