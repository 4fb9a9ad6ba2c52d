from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.case_queue, name="queue"),  # ?show=mine|open&due=past|soon
    path("log/", views.complaints_log, name="log"),
    path("contacts/new/", views.contact_new, name="contact-new"),  # ?customer=<pk> | ?public=1
    path("mail/", views.mail_kept_aside, name="mail"),
    path("wording/", views.reply_wording, name="wording"),
    path("mail/<int:pk>/raw/", views.mail_raw, name="mail-raw"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/history/", views.case_history, name="history"),
    path("<int:pk>/<str:action>/", views.case_action, name="action"),
]
