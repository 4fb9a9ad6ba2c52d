from django.contrib import admin

from .models import AuditEntry, Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "state", "time_zone", "currency")
    # Changed on the service hours page (Settings), which checks them and lists the closures.
    readonly_fields = ("service_hours",)


# auditlog registers its own admin for the log model; ours is read-only.
if admin.site.is_registered(AuditEntry):
    admin.site.unregister(AuditEntry)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("timestamp", "actor", "interface", "action", "content_type", "object_pk")
    list_filter = ("interface", "action", "content_type")
    list_select_related = ("actor", "content_type")
    date_hierarchy = "timestamp"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
