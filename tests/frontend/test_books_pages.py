"""The Books tab through Django's test client: who gets the page, and which controls it offers."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.test import Client

from bookkeeping.models import VatCode
from frontend.books_views import vat_period
from server.accounts.models import User
from server.tenancy.models import Company, VatRegime
from tests.factories import World

pytestmark = pytest.mark.django_db

# Controls only the office may use: the page must not offer them to a client at all.
STAFF_ONLY = (
    'id="view-purchases"',  # purchase booking from the inbox, e-invoice import
    'id="purchase-book"',
    'id="einvoice-form"',
    'id="entry-new"',  # drafts, and with them posting and reversing
    'id="entry-editor"',
    'id="entry-state-filter"',
    'id="report-publish"',
    'data-view="purchases"',
    'id="seller-form"',  # the company's IBAN and address on invoices
)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def books_page(user: User, company: Company) -> str:
    response = signed_in(user).get(f"/companies/{company.id}/books/")
    assert response.status_code == 200
    return response.content.decode()


def json_block(page: str, block_id: str) -> dict:
    found = re.search(
        rf'<script id="{block_id}" type="application/json">(.*?)</script>', page, re.S
    )
    assert found, f"no {block_id} block"
    return json.loads(found.group(1))


def test_the_client_gets_the_books_without_the_offices_controls(world: World) -> None:
    page = books_page(world.client, world.company)
    assert 'id="books"' in page and "books/main.js" in page
    for part in ('id="view-dashboard"', 'id="invoice-new"', 'id="view-entries"', 'id="report-csv"'):
        assert part in page, part
    for control in STAFF_ONLY:
        assert control not in page, control
    config = json_block(page, "books-config")
    assert config["company"] == world.company.id and config["staff"] is False
    sales = VatCode.objects.filter(company=world.company, direction="sales", active=True)
    assert {code["id"] for code in config["vatCodes"]} == set(sales.values_list("id", flat=True))
    assert {code["code"] for code in config["vatCodes"]} >= {"S21", "S06"}
    strings = json_block(page, "books-i18n")
    assert strings["discuss"] == "Discuss"


def test_the_accountant_gets_the_offices_controls(world: World) -> None:
    page = books_page(world.accountant, world.company)
    for control in STAFF_ONLY:
        assert control in page, control
    assert json_block(page, "books-config")["staff"] is True


@pytest.mark.parametrize("who", ["other_client", "client", "accountant"])
def test_another_companys_people_get_404(world: World, who: str) -> None:
    # The accountant is not assigned to the sibling company; the clients are of other companies.
    target = world.sibling_company if who != "other_client" else world.company
    user = getattr(world, who)
    assert signed_in(user).get(f"/companies/{target.id}/books/").status_code == 404


def test_the_books_tab_needs_sign_in(world: World) -> None:
    response = Client().get(f"/companies/{world.company.id}/books/")
    assert response.status_code == 302 and "/signin/" in response["Location"]


@pytest.mark.parametrize(
    ("regime", "today", "expected"),
    [
        (VatRegime.MONTHLY, "2026-02-14", ("2026-02-01", "2026-02-28")),
        (VatRegime.QUARTERLY, "2026-11-30", ("2026-10-01", "2026-12-31")),
        (VatRegime.QUARTERLY, "2026-01-01", ("2026-01-01", "2026-03-31")),
        (VatRegime.BIMONTHLY, "2024-02-29", ("2024-01-01", "2024-02-29")),
        (VatRegime.BIMONTHLY, "2026-12-31", ("2026-11-01", "2026-12-31")),
    ],
)
def test_the_dashboard_asks_for_the_vat_period_of_today(
    world: World, regime: str, today: str, expected: tuple[str, str]
) -> None:
    world.company.vat_regime = regime
    period = vat_period(world.company, datetime.date.fromisoformat(today))
    assert period is not None and (period["from"], period["to"]) == expected


def test_no_vat_period_without_vat_returns(world: World) -> None:
    world.company.vat_regime = VatRegime.NONE
    assert vat_period(world.company, datetime.date(2026, 5, 1)) is None
