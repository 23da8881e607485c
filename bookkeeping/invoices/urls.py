from django.urls import path

from . import api

urlpatterns = [
    path("companies/<int:company_id>/invoices/", api.InvoiceListApi.as_view(), name="invoice-list"),
    path("invoices/<int:invoice_id>/", api.InvoiceDetailApi.as_view(), name="invoice-detail"),
    path("invoices/<int:invoice_id>/issue/", api.InvoiceIssueApi.as_view(), name="invoice-issue"),
    path(
        "invoices/<int:invoice_id>/credit-note/",
        api.CreditNoteApi.as_view(),
        name="invoice-credit-note",
    ),
    path("invoices/<int:invoice_id>/pdf/", api.InvoicePdfApi.as_view(), name="invoice-pdf"),
    path("invoices/<int:invoice_id>/ubl/", api.InvoiceUblApi.as_view(), name="invoice-ubl"),
]
