"""/api/v1/orgs/<org_slug>/notifications/… and notification-settings/: the caller's own;
notification-log/: the organization's delivery log (admins).

The same selectors and services as the notifications pages (`notifications/views.py`): a
member only ever reads and marks their own notifications (another member's or another
organization's id is a 404), and replaces their own email opt-outs. A notification is shown
exactly as the page shows it: the kind, title, body and link stored when it was delivered
(delivery asks `okrs.rules.visibility` per recipient first; the stored text is not re-checked).
The delivery log is the log page's selector and predicate (`can_view_delivery_log`):
one row per person, kind and week, sent, skipped or failed.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from accounts.api.base import OrganizationEndpoint
from accounts.api.fields import url_id
from accounts.api.serializers import StrictSerializerMixin
from accounts.rules.policy import can_view_delivery_log
from notifications import selectors, services
from notifications.models import Kind, Notification, NotificationLog


class NotificationSerializer(serializers.ModelSerializer):
    """One in-app notification; `url` is the page it points to (may be empty)."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "title", "body", "url", "created_at", "read_at"]
        read_only_fields = fields


class MarkedReadSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many unread notifications were marked.")


class KindSettingSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    label = serializers.CharField()
    email = serializers.BooleanField(help_text="false: you opted out of this email.")


class NotificationSettingsSerializer(StrictSerializerMixin, serializers.Serializer):
    """Email opt-outs: the kinds of email you do not want (in-app notifications stay)."""

    opted_out = serializers.ListField(
        child=serializers.ChoiceField(choices=Kind.choices),
        allow_empty=True,
        max_length=len(Kind.values),
        help_text="Every kind of email you do not want; the others are sent.",
    )
    kinds = KindSettingSerializer(many=True, read_only=True)

    def to_representation(self, opted_out: set[str]) -> dict:
        return {
            "opted_out": sorted(opted_out),
            "kinds": [
                {"kind": kind.value, "label": kind.label, "email": kind.value not in opted_out}
                for kind in Kind
            ],
        }


class NotificationQuerySerializer(serializers.Serializer):
    unread = serializers.BooleanField(
        required=False, default=False, help_text="true: only the unread ones."
    )


@extend_schema_view(
    list=extend_schema(
        summary="List my notifications, newest first", parameters=[NotificationQuerySerializer]
    ),
)
@extend_schema(tags=["notifications"])
class NotificationViewSet(OrganizationEndpoint, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's in-app notifications in this organization."""

    serializer_class = NotificationSerializer
    filter_backends: list = []
    lookup_url_kwarg = "notification_id"

    def get_queryset(self) -> QuerySet[Notification]:
        if self.generating_schema:
            return Notification.objects.none()
        query = NotificationQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.notifications_for_member(
            organization=self.organization,
            membership=self.membership,
            unread_only=bool(query.validated_data.get("unread")),
        )

    @extend_schema(summary="Mark one of my notifications read", request=None)
    @action(detail=True, methods=["post"], url_path="read")
    def read(self, request, *args, **kwargs):
        notification = services.mark_read(
            organization=self.organization,
            membership=self.membership,
            pk=url_id(self.kwargs["notification_id"]),
        )
        return Response(self.get_serializer(notification).data)

    @extend_schema(
        summary="Mark all my notifications read",
        request=None,
        responses={200: MarkedReadSerializer},
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request, *args, **kwargs):
        marked = services.mark_all_read(organization=self.organization, membership=self.membership)
        return Response({"marked": marked}, status=status.HTTP_200_OK)


@extend_schema(tags=["notifications"])
class NotificationSettingsView(OrganizationEndpoint):
    """Which notification emails the caller gets from this organization."""

    serializer_class = NotificationSettingsSerializer

    def _current(self) -> set[str]:
        return selectors.opted_out_kinds(organization=self.organization, membership=self.membership)

    @extend_schema(summary="Get my email settings", operation_id="notification_settings_get")
    def get(self, request, *args, **kwargs):
        return Response(self.get_serializer(self._current()).data)

    @extend_schema(
        summary="Replace my email opt-outs (unknown kind: 400)",
        operation_id="notification_settings_update",
    )
    def put(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.set_email_opt_outs(
            organization=self.organization,
            membership=self.membership,
            opted_out=set(serializer.validated_data["opted_out"]),
        )
        return Response(self.get_serializer(self._current()).data)


class NotificationLogSerializer(serializers.ModelSerializer):
    """One delivery: a reminder or digest to one person for one period."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    recipient_email = serializers.EmailField(source="recipient.user.email", read_only=True)

    class Meta:
        model = NotificationLog
        fields = [
            "id",
            "created_at",
            "period",
            "kind",
            "kind_label",
            "recipient",
            "recipient_email",
            "status",
            "reason",
            "attempts",
            "sent_at",
        ]
        read_only_fields = fields


class NotificationLogQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    status = serializers.ChoiceField(choices=NotificationLog.State.choices, required=False)
    period = serializers.CharField(
        required=False, max_length=16, help_text="The ISO week, e.g. `2026-W48`."
    )


class NotificationLogView(OrganizationEndpoint, generics.ListAPIView):
    """The organization's notification delivery log, newest first (admins only)."""

    serializer_class = NotificationLogSerializer
    filter_backends: list = []

    @extend_schema(
        tags=["notifications"],
        summary="List the notification delivery log (admins)",
        parameters=[NotificationLogQuerySerializer],
        operation_id="notification_log_list",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[NotificationLog]:
        if self.generating_schema:
            return NotificationLog.objects.none()
        if not can_view_delivery_log(self.membership):
            raise PermissionDenied(selectors.LOG_ADMINS_ONLY)
        query = NotificationLogQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.notification_log(organization=self.organization, **query.validated_data)


router = SimpleRouter(trailing_slash=True)
router.register("notifications", NotificationViewSet, basename="api-notification")

# Included under /api/v1/orgs/<org_slug>/ by okr_project/api_urls.py.
urlpatterns = [
    *router.urls,
    path(
        "notification-settings/",
        NotificationSettingsView.as_view(),
        name="api-notification-settings",
    ),
    path("notification-log/", NotificationLogView.as_view(), name="api-notification-log"),
]
