"""Publisher role of `ws_fanout.py`.

`--mode real`: the real pipeline, `publish(company, "bench.ping", payload, "shared")` inside
`transaction.atomic()` (Event row, commit, push on commit).
`--mode bare`: the same frame text (built by `event_frame` from an unsaved Event) sent with
`async_to_sync(layer.group_send)` exactly as `publish._push` does it, with no database.

`--rate R` publishes at R events/s on a fixed schedule (open loop); `--rate 0` publishes as fast
as it can. Publishing starts at `--start-at` (epoch seconds) and lasts `--seconds`. The payload
carries `t` = time.time() taken right before the publish call. Prints one JSON line of results.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "server.settings")

KIND = "bench.ping"


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["real", "bare"], required=True)
    parser.add_argument("--companies", required=True, help="comma-separated company ids")
    parser.add_argument("--rate", type=float, default=0.0)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--start-at", type=float, required=True)
    parser.add_argument("--tag", required=True)
    parser.add_argument("--index", type=int, default=0)
    args = parser.parse_args()

    import django

    django.setup()
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer
    from django.db import connection, transaction
    from django.utils import timezone

    from server.realtime import publish as publish_module
    from server.realtime.models import Event
    from server.realtime.publish import event_frame, group_name, publish
    from server.tenancy.models import Audience

    companies = [int(c) for c in args.companies.split(",") if c]
    push_seconds: list[float] = []

    if args.mode == "real":
        connection.ensure_connection()
        real_push = publish_module._push

        def timed_push(group: str, event_id: int, frame: str) -> None:
            began = time.perf_counter()
            real_push(group, event_id, frame)
            push_seconds.append(time.perf_counter() - began)

        publish_module._push = timed_push  # measure the on-commit push apart from the rest

        def send(company_id: int, payload: dict[str, Any]) -> None:
            with transaction.atomic():
                publish(company_id, KIND, payload, Audience.SHARED)

    else:
        layer = get_channel_layer()
        fake_ids = iter(range(10**12 + args.index * 10**9, 10**13))

        def send(company_id: int, payload: dict[str, Any]) -> None:
            event = Event(
                id=next(fake_ids),
                company_id=company_id,
                audience=Audience.SHARED,
                kind=KIND,
                payload=payload,
                created_at=timezone.now(),
            )
            frame = event_frame(event)
            began = time.perf_counter()
            async_to_sync(layer.group_send)(
                group_name(company_id, Audience.SHARED),
                {"type": "event.frame", "id": event.id, "text": frame},
            )
            push_seconds.append(time.perf_counter() - began)

    result = run(send, companies, args)
    result["push_p50_ms"] = _pct(push_seconds, 0.50) * 1000
    result["push_p99_ms"] = _pct(push_seconds, 0.99) * 1000
    print(json.dumps(result), flush=True)


def run(
    send: Callable[[int, dict[str, Any]], None], companies: list[int], args: argparse.Namespace
) -> dict[str, Any]:
    call_seconds: list[float] = []
    lag_max = 0.0
    sent = 0
    start, end = args.start_at, args.start_at + args.seconds
    now = time.time()
    if start > now:
        time.sleep(start - now)
    cpu_before = time.process_time()
    while True:
        if args.rate > 0:
            due = start + sent / args.rate
            if due >= end:
                break
            now = time.time()
            if due > now:
                time.sleep(due - now)
            lag_max = max(lag_max, time.time() - due)
        elif time.time() >= end:
            break
        company_id = companies[sent % len(companies)]
        began = time.time()
        send(company_id, {"t": began, "seq": sent, "p": args.index, "tag": args.tag})
        call_seconds.append(time.time() - began)
        sent += 1
    finished = time.time()
    return {
        "sent": sent,
        "started": start,
        "finished": finished,
        "cpu_seconds": time.process_time() - cpu_before,
        "lag_max_ms": lag_max * 1000,
        "call_p50_ms": _pct(call_seconds, 0.50) * 1000,
        "call_p99_ms": _pct(call_seconds, 0.99) * 1000,
    }


if __name__ == "__main__":
    main()
