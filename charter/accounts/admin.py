"""Configuration screens for administrators. Writes that carry rules go through services."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from charter.core.errors import DomainError

from . import services
from .models import ApprovalRequest, AuthorityLimit, Role, Team, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "first_name", "last_name", "team", "job_title", "is_active")
    list_filter = ("is_active", "team", "groups")
    list_select_related = ("team",)
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("Work", {"fields": ("team", "job_title", "started_on", "left_on")}),
    )

    def has_delete_permission(self, request, obj=None):
        # Staff who leave are deactivated: their history must stay attributable.
        return False


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "parent", "lead")
    list_select_related = ("parent", "lead")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ("code", "rank", "group")
    readonly_fields = ("code", "group")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuthorityLimit)
class AuthorityLimitAdmin(admin.ModelAdmin):
    list_display = ("role", "action", "allowed", "percent_of_value", "max_amount", "currency")
    list_filter = ("role", "action")
    list_select_related = ("role",)

    def save_model(self, request, obj, form, change):
        try:
            services.authority_limit_set(
                actor=request.user,
                role=obj.role,
                action=obj.action,
                allowed=obj.allowed,
                percent_of_value=obj.percent_of_value,
                max_amount=obj.max_amount,
                currency=obj.currency,
                note=obj.note,
            )
        except DomainError as error:
            messages.error(request, error.message)


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(admin.ModelAdmin):
    list_display = (
        "pk",
        "action",
        "amount",
        "requested_by",
        "required_role",
        "status",
        "created_at",
    )
    list_filter = ("status", "action", "required_role")
    list_select_related = ("requested_by", "required_role")

    def has_change_permission(self, request, obj=None):
        return False  # decided on the Approvals page, through the service

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
