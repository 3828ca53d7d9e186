"""The objective picker ("Aligned to"): a native select for a small cycle, else the same
accessible htmx autocomplete as the people picker, asking `okrs:objective_search`."""

from __future__ import annotations

from django import forms

from accounts.widgets import AutocompleteMixin, AutocompleteRenderMixin
from okrs.models import LEVEL_RANK


class ObjectivePicker(AutocompleteMixin, AutocompleteRenderMixin, forms.Select):
    search_url_name = "okrs:objective_search"
    related = ("cycle",)
    placeholder = "Type part of a title"
    hint = "Type part of a title, then pick with the arrow keys and Enter."
    include = "[name=cycle]"  # the create form's cycle: search within it

    def sort_key(self, row):
        return (LEVEL_RANK.get(row.level, 9), row.title.lower(), row.pk)
