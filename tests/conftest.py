"""Shared fixtures. Each test module may add its own; keep cross-cutting ones here."""

import os

import pytest
from hypothesis import HealthCheck, settings

from tests import factories
from tests.builders import person

# No test may depend on how fast the machine is: Hypothesis' per-example deadline and its
# "too slow" health check are both timing judgements, so the whole suite runs without them.
settings.register_profile(
    "cairn",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile("cairn")


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """PBKDF2 costs ~0.5 s per user on CI's two cores; tests do not need that strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _celery_eager(settings):
    """Tasks run in-process unless a test starts a real worker (see tests/notifications)."""
    from okr_project.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield


@pytest.fixture
def org(db):
    return factories.OrganizationFactory(name="Acme Test", slug="acme-test")


@pytest.fixture
def other_org(db):
    return factories.OrganizationFactory(name="Other Co", slug="other-co")


@pytest.fixture
def admin_membership(org):
    return person(org, role="admin", email="admin@acme-test.example")


@pytest.fixture
def executive_membership(org):
    return person(org, role="executive", email="exec@acme-test.example")


@pytest.fixture
def champion_membership(org):
    return person(org, role="champion", email="champion@acme-test.example")


@pytest.fixture
def member_membership(org):
    return person(org, role="member", email="member@acme-test.example")


@pytest.fixture
def outsider_membership(other_org):
    """A member of another organization: must get 404 on every URL of `org`."""
    return person(other_org, role="admin", email="outsider@other-co.example")


@pytest.fixture
def client_for(client):
    """`client_for(membership)` → a test client logged in as that member."""

    def login(membership):
        client.force_login(membership.user)
        return client

    return login


def pytest_addoption(parser):
    parser.addoption("--screenshots", action="store_true", help="write docs/screenshots/*.png")


def pytest_sessionfinish(session, exitstatus):
    """In CI (CAIRN_FORBID_SKIPS=1) a skipped test is a failure: CI must exercise everything."""
    if not os.environ.get("CAIRN_FORBID_SKIPS") or hasattr(session.config, "workerinput"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(
            f"CAIRN_FORBID_SKIPS: {len(skipped)} test(s) were skipped; CI requires none.",
            red=True,
        )
        session.exitstatus = 1
