from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from charter.accounts import views as accounts_views
from charter.core import views as core_views
from charter.feedback.urls import public_urlpatterns as feedback_public
from charter.standards import views as standards_views

admin.site.site_header = "Charter configuration"
admin.site.site_title = "Charter"

# Pages in Charter's style for the errors people meet (JSON under /api/); see core/error_views.
handler400 = "charter.core.error_views.bad_request"
handler403 = "charter.core.error_views.permission_denied"
handler404 = "charter.core.error_views.page_not_found"
handler500 = "charter.core.error_views.server_error"

urlpatterns = [
    path("", accounts_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("", include("charter.core.urls")),
    path("", include("charter.accounts.urls")),
    path("customers/", include("charter.customers.urls")),
    path("orders/", include("charter.orders.urls")),
    path("cases/", include("charter.cases.urls")),
    path("feedback/", include("charter.feedback.urls")),
    path("f/", include((feedback_public, "public"))),
    path("charter/", standards_views.public_charter, name="public-charter"),
    path("standards/", include("charter.standards.urls")),
    path("api/v1/", include("charter.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI sets inline styles; only its page allows them.
    path(
        "api/docs/",
        csp_update({"style-src": [UNSAFE_INLINE]})(
            SpectacularSwaggerSplitView.as_view(url_name="schema")
        ),
        name="api-docs",
    ),
    path("admin/", admin.site.urls),
]
