from django.urls import include, path

from . import cases, customers, feedback, orders, standards, views
from .routers import CharterRouter

router = CharterRouter()
router.register("teams", views.TeamViewSet, basename="team")
router.register("staff", views.StaffViewSet, basename="staff")
router.register("authority-limits", views.AuthorityLimitViewSet, basename="authority-limit")
router.register("approvals", views.ApprovalRequestViewSet, basename="approval")
router.register("audit-entries", views.AuditEntryViewSet, basename="audit-entry")
router.register("customers", customers.CustomerViewSet, basename="customer")
router.register("charter", standards.CharterViewSet, basename="charter-version")
router.register("promises", standards.PromiseViewSet, basename="promise")
router.register("policies", standards.PolicyViewSet, basename="policy")
router.register("acknowledgements", standards.AcknowledgementViewSet, basename="acknowledgement")
router.register("segments", customers.SegmentViewSet, basename="segment")
router.register("products", orders.ProductViewSet, basename="product")
router.register("orders", orders.OrderViewSet, basename="order")
router.register("returns", orders.ReturnViewSet, basename="return")
router.register("warranties", orders.WarrantyViewSet, basename="warranty")
router.register("contacts", cases.ContactViewSet, basename="contact")
router.register("cases", cases.CaseViewSet, basename="case")
router.register("questionnaires", feedback.QuestionnaireViewSet, basename="questionnaire")
router.register("surveys", feedback.SurveyViewSet, basename="survey")
router.register("responses", feedback.ResponseViewSet, basename="response")
router.register("feedback", feedback.FeedbackViewSet, basename="feedback")

app_name = "api"

urlpatterns = [
    path("", views.RootView.as_view(), name="root"),
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("me/", views.MeView.as_view(), name="me"),
    path("authority/check/", views.AuthorityCheckView.as_view(), name="authority-check"),
    path("", include(router.urls)),
]
