from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("staff/", views.staff, name="staff"),
    path("staff/<int:pk>/", views.staff_member, name="staff-member"),
    path("staff/<int:pk>/leave/", views.absence_new, name="absence-new"),
    path("staff/<int:pk>/leave/<int:absence_pk>/", views.absence_edit, name="absence-edit"),
    path(
        "staff/<int:pk>/leave/<int:absence_pk>/remove/",
        views.absence_remove,
        name="absence-remove",
    ),
    path("authority/", views.authority, name="authority"),
    path("authority/check/", views.authority_check, name="authority-check"),
    path("authority/reading/", views.authority_reading, name="authority-reading"),
    path("authority/<int:pk>/edit/", views.authority_limit_edit, name="authority-limit-edit"),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/new/", views.approval_new, name="approval-new"),
    path("approvals/<int:pk>/", views.approval_detail, name="approval"),
    path("approvals/<int:pk>/decide/", views.approval_decide, name="approval-decide"),
    path("approvals/<int:pk>/withdraw/", views.approval_withdraw, name="approval-withdraw"),
]
