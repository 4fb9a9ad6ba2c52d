from django.urls import path

from . import views

app_name = "orders"

urlpatterns = [
    path("", views.order_queue, name="queue"),  # ?show=late|wrong|due|all
    path("new/", views.order_new, name="new"),  # ?customer=<pk>
    path("<int:pk>/", views.order_detail, name="detail"),
    path("<int:pk>/<str:step>/", views.order_step, name="step"),
    path("returns/", views.return_list, name="returns"),
    path("returns/new/", views.return_new, name="return-new"),  # ?customer=<pk>
    path("returns/<int:pk>/", views.return_detail, name="return"),  # POST: resolve
    path("warranties/", views.warranty_list, name="warranties"),
    path("warranties/new/", views.warranty_new, name="warranty-new"),  # ?customer=<pk>
    path("warranties/<int:pk>/", views.warranty_detail, name="warranty"),  # POST: claim
    path("warranties/claims/<int:pk>/decide/", views.claim_decide, name="claim-decide"),
    path("quality/", views.quality, name="quality"),
    path("products/", views.product_list, name="products"),
    path("products/<int:pk>/", views.product_detail, name="product"),
]
