"""okr_project.web: pagination never fails on a bad page number, `next` never leaves the site,
service errors land on forms, and there is one 403 page."""

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from okr_project import web

rf = RequestFactory()


@pytest.mark.parametrize(
    ("raw", "number"),
    [("", 1), ("abc", 1), ("0", 3), ("-4", 3), ("2", 2), ("999999", 3), ("1e9", 1), ("2.5", 1)],
)
def test_bad_page_numbers_fall_back_to_first_or_last_page(raw, number):
    page = web.paginate(rf.get("/", {"page": raw}), list(range(25)), 10)
    assert page.number == number


def test_paginate_reads_its_own_parameter_and_survives_an_empty_list():
    page = web.paginate(
        rf.get("/", {"history": "2", "page": "9"}), list(range(25)), 10, param="history"
    )
    assert page.number == 2 and list(page) == list(range(10, 20))
    assert list(web.paginate(rf.get("/", {"page": "5"}), [], 10)) == []


@pytest.mark.parametrize(
    "candidate",
    [
        "https://evil.example/x",
        "//evil.example/x",
        "http://evil.example",
        "javascript:alert(1)",
        "///evil.example",
    ],
)
def test_external_next_urls_are_ignored(candidate):
    assert web.safe_next_url(rf.get("/", {"next": candidate}), "/home/") == "/home/"
    assert web.safe_next_url(rf.post("/", {"next": candidate}), "/home/") == "/home/"


def test_a_same_site_next_url_is_kept():
    assert web.safe_next_url(rf.get("/", {"next": "/o/acme/kr/1/"}), "/home/") == "/o/acme/kr/1/"
    assert web.safe_next_url(rf.get("/"), "/home/") == "/home/"


class _Form(forms.Form):
    title = forms.CharField()


def test_service_errors_land_on_the_form():
    form = _Form({"title": "x"})
    assert form.is_valid()
    web.apply_service_error(form, ValidationError({"title": "Too short.", "other": "Nope."}))
    web.apply_service_error(form, PermissionDenied("Not yours."))
    assert form.errors["title"] == ["Too short."]
    assert form.non_field_errors() == ["Nope.", "Not yours."]


def test_submit_to_service_returns_the_result_or_puts_the_error_on_the_form():
    form = _Form({"title": "x"})
    assert form.is_valid()
    assert web.submit_to_service(form, lambda: 42) == (True, 42)

    def refuse():
        raise ValidationError("This cycle is closed; its OKRs can no longer be changed.")

    assert web.submit_to_service(form, refuse) == (False, None)
    assert "This cycle is closed" in form.non_field_errors()[0]


@pytest.mark.django_db
def test_one_forbidden_page():
    request = rf.get("/")
    request.user = None
    response = web.forbidden(request, "Only admins.")
    assert response.status_code == 403 and "Only admins." in response.content.decode()
