"""REST API of the ledger: thin views that parse, call one service or selector, and answer.

Clients read accounts, journals, fiscal years, VAT codes, posted entries and parties, and keep
parties; everything else is office staff's. Drafts and internal notes never reach a client.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from server.accounts.services import signed_in_user
from server.api_input import body_of
from server.tenancy.access import company_get, is_staff_of, require_staff
from server.tenancy.models import Company

from . import selectors, services
from .errors import BooksError
from .models import Account, Entry, EntryState, Journal, Party, PartyKind, VatCode

# --- Serializers ---------------------------------------------------------------------------------


class AccountSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=["asset", "liability", "equity", "income", "expense"])
    role = serializers.CharField(max_length=30, allow_null=True, required=False)
    current = serializers.BooleanField(required=False)
    inventory = serializers.BooleanField(required=False)
    active = serializers.BooleanField(required=False)


class JournalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()


class FiscalYearSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    start = serializers.DateField()
    end = serializers.DateField()
    closed_at = serializers.DateTimeField(allow_null=True)
    closing_entry = serializers.IntegerField(source="closing_entry_id", allow_null=True)


class VatCodeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    direction = serializers.CharField()
    kind = serializers.CharField()
    rate = serializers.DecimalField(max_digits=6, decimal_places=3)
    base_boxes = serializers.ListField(child=serializers.CharField())
    tax_boxes = serializers.ListField(child=serializers.CharField())
    self_assessed_boxes = serializers.ListField(child=serializers.CharField())
    tax_account = serializers.IntegerField(source="tax_account_id", allow_null=True)
    ubl_category = serializers.CharField()
    active = serializers.BooleanField()


class BooksSettingsSerializer(serializers.Serializer):
    lock_date = serializers.DateField(allow_null=True, required=False)
    installed_at = serializers.DateTimeField(read_only=True)
    # The seller details of issued invoices; the IBAN and BIC are checked by the service.
    iban = serializers.CharField(max_length=42, required=False, allow_blank=True)
    bic = serializers.CharField(max_length=14, required=False, allow_blank=True)
    street = serializers.CharField(max_length=200, required=False, allow_blank=True)
    postcode = serializers.CharField(max_length=20, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)


class LineSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    account = serializers.IntegerField(source="account_id")
    party = serializers.IntegerField(source="party_id", allow_null=True, required=False)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)
    debit = serializers.DecimalField(max_digits=20, decimal_places=2, required=False)
    credit = serializers.DecimalField(max_digits=20, decimal_places=2, required=False)
    currency = serializers.CharField(max_length=3, required=False, allow_blank=True)
    vat_code = serializers.IntegerField(source="vat_code_id", allow_null=True, required=False)
    vat_base = serializers.DecimalField(
        max_digits=20, decimal_places=2, allow_null=True, required=False
    )
    due_date = serializers.DateField(allow_null=True, required=False)


class EntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    company = serializers.IntegerField(source="company_id")
    journal = serializers.IntegerField(source="journal_id")
    fiscal_year = serializers.IntegerField(source="fiscal_year_id", allow_null=True)
    number = serializers.IntegerField(allow_null=True)
    label = serializers.CharField()  # type: ignore[assignment]
    date = serializers.DateField()
    reference = serializers.CharField()
    memo = serializers.CharField()
    state = serializers.CharField()
    audience = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]
    reverses = serializers.IntegerField(source="reverses_id", allow_null=True)
    posted_at = serializers.DateTimeField(allow_null=True)
    lines = LineSerializer(many=True)


class StaffEntrySerializer(EntrySerializer):
    """Office staff also read the internal note."""

    internal_note = serializers.CharField()


class EntryInputSerializer(serializers.Serializer):
    journal = serializers.IntegerField()
    date = serializers.DateField()
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True)
    memo = serializers.CharField(max_length=500, required=False, allow_blank=True)
    internal_note = serializers.CharField(required=False, allow_blank=True)
    lines = LineSerializer(many=True)


class PartySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(choices=PartyKind.choices, required=False)
    name = serializers.CharField(max_length=200)
    vat_number = serializers.CharField(max_length=30, required=False, allow_blank=True)
    country = serializers.CharField(max_length=2)
    registration_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    iban = serializers.CharField(max_length=42, required=False, allow_blank=True)
    bic = serializers.CharField(max_length=11, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    street = serializers.CharField(max_length=200, required=False, allow_blank=True)
    postcode = serializers.CharField(max_length=20, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)


class EntryPages(CursorPagination):
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = ("-date", "-id")


def _entry_out(entry: Entry, staff: bool) -> dict[str, Any]:
    return dict((StaffEntrySerializer if staff else EntrySerializer)(entry).data)


def _in_company(model: type, company: Company, pk: Any, what: str) -> Any:
    if pk is None:
        return None
    found = model.objects.filter(company=company, pk=pk).first()  # type: ignore[attr-defined]
    if found is None:
        raise BooksError(f"invalid_{what.replace(' ', '_')}", f"There is no such {what} here.")
    return found


def _entry_input(company: Company, body: Any, partial: bool = False) -> dict[str, Any]:
    data = EntryInputSerializer(data=body, partial=partial)
    data.is_valid(raise_exception=True)
    values = dict(data.validated_data)
    if "journal" in values:
        values["journal"] = _in_company(Journal, company, values["journal"], "journal")
    if "lines" in values:
        values["lines"] = [
            services.LineInput(
                account=_in_company(Account, company, line["account_id"], "account"),
                debit=line.get("debit") or Decimal(0),
                credit=line.get("credit") or Decimal(0),
                description=line.get("description", ""),
                party=_in_company(Party, company, line.get("party_id"), "party"),
                currency=line.get("currency", ""),
                vat_code=_in_company(VatCode, company, line.get("vat_code_id"), "vat code"),
                vat_base=line.get("vat_base"),
                due_date=line.get("due_date"),
            )
            for line in values["lines"]
        ]
    return values


# --- Accounts, journals, fiscal years, VAT codes, settings ----------------------------------------


class AccountListApi(APIView):
    @extend_schema(responses={200: AccountSerializer(many=True)})
    def get(self, request: Request, company_id: int) -> Response:
        company = company_get(signed_in_user(request), company_id)
        return Response(AccountSerializer(selectors.account_list(company=company), many=True).data)

    @extend_schema(request=AccountSerializer, responses={201: AccountSerializer})
    def post(self, request: Request, company_id: int) -> Response:
        user = signed_in_user(request)
        company = company_get(user, company_id)
        data = AccountSerializer(data=body_of(request))
        data.is_valid(raise_exception=True)
        account = services.account_create(actor=user, company=company, **data.validated_data)
        return Response(AccountSerializer(account).data, status=status.HTTP_201_CREATED)


class AccountDetailApi(APIView):
    @extend_schema(request=AccountSerializer, responses={200: AccountSerializer})
    def patch(self, request: Request, account_id: int) -> Response:
        user = signed_in_user(request)
        account = selectors.account_get(user=user, account_id=account_id)
        data = AccountSerializer(data=body_of(request), partial=True)
        data.is_valid(raise_exception=True)
        account = services.account_update(
            actor=user, account=account, changes=dict(data.validated_data)
        )
        return Response(AccountSerializer(account).data)


class JournalListApi(APIView):
    @extend_schema(responses={200: JournalSerializer(many=True)})
    def get(self, request: Request, company_id: int) -> Response:
        company = company_get(signed_in_user(request), company_id)
        return Response(JournalSerializer(selectors.journal_list(company=company), many=True).data)


class FiscalYearListApi(APIView):
    @extend_schema(responses={200: FiscalYearSerializer(many=True)})
    def get(self, request: Request, company_id: int) -> Response:
        company = company_get(signed_in_user(request), company_id)
        years = selectors.fiscal_year_list(company=company)
        return Response(FiscalYearSerializer(years, many=True).data)


class FiscalYearCloseApi(APIView):
    @extend_schema(request=None, responses={200: FiscalYearSerializer})
    def post(self, request: Request, fiscal_year_id: int) -> Response:
        user = signed_in_user(request)
        year = selectors.fiscal_year_get(user=user, fiscal_year_id=fiscal_year_id)
        year = services.fiscal_year_close(actor=user, fiscal_year=year)
        return Response(FiscalYearSerializer(year).data)


class VatCodeListApi(APIView):
    @extend_schema(responses={200: VatCodeSerializer(many=True)})
    def get(self, request: Request, company_id: int) -> Response:
        company = company_get(signed_in_user(request), company_id)
        return Response(VatCodeSerializer(selectors.vat_code_list(company=company), many=True).data)


class BooksSettingsApi(APIView):
    @extend_schema(responses={200: BooksSettingsSerializer})
    def get(self, request: Request, company_id: int) -> Response:
        company = company_get(signed_in_user(request), company_id)
        return Response(BooksSettingsSerializer(selectors.books_settings_get(company=company)).data)

    @extend_schema(request=BooksSettingsSerializer, responses={200: BooksSettingsSerializer})
    def patch(self, request: Request, company_id: int) -> Response:
        user = signed_in_user(request)
        company = company_get(user, company_id)
        data = BooksSettingsSerializer(data=body_of(request), partial=True)
        data.is_valid(raise_exception=True)
        settings = services.books_settings_update(
            actor=user, company=company, changes=dict(data.validated_data)
        )
        return Response(BooksSettingsSerializer(settings).data)


# --- Entries -------------------------------------------------------------------------------------


class EntryListApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("journal", int),
            OpenApiParameter("account", int),
            OpenApiParameter("state", str, enum=EntryState.values),
        ],
        responses={200: StaffEntrySerializer(many=True)},
        description="Newest first, cursor-paginated. Clients see posted entries only.",
    )
    def get(self, request: Request, company_id: int) -> Response:
        user = signed_in_user(request)
        company = company_get(user, company_id)
        params = request.query_params
        entries = selectors.entry_list(
            user=user,
            company=company,
            journal=params.get("journal", ""),
            account=params.get("account", ""),
            state=params.get("state", ""),
        )
        pages = EntryPages()
        page = pages.paginate_queryset(entries, request, view=self) or []
        staff = is_staff_of(user, company)
        return pages.get_paginated_response([_entry_out(entry, staff) for entry in page])

    @extend_schema(request=EntryInputSerializer, responses={201: StaffEntrySerializer})
    def post(self, request: Request, company_id: int) -> Response:
        user = signed_in_user(request)
        company = company_get(user, company_id)
        require_staff(user, company)  # before parsing: a client learns nothing from a 400
        values = _entry_input(company, body_of(request))
        entry = services.entry_create(actor=user, company=company, **values)
        return Response(_entry_out(entry, True), status=status.HTTP_201_CREATED)


class EntryDetailApi(APIView):
    @extend_schema(responses={200: StaffEntrySerializer})
    def get(self, request: Request, entry_id: int) -> Response:
        user = signed_in_user(request)
        entry = selectors.entry_get(user=user, entry_id=entry_id)
        return Response(_entry_out(entry, is_staff_of(user, entry.company)))

    @extend_schema(request=EntryInputSerializer, responses={200: StaffEntrySerializer})
    def patch(self, request: Request, entry_id: int) -> Response:
        user = signed_in_user(request)
        entry = selectors.entry_get(user=user, entry_id=entry_id)
        require_staff(user, entry.company)
        values = _entry_input(entry.company, body_of(request), partial=True)
        entry = services.entry_update(actor=user, entry=entry, **values)
        return Response(_entry_out(selectors.entry_get(user=user, entry_id=entry.pk), True))

    @extend_schema(responses={204: None})
    def delete(self, request: Request, entry_id: int) -> Response:
        user = signed_in_user(request)
        services.entry_delete(actor=user, entry=selectors.entry_get(user=user, entry_id=entry_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class EntryPostApi(APIView):
    @extend_schema(request=None, responses={200: StaffEntrySerializer})
    def post(self, request: Request, entry_id: int) -> Response:
        user = signed_in_user(request)
        entry = services.entry_post(
            actor=user, entry=selectors.entry_get(user=user, entry_id=entry_id)
        )
        return Response(_entry_out(selectors.entry_get(user=user, entry_id=entry.pk), True))


class EntryReverseApi(APIView):
    class InputSerializer(serializers.Serializer):
        date = serializers.DateField()
        memo = serializers.CharField(max_length=500, required=False, allow_blank=True)

    @extend_schema(request=InputSerializer, responses={201: StaffEntrySerializer})
    def post(self, request: Request, entry_id: int) -> Response:
        user = signed_in_user(request)
        entry = selectors.entry_get(user=user, entry_id=entry_id)
        data = self.InputSerializer(data=body_of(request))
        data.is_valid(raise_exception=True)
        reversal = services.entry_reverse(actor=user, entry=entry, **data.validated_data)
        return Response(
            _entry_out(selectors.entry_get(user=user, entry_id=reversal.pk), True),
            status=status.HTTP_201_CREATED,
        )


# --- Parties -------------------------------------------------------------------------------------


class PartyListApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="words of the name or the VAT number"),
            OpenApiParameter("kind", str, enum=PartyKind.values),
        ],
        responses={200: PartySerializer(many=True)},
    )
    def get(self, request: Request, company_id: int) -> Response:
        company = company_get(signed_in_user(request), company_id)
        parties = selectors.party_list(
            company=company,
            query=request.query_params.get("q", ""),
            kind=request.query_params.get("kind", ""),
        )[:500]
        return Response(PartySerializer(parties, many=True).data)

    @extend_schema(request=PartySerializer, responses={201: PartySerializer})
    def post(self, request: Request, company_id: int) -> Response:
        user = signed_in_user(request)
        company = company_get(user, company_id)
        data = PartySerializer(data=body_of(request))
        data.is_valid(raise_exception=True)
        party = services.party_create(actor=user, company=company, **data.validated_data)
        return Response(PartySerializer(party).data, status=status.HTTP_201_CREATED)


class PartyDetailApi(APIView):
    @extend_schema(responses={200: PartySerializer})
    def get(self, request: Request, party_id: int) -> Response:
        party = selectors.party_get(user=signed_in_user(request), party_id=party_id)
        return Response(PartySerializer(party).data)

    @extend_schema(request=PartySerializer, responses={200: PartySerializer})
    def patch(self, request: Request, party_id: int) -> Response:
        user = signed_in_user(request)
        party = selectors.party_get(user=user, party_id=party_id)
        data = PartySerializer(data=body_of(request), partial=True)
        data.is_valid(raise_exception=True)
        party = services.party_update(actor=user, party=party, changes=dict(data.validated_data))
        return Response(PartySerializer(party).data)
