"""Who receives the dossier's live events: internal folders' items reach office staff only."""

from __future__ import annotations

import io

import pytest
from channels.db import database_sync_to_async

from dossier import services
from dossier.models import Folder
from tests.dossier_files import pdf_bytes
from tests.factories import World, world_make
from tests.realtime.helpers import frames_until_quiet, socket_open

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(transactional_db: None) -> World:
    return world_make()


@database_sync_to_async
def _upload(world: World, user, code: str, name: str):
    folder = Folder.objects.get(company=world.company, template_code=code)
    return services.document_upload(
        actor=user, folder=folder, content=io.BytesIO(pdf_bytes()), name=name
    )


@database_sync_to_async
def _publish(world: World, document) -> None:
    services.document_publish(actor=world.accountant, document=document, ack_required=True)


@database_sync_to_async
def _acknowledge(world: World, document) -> None:
    services.document_acknowledge(actor=world.client, document=document)


async def test_document_events_follow_the_folder_audience(world: World) -> None:
    client, _ = await socket_open(world.client)
    staff, _ = await socket_open(world.accountant)
    outsider, _ = await socket_open(world.other_owner)

    await _upload(world, world.client, "purchase_invoices", "receipt.pdf")
    await _upload(world, world.accountant, "office_working_papers", "draft.pdf")
    balance = await _upload(world, world.accountant, "annual_accounts", "balance.pdf")
    await _publish(world, balance)
    await _acknowledge(world, balance)

    def names(frames):
        return [(f["kind"], f["data"].get("name")) for f in frames]

    client_saw = names(await frames_until_quiet(client))
    staff_saw = names(await frames_until_quiet(staff))
    assert ("dossier.document", "receipt.pdf") in client_saw
    assert ("dossier.document", "draft.pdf") not in client_saw
    assert ("dossier.published", "balance.pdf") in client_saw
    assert ("dossier.acknowledged", "balance.pdf") in client_saw
    assert ("dossier.document", "draft.pdf") in staff_saw
    assert ("dossier.acknowledged", "balance.pdf") in staff_saw
    assert await frames_until_quiet(outsider) == []
    for socket in (client, staff, outsider):
        await socket.disconnect()
