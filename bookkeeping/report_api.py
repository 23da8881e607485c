"""REST API of the reports: GET companies/<id>/reports/<name>/ answers JSON, or with ?format=csv,
xlsx or pdf a file to download; POST .../reports/<name>/publish/ puts it into the dossier (staff).

Client and staff of the company read every report: they read posted lines only, which are shared.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dossier import selectors as dossier_selectors
from dossier.api import DocumentSerializer
from server.accounts.services import signed_in_user
from server.api_input import body_of
from server.tenancy.access import company_get

from .reports.common import BadReportInput
from .reports.export import FORMATS, report_file
from .reports.open_items import BUCKETS
from .reports.publish import report_publish
from .reports.registry import report_get, report_run

Money = lambda **kw: serializers.DecimalField(max_digits=20, decimal_places=2, **kw)  # noqa: E731
Ratio = lambda: serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)  # noqa: E731


# --- Output serializers (the JSON answers, and their OpenAPI schema) -----------------------------


class TrialBalanceRowSerializer(serializers.Serializer):
    account = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    currency = serializers.CharField()
    debit = Money()
    credit = Money()
    balance = Money()


class TrialBalanceSerializer(serializers.Serializer):
    date = serializers.DateField()
    rows = TrialBalanceRowSerializer(many=True)
    totals = inline_serializer(
        "TrialBalanceTotal",
        {"currency": serializers.CharField(), "debit": Money(), "credit": Money()},
        many=True,
    )


class GeneralLedgerSerializer(serializers.Serializer):
    account = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    currency = serializers.CharField()
    opening = Money()
    debit = Money()
    credit = Money()
    closing = Money()
    lines = inline_serializer(
        "LedgerLine",
        {
            "line": serializers.IntegerField(),
            "entry": serializers.IntegerField(),
            "entry_label": serializers.CharField(),
            "date": serializers.DateField(),
            "description": serializers.CharField(),
            "party": serializers.CharField(),
            "debit": Money(),
            "credit": Money(),
            "balance": Money(),
        },
        many=True,
    )


class ProfitAndLossSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    currency = serializers.CharField()
    months = inline_serializer(
        "PnlMonth",
        {"month": serializers.DateField(), "income": Money(), "expense": Money(),
         "result": Money()},
        many=True,
    )  # fmt: skip
    accounts = inline_serializer(
        "PnlAccount",
        {
            "account": serializers.IntegerField(),
            "code": serializers.CharField(),
            "name": serializers.CharField(),
            "kind": serializers.CharField(),
            "months": serializers.ListField(child=Money()),
            "total": Money(),
        },
        many=True,
    )
    income = Money()
    expense = Money()
    result = Money()


class SheetRowSerializer(serializers.Serializer):
    account = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    amount = Money()


class BalanceSheetSerializer(serializers.Serializer):
    date = serializers.DateField()
    currency = serializers.CharField()
    assets = SheetRowSerializer(many=True)
    liabilities = SheetRowSerializer(many=True)
    equity = SheetRowSerializer(many=True)
    unclosed_result = Money()
    total_assets = Money()
    total_liabilities = Money()
    total_equity = Money()
    balanced = serializers.BooleanField()


class VatSummarySerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    currency = serializers.CharField()
    codes = inline_serializer(
        "VatCodeTotal",
        {
            "code": serializers.CharField(),
            "name": serializers.CharField(),
            "direction": serializers.CharField(),
            "rate": serializers.DecimalField(max_digits=6, decimal_places=3),
            "base": Money(),
            "tax": Money(),
        },
        many=True,
    )
    boxes = inline_serializer(
        "VatBox",
        {"box": serializers.CharField(), "label": serializers.CharField(), "amount": Money()},
        many=True,
    )
    vat_due = Money()
    vat_deductible = Money()
    balance = Money()


class CashSerializer(serializers.Serializer):
    date = serializers.DateField()
    currency = serializers.CharField()
    accounts = inline_serializer(
        "CashAccount",
        {
            "account": serializers.IntegerField(),
            "code": serializers.CharField(),
            "name": serializers.CharField(),
            "role": serializers.CharField(),
            "balance": Money(),
        },
        many=True,
    )
    total = Money()
    inflow_30_days = Money()
    outflow_30_days = Money()


class AgeingSerializer(serializers.Serializer):
    current = Money()
    days_1_30 = Money()
    days_31_60 = Money()
    days_61_90 = Money()
    over_90 = Money()
    total = Money()


class OpenItemsSerializer(serializers.Serializer):
    side = serializers.CharField(source="summary.side")
    date = serializers.DateField(source="summary.date")
    currency = serializers.CharField(source="summary.currency")
    parties = inline_serializer(
        "PartyAgeing",
        {
            "party": serializers.IntegerField(allow_null=True),
            "name": serializers.CharField(),
            "items": serializers.IntegerField(),
            "ageing": AgeingSerializer(),
        },
        many=True,
        source="summary.parties",
    )
    totals = AgeingSerializer(source="summary.totals")
    items = inline_serializer(
        "OpenItem",
        {
            "line": serializers.IntegerField(),
            "entry": serializers.IntegerField(),
            "entry_label": serializers.CharField(),
            "party": serializers.IntegerField(allow_null=True),
            "party_name": serializers.CharField(),
            "date": serializers.DateField(),
            "due_date": serializers.DateField(),
            "description": serializers.CharField(),
            "amount": Money(),
            "residual": Money(),
            "days_past_due": serializers.IntegerField(),
            "bucket": serializers.ChoiceField(choices=BUCKETS),
        },
        many=True,
        allow_null=True,
        help_text="the open items of ?party=<id>; null without it",
    )


class RatiosSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    previous_start = serializers.DateField()
    previous_end = serializers.DateField()
    ratios = inline_serializer(
        "Ratio",
        {
            "name": serializers.ChoiceField(
                choices=["gross_margin", "net_margin", "current_ratio", "quick_ratio", "dso",
                         "dpo"]
            ),
            "value": Ratio(),
            "previous": Ratio(),
            "change": Ratio(),
        },
        many=True,
    )  # fmt: skip


# --- Views ---------------------------------------------------------------------------------------


class JsonOnly(DefaultContentNegotiation):
    """`?format=` names the export here, not a DRF renderer: answers (and errors) are JSON."""

    def select_renderer(self, request: Any, renderers: Any, format_suffix: Any = None) -> Any:
        return renderers[0], renderers[0].media_type


FORMAT = OpenApiParameter(
    "format", str, enum=list(FORMATS), description="a file to download instead of JSON"
)
DATE = OpenApiParameter("date", str, description="YYYY-MM-DD, default today")
FROM = OpenApiParameter("from", str, description="YYYY-MM-DD, default the fiscal year's start")
TO = OpenApiParameter("to", str, description="YYYY-MM-DD, default today")
ERROR = inline_serializer(
    "ReportError", {"code": serializers.CharField(), "message": serializers.CharField()}
)


class ReportApi(APIView):
    content_negotiation_class = JsonOnly
    report_name: ClassVar[str] = ""
    output: ClassVar[type[serializers.Serializer]]

    def get(self, request: Request, company_id: int) -> Response | HttpResponse:
        company = company_get(signed_in_user(request), company_id)
        report, result = report_run(
            company=company, name=self.report_name, params=request.query_params
        )
        fmt = request.query_params.get("format", "")
        if not fmt:
            return Response(self.output(result).data)
        file = report_file(report.table(result, company), fmt, company_name=company.name)
        response = HttpResponse(file.content, content_type=file.content_type)
        filename = f"{report.name}-{company.pk}.{file.extension}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


def _report_view(name: str, output: type[serializers.Serializer], *params: OpenApiParameter):
    """One APIView per report, so that each has its own OpenAPI operation and schema."""
    title = report_get(name).title

    @extend_schema(
        summary=title,
        parameters=[*params, FORMAT],
        responses={200: output, 400: ERROR},
        operation_id=f"report_{name.replace('-', '_')}",
    )
    def get(self: ReportApi, request: Request, company_id: int) -> Response | HttpResponse:
        return ReportApi.get(self, request, company_id)

    return type(
        f"{name.title().replace('-', '')}Api",
        (ReportApi,),
        {"report_name": name, "output": output, "get": get, "__module__": __name__},
    )


ACCOUNT = OpenApiParameter("account", int, required=True)
PARTY = OpenApiParameter("party", int, description="also list this party's open items")

TrialBalanceApi = _report_view("trial-balance", TrialBalanceSerializer, DATE)
GeneralLedgerApi = _report_view("general-ledger", GeneralLedgerSerializer, ACCOUNT, FROM, TO)
ProfitAndLossApi = _report_view("profit-and-loss", ProfitAndLossSerializer, FROM, TO)
BalanceSheetApi = _report_view("balance-sheet", BalanceSheetSerializer, DATE)
VatSummaryApi = _report_view("vat-summary", VatSummarySerializer, FROM, TO)
CashApi = _report_view("cash", CashSerializer, DATE)
ReceivablesApi = _report_view("receivables", OpenItemsSerializer, DATE, PARTY)
PayablesApi = _report_view("payables", OpenItemsSerializer, DATE, PARTY)
RatiosApi = _report_view("ratios", RatiosSerializer, FROM, TO)

REPORT_VIEWS = {
    view.report_name: view
    for view in (
        TrialBalanceApi, GeneralLedgerApi, ProfitAndLossApi, BalanceSheetApi, VatSummaryApi,
        CashApi, ReceivablesApi, PayablesApi, RatiosApi,
    )
}  # fmt: skip


class ReportPublishSerializer(serializers.Serializer):
    params = serializers.DictField(child=serializers.CharField(), required=False)
    format = serializers.ChoiceField(choices=FORMATS, default="pdf")
    folder = serializers.IntegerField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    acknowledgement_required = serializers.BooleanField(required=False, default=False)


class ReportPublishApi(APIView):
    """POST companies/<id>/reports/<name>/publish/: the report as a published dossier document."""

    @extend_schema(
        request=ReportPublishSerializer,
        responses={201: DocumentSerializer, 400: ERROR},
        operation_id="report_publish",
    )
    def post(self, request: Request, company_id: int, name: str) -> Response:
        user = signed_in_user(request)
        company = company_get(user, company_id)
        report_get(name)
        data = ReportPublishSerializer(data=body_of(request))
        data.is_valid(raise_exception=True)
        folder_id = data.validated_data.get("folder")
        folder = dossier_selectors.folder_get(user=user, folder_id=folder_id) if folder_id else None
        if folder is not None and folder.company_id != company.pk:
            raise BadReportInput("no_folder", "That folder is not in this company's dossier.")
        document = report_publish(
            actor=user,
            company=company,
            name=name,
            params=data.validated_data.get("params", {}),
            fmt=data.validated_data["format"],
            folder=folder,
            note=data.validated_data["note"],
            ack_required=data.validated_data["acknowledgement_required"],
        )
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)
