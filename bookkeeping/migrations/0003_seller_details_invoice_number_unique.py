# The seller details printed on issued invoices (IBAN, BIC, postal address), the database's
# guarantee that a sales invoice number is given once per series, and the index the as-of ageing
# reads allocations through.

from __future__ import annotations

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bookkeeping", "0002_open_items"),
    ]

    operations = [
        migrations.AddField(
            model_name="bookssettings",
            name="iban",
            field=models.CharField(blank=True, max_length=34),
        ),
        migrations.AddField(
            model_name="bookssettings",
            name="bic",
            field=models.CharField(blank=True, max_length=11),
        ),
        migrations.AddField(
            model_name="bookssettings",
            name="street",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="bookssettings",
            name="postcode",
            field=models.CharField(blank=True, max_length=20),
        ),
        migrations.AddField(
            model_name="bookssettings",
            name="city",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddIndex(
            model_name="allocation",
            index=models.Index(fields=["company", "date"], name="allocation_company_date"),
        ),
        migrations.AddConstraint(
            model_name="invoice",
            constraint=models.UniqueConstraint(
                condition=models.Q(direction="sales") & ~models.Q(number=""),
                fields=("company", "series", "number"),
                name="invoice_sales_number_unique",
            ),
        ),
    ]
