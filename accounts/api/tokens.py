"""/api/v1/tokens/: the caller's personal API tokens, as on the API tokens page.

The same selectors (`api_tokens_for_user`, `get_api_token`) and services
(`create_api_token`, `revoke_api_token`) as `accounts/views/tokens.py`: a token belongs to
its user, not to an organization, so these routes name none. The raw token is in the
answer to the POST that makes it and nowhere else; minting one past `API_TOKEN_MAX_ACTIVE`
revokes the oldest live ones; another user's token is a 404; revoking twice changes
nothing. Revoking the token the request came with works: the next request answers 401.
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api.fields import url_id
from accounts.api.serializers import StrictSerializerMixin
from accounts.models import ApiToken
from accounts.rules.lifecycle import token_is_live
from accounts.selectors import api_tokens_for_user, get_api_token
from accounts.services.tokens import create_api_token, revoke_api_token
from accounts.validators import validate_single_line


class ApiTokenSerializer(serializers.ModelSerializer):
    """One of your tokens (never its value: only `prefix`, to tell them apart)."""

    status = serializers.SerializerMethodField(help_text="`active`, `revoked` or `expired`.")

    class Meta:
        model = ApiToken
        fields = [
            "id", "name", "prefix", "status",
            "created_at", "last_used_at", "expires_at", "revoked_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_status(self, token: ApiToken) -> str:
        if token.revoked_at is not None:
            return "revoked"
        return "active" if token_is_live(token, now=self.context["now"]) else "expired"


class NewApiTokenSerializer(ApiTokenSerializer):
    """A token just made: `token` is its value, shown this once."""

    token = serializers.CharField(read_only=True, help_text="The raw token: store it now.")

    class Meta(ApiTokenSerializer.Meta):
        fields = ["token", *ApiTokenSerializer.Meta.fields]
        read_only_fields = fields


class ApiTokenCreateSerializer(StrictSerializerMixin, serializers.Serializer):
    # The service checks the name (blank, over 80 characters) with the page's messages; a
    # line break or control character is refused here already (the one single-line rule).
    name = serializers.CharField(
        allow_blank=True,
        max_length=1000,
        help_text="What will use it, e.g. “BI export”.",
        validators=[validate_single_line],
    )


@extend_schema_view(
    list=extend_schema(summary="List my API tokens (revoked and expired ones too)"),
)
@extend_schema(tags=["auth"])
class ApiTokenViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Your personal API tokens."""

    serializer_class = ApiTokenSerializer
    filter_backends: list = []
    lookup_url_kwarg = "token_id"

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "now": timezone.now()}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ApiToken.objects.none()
        return api_tokens_for_user(user=self.request.user)

    @extend_schema(
        summary="Make a new API token",
        description="Its value is in this answer only. Past the cap of live tokens per person "
        "the oldest live ones are revoked. A blank or over-long name is a 400 on `name`.",
        request=ApiTokenCreateSerializer,
        responses={201: NewApiTokenSerializer},
    )
    def create(self, request, *args, **kwargs):
        body = ApiTokenCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        token, raw = create_api_token(user=request.user, name=body.validated_data["name"])
        token.token = raw
        data = NewApiTokenSerializer(token, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Revoke one of my API tokens",
        description="It answers 401 from the next request on; revoking it again changes "
        "nothing. Another person's token is a 404.",
        request=None,
        responses={200: ApiTokenSerializer},
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request, *args, **kwargs):
        token = get_api_token(user=request.user, pk=url_id(self.kwargs["token_id"]))
        token = revoke_api_token(token=token)
        return Response(self.get_serializer(token).data)
