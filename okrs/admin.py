"""Django admin for OKR rows: read-mostly (changes belong in services, which audit and roll
progress up), filterable by organization, with related rows loaded in the list query."""

from django.contrib import admin

from okrs.models import (
    AuditEntry,
    CheckIn,
    Comment,
    CommentMention,
    Cycle,
    Initiative,
    KeyResult,
    KeyResultContributor,
    Objective,
    Risk,
)


class ReadMostlyAdmin(admin.ModelAdmin):
    """Viewable and deletable by superusers; edits go through the app so they are audited."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Cycle)
class CycleAdmin(ReadMostlyAdmin):
    list_display = ("name", "organization", "start_date", "end_date", "status")
    list_filter = ["organization", "status"]
    list_select_related = ["organization"]
    search_fields = ["name"]
    date_hierarchy = "start_date"


@admin.register(Objective)
class ObjectiveAdmin(ReadMostlyAdmin):
    list_display = ("title", "organization", "cycle", "level", "unit", "owner", "status")
    list_filter = ["organization", "level", "status", "visibility", "cycle"]
    list_select_related = ["organization", "cycle", "unit", "owner__user"]
    search_fields = ["title", "description", "owner__user__email"]
    raw_id_fields = ["parent", "owner", "unit", "cycle"]


@admin.register(KeyResult)
class KeyResultAdmin(ReadMostlyAdmin):
    list_display = ("title", "organization", "objective", "owner", "metric_type", "progress")
    list_filter = ["organization", "metric_type", "unit"]
    list_select_related = ["organization", "objective", "owner__user"]
    search_fields = ["title", "objective__title", "owner__user__email"]
    raw_id_fields = ["objective", "owner"]


@admin.register(KeyResultContributor)
class KeyResultContributorAdmin(ReadMostlyAdmin):
    list_display = ("key_result", "membership", "organization")
    list_filter = ["organization"]
    list_select_related = ["organization", "key_result", "membership__user"]
    search_fields = ["key_result__title", "membership__user__email"]


@admin.register(CheckIn)
class CheckInAdmin(ReadMostlyAdmin):
    list_display = ("key_result", "organization", "week", "value", "confidence", "author")
    list_filter = ["organization", "week"]
    list_select_related = ["organization", "key_result", "author__user"]
    search_fields = ["key_result__title", "note", "author__user__email"]


@admin.register(Initiative)
class InitiativeAdmin(ReadMostlyAdmin):
    list_display = ("title", "organization", "key_result", "assignee", "status", "due_date")
    list_filter = ["organization", "status"]
    list_select_related = ["organization", "key_result", "assignee__user"]
    search_fields = ["title", "key_result__title"]


@admin.register(Risk)
class RiskAdmin(ReadMostlyAdmin):
    list_display = ("__str__", "organization", "key_result", "likelihood", "impact", "status")
    list_filter = ["organization", "status", "likelihood", "impact"]
    list_select_related = ["organization", "key_result"]
    search_fields = ["description", "mitigation", "key_result__title"]


@admin.register(Comment)
class CommentAdmin(ReadMostlyAdmin):
    list_display = ("__str__", "organization", "author", "objective", "key_result", "created_at")
    list_filter = ["organization"]
    list_select_related = ["organization", "author__user", "objective", "key_result"]
    search_fields = ["body", "author__user__email"]


@admin.register(CommentMention)
class CommentMentionAdmin(ReadMostlyAdmin):
    list_display = ("comment", "membership", "organization")
    list_filter = ["organization"]
    list_select_related = ["organization", "comment", "membership__user"]
    search_fields = ["membership__user__email"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadMostlyAdmin):
    list_display = ("created_at", "organization", "actor", "action", "target_type", "summary")
    list_filter = ["organization", "action", "target_type"]
    list_select_related = ["organization", "actor__user"]
    search_fields = ["summary", "actor__user__email"]
    date_hierarchy = "created_at"

    def has_delete_permission(self, request, obj=None):
        return False  # the audit trail is append-only
