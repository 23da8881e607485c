from django.urls import path

from . import api

urlpatterns = [
    path(
        "companies/<int:company_id>/einvoices/",
        api.EInvoiceImportApi.as_view(),
        name="einvoice-import",
    ),
    path(
        "documents/<int:document_id>/purchase-form/",
        api.PurchaseFormApi.as_view(),
        name="purchase-form",
    ),
    path(
        "documents/<int:document_id>/book-purchase/",
        api.PurchaseBookApi.as_view(),
        name="purchase-book",
    ),
]
