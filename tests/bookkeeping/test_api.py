"""The books over the API: who may do what, and what clients never see."""

from __future__ import annotations

import datetime

import pytest

from bookkeeping.models import Account, Entry, FiscalYear, Journal
from tests.conftest import api_as
from tests.factories import World

from .helpers import account, draft, posted

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today().isoformat()


def _entry_body(world: World, amount: str = "120.00") -> dict:
    return {
        "journal": Journal.objects.get(company=world.company, code="GEN").pk,
        "date": TODAY,
        "memo": "Rent",
        "internal_note": "ask for the contract",
        "lines": [
            {"account": account(world.company, "bank").pk, "credit": amount},
            {"account": account(world.company, "purchases").pk, "debit": amount},
        ],
    }


def test_staff_draft_post_and_reverse(world: World) -> None:
    staff = api_as(world.accountant)
    created = staff.post(f"/api/v1/companies/{world.company.pk}/entries/", _entry_body(world),
                         format="json")  # fmt: skip
    assert created.status_code == 201, created.content
    entry = created.json()
    assert (entry["state"], entry["number"], entry["internal_note"]) == (
        "draft", None, "ask for the contract"
    )  # fmt: skip
    patched = staff.patch(f"/api/v1/entries/{entry['id']}/", {"memo": "Rent May"}, format="json")
    assert patched.json()["memo"] == "Rent May"
    done = staff.post(f"/api/v1/entries/{entry['id']}/post/")
    assert done.status_code == 200 and done.json()["number"] == 1
    again = staff.patch(f"/api/v1/entries/{entry['id']}/", {"memo": "x"}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "posted_immutable")
    reversal = staff.post(f"/api/v1/entries/{entry['id']}/reverse/", {"date": TODAY},
                          format="json")  # fmt: skip
    assert reversal.status_code == 201 and reversal.json()["reverses"] == entry["id"]


def test_unbalanced_answers_a_code_and_a_sentence(world: World) -> None:
    staff = api_as(world.accountant)
    body = _entry_body(world)
    body["lines"][0]["credit"] = "119.00"
    entry = staff.post(f"/api/v1/companies/{world.company.pk}/entries/", body, format="json")
    answer = staff.post(f"/api/v1/entries/{entry.json()['id']}/post/")
    assert answer.status_code == 400
    assert answer.json()["code"] == "unbalanced" and "differ by 1.00" in answer.json()["message"]
    assert Entry.objects.get(pk=entry.json()["id"]).state == "draft"


def test_clients_see_posted_entries_without_internal_notes(world: World) -> None:
    shared = posted(world.accountant, world.company)
    Entry.objects.filter(pk=shared.pk)  # posted entries keep their note from the draft
    hidden = draft(world.accountant, world.company, internal_note="secret")
    client = api_as(world.client)
    listing = client.get(f"/api/v1/companies/{world.company.pk}/entries/").json()["results"]
    assert [e["id"] for e in listing] == [shared.pk]
    assert all("internal_note" not in e for e in listing)
    assert "internal_note" not in client.get(f"/api/v1/entries/{shared.pk}/").json()
    assert client.get(f"/api/v1/entries/{hidden.pk}/").status_code == 404
    staff_listing = (
        api_as(world.accountant)
        .get(f"/api/v1/companies/{world.company.pk}/entries/")
        .json()["results"]
    )
    assert {e["id"] for e in staff_listing} == {shared.pk, hidden.pk}
    assert {e["internal_note"] for e in staff_listing} >= {"secret"}


def test_entry_filters(world: World) -> None:
    general = posted(world.accountant, world.company)
    sales = posted(world.accountant, world.company, kind="sales")
    open_draft = draft(world.accountant, world.company)
    staff = api_as(world.accountant)
    url = f"/api/v1/companies/{world.company.pk}/entries/"
    ids = lambda **q: {e["id"] for e in staff.get(url, q).json()["results"]}  # noqa: E731
    assert ids(journal=sales.journal_id) == {sales.pk}
    assert ids(state="draft") == {open_draft.pk}
    assert ids(account=account(world.company, "bank").pk) == {general.pk, sales.pk, open_draft.pk}


