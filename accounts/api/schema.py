"""OpenAPI: problem-details error responses documented on every operation."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

PROBLEM_MEDIA_TYPE = "application/problem+json"


class ProblemDetailsSerializer(serializers.Serializer):
    """RFC 9457 problem details, the body of every error response."""

    type = serializers.URLField(help_text="A URI naming the kind of problem.")
    title = serializers.CharField(help_text="Short summary of the kind of problem.")
    status = serializers.IntegerField(help_text="The HTTP status code.")
    detail = serializers.CharField(help_text="What went wrong, in a sentence.")
    errors = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        help_text="Field name → list of messages (validation errors only).",
    )


ERROR_DESCRIPTIONS = {
    "400": "Invalid input: malformed JSON, unknown or invalid fields, bad filters.",
    "401": "No credentials, or an invalid or revoked token.",
    "403": "Authenticated, but the policy forbids this action.",
    "404": "Not found, or not visible to you, or not in this organization.",
    "406": "The Accept header asks for something other than JSON.",
    "409": "The `version` in the body is stale or the request conflicts with current data.",
    "412": "The `If-Match` header names a stale version.",
    "415": "The body is not `application/json`.",
    "429": "Too many requests; retry after the `Retry-After` seconds.",
}


RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    OpenApiTypes.INT,
    OpenApiParameter.HEADER,
    response=[429],
    description="Seconds to wait before trying again.",
)


class ProblemAwareAutoSchema(AutoSchema):
    """Adds the problem-details responses each operation can produce."""

    def get_override_parameters(self):
        return [*super().get_override_parameters(), RETRY_AFTER]

    def _error_codes(self) -> list[str]:
        # 400 everywhere: even a DELETE can break a domain rule (e.g. a closed cycle).
        codes = ["400", "401", "403", "404", "406", "429"]
        if self.method in ("POST", "PUT", "PATCH"):
            codes.append("415")
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            codes.append("409")
        if self.method in ("PUT", "PATCH", "DELETE"):
            codes.append("412")
        return sorted(codes)

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            if code in responses:
                continue
            response = self._get_response_for_code(
                ProblemDetailsSerializer, code, media_types=[PROBLEM_MEDIA_TYPE]
            )
            response["description"] = ERROR_DESCRIPTIONS[code]
            responses[code] = response
        return responses
