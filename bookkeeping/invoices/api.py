"""REST API of sales invoices: thin views that parse, call one service or selector, and answer.

Client members and the office staff serving the company both draft, issue and credit invoices.
An invoice outside the caller's reach (or an internal one, for a client) answers 404.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dossier.storage import content_disposition
from server.accounts.services import signed_in_user
from server.api_input import body_of
from server.tenancy.access import company_get
from server.tenancy.models import Company

from ..einvoice import einvoice_write
from ..errors import BooksError
from ..models import Account, Invoice, InvoiceDirection, InvoiceState, Party, VatCode
from ..render import invoice_pdf
from . import selectors, services
from .documents import invoice_document, invoice_einvoice, totals_of

# --- Serializers ---------------------------------------------------------------------------------


class InvoiceLineSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    position = serializers.IntegerField(read_only=True)
    description = serializers.CharField(max_length=500)
    quantity = serializers.DecimalField(max_digits=20, decimal_places=4)
    unit_price = serializers.DecimalField(max_digits=20, decimal_places=4)
    vat_code = serializers.IntegerField(source="vat_code_id")
    vat_rate = serializers.DecimalField(max_digits=6, decimal_places=3, read_only=True)
    account = serializers.IntegerField(source="account_id", allow_null=True, required=False)
    net_amount = serializers.DecimalField(max_digits=20, decimal_places=2, read_only=True)


class VatRowSerializer(serializers.Serializer):
    category = serializers.CharField()
    rate = serializers.DecimalField(max_digits=6, decimal_places=3)
    base = serializers.DecimalField(max_digits=20, decimal_places=2)
    tax = serializers.DecimalField(max_digits=20, decimal_places=2)


class InvoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    company = serializers.IntegerField(source="company_id")
    direction = serializers.CharField()
    kind = serializers.CharField()
    number = serializers.CharField()
    state = serializers.CharField()
    party = serializers.IntegerField(source="party_id")
    party_name = serializers.CharField(source="party.name")
    issue_date = serializers.DateField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    currency = serializers.CharField()
    payment_reference = serializers.CharField()
    note = serializers.CharField()
    net_total = serializers.DecimalField(max_digits=20, decimal_places=2)
    vat_total = serializers.DecimalField(max_digits=20, decimal_places=2)
    gross_total = serializers.DecimalField(max_digits=20, decimal_places=2)
    vat_breakdown = serializers.SerializerMethodField()
    credit_of = serializers.IntegerField(source="credit_of_id", allow_null=True)
    entry = serializers.IntegerField(source="entry_id", allow_null=True)
    document = serializers.IntegerField(source="document_id", allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    lines = InvoiceLineSerializer(many=True)

    def get_vat_breakdown(self, invoice: Invoice) -> list[dict[str, Any]]:
        rows = totals_of(list(invoice.lines.all())).vat
        return [dict(VatRowSerializer(row).data) for row in rows]


class InvoiceInputSerializer(serializers.Serializer):
    party = serializers.IntegerField()
    lines = InvoiceLineSerializer(many=True, required=False)
    issue_date = serializers.DateField(allow_null=True, required=False)
    due_date = serializers.DateField(allow_null=True, required=False)
    note = serializers.CharField(required=False, allow_blank=True)
    currency = serializers.CharField(max_length=3, required=False, allow_blank=True)
    payment_reference = serializers.CharField(max_length=140, required=False, allow_blank=True)


class IssueInputSerializer(serializers.Serializer):
    payment_reference = serializers.CharField(max_length=140, required=False, allow_blank=True)


class CreditNoteInputSerializer(serializers.Serializer):
    lines = InvoiceLineSerializer(many=True, required=False)
    note = serializers.CharField(required=False, allow_blank=True)
    issue_date = serializers.DateField(allow_null=True, required=False)


class InvoicePages(CursorPagination):
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = ("-created_at", "-id")


def _out(invoice: Invoice) -> dict[str, Any]:
    return dict(InvoiceSerializer(invoice).data)


def _in_company(model: Any, company: Company, pk: Any, what: str) -> Any:
    found = model.objects.filter(company=company, pk=pk).first() if pk is not None else None
    if found is None and pk is not None:
        raise BooksError(f"invalid_{what.replace(' ', '_')}", f"There is no such {what} here.")
    return found


def _lines(company: Company, given: list[dict[str, Any]]) -> list[services.InvoiceLineInput]:
    return [
        services.InvoiceLineInput(
            description=line["description"],
            quantity=line["quantity"],
            unit_price=line["unit_price"],
            vat_code=_in_company(VatCode, company, line["vat_code_id"], "vat code"),
            account=_in_company(Account, company, line.get("account_id"), "account"),
        )
        for line in given
    ]


def _input(company: Company, serializer: serializers.Serializer) -> dict[str, Any]:
    serializer.is_valid(raise_exception=True)
    values = dict(serializer.validated_data)
    if "party" in values:
        values["party"] = _in_company(Party, company, values["party"], "party")
    if "lines" in values:
        values["lines"] = _lines(company, values["lines"])
    return values


def _fresh(request: Request, invoice: Invoice) -> dict[str, Any]:
    return _out(selectors.invoice_get(user=signed_in_user(request), invoice_id=invoice.pk))


# --- Views ---------------------------------------------------------------------------------------


class InvoiceListApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("direction", str, enum=InvoiceDirection.values),
            OpenApiParameter("state", str, enum=InvoiceState.values),
            OpenApiParameter("party", int),
        ],
        responses={200: InvoiceSerializer(many=True)},
        description="Newest first, cursor-paginated (`next`, `previous`, `page_size` ≤ 200).",
    )
    def get(self, request: Request, company_id: int) -> Response:
        user = signed_in_user(request)
        company = company_get(user, company_id)
        params = request.query_params
        invoices = selectors.invoice_list(
            user=user,
            company=company,
            direction=params.get("direction", ""),
            state=params.get("state", ""),
            party=params.get("party", ""),
        )
        pages = InvoicePages()
        page = pages.paginate_queryset(invoices, request, view=self) or []
        return pages.get_paginated_response([_out(invoice) for invoice in page])

    @extend_schema(request=InvoiceInputSerializer, responses={201: InvoiceSerializer})
    def post(self, request: Request, company_id: int) -> Response:
        user = signed_in_user(request)
        company = company_get(user, company_id)
        values = _input(company, InvoiceInputSerializer(data=body_of(request)))
        invoice = services.invoice_draft_create(actor=user, company=company, **values)
        return Response(_fresh(request, invoice), status=status.HTTP_201_CREATED)


class InvoiceDetailApi(APIView):
    @extend_schema(responses={200: InvoiceSerializer})
    def get(self, request: Request, invoice_id: int) -> Response:
        return Response(
            _out(selectors.invoice_get(user=signed_in_user(request), invoice_id=invoice_id))
        )

    @extend_schema(request=InvoiceInputSerializer, responses={200: InvoiceSerializer})
    def patch(self, request: Request, invoice_id: int) -> Response:
        user = signed_in_user(request)
        invoice = selectors.invoice_get(user=user, invoice_id=invoice_id)
        data = InvoiceInputSerializer(data=body_of(request), partial=True)
        values = _input(invoice.company, data)
        invoice = services.invoice_draft_update(actor=user, invoice=invoice, **values)
        return Response(_fresh(request, invoice))

    @extend_schema(responses={204: None})
    def delete(self, request: Request, invoice_id: int) -> Response:
        user = signed_in_user(request)
        invoice = selectors.invoice_get(user=user, invoice_id=invoice_id)
        services.invoice_draft_delete(actor=user, invoice=invoice)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvoiceIssueApi(APIView):
    @extend_schema(
        request=IssueInputSerializer,
        responses={200: InvoiceSerializer},
        description="Numbers, books, files the PDF in the dossier and publishes `books.invoice`.",
    )
    def post(self, request: Request, invoice_id: int) -> Response:
        user = signed_in_user(request)
        invoice = selectors.invoice_get(user=user, invoice_id=invoice_id)
        data = IssueInputSerializer(data=body_of(request))
        data.is_valid(raise_exception=True)
        invoice = services.invoice_issue(actor=user, invoice=invoice, **data.validated_data)
        return Response(_fresh(request, invoice))


class CreditNoteApi(APIView):
    @extend_schema(
        request=CreditNoteInputSerializer,
        responses={201: InvoiceSerializer},
        description="A draft credit note of an issued invoice (lines default to all of its lines).",
    )
    def post(self, request: Request, invoice_id: int) -> Response:
        user = signed_in_user(request)
        invoice = selectors.invoice_get(user=user, invoice_id=invoice_id)
        values = _input(invoice.company, CreditNoteInputSerializer(data=body_of(request)))
        credit = services.credit_note_create(actor=user, invoice=invoice, **values)
        return Response(_fresh(request, credit), status=status.HTTP_201_CREATED)


class InvoicePdfApi(APIView):
    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(description="a draft's preview"),
            302: OpenApiResponse(description="an issued invoice: its PDF in the dossier"),
        }
    )
    def get(self, request: Request, invoice_id: int) -> HttpResponse:
        invoice = selectors.invoice_get(user=signed_in_user(request), invoice_id=invoice_id)
        if invoice.document_id is not None:
            return HttpResponseRedirect(
                reverse("api:document-download", kwargs={"document_id": invoice.document_id})
            )
        lines = list(invoice.lines.all())
        content = invoice_pdf(invoice_document(invoice, lines, totals_of(lines)))
        name = f"{invoice.number or f'draft-{invoice.pk}'}.pdf"
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition(name, "inline")
        return response


class InvoiceUblApi(APIView):
    @extend_schema(
        responses={(200, "application/xml"): OpenApiResponse(description="Peppol BIS 3.0 UBL")}
    )
    def get(self, request: Request, invoice_id: int) -> HttpResponse:
        invoice = selectors.invoice_get(user=signed_in_user(request), invoice_id=invoice_id)
        if invoice.state != InvoiceState.ISSUED or invoice.direction != InvoiceDirection.SALES:
            raise services.InvoiceConflict(
                "not_issued", "Only an issued sales invoice or credit note has an e-invoice."
            )
        lines = list(invoice.lines.all())
        content = einvoice_write(invoice_einvoice(invoice, lines, totals_of(lines)))
        response = HttpResponse(content, content_type="application/xml")
        response["Content-Disposition"] = content_disposition(f"{invoice.number}.xml")
        return response
