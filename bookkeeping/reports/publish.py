"""Staff publish a report into the dossier in one step: the file is stored as a document of the
report's kind (balance, VAT return, other) and published through the dossier, whose publish flow
tells the client (live event and e-mail) and asks for the acknowledgement when wanted."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from dossier import services as dossier_services
from dossier.models import Document, Folder
from server.accounts.models import User
from server.tenancy.access import require_staff
from server.tenancy.models import Audience, Company

from .common import BadReportInput
from .export import report_file
from .registry import report_run


def _folder(company: Company, folder: Folder | None, template: str) -> Folder:
    if folder is None:
        folder = Folder.objects.filter(company=company, template_code=template).first()
        if folder is None:
            raise BadReportInput("no_folder", "Choose the dossier folder to publish the report to.")
    if folder.company_id != company.pk:
        raise BadReportInput("no_folder", "That folder is not in this company's dossier.")
    if folder.audience != Audience.SHARED:
        # Checked before the upload, so that no file is stored for nothing.
        raise BadReportInput(
            "internal_folder", "The client does not see that folder; choose a shared one."
        )
    return folder


def report_publish(
    *,
    actor: User,
    company: Company,
    name: str,
    params: Mapping[str, Any],
    fmt: str = "pdf",
    folder: Folder | None = None,
    note: str = "",
    ack_required: bool = False,
) -> Document:
    require_staff(actor, company)
    report, result = report_run(company=company, name=name, params=params)
    target = _folder(company, folder, report.folder_template)
    file = report_file(report.table(result, company), fmt, company_name=company.name)
    filename = f"{report.name}-{timezone.localdate():%Y-%m-%d}.{file.extension}"
    with transaction.atomic():
        document = dossier_services.document_upload(
            actor=actor,
            folder=target,
            content=io.BytesIO(file.content),
            name=filename,
            kind=report.document_kind,
        )
        return dossier_services.document_publish(
            actor=actor, document=document, note=note, ack_required=ack_required
        )
