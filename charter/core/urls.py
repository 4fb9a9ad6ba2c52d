from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("audit/", views.audit_trail, name="audit-trail"),
    path("settings/hours/", views.service_hours, name="service-hours"),
    path("settings/closures/", views.closure_add, name="closure-add"),
    path("settings/closures/<int:pk>/remove/", views.closure_remove, name="closure-remove"),
]
