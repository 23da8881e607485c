"""Engagements generate the office's tasks for the right person; "My tasks" across companies."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from calendar_app.engagements import engagement_set, engagement_tasks_generate
from calendar_app.models import CalendarEvent, Engagement
from server.errors import DomainError
from server.tenancy.models import Assignment
from tests.conftest import api_as
from tests.factories import World

pytestmark = pytest.mark.django_db


def _tasks(world: World, service: str):
    return CalendarEvent.objects.filter(company=world.company, obligation=f"task.{service}")


def test_services_generate_tasks_assigned_to_the_responsible_person(world: World) -> None:
    today = timezone.localdate()
    start = date(today.year, 1, 1)
    engagement_set(
        actor=world.owner,
        company=world.company,
        service="monthly_bookkeeping",
        responsible=world.accountant,
        starts_on=start,
    )
    engagement_set(
        actor=world.owner,
        company=world.company,
        service="vat_returns",
        responsible=world.accountant,
        starts_on=start,
    )
    bookkeeping = _tasks(world, "monthly_bookkeeping")
    assert bookkeeping.count() >= 10
    first = bookkeeping.order_by("date").first()
    assert first.audience == "internal" and first.kind == "task" and first.date.day == 10
    assert list(first.assignees.all()) == [world.accountant]
    assert first.created_by == world.owner
    vat = _tasks(world, "vat_returns").order_by("date").first()
    deadline = CalendarEvent.objects.get(
        company=world.company, obligation="be.vat_return", period=vat.period
    )
    assert (deadline.date - vat.date).days == 5
    # Idempotent.
    assert engagement_tasks_generate(engagement=Engagement.objects.get(service="vat_returns")) == 0
    # Clients never see the office's tasks.
    client_view = api_as(world.client).get(f"/api/v1/companies/{world.company.id}/calendar/").json()
    assert not any(e["kind"] == "task" for e in client_view)


def test_my_tasks_and_a_change_of_responsible(world: World) -> None:
    Assignment.objects.create(user=world.assistant, company=world.company)
    engagement_set(
        actor=world.owner,
        company=world.company,
        service="monthly_bookkeeping",
        responsible=world.accountant,
        starts_on=timezone.localdate(),
    )
    mine = api_as(world.accountant).get("/api/v1/me/tasks/").json()
    assert mine and all(t["kind"] == "task" for t in mine)
    assert api_as(world.assistant).get("/api/v1/me/tasks/").json() == []
    response = api_as(world.owner).post(
        f"/api/v1/companies/{world.company.id}/engagements/",
        {
            "service": "monthly_bookkeeping",
            "responsible": world.assistant.id,
            "starts_on": str(timezone.localdate()),
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    assert len(api_as(world.assistant).get("/api/v1/me/tasks/").json()) == len(mine)
    assert api_as(world.accountant).get("/api/v1/me/tasks/").json() == []


def test_engagement_rules(world: World) -> None:
    with pytest.raises(DomainError) as refused:
        engagement_set(
            actor=world.owner,
            company=world.company,
            service="payroll",
            responsible=world.client,
            starts_on=timezone.localdate(),
        )
    assert refused.value.code == "bad_responsible"
    with pytest.raises(Exception):  # noqa: B017 (NotPermitted)
        engagement_set(
            actor=world.client,
            company=world.company,
            service="payroll",
            responsible=world.accountant,
            starts_on=timezone.localdate(),
        )
    assert (
        api_as(world.client)
        .post(
            f"/api/v1/companies/{world.company.id}/engagements/",
            {"service": "payroll", "responsible": world.accountant.id, "starts_on": "2026-01-01"},
            format="json",
        )
        .status_code
        == 403
    )
    assert not Engagement.objects.exists()


def test_clients_read_the_services_agreed_but_not_who_delivers_them(world: World) -> None:
    engagement_set(
        actor=world.owner, company=world.company, service="vat_returns",
        responsible=world.accountant, starts_on=date(2026, 1, 1), ends_on=date(2027, 12, 31),
    )  # fmt: skip
    url = f"/api/v1/companies/{world.company.id}/engagements/"
    staff_view = api_as(world.accountant).get(url).json()
    assert staff_view[0]["responsible"] == world.accountant.pk
    assert staff_view[0]["responsible_name"] == world.accountant.display_name
    for client in (world.client, world.client_member):
        assert api_as(client).get(url).json() == [
            {
                "service": "vat_returns",
                "service_name": "VAT returns",
                "starts_on": "2026-01-01",
                "ends_on": "2027-12-31",
            }
        ]
    assert api_as(world.other_client).get(url).status_code == 404
