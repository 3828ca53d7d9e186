"""The weekly check-in form (inline on My OKRs and as a full page).

The form collects what the person typed or picked; the check-in service turns the value into
a number (`okrs.services.check_ins.parse_value`), so the web and the API share one conversion
and its errors ("Enter a number.") land on the value field.
"""

from __future__ import annotations

from django import forms

from okrs.forms.base import StyledForm
from okrs.models import KeyResult
from okrs.rules import limits

DONE, NOT_DONE = "done", "not done"


class CheckedRadioSelect(forms.RadioSelect):
    """Radio buttons whose checked one takes the focus (arrow keys then change the choice)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if selected:
            option["attrs"]["autofocus"] = True
        return option


def _plain(value) -> str:
    """A stored Decimal as a person types it: 12.5000 → "12.5", 40.0000 → "40"."""
    return f"{value.normalize():f}"


class CheckInForm(StyledForm):
    # Single-line inputs only, so Enter submits from any field: checking in on three KRs
    # should take seconds (type, Tab, type, Enter).
    value = forms.CharField(
        label="New value",
        max_length=40,
        widget=forms.NumberInput(attrs={"step": "any", "data-select-on-focus": True}),
    )
    confidence = forms.IntegerField(
        label="Confidence (0–10)",
        min_value=0,
        max_value=10,
        help_text="0 = no chance, 10 = certain",
        widget=forms.NumberInput(attrs={"data-select-on-focus": True}),
    )
    note = forms.CharField(
        label="Note", required=False, max_length=limits.NOTE, widget=forms.TextInput
    )
    blockers = forms.CharField(
        label="Blockers", required=False, max_length=limits.NOTE, widget=forms.TextInput
    )

    def __init__(self, *args, key_result: KeyResult | None = None, prefix_id: str = "", **kwargs):
        # A per-KR auto_id keeps labels unique when several inline forms are open at once.
        if prefix_id:
            kwargs.setdefault("auto_id", f"id_{prefix_id}_%s")
        super().__init__(*args, **kwargs)
        value = self.fields["value"]
        value.widget.attrs["autofocus"] = True
        if key_result is not None and key_result.metric_type == KeyResult.MetricType.MILESTONE:
            # Done or not done: two labelled radio buttons, the current state checked.
            self.fields["value"] = forms.ChoiceField(
                label="Milestone",
                choices=[(DONE, "Done"), (NOT_DONE, "Not done yet")],
                widget=CheckedRadioSelect,
            )
            if not self.is_bound:
                self.initial.setdefault("value", DONE if key_result.current_value else NOT_DONE)
        elif key_result is not None:
            # Prefilled with where the KR stands (selected on focus, so typing replaces it):
            # a week where only the confidence moved is one keystroke.
            if not self.is_bound:
                self.initial.setdefault("value", _plain(key_result.current_value))
        if key_result is not None and not self.is_bound:
            self.initial.setdefault("confidence", key_result.confidence)
        if prefix_id:
            self.fields["confidence"].widget.attrs["aria-describedby"] = (
                f"id_{prefix_id}_confidence_helptext"
            )
