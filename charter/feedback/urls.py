from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("", views.inbox, name="inbox"),  # ?show=mine|all
    path("new/", views.feedback_enter, name="enter"),  # ?customer=<pk>
    path("comments/<int:pk>/", views.comment_detail, name="comment"),
    path("comments/<int:pk>/<str:act>/", views.comment_act, name="comment-act"),
    path("summary/", views.summary, name="summary"),  # ?month=YYYY-MM
    path("topics/", views.topics, name="topics"),
    path("form/", views.form_versions, name="form-versions"),
    path("form/qr.svg", views.form_qr, name="form-qr"),
    path("categoriser/", views.categoriser_quality, name="categoriser"),
    path("surveys/", views.surveys, name="surveys"),
    path("surveys/new/", views.survey_new, name="survey-new"),
    path("surveys/<int:pk>/", views.survey_detail, name="survey"),
    path("scores/", views.scores, name="scores"),
    path("questionnaires/<int:pk>/", views.questionnaire_detail, name="questionnaire"),
]

# The public pages: no login (mounted at /f/).
public_urlpatterns = [
    path("feedback/", views.feedback_form, name="form"),
    path("<str:token>/", views.survey_answer, name="answer"),
]
