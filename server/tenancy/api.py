import re

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from server.accounts.services import signed_in_user

from .models import Company, VatRegime
from .selectors import company_detail, company_list
from .services import company_update


class CompanyOutputSerializer(serializers.ModelSerializer):
    office = serializers.CharField(source="office.name", default=None)
    fiscal_year_end = serializers.SerializerMethodField()

    class Meta:
        model = Company
        fields = [
            "id", "name", "country", "vat_number", "legal_form", "fiscal_year_end",
            "vat_regime", "employer", "currency", "office",
        ]  # fmt: skip

    def get_fiscal_year_end(self, company: Company) -> str:
        return f"{company.fiscal_year_end_month:02d}-{company.fiscal_year_end_day:02d}"


class CompanyListApi(APIView):
    """The companies the caller may see: an owner's whole office, a staff member's assigned
    companies, a client's own companies."""

    @extend_schema(responses={200: CompanyOutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        companies = company_list(user=signed_in_user(request))
        return Response(CompanyOutputSerializer(companies, many=True).data)


class CompanyDetailApi(APIView):
    class UpdateSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=200, required=False)
        vat_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
        legal_form = serializers.CharField(max_length=40, required=False, allow_blank=True)
        fiscal_year_end = serializers.CharField(required=False, help_text="MM-DD, e.g. 12-31")
        vat_regime = serializers.ChoiceField(choices=VatRegime.choices, required=False)
        employer = serializers.BooleanField(required=False)
        currency = serializers.RegexField(r"^[A-Z]{3}$", required=False)

        def validate_fiscal_year_end(self, value: str) -> tuple[int, int]:
            match = re.fullmatch(r"(\d{2})-(\d{2})", value)
            if not match:
                raise serializers.ValidationError("Write the fiscal year end as MM-DD, e.g. 12-31.")
            return int(match[1]), int(match[2])

    @extend_schema(responses={200: CompanyOutputSerializer})
    def get(self, request: Request, company_id: int) -> Response:
        company = company_detail(user=signed_in_user(request), company_id=company_id)
        return Response(CompanyOutputSerializer(company).data)

    @extend_schema(request=UpdateSerializer, responses={200: CompanyOutputSerializer})
    def patch(self, request: Request, company_id: int) -> Response:
        company = company_detail(user=signed_in_user(request), company_id=company_id)
        data = self.UpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        if "fiscal_year_end" in changes:
            changes["fiscal_year_end_month"], changes["fiscal_year_end_day"] = changes.pop(
                "fiscal_year_end"
            )
        company = company_update(actor=signed_in_user(request), company=company, changes=changes)
        return Response(CompanyOutputSerializer(company).data)
