from django.db import migrations, models

BATCH = 2000


def backfill(apps, schema_editor):
    """Render the Markdown of the messages written before it was stored; flag the messages
    that have attachments."""
    from chat.markdown import render

    Message = apps.get_model("chat", "Message")
    Message.objects.filter(attachments__isnull=False).update(has_attachments=True)
    todo = Message.objects.filter(body_html="").exclude(body="").order_by("pk")
    last = 0
    while True:
        batch = list(todo.filter(pk__gt=last).only("pk", "body")[:BATCH])
        if not batch:
            return
        for message in batch:
            message.body_html = render(message.body)
        Message.objects.bulk_update(batch, ["body_html"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [("chat", "0002_search_index_and_permanent_threads")]

    operations = [
        migrations.AddField(
            model_name="message",
            name="body_html",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.AddField(
            model_name="message",
            name="has_attachments",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
