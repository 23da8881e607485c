from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .models import Event


@shared_task(name="realtime.events_prune")
def events_prune() -> int:
    """Drop events past retention; a client resuming from before them is told to reload."""
    cutoff = timezone.now() - timedelta(days=settings.KONTOR_EVENT_RETENTION_DAYS)
    deleted, _ = Event.objects.filter(created_at__lt=cutoff).delete()
    return deleted
