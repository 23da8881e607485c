"""The dossier's REST API on local storage: uploads over HTTP, downloads, export, inbox."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile

import pytest

from dossier.models import AccessRecord, Document, Folder
from tests.conftest import api_as
from tests.dossier_files import jpeg_bytes, pdf_bytes
from tests.factories import World

pytestmark = pytest.mark.django_db


def _folder(world: World, code: str, company=None) -> Folder:
    return Folder.objects.get(company=company or world.company, template_code=code)


def _upload(user, world: World, code: str, name: str, content: bytes, **fields):
    file = io.BytesIO(content)
    file.name = name
    return api_as(user).post(
        f"/api/v1/companies/{world.company.id}/documents/",
        {"file": file, "folder": _folder(world, code).pk, **fields},
        format="multipart",
    )


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_phone_photo_upload_and_download_round_trip(world: World) -> None:
    photo = jpeg_bytes()
    response = _upload(
        world.client, world, "purchase_invoices", "IMG_2041.jpg", photo,
        kind="purchase_invoice", amount="121.00", currency="EUR", supplier="Bakkerij Jan",
        due_date="2026-12-31",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    document = response.json()
    assert document["inbox_state"] == "new"
    assert document["amount"] == "121.00" and document["supplier"] == "Bakkerij Jan"
    assert document["version"]["content_type"] == "image/jpeg"
    assert document["version"]["sha256"] == hashlib.sha256(photo).hexdigest()

    download = api_as(world.accountant).get(f"/api/v1/documents/{document['id']}/download/")
    assert download.status_code == 200
    assert _body(download) == photo
    assert download["Content-Disposition"].startswith('attachment; filename="IMG_2041.jpg"')
    record = AccessRecord.objects.get()
    assert record.user == world.accountant and record.action == "download" and record.address

    history = api_as(world.client).get(f"/api/v1/documents/{document['id']}/access/").json()
    assert [(h["user_id"], h["action"], h["version"]) for h in history] == [
        (world.accountant.id, "download", 1)
    ]


def test_unicode_file_names_survive_in_the_download_header(world: World) -> None:
    response = _upload(world.client, world, "contracts", "Umowa najmu – Łódź.pdf", pdf_bytes())
    document_id = response.json()["id"]
    header = api_as(world.client).get(f"/api/v1/documents/{document_id}/download/")[
        "Content-Disposition"
    ]
    assert "filename*=UTF-8''Umowa%20najmu%20%E2%80%93%20%C5%81%C3%B3d%C5%BA.pdf" in header


def test_upload_errors_are_one_clear_sentence(world: World, settings) -> None:
    settings.KONTOR_UPLOAD_MAX_BYTES = 10_000
    response = _upload(world.client, world, "contracts", "huge.pdf", b"%PDF-1.4" + b"0" * 20_000)
    assert response.status_code == 413 and response.json()["code"] == "too_large"
    response = _upload(world.client, world, "contracts", "x.exe", b"MZ\x90\x00" * 100)
    assert response.status_code == 400 and response.json()["code"] == "type_not_allowed"
    response = _upload(world.client, world, "vat_returns", "mine.pdf", pdf_bytes())
    assert response.status_code == 400 and response.json()["code"] == "read_only_folder"
    response = api_as(world.client).post(
        f"/api/v1/companies/{world.company.id}/documents/",
        {"folder": _folder(world, "contracts").pk},
    )
    assert response.status_code == 400 and response.json()["code"] == "no_file"
    assert not Document.objects.exists()


def test_new_version_over_http_keeps_the_old_one(world: World) -> None:
    original, signed = pdf_bytes(1), pdf_bytes(2)
    first = _upload(world.client, world, "contracts", "lease.pdf", original).json()
    file = io.BytesIO(signed)
    file.name = "lease-signed.pdf"
    response = api_as(world.accountant).post(
        f"/api/v1/documents/{first['id']}/versions/", {"file": file}, format="multipart"
    )
    assert response.status_code == 201 and response.json()["number"] == 2
    versions = api_as(world.client).get(f"/api/v1/documents/{first['id']}/versions/").json()
    assert [v["number"] for v in versions] == [2, 1]
    old = api_as(world.client).get(f"/api/v1/documents/{first['id']}/download/?version=1")
    assert _body(old) == original


def test_listing_filters_search_and_paginates(world: World) -> None:
    for n in range(3):
        _upload(
            world.client,
            world,
            "purchase_invoices",
            f"invoice-{n}.pdf",
            pdf_bytes(),
            kind="purchase_invoice",
        )
    _upload(
        world.client,
        world,
        "contracts",
        "lease.pdf",
        pdf_bytes(),
        kind="contract",
        note="office rent",
    )
    client = api_as(world.client)
    url = f"/api/v1/companies/{world.company.id}/documents/"
    assert len(client.get(url).json()["results"]) == 4
    assert len(client.get(url, {"kind": "purchase_invoice"}).json()["results"]) == 3
    assert [d["name"] for d in client.get(url, {"q": "rent"}).json()["results"]] == ["lease.pdf"]
    page = client.get(url, {"page_size": "2", "ordering": "name"}).json()
    assert [d["name"] for d in page["results"]] == ["invoice-0.pdf", "invoice-1.pdf"]
    rest = client.get(page["next"]).json()
    assert [d["name"] for d in rest["results"]] == ["invoice-2.pdf", "lease.pdf"]


def test_staff_inbox_spans_their_companies_and_clients_see_rejections(world: World) -> None:
    mine = _upload(world.client, world, "purchase_invoices", "a.pdf", pdf_bytes()).json()
    inbox = api_as(world.accountant).get("/api/v1/inbox/").json()
    assert [d["id"] for d in inbox] == [mine["id"]]
    assert api_as(world.other_owner).get("/api/v1/inbox/").json() == []
    response = api_as(world.accountant).post(
        f"/api/v1/documents/{mine['id']}/inbox/",
        {"state": "rejected", "reason": "Page 2 is missing"},
    )
    assert response.status_code == 200
    seen = api_as(world.client).get(f"/api/v1/documents/{mine['id']}/").json()
    assert seen["inbox_state"] == "rejected" and seen["inbox_reason"] == "Page 2 is missing"
    refused = api_as(world.client).post(f"/api/v1/documents/{mine['id']}/inbox/", {"state": "new"})
    assert refused.status_code == 403


def test_trash_and_restore_over_http(world: World) -> None:
    document = _upload(world.client, world, "contracts", "a.pdf", pdf_bytes()).json()
    client = api_as(world.client)
    assert client.delete(f"/api/v1/documents/{document['id']}/").status_code == 200
    url = f"/api/v1/companies/{world.company.id}/documents/"
    assert client.get(url).json()["results"] == []
    assert [d["id"] for d in client.get(url, {"trash": "1"}).json()["results"]] == [document["id"]]
    assert client.post(f"/api/v1/documents/{document['id']}/restore/").status_code == 200
    assert [d["id"] for d in client.get(url).json()["results"]] == [document["id"]]


def test_export_is_a_zip_of_what_the_reader_may_see_with_a_manifest(world: World) -> None:
    original, signed = pdf_bytes(1), pdf_bytes(2)
    shared = _upload(world.client, world, "contracts", "lease.pdf", original).json()
    file = io.BytesIO(signed)
    file.name = "lease.pdf"
    api_as(world.client).post(
        f"/api/v1/documents/{shared['id']}/versions/", {"file": file}, format="multipart"
    )
    _upload(world.accountant, world, "office_working_papers", "internal-notes.pdf", pdf_bytes())

    def export(user) -> zipfile.ZipFile:
        response = api_as(user).get(f"/api/v1/companies/{world.company.id}/export/")
        assert response.status_code == 200 and response.streaming
        assert response["Content-Type"] == "application/zip"
        return zipfile.ZipFile(io.BytesIO(_body(response)))

    contracts = _folder(world, "contracts").name
    client_zip = export(world.client)
    names = set(client_zip.namelist())
    assert f"{contracts}/lease.pdf" in names
    assert f"{contracts}/_earlier versions/lease (v1).pdf" in names
    assert not any("internal-notes" in name for name in names)
    assert client_zip.read(f"{contracts}/lease.pdf") == signed
    assert client_zip.read(f"{contracts}/_earlier versions/lease (v1).pdf") == original
    manifest = list(csv.DictReader(io.StringIO(client_zip.read("manifest.csv").decode())))
    assert {(row["path"], row["version"]) for row in manifest} == {
        (f"{contracts}/lease.pdf", "2"),
        (f"{contracts}/_earlier versions/lease (v1).pdf", "1"),
    }
    assert all(row["sha256"] and row["size"] and row["uploaded_by"] for row in manifest)
    assert any("internal-notes" in name for name in export(world.accountant).namelist())


def test_publish_and_acknowledge_over_http(world: World) -> None:
    document = _upload(
        world.accountant, world, "annual_accounts", "Balance.pdf", pdf_bytes()
    ).json()
    response = api_as(world.accountant).post(
        f"/api/v1/documents/{document['id']}/publish/",
        {"note": "Balance 2025", "ack_required": True},
        format="json",
    )
    assert response.status_code == 200 and response.json()["ack_required"] is True
    assert api_as(world.client).delete(f"/api/v1/documents/{document['id']}/").status_code == 400
    response = api_as(world.client).post(f"/api/v1/documents/{document['id']}/acknowledge/")
    assert response.status_code == 200 and response.json()["acknowledged_by"] == world.client.id


def test_direct_upload_needs_s3(world: World) -> None:
    response = api_as(world.client).post(
        f"/api/v1/companies/{world.company.id}/uploads/",
        {
            "folder": _folder(world, "contracts").pk,
            "name": "big.pdf",
            "size": 10,
            "sha256": "a" * 64,
        },
        format="json",
    )
    assert response.status_code == 409 and response.json()["code"] == "no_direct_upload"


def test_listing_costs_the_same_queries_for_5_or_25_documents(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def page_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = api_as(world.client).get(f"/api/v1/companies/{world.company.id}/documents/")
            assert response.status_code == 200
        return len(captured)

    for n in range(5):
        _upload(world.client, world, "contracts", f"d{n}.pdf", pdf_bytes())
    few = page_queries()
    for n in range(20):
        _upload(world.client, world, "contracts", f"e{n}.pdf", pdf_bytes())
    assert page_queries() == few


def test_both_sides_arrange_folders(world: World) -> None:
    client = api_as(world.client)
    url = f"/api/v1/companies/{world.company.id}/folders/"
    contracts = _folder(world, "contracts")
    leases = client.post(url, {"name": "Leases", "parent": contracts.pk}, format="json")
    assert leases.status_code == 201, leases.content
    leases_id = leases.json()["id"]
    cars = client.post(url, {"name": "Cars"}, format="json").json()
    moved = client.patch(
        f"/api/v1/folders/{leases_id}/", {"parent": cars["id"], "name": "Car leases"}, format="json"
    )
    assert moved.status_code == 200 and moved.json()["parent"] == cars["id"]
    # Not inside itself, not into an office-only folder, no duplicate names side by side.
    loop = client.patch(f"/api/v1/folders/{cars['id']}/", {"parent": leases_id}, format="json")
    assert loop.status_code == 400 and loop.json()["code"] == "bad_parent"
    internal = _folder(world, "office_working_papers")
    hidden = api_as(world.accountant).patch(
        f"/api/v1/folders/{leases_id}/", {"parent": internal.pk}, format="json"
    )
    assert hidden.status_code == 400 and hidden.json()["code"] == "bad_parent"
    twin = client.post(url, {"name": "Cars"}, format="json")
    assert twin.status_code == 409 and twin.json()["code"] == "exists"
    # Deleting: only empty folders outside the standard layout.
    assert client.delete(f"/api/v1/folders/{cars['id']}/").json()["code"] == "not_empty"
    assert client.delete(f"/api/v1/folders/{contracts.pk}/").json()["code"] == "kept_folder"
    assert client.delete(f"/api/v1/folders/{leases_id}/").status_code == 204
    assert client.delete(f"/api/v1/folders/{cars['id']}/").status_code == 204
    names = {f["name"] for f in client.get(url).json()}
    assert "Cars" not in names and "Office working papers" not in names
    assert not any(f["access"] == "internal" for f in client.get(url).json())


def test_an_oversize_upload_leaves_no_temp_file(world: World, settings, tmp_path) -> None:
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # force the upload onto disk
    settings.KONTOR_UPLOAD_MAX_BYTES = 64 * 1024
    response = _upload(
        world.client, world, "contracts", "big.pdf", b"%PDF-1.4" + b"0" * (200 * 1024)
    )
    assert response.status_code == 413
    assert list(tmp_path.iterdir()) == []
    response = _upload(world.client, world, "contracts", "virus.pdf", b"MZ" + b"\x00" * (8 * 1024))
    assert response.status_code == 400
    assert list(tmp_path.iterdir()) == []


def test_sorting_by_due_date_pages_through_undated_documents_too(world: World) -> None:
    _upload(world.client, world, "purchase_invoices", "a.pdf", pdf_bytes())
    _upload(world.client, world, "purchase_invoices", "b.pdf", pdf_bytes(), due_date="2026-12-01")
    _upload(world.client, world, "purchase_invoices", "c.pdf", pdf_bytes(), due_date="2026-11-01")
    url = f"/api/v1/companies/{world.company.id}/documents/"
    for ordering, expected in (("due", ["c.pdf", "b.pdf", "a.pdf"]), ("amount", None)):
        names, page = (
            [],
            api_as(world.client).get(url, {"ordering": ordering, "page_size": "2"}).json(),
        )
        while True:
            names += [d["name"] for d in page["results"]]
            if not page["next"]:
                break
            page = api_as(world.client).get(page["next"]).json()
        assert sorted(names) == ["a.pdf", "b.pdf", "c.pdf"], ordering
        if expected:
            assert names == expected


def test_the_staff_inbox_leaves_out_companies_one_is_only_a_client_of(world: World) -> None:
    from server.tenancy.models import CompanyMember

    CompanyMember.objects.create(
        company=world.other_company, user=world.accountant, role="client_member"
    )
    other = Folder.objects.get(company=world.other_company, template_code="purchase_invoices")
    file = io.BytesIO(pdf_bytes())
    file.name = "theirs.pdf"
    api_as(world.other_client).post(
        f"/api/v1/companies/{world.other_company.id}/documents/",
        {"file": file, "folder": other.pk},
        format="multipart",
    )
    assert api_as(world.accountant).get("/api/v1/inbox/").json() == []


@pytest.mark.parametrize("zone", ["UTC", "Europe/Oslo"])
def test_listing_rows_are_what_the_document_serializer_gives(world: World, zone: str) -> None:
    """The listing writes its rows by hand (dossier.api.document_rows); every other route uses
    DocumentSerializer: both give the same JSON, field for field."""
    from datetime import date
    from decimal import Decimal

    from django.utils import timezone

    from dossier import services
    from dossier.api import DocumentSerializer, document_rows

    plain = _upload(world.client, world, "contracts", "plain.pdf", pdf_bytes()).json()
    full = _upload(world.client, world, "contracts", "full.pdf", pdf_bytes(2)).json()
    document = Document.objects.get(pk=full["id"])
    services.document_update(
        actor=world.client,
        document=document,
        changes={"tags": ["rent", "2026"], "note": "Q1", "due_date": date(2026, 3, 31),
                 "amount": Decimal("1234.5"), "currency": "NOK", "supplier": "Ødegård AS"},
    )  # fmt: skip
    services.document_publish(actor=world.accountant, document=document, ack_required=True)
    services.document_acknowledge(actor=world.client, document=document)
    Document.objects.filter(pk=plain["id"]).update(current_version=None)
    folder = _folder(world, "contracts").pk
    with timezone.override(zone):
        listed = api_as(world.client).get(
            f"/api/v1/companies/{world.company.id}/documents/?folder={folder}"
        )
        assert listed.status_code == 200
        documents = Document.objects.filter(pk__in=[plain["id"], full["id"]]).order_by("-id")
        expected = DocumentSerializer(documents, many=True).data
        assert listed.json()["results"] == expected
        assert document_rows(documents) == expected
    row = listed.json()["results"][0]
    assert row["amount"] == "1234.50" and row["due_date"] == "2026-03-31"
    assert row["acknowledged_at"] and row["version"]["uploaded_by"]
    assert listed.json()["results"][1]["version"] is None
