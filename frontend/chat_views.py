"""The Chat tab: the company's conversations, rendered server-side, then kept live by chat/main.js.

Only what the user may see is rendered: `chat.selectors` leaves internal threads out for clients,
and the messages themselves come from the API, which leaves internal notes out for them.
"""

from __future__ import annotations

from django.db.models import Max
from django.http import HttpRequest

from chat import selectors as chat_selectors
from chat.models import ChatPreferences, Message, NotifyMode
from server.accounts.models import User
from server.tenancy.access import people_who_see
from server.tenancy.models import Audience, Company

from . import chat_strings, strings


def chat_context(request: HttpRequest, company: Company, side: str) -> dict[str, object]:
    user: User = request.user  # type: ignore[assignment]
    threads = list(chat_selectors.thread_list(user=user, company=company))
    staff = side != "client"
    preferences = ChatPreferences.objects.filter(user=user).first() or ChatPreferences(user=user)
    return {
        "threads": threads,
        "chat_staff": staff,
        # The person's own notification settings (one row, theirs; defaults until first saved).
        "chat_preferences": preferences,
        "notify_choices": NotifyMode.choices,
        "chat_config": {
            "company": company.pk,
            "me": user.pk,
            "staff": staff,
            # The unread counts include every message up to this one: a replayed event of an
            # older message (the socket's resume lookback) must not count it twice.
            "counted_up_to": Message.objects.filter(company=company).aggregate(top=Max("id"))["top"]
            or 0,
            # Names for "seen by", typing and @mention completion (mentions are by e-mail).
            "people": _people(company, user),
            "threads": [
                {
                    "id": thread.pk,
                    "kind": thread.kind,
                    "audience": thread.audience,
                    "title": thread.title,
                    "unread": getattr(thread, "unread", 0),
                }
                for thread in threads
            ],
        },
        "chat_strings": strings.translated(chat_strings.CHAT),
    }


def _people(company: Company, me: User) -> list[dict[str, object]]:
    """Who may take part: everyone who sees the company's shared threads, and the viewer."""
    users = {person.pk: person for person in people_who_see(company, Audience.SHARED)}
    users.setdefault(me.pk, me)
    return [
        {"id": person.pk, "name": person.display_name, "email": person.email}
        for person in sorted(users.values(), key=lambda person: person.display_name.lower())
        if person.is_active
    ]


def unread_by_company(request: HttpRequest) -> dict[int, int]:
    """The office home's unread column, at render time (chat/unread.js keeps it live)."""
    return chat_selectors.unread_by_company(user=request.user)  # type: ignore[arg-type]
