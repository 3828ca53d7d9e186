"""Create / edit a key result under an objective."""

from __future__ import annotations

from django import forms

from accounts.validators import validate_single_line
from okrs.forms.base import MemberChoiceField, MembersChoiceField, StyledForm, members_of
from okrs.models import KeyResult
from okrs.rules import limits


class KeyResultForm(StyledForm):
    title = forms.CharField(
        label="Title", max_length=limits.TITLE, validators=[validate_single_line]
    )
    owner = MemberChoiceField(label="Owner", queryset=None)
    metric_type = forms.ChoiceField(label="Metric", choices=KeyResult.MetricType.choices)
    start_value = forms.DecimalField(
        label="Start value", max_digits=18, decimal_places=4, initial=0
    )
    target_value = forms.DecimalField(
        label="Target value",
        max_digits=18,
        decimal_places=4,
        initial=100,
        help_text="For a milestone use 1 (done).",
    )
    unit = forms.ChoiceField(label="Unit", choices=KeyResult.Unit.choices, initial="count")
    unit_label = forms.CharField(
        label="Unit label", max_length=20, required=False, validators=[validate_single_line]
    )
    weight = forms.DecimalField(
        label="Weight", max_digits=6, decimal_places=2, min_value=0, initial=1
    )
    confidence = forms.IntegerField(label="Confidence (0–10)", min_value=0, max_value=10, initial=5)
    due_date = forms.DateField(
        label="Due date", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    contributors = MembersChoiceField(
        label="Contributors",
        queryset=None,
        required=False,
        help_text="People who may check in on this key result too.",
    )

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs["autofocus"] = True
        self.fields["owner"].queryset = members_of(organization)
        self.fields["contributors"].queryset = members_of(organization)
        for name in ("start_value", "target_value", "weight"):
            self.fields[name].widget.attrs["step"] = "any"

    def clean(self):
        data = super().clean()
        metric = data.get("metric_type")
        start, target = data.get("start_value"), data.get("target_value")
        if start is not None and target is not None:
            if metric == KeyResult.MetricType.INCREASE_TO and target <= start:
                self.add_error(
                    "target_value", "For “Increase to” the target must be above the start."
                )
            if metric == KeyResult.MetricType.DECREASE_TO and target >= start:
                self.add_error(
                    "target_value", "For “Decrease to” the target must be below the start."
                )
        return data

    @staticmethod
    def initial_for(key_result: KeyResult) -> dict:
        fields = ("title", "owner", "metric_type", "start_value", "target_value", "unit") + (
            "unit_label",
            "weight",
            "confidence",
            "due_date",
        )
        initial = {name: getattr(key_result, name) for name in fields}
        initial["contributors"] = list(key_result.contributors.all())
        initial["version"] = key_result.version
        return initial
