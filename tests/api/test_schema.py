"""The OpenAPI document: valid, warning-free, served, and documenting problem details."""

import pytest
import yaml
from django.core.management import call_command


def test_schema_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    assert "/api/v1/orgs/{org_slug}/key-results/{key_result_id}/check-ins/" in schema["paths"]


@pytest.mark.django_db
def test_schema_and_docs_are_served(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    body = schema.json()
    checkin = body["paths"]["/api/v1/orgs/{org_slug}/key-results/{key_result_id}/check-ins/"]
    errors = checkin["post"]["responses"]
    assert {"201", "400", "401", "403", "404", "409", "415", "429"} <= set(errors)
    assert "application/problem+json" in errors["400"]["content"]
    assert client.get("/api/docs/").status_code == 200


def test_every_operation_documents_problem_details():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert "401" in operation["responses"], (method, path)
            assert "404" in operation["responses"], (method, path)
