"""Forms of the planning pages: cycles, filters, grades, copying unfinished OKRs.

Forms only parse and validate input; the services decide what is allowed.
Choices that point at tenant rows (units, owners, cycles) are built from querysets the
view passes in, already scoped to the organization, so a foreign id is simply invalid.
"""

from __future__ import annotations

from django import forms

from accounts.fields import MemberChoiceField, UnitChoiceField
from accounts.validators import validate_single_line
from okrs.models import Cycle, Status
from okrs.rules import limits


class CycleForm(forms.Form):
    name = forms.CharField(
        max_length=80,
        label="Name",
        help_text="e.g. “Q1 2027”",
        validators=[validate_single_line],
    )
    start_date = forms.DateField(label="Start date", widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label="End date", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end <= start:
            self.add_error("end_date", "The end date must be after the start date.")
        return cleaned


class CycleSwitchForm(forms.Form):
    """The cycle switcher on the overview and alignment pages."""

    cycle = forms.ModelChoiceField(queryset=Cycle.objects.none(), label="Cycle", empty_label=None)

    def __init__(self, *args, cycles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = cycles


class AlignmentFilterForm(forms.Form):
    """GET filters of the alignment tree; empty means "all"."""

    q = forms.CharField(
        required=False,
        max_length=100,
        label="Title",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Search titles"}),
    )
    unit = UnitChoiceField(queryset=None, required=False, label="Unit", empty_label="All")
    owner = MemberChoiceField(queryset=None, required=False, label="Owner", empty_label="Anyone")
    status = forms.ChoiceField(
        choices=[("", "Any")] + list(Status.choices), required=False, label="Status"
    )

    def __init__(self, *args, units, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["owner"].queryset = members

    @property
    def is_filtering(self) -> bool:
        return self.is_valid() and any(
            self.cleaned_data.get(k) for k in ("q", "unit", "owner", "status")
        )


class GradeForm(forms.Form):
    """One row of the cycle-close page: a grade in [0, 1] and, for objectives, a retrospective."""

    grade = forms.DecimalField(
        label="Grade",
        min_value=0,
        max_value=1,
        max_digits=4,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.05", "min": "0", "max": "1"}),
    )
    retrospective = forms.CharField(
        label="Retrospective",
        required=False,
        max_length=limits.RETROSPECTIVE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CopyUnfinishedForm(forms.Form):
    target = forms.ModelChoiceField(
        queryset=Cycle.objects.none(),
        label="Copy unfinished OKRs to",
        empty_label="Choose a cycle…",
    )

    def __init__(self, *args, cycles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = cycles
