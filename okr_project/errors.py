"""Domain errors every app's services may raise, beside Django's `ValidationError` and
`PermissionDenied`; the web toolkit and the API's problem details know how to answer them."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class ConflictError(ValidationError):
    """Someone else saved this row since it was loaded (`expected_version` mismatch), or
    wrote the same rows at the same moment (a deadlock PostgreSQL broke): try again (API 409)."""
