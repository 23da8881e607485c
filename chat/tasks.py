from celery import shared_task

from .notifications import request_reminders_send, unread_notifications_send


@shared_task(name="chat.unread_notifications")
def unread_notifications() -> int:
    return unread_notifications_send()


@shared_task(name="chat.request_reminders")
def request_reminders() -> int:
    return request_reminders_send()
