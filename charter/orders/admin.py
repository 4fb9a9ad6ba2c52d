"""Configuration of the refunds policy's figures. Orders, returns and warranties are worked in
Charter's pages, where every change goes through the services."""

from django.contrib import admin

from .models import ReturnsPolicy


@admin.register(ReturnsPolicy)
class ReturnsPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "change_of_mind_months", "cancellation_fee_percent", "cancellation_fee_cap", "updated_at"
    ]  # fmt: skip
