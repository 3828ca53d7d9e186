"""Every single-line text field — names and titles, which end up in email subjects — refuses
what would break a header, on every path, and nothing anyone types answers a 5xx.

1. The rule is everywhere: each input field named like a name or title in every form and every
   API serializer (found by introspection, so a new one is covered) carries the one rule of
   `accounts.validators` (directly or through its model field, for model forms).
2. Property, field by field: Hypothesis feeds each such field control characters, line
   breaks, lone surrogates, 100 KB strings, HTML and arbitrary text; it either refuses with a
   ValidationError or returns a value that is one line.
3. Property, end to end: the same values through the real web forms and API endpoints that
   write these fields answer 4xx or success, never 5xx; whatever is stored makes a one-line
   email subject and is shown escaped on the page.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework import serializers
from rest_framework.exceptions import ValidationError as DRFValidationError

from accounts.models import OrgUnit
from accounts.services.tokens import create_api_token
from accounts.validators import SingleLineTextValidator, validate_single_line
from notifications import emails
from notifications.models import Kind
from okrs.models import Cycle, KeyResult, Objective
from tests.security.isolation import build_tenant

SINGLE_LINE_NAMES = {"name", "title", "full_name", "unit_label"}
# Serializers that only describe responses (the schema), never parse a request body.
OUTPUT_ONLY = {
    "ProblemDetailsSerializer",
    "TokenSerializer",
    "UnitLinkSerializer",
    "HealthCycleSerializer",
    "AlignmentNodeSerializer",
}

CONTROL = st.sampled_from(
    ["\n", "\r", "\r\n", "\t", "\x00", "\x0b", "\x1b", "\x7f", "\x85", "\u2028", "\u2029"]
)
SURROGATE = st.sampled_from(["\ud800", "\udbff", "\udc00", "\udfff"])
HTML = st.sampled_from(
    ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "<b>bold</b>", "&amp;"]
)


def _join(parts: list[str]) -> str:
    return "".join(parts)


def hostile(*, surrogates: bool) -> st.SearchStrategy[str]:
    pieces = [st.text(max_size=20), CONTROL, HTML] + ([SURROGATE] if surrogates else [])
    return st.one_of(
        st.lists(st.one_of(*pieces), min_size=1, max_size=6).map(_join),
        st.just("x" * 100_000),
        st.just("Title\r\nBcc: victim@example.com"),
        st.text(max_size=200),
    )


# --- 1. the rule is on every such field -----------------------------------------------------


def _classes(base):
    found = []
    for package in ("accounts", "okrs", "notifications"):
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, f"{package}."):
            if ".migrations" in info.name or ".management" in info.name:
                continue
            module = importlib.import_module(info.name)
            for _name, cls in vars(module).items():
                if inspect.isclass(cls) and issubclass(cls, base) and cls.__module__ == info.name:
                    found.append(cls)
    return found


def _has_rule(validators) -> bool:
    return any(isinstance(v, SingleLineTextValidator) for v in validators)


def single_line_form_fields():
    fields = []
    for cls in _classes(forms.BaseForm):
        model = getattr(getattr(cls, "_meta", None), "model", None)
        for name, field in cls.base_fields.items():
            if name not in SINGLE_LINE_NAMES or not isinstance(field, forms.CharField):
                continue
            model_rule = False
            if model is not None:
                try:
                    model_rule = _has_rule(model._meta.get_field(name).validators)
                except Exception:  # noqa: BLE001 — not a model field
                    model_rule = False
            fields.append((f"{cls.__module__}.{cls.__name__}.{name}", field, model_rule))
    return fields


def single_line_serializer_fields():
    fields = []
    for cls in _classes(serializers.Serializer):
        if cls.__name__ in OUTPUT_ONLY:
            continue
        try:
            declared = cls(context={}).fields
        except (AssertionError, AttributeError, TypeError):
            continue  # an abstract base (no Meta)
        for name, field in declared.items():
            text = name in SINGLE_LINE_NAMES and isinstance(field, serializers.CharField)
            if text and not field.read_only:
                fields.append((f"{cls.__module__}.{cls.__name__}.{name}", field))
    return fields


def test_every_single_line_input_in_every_form_and_serializer_carries_the_rule():
    forms_found = single_line_form_fields()
    serializers_found = single_line_serializer_fields()
    assert len(forms_found) >= 10 and len(serializers_found) >= 8  # the walk found them
    missing = [
        path
        for path, field, model_rule in forms_found
        if not (_has_rule(field.validators) or model_rule)
    ]
    missing += [path for path, field in serializers_found if not _has_rule(field.validators)]
    assert missing == [], "add accounts.validators.validate_single_line to: " + ", ".join(missing)


# --- 2. property, field by field ------------------------------------------------------------

FIELD_SETTINGS = settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)


@pytest.mark.parametrize(
    "path,field", [pytest.param(p, f, id=p) for p, f, _m in single_line_form_fields()]
)
def test_a_form_field_refuses_or_returns_one_line(path, field):
    @FIELD_SETTINGS
    @given(value=hostile(surrogates=True))
    def probe(value):
        try:
            cleaned = field.clean(value)
            for validator in _model_validators(path):
                validator(cleaned)
        except ValidationError:
            return
        validate_single_line(cleaned)  # accepted: one line

    probe()


def _model_validators(path: str):
    """The model field's validators for a model form field (its form field has none)."""
    module, cls_name, name = path.rsplit(".", 2)
    cls = getattr(importlib.import_module(module), cls_name)
    model = getattr(getattr(cls, "_meta", None), "model", None)
    if model is None:
        return []
    try:
        return model._meta.get_field(name).validators
    except Exception:  # noqa: BLE001
        return []


