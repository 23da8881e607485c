from django.db import migrations

FTS_INDEX = (
    "CREATE INDEX IF NOT EXISTS chat_message_body_fts ON chat_message "
    "USING gin (to_tsvector('simple'::regconfig, COALESCE(body, '')))"
)


def search_index(apps, schema_editor):
    # The same expression as SearchVector("body", config="simple"), so searches use the index.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FTS_INDEX)


def search_index_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS chat_message_body_fts")


def permanent_threads(apps, schema_editor):
    """Companies made before chat existed get their permanent thread too."""
    Company = apps.get_model("tenancy", "Company")
    Thread = apps.get_model("chat", "Thread")
    for company in Company.objects.exclude(threads__kind="permanent"):
        Thread.objects.create(company=company, kind="permanent", audience="shared", title="")


class Migration(migrations.Migration):
    dependencies = [("chat", "0001_initial"), ("tenancy", "0001_initial")]

    operations = [
        migrations.RunPython(search_index, search_index_drop),
        migrations.RunPython(permanent_threads, migrations.RunPython.noop),
    ]
