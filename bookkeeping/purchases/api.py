"""REST API of purchase invoices: e-invoice import, the booking form of an inbox document, and
booking it. Thin views: parse, call one service or selector, shape the answer.

Client members may import e-invoices (it is their inbox); only the office books them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import IO, Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import BaseParser, FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from server.accounts.services import signed_in_user
from server.api_input import body_of
from server.tenancy.access import company_get, require_staff
from server.tenancy.models import Company

from ..einvoice import MAX_BYTES, EInvoice, EInvoiceError
from ..errors import BooksError
from ..models import Account, Invoice, InvoiceKind, InvoiceLine, Party, VatCode
from . import selectors, services


class RawXmlParser(BaseParser):
    """An e-invoice sent as the request body; at most one byte more than the limit is read, so
    that a too large file is refused without reading it all."""

    media_type = "*/*"

    def parse(self, stream: IO[bytes] | None, media_type: Any = None, parser_context: Any = None):
        return stream.read(MAX_BYTES + 1) if stream is not None else b""


def _money(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _line_out(line: InvoiceLine) -> dict[str, Any]:
    code = line.vat_code
    return {
        "id": line.pk,
        "position": line.position,
        "description": line.description,
        "quantity": _money(line.quantity),
        "unit_price": _money(line.unit_price),
        "net_amount": _money(line.net_amount),
        "vat_rate": _money(line.vat_rate),
        "vat_code": code.pk if code else None,
        "vat_code_code": code.code if code else None,
        "vat_category": code.ubl_category if code else None,
        "account": line.account_id,
    }


def _party_out(party: Party | None) -> dict[str, Any] | None:
    if party is None:
        return None
    return {
        "id": party.pk,
        "name": party.name,
        "vat_number": party.vat_number,
        "country": party.country,
        "iban": party.iban,
    }


def _invoice_out(invoice: Invoice) -> dict[str, Any]:
    return {
        "id": invoice.pk,
        "direction": invoice.direction,
        "kind": invoice.kind,
        "state": invoice.state,
        "number": invoice.number,
        "party": _party_out(invoice.party),
        "issue_date": invoice.issue_date,
        "due_date": invoice.due_date,
        "currency": invoice.currency,
        "payment_reference": invoice.payment_reference,
        "net_total": _money(invoice.net_total),
        "vat_total": _money(invoice.vat_total),
        "gross_total": _money(invoice.gross_total),
        "entry": invoice.entry_id,
        "document": invoice.document_id,
        "lines": [_line_out(line) for line in invoice.lines.all()],
    }


def _einvoice_out(einvoice: EInvoice) -> dict[str, Any]:
    t = einvoice.totals
    payment = einvoice.payment
    return {
        "kind": einvoice.kind,
        "number": einvoice.number,
        "issue_date": einvoice.issue_date,
        "due_date": einvoice.due_date,
        "currency": einvoice.currency,
        "tax_currency": einvoice.tax_currency,
        "payment_reference": payment.payment_id if payment else "",
        "payment_iban": payment.iban if payment else "",
        "vat_breakdown": [
            {
                "category": b.category,
                "rate": _money(b.rate),
                "base": _money(b.base),
                "tax": _money(b.tax),
                "exemption_reason": b.exemption_reason,
            }
            for b in einvoice.vat_breakdown
        ],
        "totals": {
            "line_extension": _money(t.line_extension),
            "allowance_total": _money(t.allowance_total),
            "charge_total": _money(t.charge_total),
            "tax_exclusive": _money(t.tax_exclusive),
            "tax_total": _money(t.tax_total),
            "tax_inclusive": _money(t.tax_inclusive),
            "prepaid": _money(t.prepaid),
            "rounding": _money(t.rounding),
            "payable": _money(t.payable),
            "tax_total_in_tax_currency": _money(t.tax_total_in_tax_currency),
        },
    }


def _import_out(result: services.ImportResult) -> dict[str, Any]:
    invoice = Invoice.objects.select_related("party").get(pk=result.invoice.pk)
    return {
        **_einvoice_out(result.einvoice),
        "supplier": {
            **(_party_out(invoice.party) or {}),
            "created": result.supplier_created,
            "vat_number_valid": result.supplier_vat_valid,
            "vat_number_as_written": result.einvoice.seller.vat_number,
        },
        "invoice": _invoice_out(invoice),
        "document": result.document.pk,
        "warnings": [{"code": w.code, "message": w.message} for w in result.warnings],
    }


class EInvoiceImportApi(APIView):
    parser_classes = [MultiPartParser, FormParser, RawXmlParser]

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            },
            "application/xml": {"type": "string", "format": "binary"},
        },
        responses={201: OpenApiResponse(description="the extracted invoice; see docs/api.md")},
        description="Import a Peppol BIS 3 UBL invoice or credit note addressed to the company: "
        "files the XML in the dossier inbox and creates a draft purchase invoice. Any refusal "
        "stores nothing.",
    )
    def post(self, request: Request, company_id: int) -> Response:
        user = signed_in_user(request)
        company = company_get(user, company_id)
        upload = request.FILES.get("file")
        if upload is not None:
            data, name = upload.read(MAX_BYTES + 1), upload.name or ""
        elif isinstance(request.data, bytes | bytearray):
            data, name = bytes(request.data), ""
        else:
            raise EInvoiceError(
                "not_xml", "Send the e-invoice's XML as the body or as the form field `file`."
            )
        result = services.einvoice_import(actor=user, company=company, data=data, filename=name)
        return Response(_import_out(result), status=status.HTTP_201_CREATED)


class PurchaseFormApi(APIView):
    @extend_schema(responses={200: OpenApiResponse(description="the prefilled booking form")})
    def get(self, request: Request, document_id: int) -> Response:
        form = selectors.purchase_form(user=signed_in_user(request), document_id=document_id)
        document = form.document
        return Response(
            {
                "document": {
                    "id": document.pk,
                    "name": document.name,
                    "inbox_state": document.inbox_state,
                    "supplier": document.supplier,
                    "amount": _money(document.amount),
                    "currency": document.currency,
                    "due_date": document.due_date,
                },
                "invoice": _invoice_out(form.invoice) if form.invoice else None,
                "supplier": _party_out(form.supplier),
                "supplier_name": form.supplier_name,
                "amount": _money(form.amount),
                "currency": form.currency,
                "due_date": form.due_date,
                "issue_date": form.invoice.issue_date if form.invoice else None,
                "number": form.invoice.number if form.invoice else "",
                "payment_reference": form.invoice.payment_reference if form.invoice else "",
                "default_account": form.default_account.pk if form.default_account else None,
                "vat_codes": [
                    {
                        "id": c.pk,
                        "code": c.code,
                        "name": c.name,
                        "rate": _money(c.rate),
                        "category": c.ubl_category,
                        "self_assessed": bool(c.self_assessed_boxes),
                    }
                    for c in form.vat_codes
                ],
            }
        )


class PurchaseLineSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=500)
    net_amount = serializers.DecimalField(max_digits=20, decimal_places=2)
    vat_code = serializers.IntegerField()
    account = serializers.IntegerField(required=False, allow_null=True)
    quantity = serializers.DecimalField(max_digits=20, decimal_places=4, required=False)
    unit_price = serializers.DecimalField(max_digits=20, decimal_places=4, required=False)


class BookInputSerializer(serializers.Serializer):
    party = serializers.IntegerField(required=False)
    number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    kind = serializers.ChoiceField(InvoiceKind.values, required=False)
    issue_date = serializers.DateField(required=False)
    due_date = serializers.DateField(required=False)
    currency = serializers.CharField(max_length=3, required=False)
    payment_reference = serializers.CharField(max_length=140, required=False, allow_blank=True)
    lines = PurchaseLineSerializer(many=True, required=False)


def _in_company(model: Any, company: Company, pk: Any, what: str) -> Any:
    if pk is None:
        return None
    found = model.objects.filter(company=company, pk=pk).first()
    if found is None:
        raise BooksError(f"invalid_{what.replace(' ', '_')}", f"There is no such {what} here.")
    return found


class PurchaseBookApi(APIView):
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(
        request=BookInputSerializer,
        responses={200: OpenApiResponse(description="the booked purchase invoice")},
        description="Staff only. Creates or updates the document's purchase invoice, books it in "
        "the purchases journal, moves the document to `booked`, publishes `books.invoice`.",
    )
    def post(self, request: Request, document_id: int) -> Response:
        user = signed_in_user(request)
        document = selectors.purchase_document_get(user=user, document_id=document_id)
        require_staff(user, document.company)  # before reading the body: clients never book
        data = BookInputSerializer(data=body_of(request))
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        company = document.company
        if "party" in values:
            values["party"] = _in_company(Party, company, values["party"], "party")
        if "lines" in values:
            values["lines"] = [
                services.PurchaseLineInput(
                    description=line["description"],
                    net_amount=line["net_amount"],
                    vat_code=_in_company(VatCode, company, line["vat_code"], "vat code"),
                    account=_in_company(Account, company, line.get("account"), "account"),
                    quantity=line.get("quantity") or Decimal(1),
                    unit_price=line.get("unit_price"),
                )
                for line in values["lines"]
            ]
        invoice = services.purchase_book(actor=user, document=document, **values)
        invoice = Invoice.objects.select_related("party").get(pk=invoice.pk)
        return Response(_invoice_out(invoice))
