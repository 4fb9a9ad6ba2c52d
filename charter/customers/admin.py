"""Configuration of customer types and products; customer records are edited in Charter's pages
(where every change goes through the services and views are logged)."""

from django.contrib import admin

from .models import CustomerType, Offering


@admin.register(CustomerType)
class CustomerTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "internal", "is_active"]
    list_filter = ["internal", "is_active"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Offering)
class OfferingAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "category", "kind", "is_active"]
    list_filter = ["category", "kind", "is_active"]
    search_fields = ["name", "code"]
