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
def test_schema_and_docs_are_served_to_logged_in_people_only(client, member_membership):
    anonymous = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert anonymous.status_code == 401
    docs = client.get("/api/docs/")
    assert docs.status_code == 302 and docs["Location"].startswith("/accounts/login/")
    client.force_login(member_membership.user)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    body = schema.json()
    checkin = body["paths"]["/api/v1/orgs/{org_slug}/key-results/{key_result_id}/check-ins/"]
    errors = checkin["post"]["responses"]
    assert {"201", "400", "401", "403", "404", "409", "415", "429"} <= set(errors)
    assert "application/problem+json" in errors["400"]["content"]
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    # Swagger UI from our own static files (drf-spectacular-sidecar), its start-up script a
    # separate file: no CDN, no inline <script> for the CSP to allow.
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "<script>" not in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


def test_every_operation_documents_problem_details():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert "401" in operation["responses"], (method, path)
            assert "404" in operation["responses"], (method, path)
