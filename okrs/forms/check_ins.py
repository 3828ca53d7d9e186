"""The weekly check-in form (inline on My OKRs and as a full page)."""

from __future__ import annotations

from django import forms

from okrs.forms.base import StyledForm
from okrs.rules import limits


class CheckInForm(StyledForm):
    # Single-line inputs only, so Enter submits from any field: checking in on three KRs
    # should take seconds (type, Tab, type, Enter).
    value = forms.DecimalField(
        label="New value",
        max_digits=18,
        decimal_places=4,
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    confidence = forms.IntegerField(
        label="Confidence (0–10)",
        min_value=0,
        max_value=10,
        help_text="0 = no chance, 10 = certain",
    )
    note = forms.CharField(
        label="Note", required=False, max_length=limits.NOTE, widget=forms.TextInput
    )
    blockers = forms.CharField(
        label="Blockers", required=False, max_length=limits.NOTE, widget=forms.TextInput
    )

    def __init__(self, *args, key_result=None, prefix_id: str = "", **kwargs):
        # A per-KR auto_id keeps labels unique when several inline forms are open at once.
        if prefix_id:
            kwargs.setdefault("auto_id", f"id_{prefix_id}_%s")
        super().__init__(*args, **kwargs)
        self.fields["value"].widget.attrs["autofocus"] = True
        if key_result is not None:
            # The current value is a placeholder, not a prefill: the autofocused field is
            # then empty and typing the new number does not append to the old one.
            current = f"{key_result.current_value.normalize():f}"
            self.fields["value"].widget.attrs["placeholder"] = f"now {current}"
            if not self.is_bound:
                self.initial.setdefault("confidence", key_result.confidence)
        if key_result is not None and key_result.metric_type == "milestone":
            help_id = f"{self.auto_id % 'value'}_helptext"
            self.fields["value"].help_text = "Milestone: 1 = done, 0 = not done yet"
            self.fields["value"].widget.attrs["aria-describedby"] = help_id
        if prefix_id:
            self.fields["confidence"].widget.attrs["aria-describedby"] = (
                f"id_{prefix_id}_confidence_helptext"
            )
