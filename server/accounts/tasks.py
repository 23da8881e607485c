from celery import shared_task

from .services import ws_tickets_prune


@shared_task(name="accounts.ws_tickets_prune")
def ws_tickets_prune_task() -> int:
    return ws_tickets_prune()
