"""Initiatives, risks and comments on objectives and key results."""

from __future__ import annotations

from django import forms

from accounts.validators import validate_single_line
from okrs.forms.base import MemberChoiceField, StyledForm, members_of
from okrs.models import Initiative, Risk
from okrs.rules import limits


class InitiativeForm(StyledForm):
    title = forms.CharField(
        label="Initiative", max_length=limits.TITLE, validators=[validate_single_line]
    )
    assignee = MemberChoiceField(label="Assignee", queryset=None, required=False)
    due_date = forms.DateField(
        label="Due date", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = members_of(organization)


class InitiativeStatusForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=Initiative.State.choices)


class RiskForm(StyledForm):
    description = forms.CharField(
        label="Risk", max_length=limits.RISK_TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )
    likelihood = forms.TypedChoiceField(
        label="Likelihood", choices=Risk.Scale.choices, coerce=int, initial=Risk.Scale.MEDIUM
    )
    impact = forms.TypedChoiceField(
        label="Impact", choices=Risk.Scale.choices, coerce=int, initial=Risk.Scale.MEDIUM
    )
    mitigation = forms.CharField(
        label="Mitigation",
        required=False,
        max_length=limits.RISK_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    owner = MemberChoiceField(label="Risk owner", queryset=None, required=False)
    status = forms.ChoiceField(label="Status", choices=Risk.State.choices, initial=Risk.State.OPEN)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members_of(organization)


class CommentForm(StyledForm):
    body = forms.CharField(
        label="Comment",
        max_length=limits.COMMENT,
        help_text="Mention someone with @name, e.g. @owner.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
