"""Configuration of cases: complaint categories, the figures the routing rules and deadline
warnings use, and the approved reply wording. Cases themselves are worked in Charter's pages,
where every change goes through the services."""

from django.contrib import admin, messages

from charter.core.errors import DomainError

from . import services
from .models import CaseSettings, Category, ReplyTemplate


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "is_active"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(CaseSettings)
class CaseSettingsAdmin(admin.ModelAdmin):
    list_display = ["significant_annual_value", "warn_hours_before", "follow_up_business_days"]


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    """Wording per situation, in numbered versions: a new version is added (not edited in
    place) and is used once approved; placeholders in braces are filled from the case."""

    list_display = ["situation", "version", "subject", "approved_by", "approved_at"]
    list_filter = ["situation"]
    readonly_fields = ["approved_by", "approved_at", "created_at"]
    actions = ["approve"]

    @admin.action(description="Approve the selected wording", permissions=["approve"])
    def approve(self, request, queryset):
        try:
            count = services.reply_templates_approve(actor=request.user, templates=queryset)
        except DomainError as refused:
            self.message_user(request, refused.message, messages.ERROR)
            return
        self.message_user(request, f"{count} wording(s) approved for use.", messages.SUCCESS)

    def has_approve_permission(self, request) -> bool:
        return request.user.has_perm("cases.approve_replytemplate")
