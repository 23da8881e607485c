# The open items of receivable and payable lines (bookkeeping.models.OpenItem), backfilled from
# the posted lines and their allocations.

from __future__ import annotations

from typing import Any

import django.db.models.deletion
from django.db import migrations, models

SIDES = ("receivable", "payable")

# One portable statement (PostgreSQL and the embedded SQLite): every posted line on an account
# with role receivable or payable that has no open item yet, with its amount minus what is
# allocated to it (as the debit line it counts against a debit, as the credit line against a
# credit). ROUND keeps SQLite's float arithmetic from leaving 1e-14 where zero is meant.
BACKFILL_SQL = """
    INSERT INTO bookkeeping_openitem
        (company_id, line_id, account_id, party_id, side, date, due_date, currency,
         amount, residual, allocated_until, closed_at)
    SELECT l.company_id, l.id, l.account_id, l.party_id, a.role, l.date,
           COALESCE(l.due_date, l.date), l.currency, l.debit - l.credit,
           ROUND(l.debit - l.credit - COALESCE(m.amount, 0), 2), m.until,
           CASE WHEN ROUND(l.debit - l.credit - COALESCE(m.amount, 0), 2) = 0
                THEN CURRENT_TIMESTAMP END
    FROM bookkeeping_line l
    JOIN bookkeeping_account a ON a.id = l.account_id
    LEFT JOIN (SELECT line_id, SUM(amount) AS amount, MAX(date) AS until
               FROM (SELECT debit_line_id AS line_id, amount, date FROM bookkeeping_allocation
                     UNION ALL
                     SELECT credit_line_id, -amount, date FROM bookkeeping_allocation) matched
               GROUP BY line_id) m
           ON m.line_id = l.id
    WHERE l.posted = %s AND a.role IN (%s, %s)
      AND NOT EXISTS (SELECT 1 FROM bookkeeping_openitem o WHERE o.line_id = l.id)
"""


def open_items_backfill(connection: Any) -> int:
    """Create the missing open items on this connection; how many were created."""
    with connection.cursor() as cursor:
        cursor.execute(BACKFILL_SQL, [True, *SIDES])
        return int(cursor.rowcount)


def _backfill(apps: Any, schema_editor: Any) -> None:
    open_items_backfill(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("bookkeeping", "0001_initial"),
        ("tenancy", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="OpenItem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "side",
                    models.CharField(
                        choices=[("receivable", "Receivable"), ("payable", "Payable")],
                        max_length=10,
                    ),
                ),
                ("date", models.DateField()),
                ("due_date", models.DateField()),
                ("currency", models.CharField(max_length=3)),
                ("amount", models.DecimalField(decimal_places=2, max_digits=20)),
                ("residual", models.DecimalField(decimal_places=2, max_digits=20)),
                ("allocated_until", models.DateField(blank=True, null=True)),
                ("closed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "account",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="bookkeeping.account",
                    ),
                ),
                (
                    "company",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="tenancy.company",
                    ),
                ),
                (
                    "line",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="open_item",
                        to="bookkeeping.line",
                    ),
                ),
                (
                    "party",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="bookkeeping.party",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        condition=models.Q(("residual", 0), _negated=True),
                        fields=["company", "side"],
                        name="open_item_open",
                    ),
                    models.Index(
                        fields=["company", "side", "allocated_until"], name="open_item_allocated"
                    ),
                ],
            },
        ),
        migrations.RunPython(_backfill, migrations.RunPython.noop),
    ]
