from celery import shared_task

from .passwords import password_tokens_prune
from .services import ws_tickets_prune


@shared_task(name="accounts.ws_tickets_prune")
def ws_tickets_prune_task() -> int:
    return ws_tickets_prune()


@shared_task(name="accounts.password_tokens_prune")
def password_tokens_prune_task() -> int:
    return password_tokens_prune()
