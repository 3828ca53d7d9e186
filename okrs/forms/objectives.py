"""Create / edit an objective. Every choice is limited to the member's organization."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError

from accounts.validators import validate_single_line
from okrs import selectors
from okrs.forms.base import (
    MemberChoiceField,
    StyledForm,
    UnitChoiceField,
    members_of,
    units_of,
)
from okrs.models import Level, Objective, Rollup, Status
from okrs.rules import limits, policy
from okrs.selectors.people import objective_owner_choices
from okrs.services.objectives import default_rollup
from okrs.widgets import ObjectivePicker

_LABEL_SUFFIX = re.compile(
    r"\s*\((?:" + "|".join(re.escape(label) for _v, label in Level.choices) + r")\)$",
    re.IGNORECASE,
)


class ObjectiveChoiceField(forms.ModelChoiceField):
    """An objective of the (visible, organization-scoped) queryset: by id, or, typed without
    JavaScript, by its exact title ("Title (Level)" as the picker shows it)."""

    widget = ObjectivePicker

    def label_from_instance(self, obj: Objective) -> str:
        return f"{obj.title} ({obj.get_level_display()})"

    def to_python(self, value):
        text = str(value).strip() if value not in self.empty_values else ""
        if "\x00" in text:  # PostgreSQL cannot even compare it: never a valid choice
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        if text and not text.isdigit():
            title = _LABEL_SUFFIX.sub("", text)[:200]
            matches = list(self.queryset.filter(title__iexact=title)[:2])
            if len(matches) != 1:
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
            return matches[0]
        return super().to_python(text or value)


BY_LEVEL_LABEL = "Depends on the level"


def rollup_by_level_help() -> str:
    """The service's default roll-up per level, in the choices' own words."""
    by_rollup: dict[str, list[str]] = {}
    for level, label in Level.choices:
        by_rollup.setdefault(default_rollup(level), []).append(label.lower())
    parts = [
        f"{' and '.join(levels)} objectives get “{Rollup(rollup).label}”"
        for rollup, levels in by_rollup.items()
    ]
    return f"Left on “{BY_LEVEL_LABEL}”, " + ", ".join(parts) + "."


class ObjectiveForm(StyledForm):
    title = forms.CharField(
        label="Title", max_length=limits.TITLE, validators=[validate_single_line]
    )
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=limits.DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    cycle = forms.ModelChoiceField(label="Cycle", queryset=None, empty_label=None)
    level = forms.ChoiceField(label="Level", choices=Level.choices)
    unit = UnitChoiceField(
        label="Department or team",
        queryset=None,
        required=False,
        help_text="Required for department, team and individual objectives.",
    )
    owner = MemberChoiceField(label="Owner", queryset=None)
    parent = ObjectiveChoiceField(
        label="Aligned to",
        queryset=None,
        required=False,
        empty_label="— not aligned —",
        help_text="An objective of the same cycle that this one contributes to.",
    )
    visibility = forms.ChoiceField(
        label="Visibility", choices=Objective.Visibility.choices, initial="public"
    )
    rollup = forms.ChoiceField(
        label="Progress comes from",
        choices=Rollup.choices,
        required=False,
        help_text="What this objective's progress is calculated from.",
    )
    BY_LEVEL = ""  # a new objective's roll-up left to the service's default for its level
    status_override = forms.ChoiceField(
        label="Status",
        choices=[("", "Automatic (from progress and confidence)"), *Status.choices],
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args, organization, viewer=None, instance: Objective | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.instance = instance
        self.fields["title"].widget.attrs["autofocus"] = True
        self.fields["cycle"].queryset = selectors.open_cycles(organization=organization)
        self.fields["unit"].queryset = units_of(organization)
        # Only the people the create rule lets this member choose (the service's predicate):
        # offering 44 people and refusing 43 of them is a trap.
        self.fields["owner"].queryset = (
            objective_owner_choices(
                organization=organization,
                viewer=viewer,
                keep=instance.owner if instance is not None else None,
            )
            if viewer is not None
            else members_of(organization)
        )
        # Only the levels the policy lets this member create (an edit keeps its own level).
        levels = policy.creatable_levels(viewer) if viewer is not None else list(Level.values)
        if instance is not None and instance.level not in levels:
            levels.append(instance.level)
        self.fields["level"].choices = [(v, lbl) for v, lbl in Level.choices if v in levels]
        # Only objectives the member can see: a private title must not leak through a <select>.
        parents = selectors.visible_objectives(organization=organization, viewer=viewer)
        if instance is not None:
            # The cycle of an existing objective does not change; a parent may not be itself.
            del self.fields["cycle"]
            self.fields["parent"].widget.extra_query = {"cycle": str(instance.cycle_id)}
            self.initial.setdefault("version", instance.version)
            parents = selectors.parent_candidates(
                organization=organization,
                cycle=instance.cycle,
                viewer=viewer,
                level=Level.INDIVIDUAL,  # any level; the service checks the cascade rule
                exclude=instance,
            )
        else:
            # A status override is an edit-time decision; new objectives start automatic.
            del self.fields["status_override"]
            # The roll-up follows the level that is saved (`default_rollup`) unless chosen.
            rollup = self.fields["rollup"]
            rollup.choices = [(self.BY_LEVEL, BY_LEVEL_LABEL), *Rollup.choices]
            rollup.help_text = rollup_by_level_help()
            cycle_id = self.data.get("cycle") or self.initial.get("cycle")
            cycle_id = getattr(cycle_id, "pk", cycle_id)
            if str(cycle_id or "").isdigit():
                parents = parents.filter(cycle_id=int(cycle_id))
        self.fields["parent"].queryset = parents.order_by("title")

    def clean(self):
        data = super().clean()
        level, unit, parent = data.get("level"), data.get("unit"), data.get("parent")
        if level and level != Level.COMPANY and unit is None and "unit" not in self.errors:
            self.add_error("unit", "Choose the department or team this objective belongs to.")
        cycle_id = (
            self.instance.cycle_id if self.instance else getattr(data.get("cycle"), "pk", None)
        )
        if parent is not None and cycle_id and parent.cycle_id != cycle_id:
            self.add_error("parent", "The aligned objective must be in the same cycle.")
        return data

    @staticmethod
    def initial_for(objective: Objective) -> dict:
        fields = ("title", "description", "level", "unit", "owner", "parent", "visibility")
        return {name: getattr(objective, name) for name in (*fields, "rollup", "status_override")}

    def service_fields(self) -> dict:
        """The cleaned data as keyword arguments for create/update_objective."""
        data = dict(self.cleaned_data)
        data.pop("version", None)
        if not data.get("rollup"):
            # Left empty: a new objective gets its level's default, an edit keeps its own.
            data.pop("rollup", None)
        if data.get("level") == Level.COMPANY:
            data["unit"] = None
        return data
