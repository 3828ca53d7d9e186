"""What a browser would submit: the fields of a rendered <form> with the values the page
preselected (no tests in this module).

`form_values(html, field=…)` reads the POST form holding that field (or the first POST form):
text-like inputs by their value, checked checkboxes and radios, each <select>'s selected
option (or its first, as a browser does) and textareas. A test then changes only what a person
would change and posts the rest as the page offered it.
"""

from __future__ import annotations

from html.parser import HTMLParser

_UNSENT = {"submit", "button", "reset", "image", "file"}


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, list[str]]] = []
        self.values: dict[str, list[str]] = {}
        self._in_form = False
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._option: dict | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            if (a.get("method") or "get").lower() == "post":
                self._in_form, self.values = True, {}
            return
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = (a.get("type") or "text").lower()
            if kind in _UNSENT:
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.values.setdefault(name, []).append(a.get("value", "on"))
                return
            self.values.setdefault(name, []).append(a.get("value", ""))
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select:
            self._option = a
            self._text = []
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._option is not None or self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form" and self._in_form:
            self._in_form = False
            self.forms.append(self.values)
        elif tag == "option" and self._option is not None:
            value = self._option.get("value", "".join(self._text).strip())
            if self._select_first is None:
                self._select_first = value
            if "selected" in self._option and not self._select_chosen:
                self.values.setdefault(self._select, []).append(value)
                self._select_chosen = True
            self._option = None
        elif tag == "select" and self._select:
            if not self._select_chosen and self._select_first is not None:
                self.values.setdefault(self._select, []).append(self._select_first)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.values.setdefault(self._textarea, []).append("".join(self._text).lstrip("\n"))
            self._textarea = None


def form_values(html: str, *, field: str | None = None) -> dict[str, str | list[str]]:
    """The fields of the POST form holding `field` (default: the first POST form) as the
    page preselected them (lists for repeated names)."""
    reader = _FormReader()
    reader.feed(html)
    forms = [f for f in reader.forms if field is None or field in f]
    if not forms:
        raise AssertionError(f"No POST form{f' with a {field!r} field' if field else ''} here.")
    return {k: v[0] if len(v) == 1 else v for k, v in forms[0].items()}
