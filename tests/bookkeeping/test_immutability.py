"""Posted entries never change: not through the services, not even through a raw ORM write
(PostgreSQL triggers), and posting stays gapless under concurrent posters."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookkeeping import services
from bookkeeping.errors import PostedImmutable
from bookkeeping.models import Entry, Line
from tests.factories import World, world_make

from .helpers import draft, posted

TODAY = datetime.date.today()
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the triggers exist on PostgreSQL only"
)


@postgresql_only
@pytest.mark.django_db
@pytest.mark.parametrize(
    "write",
    [
        lambda e: Entry.objects.filter(pk=e.pk).update(memo="rewritten"),
        lambda e: Entry.objects.filter(pk=e.pk).update(state="draft"),
        lambda e: Entry.objects.filter(pk=e.pk).delete(),
        lambda e: Line.objects.filter(entry=e).update(debit=Decimal("1.00")),
        lambda e: Line.objects.filter(entry=e).delete(),
        lambda e: Line.objects.create(
            entry=e,
            company=e.company,
            account=e.lines.first().account,
            debit=Decimal("1.00"),
            currency="EUR",
            date=e.date,
        ),
    ],
    ids=["update entry", "unpost entry", "delete entry", "update line", "delete line", "add line"],
)
def test_raw_writes_to_a_posted_entry_fail(world: World, write) -> None:
    entry = posted(world.accountant, world.company, "80.00")
    before = (entry.memo, list(entry.lines.values_list("debit", "credit")))
    with pytest.raises(DatabaseError, match="posted"), transaction.atomic():
        write(entry)
    entry = Entry.objects.get(pk=entry.pk)
    assert entry.state == "posted"
    assert (entry.memo, list(entry.lines.values_list("debit", "credit"))) == before


@pytest.mark.django_db
def test_drafts_stay_writable_through_the_orm(world: World) -> None:
    entry = draft(world.accountant, world.company)
    Entry.objects.filter(pk=entry.pk).update(memo="ok")
    Line.objects.filter(entry=entry).update(description="ok")
    assert Entry.objects.get(pk=entry.pk).memo == "ok"


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_posting_numbers_without_gaps() -> None:
    world = world_make()
    drafts = [draft(world.accountant, world.company) for _ in range(10)]
    start = threading.Barrier(len(drafts))
    failures: list[BaseException] = []

    def post(entry: Entry) -> None:
        try:
            start.wait()
            services.entry_post(actor=world.accountant, entry=entry)
        except BaseException as error:  # reported below
            failures.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=post, args=(entry,)) for entry in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    numbers = sorted(
        n or 0 for n in Entry.objects.filter(company=world.company).values_list("number", flat=True)
    )
    assert numbers == list(range(1, 11))


# --- Property: postings and reversals keep the books balanced and the past untouched -----------

_amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)
_steps = st.lists(
    st.one_of(
        st.tuples(st.just("post"), _amounts, _amounts),
        st.tuples(st.just("reverse"), st.integers(min_value=0, max_value=20)),
        st.tuples(st.just("unbalanced"), _amounts),
        st.tuples(st.just("tamper"), st.integers(min_value=0, max_value=20)),
    ),
    min_size=1,
    max_size=8,
)


def _snapshot(company) -> dict[int, tuple]:
    return {
        entry.pk: (
            entry.number, entry.date, entry.memo, entry.state,
            tuple(entry.lines.order_by("pk").values_list("account", "debit", "credit", "posted")),
        )
        for entry in Entry.objects.filter(company=company, state="posted").prefetch_related("lines")
    }  # fmt: skip


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=_steps)
def test_any_postings_and_reversals_keep_the_books(world: World, steps) -> None:
    from bookkeeping.services import LineInput

    from .helpers import account, journal

    company, staff = world.company, world.accountant
    with transaction.atomic():  # each example starts from the same books
        seen: dict[int, tuple] = {}
        for step in steps:
            entries = list(Entry.objects.filter(company=company, state="posted").order_by("pk"))
            if step[0] == "post":
                _, first, second = step
                lines = [
                    LineInput(account=account(company, "bank"), debit=first + second),
                    LineInput(account=account(company, "revenue_goods"), credit=first),
                    LineInput(account=account(company, "receivable"), credit=second),
                ]
                services.entry_post(actor=staff, entry=services.entry_create(
                    actor=staff, company=company, journal=journal(company), date=TODAY,
                    lines=lines))  # fmt: skip
            elif step[0] == "reverse" and entries:
                target = entries[step[1] % len(entries)]
                if (
                    target.source != "reversal"
                    and not Entry.objects.filter(reverses=target).exists()
                ):
                    services.entry_reverse(actor=staff, entry=target, date=TODAY)
            elif step[0] == "unbalanced":
                lines = [
                    LineInput(account=account(company, "bank"), debit=step[1]),
                    LineInput(account=account(company, "revenue_goods"), credit=step[1] + 1),
                ]
                with pytest.raises(services.ledger.Unbalanced):
                    services.entry_book(actor=staff, company=company, journal=journal(company),
                                        date=TODAY, lines=lines)  # fmt: skip
            elif step[0] == "tamper" and entries:
                target = entries[step[1] % len(entries)]
                with pytest.raises(PostedImmutable):
                    services.entry_update(actor=staff, entry=target, memo="changed")
            now = _snapshot(company)
            assert {pk: now[pk] for pk in seen} == seen  # posted entries never change
            seen = now
            totals = Line.objects.filter(company=company, posted=True).aggregate(
                d=Sum("debit"), c=Sum("credit")
            )
            assert (totals["d"] or 0) == (totals["c"] or 0)
            numbers = sorted(
                e.number or 0 for e in Entry.objects.filter(company=company, state="posted")
            )
            assert numbers == list(range(1, len(numbers) + 1))  # no gaps
        transaction.set_rollback(True)
