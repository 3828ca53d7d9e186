"""What every page says in words: no raw code on screen (an enum by its value, a field by
its name), and "just now" instead of "0 minutes ago" (issue 17, item 7).

Every web page under an organization (the role walker's routes, filled with one tenant's rows)
is asked by an admin, who sees everything; the text a person reads (text nodes and options,
not attributes) must not hold any of our enum values or audited field names that carry an
underscore — words like "not_started", "key_results", "target_value" are codes, never English.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.db import models

from accounts.models import SecurityEvent
from notifications.models import Kind, NotificationLog
from okrs import services
from okrs.models import KeyResult, Objective
from okrs.services import key_results as kr_service
from okrs.services import objectives as objective_service
from tests.security.isolation import build_tenant, fill, org_routes

pytestmark = pytest.mark.django_db


def _codes() -> set[str]:
    """Every enum value and audited field name of ours that is a code (has an underscore)."""
    enums: list[type[models.TextChoices]] = [
        Kind,
        NotificationLog.State,
        SecurityEvent.Kind,
        KeyResult.MetricType,
    ]
    from okrs import models as okr_models

    enums += [okr_models.Status, okr_models.Rollup, okr_models.Level, Objective.Visibility]
    values = {str(v) for enum in enums for v in enum.values}
    fields = set(objective_service.AUDITED_FIELDS) | set(kr_service.AUDITED_FIELDS)
    return {v for v in values | fields if "_" in v}


_BLOCKS = {
    "p", "li", "td", "th", "tr", "div", "br", "option", "ul", "ol", "section", "header",
    "footer", "nav", "main", "label", "legend", "h1", "h2", "h3", "h4", "h5", "h6", "title",
    "button", "select", "table", "form", "article", "time", "small",
}  # fmt: skip


class _Text(HTMLParser):
    """The text a person reads: text nodes and <option>s, outside <script> and <style>;
    inline tags join their text as a browser does, block tags separate it."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in _BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        elif tag in _BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join("".join(parser.parts).split())


def _history(tenant) -> None:
    """Real audited changes (through the services) on the tenant's objective and key result."""
    admin = tenant.admin
    services.update_objective(
        objective=tenant.objective, actor=admin, rollup="both", status_override="at_risk"
    )
    services.update_key_result(
        key_result=tenant.key_result,
        actor=admin,
        target_value=60,
        unit_label="tickets",
        due_date=dt.date(2026, 12, 31),
        metric_type="increase_to",
    )
    services.create_key_result(
        objective=tenant.objective, actor=admin, title="Launch", owner=admin,
        metric_type="milestone", start_value=0, target_value=1,
    )  # fmt: skip
    services.create_objective(
        organization=tenant.organization,
        actor=admin,
        cycle=tenant.cycle,
        level="company",
        title="Nothing measured yet",
        owner=admin,
    )  # fmt: skip  (no key results: "Not started")


def test_no_page_shows_a_raw_code_or_zero_minutes_ago(client_for):
    tenant = build_tenant("WORDS", "words-co")
    _history(tenant)
    NotificationLog.objects.create(
        organization=tenant.organization, recipient=tenant.admin, kind=Kind.DIGEST_OWNER,
        period="2026-W47", status=NotificationLog.State.SENT,
    )  # fmt: skip
    client = client_for(tenant.admin)
    codes = _codes()
    assert {"not_started", "key_results", "target_value", "digest_owner"} <= codes
    pattern = re.compile(r"(?<![\w/.-])(" + "|".join(sorted(map(re.escape, codes))) + r")(?!\w)")
    pages = [r for r in org_routes() if not r.is_api and r.name != "notifications:unsubscribe"]
    seen = 0
    for route in pages:
        url = fill(route, slug_from=tenant, rows_from=tenant)
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        seen += 1
        text = visible_text(response.content.decode())
        found = sorted(set(pattern.findall(text)))
        assert not found, (route.name, url, found)
        assert "0 minutes ago" not in text, (route.name, url)
    assert seen > 30  # the crawl really read the pages
