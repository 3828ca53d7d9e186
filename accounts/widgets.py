"""Form widgets shared by every app: the people and unit pickers (a native select while the
choices are few, else an htmx autocomplete), and a select with a search box for long fixed
lists (the time zones)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.db.models import Case, F, IntegerField, Value, When
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

# A people picker is a native <select> up to this many active members, else an autocomplete.
NATIVE_SELECT_MAX = 50


class FilterableSelect(forms.Select):
    """A native <select> (grouped options work) with a search box above it that narrows the
    options as one types (`static/js/cairn.js`, `data-select-filter`). Without JavaScript the
    box stays hidden and the select works as any other; with it, Enter in the box picks the
    first match and a status line says how many match. Options render in Python (hundreds of
    time zones through Django's per-option template would cost tens of milliseconds)."""

    def __init__(self, *args, search_label: str, placeholder: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.search_label, self.placeholder = search_label, placeholder

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('<optgroup label="{}">', group_name))
            parts.extend(
                format_html(
                    '<option value="{}"{}>{}</option>',
                    option["value"],
                    flatatt(option["attrs"]),
                    option["label"],
                )
                for option in options
            )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        field_id = widget["attrs"].get("id") or f"id_{name}"
        return format_html(
            '<div class="select-filter">'
            '<input type="search" id="{id}_search" aria-label="{label}" aria-controls="{id}" '
            'aria-describedby="{id}_matches" placeholder="{placeholder}" autocomplete="off" '
            'data-select-filter="{id}" hidden>'
            "{select}"
            '<p class="small muted" id="{id}_matches" role="status" aria-live="polite"></p>'
            "</div>",
            id=field_id,
            label=self.search_label,
            placeholder=self.placeholder,
            select=mark_safe("".join(parts)),  # noqa: S308 - every piece went through format_html
        )


def _as_list(value) -> list[str]:
    if value is None:
        return []
    values = value if isinstance(value, list | tuple) else [value]
    return [str(v) for v in values if v not in (None, "")]


class AutocompleteMixin:
    """A model picker whose cost does not grow with the company (people, objectives).

    Subclasses name the search endpoint (`search_url_name`, an org URL answering `?q=` and
    `?field=` with `<li role="option">`s) and how to sort the native select.
    """

    multiple = False
    search_url_name = ""
    related: tuple[str, ...] = ()
    placeholder = "Type to search"
    hint = "Type, then pick with the arrow keys and Enter."
    include = ""  # an htmx hx-include selector sent along with ?q= (e.g. the form's cycle)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.extra_query: dict[str, str] = {}  # fixed search parameters (e.g. a cycle id)

    def sort_key(self, row):
        return str(row).lower()


class PeoplePickerMixin(AutocompleteMixin):
    """A member picker whose cost does not grow with the company.

    One query whatever the size: up to `NATIVE_SELECT_MAX + 1` members of the field's
    (organization-scoped) queryset, the selected ones first. Small organizations get a
    native <select>; bigger ones an ARIA combobox (`static/js/people-picker.js`) that asks
    the organization's people search (`orgchart:people_search`, an htmx listbox fragment).
    Without JavaScript the combobox is a text field taking an email (the field accepts an
    id, an email or "Name (email)"); chosen contributors are checked checkboxes.
    """

    search_url_name = "orgchart:people_search"
    related = ("user",)
    placeholder = "Type a name or email"
    hint = "Type a name or email, then pick with the arrow keys and Enter."

    def sort_key(self, row):
        return (row.user.full_name.lower(), row.user.email.lower())


class UnitPickerMixin(AutocompleteMixin):
    """A unit picker: a native select up to `NATIVE_SELECT_MAX` units, else the autocomplete
    asking the organization's unit search (`orgchart:unit_search`). Without JavaScript the
    text box takes a unit's exact name."""

    search_url_name = "orgchart:unit_search"
    placeholder = "Type part of a unit name"
    hint = "Type part of a unit name, then pick with the arrow keys and Enter."

    def sort_key(self, row):
        return (row.name.lower(), row.pk)


class AutocompleteRenderMixin:
    """The rendering shared by every autocomplete picker (see `AutocompleteMixin`)."""

    template_name = "django/forms/widgets/select.html"  # unused: render() is ours

    def _rows(self, selected: list[str]):
        field = self.choices.field
        picked = [int(v) for v in selected if v.isdigit() and len(v) < 19]
        limit = max(native_select_max() + 1, len(picked))
        ordering = list(field.queryset.query.order_by)
        rows = list(
            field.queryset.select_related(*self.related)
            .annotate(
                picker_selected=Case(
                    When(pk__in=picked, then=Value(1)),
                    default=Value(0),
                    output_field=IntegerField(),
                ),
                picker_org_slug=F("organization__slug"),
            )
            .order_by("-picker_selected", *ordering, "pk")[:limit]
        )
        return rows, picked

    def render(self, name, value, attrs=None, renderer=None):
        field = self.choices.field
        selected = _as_list(value)
        rows, picked = self._rows(selected)
        attrs = self.build_attrs(self.attrs, attrs)
        if len(rows) <= native_select_max():
            return self._render_select(name, attrs, rows, selected, field)
        chosen = [row for row in rows if row.picker_selected]
        url = reverse(self.search_url_name, kwargs={"org_slug": rows[0].picker_org_slug})
        return self._render_combobox(name, attrs, chosen, field, url, selected)

    def _render_select(self, name, attrs, rows, selected, field):
        rows = sorted(rows, key=self.sort_key)
        if self.multiple:
            attrs["multiple"] = True
        parts = [format_html('<select name="{}"{}>', name, flatatt(attrs))]
        if not self.multiple and field.empty_label is not None:
            empty = {"selected": True} if not selected else {}
            parts.append(
                format_html('<option value=""{}>{}</option>', flatatt(empty), field.empty_label)
            )
        for row in rows:
            chosen = {"selected": True} if str(row.pk) in selected else {}
            parts.append(
                format_html(
                    '<option value="{}"{}>{}</option>',
                    row.pk,
                    flatatt(chosen),
                    field.label_from_instance(row),
                )
            )
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every piece went through format_html

    def _render_combobox(self, name, attrs, chosen, field, url, selected):
        field_id = attrs.get("id") or f"id_{name}"
        listbox = f"{field_id}-listbox"
        hint = f"{field_id}-hint"
        described = " ".join(filter(None, [attrs.pop("aria-describedby", ""), hint]))
        attrs.pop("required", None)  # the server validates; the text box may be detached
        attrs.pop("multiple", None)
        text = {
            **attrs,
            "id": field_id,
            "type": "text",
            "role": "combobox",
            "aria-autocomplete": "list",
            "aria-expanded": "false",
            "aria-controls": listbox,
            "aria-describedby": described,
            "autocomplete": "off",
            "spellcheck": "false",
            "placeholder": self.placeholder,
            "data-combobox-input": True,
            "hx-get": f"{url}?{urlencode({'field': field_id, **self.extra_query})}",
            "hx-trigger": "input changed delay:250ms",
            "hx-target": f"#{listbox}",
            "hx-swap": "innerHTML",
            "hx-sync": "this:replace",
        }
        if self.include:
            text["hx-include"] = self.include
        parts = [
            format_html(
                '<div class="combobox{}" data-combobox{}>',
                " combobox-multiple" if self.multiple else "",
                " data-multiple" if self.multiple else "",
            )
        ]
        if self.multiple:
            parts.append('<ul class="combobox-chips" aria-label="Chosen" data-combobox-chips>')
            for row in chosen:
                parts.append(
                    format_html(
                        '<li><label class="chip"><input type="checkbox" name="{}" value="{}" '
                        "checked> {}</label></li>",
                        name,
                        row.pk,
                        field.label_from_instance(row),
                    )
                )
            parts.append("</ul>")
            text.update(name=name, value="")
        else:
            row = chosen[0] if chosen else None
            label = field.label_from_instance(row) if row else ""
            # Kept as typed when it is not a member id (a junk or foreign value stays visible).
            shown = label or next((v for v in selected if not v.isdigit()), "")
            text.update(name=name, value=shown)
            parts.append(
                format_html(
                    '<input type="hidden" name="{}" value="{}" data-combobox-value disabled>',
                    name,
                    row.pk if row else shown,
                )
            )
        parts.append(format_html("<input{}>", flatatt(text)))
        parts.append(
            format_html(
                '<ul id="{}" role="listbox" class="combobox-list" aria-label="{}" hidden></ul>',
                listbox,
                f"Matches for {field.label or name}",
            )
        )
        parts.append(
            format_html(
                '<p class="small muted combobox-hint" id="{}">{}</p>',
                hint,
                self.hint + (" Untick someone to remove them." if self.multiple else ""),
            )
        )
        parts.append("</div>")
        return mark_safe("".join(parts))  # noqa: S308 - every piece went through format_html

    def value_from_datadict(self, data, files, name):
        if self.multiple:
            getter = getattr(data, "getlist", None)
            return getter(name) if getter else data.get(name)
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return False if self.multiple else name not in data


def native_select_max() -> int:
    return int(getattr(settings, "CAIRN_PEOPLE_SELECT_MAX", NATIVE_SELECT_MAX))


class PeoplePicker(PeoplePickerMixin, AutocompleteRenderMixin, forms.Select):
    multiple = False


class PeoplePickerMultiple(PeoplePickerMixin, AutocompleteRenderMixin, forms.SelectMultiple):
    multiple = True


class UnitPicker(UnitPickerMixin, AutocompleteRenderMixin, forms.Select):
    multiple = False
