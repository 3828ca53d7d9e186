"""Django admin for accounts: email-based users, organizations and their tenant rows."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from accounts.models import ApiToken, Invitation, Membership, Organization, OrgUnit, User


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    ordering = ("email",)
    list_display = ("email", "full_name", "is_active", "is_staff", "date_joined")
    list_filter = ("is_active", "is_staff", "is_superuser")
    search_fields = ("email", "full_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("full_name",)}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "timezone", "digest_cadence", "created_at")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organization", "role", "title", "unit", "is_active")
    list_filter = ("organization", "role", "is_active")
    search_fields = ("user__email", "user__full_name", "title")
    list_select_related = ("user", "organization", "unit")
    autocomplete_fields = ("user", "unit", "reports_to")


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "organization", "parent", "lead")
    list_filter = ("organization", "kind")
    search_fields = ("name",)
    list_select_related = ("organization", "parent", "lead__user")
    autocomplete_fields = ("parent", "lead")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "organization", "role", "created_at", "expires_at", "accepted_at")
    list_filter = ("organization", "role")
    search_fields = ("email",)
    list_select_related = ("organization",)
    readonly_fields = ("token_hash", "created_at", "accepted_at")
    autocomplete_fields = ("unit", "invited_by")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "user__email", "prefix")
    list_select_related = ("user",)
    # The hash is useless to edit and the raw key is never stored: show, don't change.
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at")
    autocomplete_fields = ("user",)
