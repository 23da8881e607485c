"""Setting up a company's books: chart, journals, VAT codes, the current fiscal year."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from server.tenancy.models import Company

from ..charts import chart_for
from ..models import (
    Account,
    BooksSettings,
    FiscalYear,
    Journal,
    JournalKind,
    JournalSequence,
    VatCode,
)
from ..vat_codes import vat_codes_for

JOURNALS = (
    ("SAL", "Sales", JournalKind.SALES),
    ("PUR", "Purchases", JournalKind.PURCHASES),
    ("BNK", "Bank", JournalKind.BANK),
    ("GEN", "General", JournalKind.GENERAL),
)


def fiscal_year_bounds(company: Company, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The (start, end) of the company's fiscal year that contains `day`."""
    month, last = company.fiscal_year_end_month, company.fiscal_year_end_day
    end = datetime.date(day.year, month, last)
    if end < day:
        end = datetime.date(day.year + 1, month, last)
    start = datetime.date(end.year - 1, month, last) + datetime.timedelta(days=1)
    return start, end


def fiscal_year_open(*, company: Company, start: datetime.date, end: datetime.date) -> FiscalYear:
    """A fiscal year with a number sequence per journal (no overlap with another year)."""
    overlapping = FiscalYear.objects.filter(company=company, start__lte=end, end__gte=start)
    existing = overlapping.filter(start=start, end=end).first()
    if existing is not None:
        return existing
    if overlapping.exists():
        raise ValueError(f"The fiscal year {start}–{end} overlaps another of {company}.")
    year = FiscalYear.objects.create(company=company, start=start, end=end)
    for journal in Journal.objects.filter(company=company):
        JournalSequence.objects.get_or_create(journal=journal, fiscal_year=year)
    return year


def books_install(*, company: Company, today: datetime.date | None = None) -> BooksSettings:
    """The country's chart, the four journals, the VAT codes and the current fiscal year.

    Idempotent: what exists (found by code, or by role for accounts) is kept as staff edited it.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        # Lock the company row: two concurrent installs must not both create the rows.
        Company.objects.select_for_update().filter(pk=company.pk).first()
        accounts = {a.code: a for a in Account.objects.filter(company=company)}
        roles = {a.role for a in accounts.values() if a.role}
        for template in chart_for(company.country):
            if template.code in accounts:
                continue
            role = template.role.value if template.role and template.role not in roles else None
            accounts[template.code] = Account.objects.create(
                company=company,
                code=template.code,
                name=template.name,
                kind=template.kind.value,
                role=role,
                current=template.current,
                inventory=template.inventory,
            )
        by_role = {a.role: a for a in accounts.values() if a.role}
        for code, name, kind in JOURNALS:
            Journal.objects.get_or_create(
                company=company, code=code, defaults={"name": name, "kind": kind}
            )
        for vat in vat_codes_for(company.country):
            VatCode.objects.get_or_create(
                company=company,
                code=vat.code,
                defaults={
                    "name": vat.name,
                    "direction": vat.direction.value,
                    "kind": vat.kind.value,
                    "rate": vat.rate,
                    "base_boxes": list(vat.base_boxes),
                    "tax_boxes": list(vat.tax_boxes),
                    "self_assessed_boxes": list(vat.self_assessed_boxes),
                    "tax_account": by_role.get(vat.tax_account.value) if vat.tax_account else None,
                    "ubl_category": vat.ubl_category,
                },
            )
        if not FiscalYear.objects.filter(company=company).exists():
            start, end = fiscal_year_bounds(company, today)
            fiscal_year_open(company=company, start=start, end=end)
        else:
            for year in FiscalYear.objects.filter(company=company):
                for journal in Journal.objects.filter(company=company):
                    JournalSequence.objects.get_or_create(journal=journal, fiscal_year=year)
        try:
            with transaction.atomic():
                settings, _ = BooksSettings.objects.get_or_create(company=company)
        except IntegrityError:
            settings = BooksSettings.objects.get(company=company)
    return settings


def books_install_missing() -> int:
    """Books for every company that has none yet (companies made before the books existed)."""
    count = 0
    for company in Company.objects.filter(books__isnull=True):
        books_install(company=company)
        count += 1
    return count
