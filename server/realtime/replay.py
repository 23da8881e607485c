"""What a reconnecting client missed: the Event rows after its last id, with a lookback.

Ids are handed out at insert, but transactions commit in any order: event 102 may commit after 103
was delivered. Resuming strictly after 103 would lose 102, so events written shortly before the
resume point are replayed too; the client drops the ids it already has.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Max, Q

from server.tenancy.access import Reach

from .models import Event
from .publish import event_frame


@dataclass(frozen=True)
class Replay:
    frames: list[tuple[int, str]]
    reset: bool = False


RESET = Replay(frames=[], reset=True)


def replay_after(reach: Reach, after: int) -> Replay:
    """Frames for the events after `after` this reach may see, or RESET when that cannot be done."""
    anchor = Event.objects.filter(id__lte=after).order_by("-id").values("created_at").first()
    newest = Event.objects.aggregate(newest=Max("id"))["newest"] or 0
    if after > newest or (after > 0 and anchor is None):
        # An id this server never issued, or one whose events were already pruned.
        return RESET
    window = Q(id__gt=after)
    if anchor is not None:
        lookback = timedelta(seconds=settings.KONTOR_REPLAY_LOOKBACK_SECONDS)
        window |= Q(created_at__gte=anchor["created_at"] - lookback)
    limit = settings.KONTOR_REPLAY_MAX_EVENTS
    rows = list(
        Event.objects.filter(reach.item_filter()).filter(window).order_by("id")[: limit + 1]
    )
    if len(rows) > limit:
        return RESET
    return Replay(frames=[(row.id, event_frame(row)) for row in rows])


def latest_event_id() -> int:
    """The newest id; a page rendered now resumes from here without missing anything."""
    return Event.objects.aggregate(newest=Max("id"))["newest"] or 0
