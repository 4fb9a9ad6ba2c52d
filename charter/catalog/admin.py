"""Configuration of the catalogue: products, their standards and the price list."""

from django.contrib import admin

from .models import Product, ProductPrice


class PriceInline(admin.TabularInline):
    model = ProductPrice
    extra = 1


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "sku", "family", "dimensions", "warranty_months", "is_active"]
    list_filter = ["family", "is_active"]
    search_fields = ["name", "sku"]
    inlines = [PriceInline]
