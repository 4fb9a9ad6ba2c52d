"""Configuration of cases: complaint categories, the figures the routing rules and deadline
warnings use, and the approved reply wording. Cases themselves are worked in Charter's pages,
where every change goes through the services."""

from django.contrib import admin
from django.utils import timezone

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

    @admin.action(description="Approve the selected wording")
    def approve(self, request, queryset):
        queryset.filter(approved_at__isnull=True).update(
            approved_by=request.user, approved_at=timezone.now()
        )
