"""REST API of payments (staff record them) and the open items per party (both sides read)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from server.accounts.services import signed_in_user
from server.api_input import body_of
from server.tenancy.access import company_get, require_staff
from server.tenancy.models import Company

from ..errors import BooksError
from ..models import Account, Invoice, Party
from . import selectors, services


def _money(value: Decimal) -> str:
    return format(value, "f")


class AllocationSerializer(serializers.Serializer):
    invoice = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=20, decimal_places=2)


class PaymentInputSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(services.DIRECTIONS)
    amount = serializers.DecimalField(max_digits=20, decimal_places=2)
    party = serializers.IntegerField()
    date = serializers.DateField(required=False)
    bank_account = serializers.IntegerField(required=False, allow_null=True)
    currency = serializers.CharField(max_length=3, required=False, allow_blank=True)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True)
    allocations = AllocationSerializer(many=True, required=False)


def _in_company(model: Any, company: Company, pk: Any, what: str) -> Any:
    if pk is None:
        return None
    found = model.objects.filter(company=company, pk=pk).first()
    if found is None:
        raise BooksError(f"invalid_{what.replace(' ', '_')}", f"There is no such {what} here.")
    return found


def _invoice_out(invoice: Invoice, open_amount: Decimal) -> dict[str, Any]:
    return {
        "id": invoice.pk,
        "number": invoice.number,
        "kind": invoice.kind,
        "issue_date": invoice.issue_date,
        "due_date": invoice.due_date,
        "currency": invoice.currency,
        "gross_total": _money(invoice.gross_total),
        "open_amount": _money(open_amount),
        "paid": open_amount == 0,
    }


class PaymentListApi(APIView):
    @extend_schema(
        request=PaymentInputSerializer,
        responses={201: OpenApiResponse(description="the entry, invoices' open amounts")},
        description="Staff only. Posts a bank-journal entry and allocates it to the invoices.",
    )
    def post(self, request: Request, company_id: int) -> Response:
        user = signed_in_user(request)
        company = company_get(user, company_id)
        require_staff(user, company)  # before reading the body: clients never record payments
        data = PaymentInputSerializer(data=body_of(request))
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["party"] = _in_company(Party, company, values["party"], "party")
        values["bank_account"] = _in_company(
            Account, company, values.get("bank_account"), "account"
        )
        values["allocations"] = [
            services.AllocationInput(
                invoice=_in_company(Invoice, company, a["invoice"], "invoice"), amount=a["amount"]
            )
            for a in values.get("allocations", [])
        ]
        payment = services.payment_record(actor=user, company=company, **values)
        return Response(
            {
                "entry": payment.entry.pk,
                "entry_label": payment.entry.label,
                "amount": _money(payment.amount),
                "unallocated": _money(payment.unallocated),
                "invoices": [
                    {**_invoice_out(b.invoice, b.open_amount), "allocated": _money(b.allocated)}
                    for b in payment.invoices
                ],
            },
            status=status.HTTP_201_CREATED,
        )


class OpenItemsApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("side", str, enum=selectors.SIDES)],
        responses={200: OpenApiResponse(description="per party, its open invoices")},
    )
    def get(self, request: Request, company_id: int) -> Response:
        user = signed_in_user(request)
        company = company_get(user, company_id)
        side = request.query_params.get("side", "receivable")
        parties = selectors.open_items(user=user, company=company, side=side)
        return Response(
            {
                "side": side,
                "parties": [
                    {
                        "party": p.party_id,
                        "name": p.name,
                        "totals": {c: _money(t) for c, t in sorted(p.currency_totals.items())},
                        "invoices": [
                            {
                                **_invoice_out(o.invoice, o.open_amount),
                                "days_overdue": o.days_overdue,
                            }
                            for o in p.invoices
                        ],
                    }
                    for p in parties
                ],
            }
        )
