from django.urls import path

from . import api

urlpatterns = [
    path("companies/<int:company_id>/payments/", api.PaymentListApi.as_view(), name="payment-list"),
    path("companies/<int:company_id>/open-items/", api.OpenItemsApi.as_view(), name="open-items"),
]
