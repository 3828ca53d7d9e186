"""Property-based conformance of the whole API against its own OpenAPI schema.

schemathesis generates requests (valid and invalid) for every operation and sends them
through the real Django WSGI stack, authenticated with a personal token of the demo
owner in `acme`. Each response must not be a 5xx and must match the schema: documented
status code, content type, headers and body.
"""

from __future__ import annotations

import io

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import Invitation, Membership, OrgUnit
from accounts.services.tokens import create_api_token
from notifications.models import Notification
from okrs.models import Comment, Cycle, Initiative, KeyResult, Objective, Risk

# Slow by design: the whole API schema fuzzed (`make test-fast` skips it).
pytestmark = pytest.mark.slow

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Which rows a path parameter names, so half the generated ids hit real demo rows.
ID_SOURCES = {
    "cycle_id": Cycle,
    "objective_id": Objective,
    "key_result_id": KeyResult,
    "initiative_id": Initiative,
    "risk_id": Risk,
    "comment_id": Comment,
    "membership_id": Membership,
    "unit_id": OrgUnit,
    "invitation_id": Invitation,
    "notification_id": Notification,
}


@pytest.fixture
def wsgi_requests_share_the_test_transaction():
    """Like Django's test client: a real WSGI request must not close the test's connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_api_conforms_to_its_openapi_schema(settings, wsgi_requests_share_the_test_transaction):
    from okr_project.wsgi import application

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "100000/minute", "token_obtain": "100000/minute"},
    }
    call_command("seed_demo", stdout=io.StringIO())
    owner = Membership.objects.select_related("organization").get(user__email="owner@acme.example")
    _token, raw = create_api_token(user=owner.user, name="schemathesis")
    headers = {"Authorization": f"Bearer {raw}"}
    real_ids = {
        name: list(
            model.objects.filter(organization=owner.organization).values_list("pk", flat=True)[:5]
        )
        for name, model in ID_SOURCES.items()
    }
    # The schema is for logged-in callers only (SERVE_PERMISSIONS): fetch it with the token.
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application, headers=headers)

    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(
            case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE)
            | operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)
        )
        @hypothesis_settings(
            max_examples=6,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            path = case.path_parameters or {}
            if "org_slug" in path:
                path["org_slug"] = owner.organization.slug
            for name, ids in real_ids.items():
                if name in path and ids and isinstance(path[name], int) and path[name] % 2 == 0:
                    path[name] = ids[path[name] % len(ids)]
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            check()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
