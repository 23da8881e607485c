"""Norwegian VAT numbers stored before the fix end in "MVAMVA"; keep one "MVA"."""

from django.db import migrations


def fix(apps, schema_editor):
    Company = apps.get_model("tenancy", "Company")
    for company in Company.objects.filter(vat_number__endswith="MVAMVA"):
        company.vat_number = company.vat_number.removesuffix("MVA")
        company.save(update_fields=["vat_number"])


class Migration(migrations.Migration):
    dependencies = [("tenancy", "0001_initial")]
    operations = [migrations.RunPython(fix, migrations.RunPython.noop)]