@pytest.mark.parametrize(
    "path,field", [pytest.param(p, f, id=p) for p, f in single_line_serializer_fields()]
)
def test_a_serializer_field_refuses_or_returns_one_line(path, field):
    @FIELD_SETTINGS
    @given(value=hostile(surrogates=True))
    def probe(value):
        try:
            cleaned = field.run_validation(value)
        except DRFValidationError:
            return
        validate_single_line(cleaned)  # accepted: one line

    probe()


# --- 3. property, end to end ----------------------------------------------------------------


@pytest.fixture
def company(db):
    return build_tenant("PROP", "prop-co")


def _subject_is_safe(stored: str) -> bool:
    subject = emails.subject_for(Kind.COMMENT, author=stored, title=stored)
    try:
        validate_single_line(subject)
    except ValidationError:
        return False
    return True


def _stored(company) -> list[str]:
    org = company.organization
    texts = list(Objective.objects.filter(organization=org).values_list("title", flat=True))
    texts += KeyResult.objects.filter(organization=org).values_list("title", flat=True)
    texts += KeyResult.objects.filter(organization=org).values_list("unit_label", flat=True)
    texts += Cycle.objects.filter(organization=org).values_list("name", flat=True)
    texts += OrgUnit.objects.filter(organization=org).values_list("name", flat=True)
    return texts


@pytest.mark.slow
def test_hostile_names_and_titles_through_web_and_api_never_answer_5xx(company):
    org, admin = company.organization, company.admin
    web = Client(raise_request_exception=False)
    web.force_login(admin.user)
    _token, raw = create_api_token(user=admin.user, name="property")
    api = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {raw}")
    base = f"/api/v1/orgs/{org.slug}/"
    objective_edit = reverse(
        "okrs:objective_edit", kwargs={"org_slug": org.slug, "objective_id": company.objective.pk}
    )
    writes = {
        "api objective title": lambda v: api.patch(
            f"{base}objectives/{company.objective.pk}/", {"title": v},
            content_type="application/json",
        ),
        "api key result title": lambda v: api.patch(
            f"{base}key-results/{company.key_result.pk}/", {"title": v, "unit_label": v[:20]},
            content_type="application/json",
        ),
        "api cycle name": lambda v: api.patch(
            f"{base}cycles/{company.cycle.pk}/", {"name": v}, content_type="application/json"
        ),
        "api unit name": lambda v: api.patch(
            f"{base}units/{company.unit.pk}/", {"name": v}, content_type="application/json"
        ),
        "api member title": lambda v: api.patch(
            f"{base}members/{company.membership.pk}/", {"title": v},
            content_type="application/json",
        ),
        "api token name": lambda v: api.post(
            "/api/v1/auth/token/",
            {"email": admin.user.email, "password": "wrong", "name": v},
            content_type="application/json",
        ),
        "web objective title": lambda v: web.post(
            objective_edit,
            {"title": v, "level": "team", "owner": company.membership.pk, "visibility": "public"},
        ),
        "web token name": lambda v: web.post(reverse("accounts:token_create"), {"name": v}),
        "web profile name": lambda v: web.post(reverse("accounts:profile"), {"full_name": v}),
    }  # fmt: skip
    failures: list[str] = []

    @settings(
        max_examples=90, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(what=st.sampled_from(sorted(writes)), data=st.data())
    def probe(what, data):
        # Form bodies cannot carry a lone surrogate (the client encodes UTF-8): API only.
        value = data.draw(hostile(surrogates=what.startswith("api")), label="value")
        response = writes[what](value)
        if response.status_code >= 500:
            failures.append(f"{what}: {value[:60]!r} → {response.status_code}")

    probe()
    assert not failures, "\n".join(failures)
    stored = _stored(company)
    assert all(_subject_is_safe(text) for text in stored)
    for text in stored:
        validate_single_line(text)  # what was stored is one line
    page = web.get(
        reverse(
            "okrs:objective_detail",
            kwargs={"org_slug": org.slug, "objective_id": company.objective.pk},
        )
    )
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.content.decode()
