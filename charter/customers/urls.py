from django.urls import path

from . import import_views, segment_views, views

app_name = "customers"

urlpatterns = [
    path("", views.customer_list, name="list"),
    path("search/", views.customer_search, name="search"),
    path("assign/", views.customers_assign, name="assign"),
    path("mine/", views.my_customers, name="mine"),
    path("new/", views.customer_new, name="new"),
    path("import/", import_views.import_upload, name="import"),
    path("import/<int:pk>/", import_views.import_detail, name="import-detail"),
    path("types/", views.customer_types, name="types"),
    path("types/new/", views.customer_type_edit, name="type-new"),
    path("types/<int:pk>/", views.customer_type_edit, name="type-edit"),
    path("segments/", segment_views.segments, name="segments"),
    path("segments/new/", segment_views.segment_edit, name="segment-new"),
    path("segments/evaluate/", segment_views.segments_evaluate, name="segments-evaluate"),
    path("segments/<int:pk>/", segment_views.segment_detail, name="segment"),
    path("segments/<int:pk>/edit/", segment_views.segment_edit, name="segment-edit"),
    path("segments/<int:pk>/evaluate/", segment_views.segment_evaluate, name="segment-evaluate"),
    path("segments/<int:pk>/inform/", segment_views.segment_inform, name="segment-inform"),
    path("to-call/", segment_views.call_list, name="to-call"),
    path("to-call/<int:pk>/done/", segment_views.call_done, name="call-done"),
    path("<int:pk>/", views.customer_detail, name="detail"),
    path("<int:pk>/edit/", views.customer_edit, name="edit"),
    path("<int:pk>/contacts/new/", views.contact_edit, name="contact-new"),
    path("<int:pk>/contacts/<int:contact_pk>/", views.contact_edit, name="contact-edit"),
    path(
        "<int:pk>/contacts/<int:contact_pk>/remove/",
        views.contact_remove,
        name="contact-remove",
    ),
    path("<int:pk>/addresses/new/", views.address_edit, name="address-new"),
    path("<int:pk>/addresses/<int:address_pk>/", views.address_edit, name="address-edit"),
    path(
        "<int:pk>/addresses/<int:address_pk>/remove/",
        views.address_remove,
        name="address-remove",
    ),
    path("<int:pk>/consent/", views.consent_record, name="consent"),
    path("<int:pk>/manager/", views.manager_assign, name="manager"),
    path("<int:pk>/products/", views.holding_add, name="holding-add"),
    path("<int:pk>/products/<int:holding_pk>/", views.holding_end, name="holding-end"),
    path("<int:pk>/products/<int:holding_pk>/undo/", views.holding_undo, name="holding-undo"),
    path("<int:pk>/segment-notice/", views.segment_notice_record, name="segment-notice"),
    path("<int:pk>/segment-feedback/", views.segment_feedback_record, name="segment-feedback"),
    path("<int:pk>/access-request/", views.access_request, name="access-request"),
    path("<int:pk>/erase/", views.customer_erase, name="erase"),
]
