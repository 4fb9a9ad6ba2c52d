from django.urls import path

from . import views

app_name = "standards"

urlpatterns = [
    path("", views.index, name="index"),
    path("acknowledgements/", views.acknowledgement_report, name="acknowledgements"),
    path("charter/draft/", views.charter_draft, name="charter-draft"),
    path("charter/compare/", views.charter_compare, name="charter-compare"),
    path("charter/<int:number>/", views.charter_version, name="charter-version"),
    path("charter/<int:number>/edit/", views.charter_edit, name="charter-edit"),
    path("charter/<int:number>/approve/", views.charter_approve, name="charter-approve"),
    path(
        "charter/<int:number>/acknowledge/",
        views.charter_acknowledge,
        name="charter-acknowledge",
    ),
    path("charter/<int:number>/promises/new/", views.promise_edit, name="promise-new"),
    path("charter/<int:number>/promises/<int:pk>/", views.promise_edit, name="promise-edit"),
    path("charter/<int:number>/needs/new/", views.need_edit, name="need-new"),
    path("charter/<int:number>/needs/<int:pk>/", views.need_edit, name="need-edit"),
    path("charter/<int:number>/channels/new/", views.channel_edit, name="channel-new"),
    path("charter/<int:number>/channels/<int:pk>/", views.channel_edit, name="channel-edit"),
    path(
        "charter/<int:number>/<str:part>/<int:pk>/remove/",
        views.charter_part_remove,
        name="charter-part-remove",
    ),
    path("policies/new/", views.policy_new, name="policy-new"),
    path("policies/<slug:slug>/", views.policy_detail, name="policy"),
    path("policies/<slug:slug>/settings/", views.policy_settings, name="policy-settings"),
    path("policies/<slug:slug>/draft/", views.policy_draft, name="policy-draft"),
    path("policies/<slug:slug>/compare/", views.policy_compare, name="policy-compare"),
    path("policies/<slug:slug>/<int:number>/", views.policy_version, name="policy-version"),
    path(
        "policies/<slug:slug>/<int:number>/edit/",
        views.policy_version_edit,
        name="policy-version-edit",
    ),
    path(
        "policies/<slug:slug>/<int:number>/approve/",
        views.policy_approve,
        name="policy-approve",
    ),
    path(
        "policies/<slug:slug>/<int:number>/acknowledge/",
        views.policy_acknowledge,
        name="policy-acknowledge",
    ),
    path("policies/<slug:slug>/<int:number>/steps/new/", views.step_edit, name="step-new"),
    path("policies/<slug:slug>/<int:number>/steps/<int:pk>/", views.step_edit, name="step-edit"),
    path(
        "policies/<slug:slug>/<int:number>/steps/<int:pk>/remove/",
        views.step_remove,
        name="step-remove",
    ),
]
