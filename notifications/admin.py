from django.contrib import admin

from notifications.models import Notification, NotificationLog, NotificationOptOut


@admin.register(NotificationLog)
class NotificationLogAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "organization",
        "period",
        "kind",
        "recipient",
        "status",
        "reason",
        "attempts",
        "sent_at",
    )
    list_filter = ("organization", "kind", "status", "period")
    search_fields = ("recipient__user__email", "reason", "task_id")
    list_select_related = ("organization", "recipient__user")
    date_hierarchy = "created_at"
    readonly_fields = ("created_at", "updated_at", "sent_at", "task_id")
    raw_id_fields = ("recipient",)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "organization", "recipient", "kind", "title", "read_at")
    list_filter = ("organization", "kind")
    search_fields = ("title", "recipient__user__email")
    list_select_related = ("organization", "recipient__user")
    raw_id_fields = ("recipient",)


@admin.register(NotificationOptOut)
class NotificationOptOutAdmin(admin.ModelAdmin):
    list_display = ("organization", "membership", "kind", "created_at")
    list_filter = ("organization", "kind")
    list_select_related = ("organization", "membership__user")
    raw_id_fields = ("membership",)