def test_clients_read_but_do_not_write_the_ledger(world: World) -> None:
    client = api_as(world.client)
    company = world.company.pk
    assert client.get(f"/api/v1/companies/{company}/accounts/").status_code == 200
    assert client.get(f"/api/v1/companies/{company}/journals/").status_code == 200
    assert client.get(f"/api/v1/companies/{company}/vat-codes/").status_code == 200
    assert client.get(f"/api/v1/companies/{company}/fiscal-years/").status_code == 200
    assert client.get(f"/api/v1/companies/{company}/books-settings/").status_code == 200
    refused = [
        client.post(f"/api/v1/companies/{company}/accounts/",
                    {"code": "ZZ9", "name": "x", "kind": "asset"}, format="json"),
        client.patch(f"/api/v1/accounts/{account(world.company, 'bank').pk}/", {"name": "x"},
                     format="json"),
        client.post(f"/api/v1/companies/{company}/entries/", _entry_body(world), format="json"),
        client.post(f"/api/v1/entries/{posted(world.accountant, world.company).pk}/reverse/",
                    {"date": TODAY}, format="json"),
        client.patch(f"/api/v1/companies/{company}/books-settings/", {"lock_date": TODAY},
                     format="json"),
        client.post(f"/api/v1/fiscal-years/{FiscalYear.objects.get(company=company).pk}/close/"),
    ]  # fmt: skip
    assert [r.status_code for r in refused] == [403] * len(refused)
    assert not Account.objects.filter(code="ZZ9").exists()


def test_parties_over_the_api(world: World) -> None:
    client = api_as(world.client)
    url = f"/api/v1/companies/{world.company.pk}/parties/"
    created = client.post(url, {"name": "Brouwerij", "country": "BE",
                                "vat_number": "0403019261"}, format="json")  # fmt: skip
    assert created.status_code == 201 and created.json()["vat_number"] == "BE0403019261"
    duplicate = client.post(url, {"name": "Again", "country": "BE",
                                  "vat_number": "BE0403019261"}, format="json")  # fmt: skip
    assert duplicate.status_code == 409
    assert duplicate.json() == {
        "code": "duplicate_party",
        "message": duplicate.json()["message"],
        "party": created.json()["id"],
    }
    bad = client.post(url, {"name": "X", "country": "BE", "iban": "BE00"}, format="json")
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_iban")
    assert [p["name"] for p in client.get(url, {"q": "brouw"}).json()] == ["Brouwerij"]
    party = created.json()["id"]
    patched = client.patch(f"/api/v1/parties/{party}/", {"city": "Gent"}, format="json")
    assert patched.json()["city"] == "Gent"


def test_staff_manage_accounts_and_the_lock_date(world: World) -> None:
    staff = api_as(world.accountant)
    created = staff.post(f"/api/v1/companies/{world.company.pk}/accounts/",
                         {"code": "ZZ9", "name": "Petty cash", "kind": "asset"},
                         format="json")  # fmt: skip
    assert created.status_code == 201
    renamed = staff.patch(f"/api/v1/accounts/{created.json()['id']}/", {"name": "Cash box"},
                          format="json")  # fmt: skip
    assert renamed.json()["name"] == "Cash box"
    locked = staff.patch(f"/api/v1/companies/{world.company.pk}/books-settings/",
                         {"lock_date": "2020-12-31"}, format="json")  # fmt: skip
    assert locked.json()["lock_date"] == "2020-12-31"


def test_the_schema_lists_the_books(world: World) -> None:
    schema = api_as(world.accountant).get("/api/v1/schema/?format=json").json()
    for path in ("/api/v1/companies/{company_id}/entries/", "/api/v1/entries/{entry_id}/post/",
                 "/api/v1/companies/{company_id}/parties/"):  # fmt: skip
        assert path in schema["paths"]
