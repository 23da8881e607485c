"""Publisher role of `ws_fanout.py`.

`--mode real`: the real pipeline, `publish(company, "bench.ping", payload, "shared")` inside
`transaction.atomic()` (Event row, commit, push on commit), one event after the other.
`--mode bare`: the same frame text (built by `event_frame` from an unsaved Event, no database)
sent with `channel_layer.group_send`: `--feed async` (default) from one long-lived event loop,
`--concurrency` sends in flight when publishing flat out; `--feed sync` with
`async_to_sync(layer.group_send)` per event, exactly as `publish._push` does it.

`--push loop` (real mode, an experiment) replaces `publish._push` in this process with a group_send
on one long-lived event loop thread, to measure what that change to `_push` would give.

`--rate R` publishes at R events/s on a fixed schedule (open loop); `--rate 0` publishes as fast
as it can, but holds back while more than `--window` of its deliveries are in flight (sent, not
yet counted by the client process in `--progress-file`), so that saturation measures what the
server delivers, not queues growing until the layer drops messages or publishers starving the
server of CPU; `--window 0` never holds back.

Once set up it prints `{"ready": true}` and reads one JSON line `{"start_at": epoch}` from stdin;
publishing starts then and lasts `--seconds`. The payload carries `t` = time.time() taken right
before the publish call. Prints one JSON line of results at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import mmap
import os
import struct
import sys
import threading
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


class Window:
    """Closed loop for saturation: deliveries in flight = sent x sockets per group - received,
    where `received` is what the client process counted for this publisher (a shared file)."""

    def __init__(self, limit: int, path: str, index: int, per_event: int) -> None:
        self.limit, self.index, self.per_event, self.held = limit, index, per_event, 0.0
        self.view: mmap.mmap | None = None
        if limit and path:
            with open(path, "r+b") as file:
                self.view = mmap.mmap(file.fileno(), 0)

    def full(self, sent: int) -> bool:
        if self.view is None:
            return False
        (received,) = struct.unpack_from("q", self.view, 8 * self.index)
        return sent * self.per_event - received > self.limit


class Meter:
    def __init__(self) -> None:
        self.call_seconds: list[float] = []
        self.push_seconds: list[float] = []
        self.lag_max = 0.0
        self.sent = 0
        self.cpu_before = 0.0

    def result(self, start: float, window: Window) -> dict[str, Any]:
        return {
            "sent": self.sent,
            "started": start,
            "finished": time.time(),
            "cpu_seconds": time.process_time() - self.cpu_before,
            "lag_max_ms": self.lag_max * 1000,
            "held_s": window.held,
            "call_p50_ms": _pct(self.call_seconds, 0.50) * 1000,
            "call_p99_ms": _pct(self.call_seconds, 0.99) * 1000,
            "push_p50_ms": _pct(self.push_seconds, 0.50) * 1000,
            "push_p99_ms": _pct(self.push_seconds, 0.99) * 1000,
        }


def _loop_push(layer: Any) -> Callable[[str, dict[str, Any]], None]:
    """What `_push` could do: hand group_send to one event loop thread that lives as long as the
    process (one Redis connection pool), instead of a new thread, loop and connection per event."""
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, name="publish-loop", daemon=True).start()

    def push(group: str, message: dict[str, Any]) -> None:
        asyncio.run_coroutine_threadsafe(layer.group_send(group, message), loop).result(timeout=10)

    return push


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["real", "bare"], required=True)
    parser.add_argument("--feed", choices=["async", "sync"], default="async")
    parser.add_argument("--companies", required=True, help="comma-separated company ids")
    parser.add_argument("--rate", type=float, default=0.0)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--tag", required=True)
    parser.add_argument("--index", type=int, default=0)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument(
        "--push",
        choices=["as-is", "loop"],
        default="as-is",
        help="real mode: publish._push as it is, or an experiment: group_send on one long-lived"
        " event loop thread instead of async_to_sync per event",
    )
    parser.add_argument("--window", type=int, default=0, help="deliveries in flight (rate 0)")
    parser.add_argument("--progress-file", default="")
    parser.add_argument("--per-event", type=int, default=1, help="sockets per shared group")
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
    window = Window(
        args.window if args.rate <= 0 else 0, args.progress_file, args.index, args.per_event
    )
    meter = Meter()
    layer = get_channel_layer()
    fake_ids = iter(range(10**12 + args.index * 10**9, 10**13))

    def bare_message(company_id: int, payload: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        event = Event(
            id=next(fake_ids),
            company_id=company_id,
            audience=Audience.SHARED,
            kind=KIND,
            payload=payload,
            created_at=timezone.now(),
        )
        message = {
            "type": "event.frame",
            "id": event.id,
            "company": company_id,
            "audience": Audience.SHARED,
            "text": event_frame(event),
        }
        return group_name(company_id, Audience.SHARED), message

    send: Callable[[int, dict[str, Any]], None]
    if args.mode == "real":
        connection.ensure_connection()
        real_push = publish_module._push
        if args.push == "loop":
            real_push = _loop_push(layer)  # type: ignore[assignment]

        def timed_push(group: str, message: dict[str, Any]) -> None:
            began = time.perf_counter()
            real_push(group, message)
            meter.push_seconds.append(time.perf_counter() - began)

        publish_module._push = timed_push  # type: ignore[assignment]  # timed apart from the rest

        def send(company_id: int, payload: dict[str, Any]) -> None:
            with transaction.atomic():
                publish(company_id, KIND, payload, Audience.SHARED)

    else:

        def send(company_id: int, payload: dict[str, Any]) -> None:
            group, message = bare_message(company_id, payload)
            began = time.perf_counter()
            async_to_sync(layer.group_send)(group, message)
            meter.push_seconds.append(time.perf_counter() - began)

    print(json.dumps({"ready": True}), flush=True)
    start_at = float(json.loads(sys.stdin.readline())["start_at"])
    if args.mode == "bare" and args.feed == "async":

        async def group_send(company_id: int, payload: dict[str, Any]) -> None:
            group, message = bare_message(company_id, payload)
            began = time.perf_counter()
            await layer.group_send(group, message)
            meter.push_seconds.append(time.perf_counter() - began)

        async def warm() -> None:
            await layer.group_send("bench.nobody", {"type": "bench.none"})

        asyncio.run(run_async(group_send, warm, companies, args, start_at, meter, window))
    else:
        run_sync(send, companies, args, start_at, meter, window)
    print(json.dumps(meter.result(start_at, window)), flush=True)


def _payload(meter: Meter, args: argparse.Namespace, now: float) -> dict[str, Any]:
    return {"t": now, "seq": meter.sent, "p": args.index, "tag": args.tag}


def run_sync(
    send: Callable[[int, dict[str, Any]], None],
    companies: list[int],
    args: argparse.Namespace,
    start: float,
    meter: Meter,
    window: Window,
) -> None:
    end = start + args.seconds
    time.sleep(max(0.0, start - time.time()))
    meter.cpu_before = time.process_time()
    while True:
        if args.rate > 0:
            due = start + meter.sent / args.rate
            if due >= end:
                break
            now = time.time()
            if due > now:
                time.sleep(due - now)
            meter.lag_max = max(meter.lag_max, time.time() - due)
        elif time.time() >= end:
            break
        held = time.time()
        while window.full(meter.sent) and time.time() < end:
            time.sleep(0.001)
        window.held += time.time() - held
        company_id = companies[meter.sent % len(companies)]
        began = time.time()
        send(company_id, _payload(meter, args, began))
        meter.call_seconds.append(time.time() - began)
        meter.sent += 1


async def run_async(
    group_send: Callable[[int, dict[str, Any]], Any],
    warm: Callable[[], Any],
    companies: list[int],
    args: argparse.Namespace,
    start: float,
    meter: Meter,
    window: Window,
) -> None:
    end = start + args.seconds
    await warm()  # opens the layer's Redis connection before the clock starts
    await asyncio.sleep(max(0.0, start - time.time()))
    meter.cpu_before = time.process_time()

    async def one() -> None:
        company_id = companies[meter.sent % len(companies)]
        payload = _payload(meter, args, time.time())
        meter.sent += 1
        began = time.time()
        await group_send(company_id, payload)
        meter.call_seconds.append(time.time() - began)

    if args.rate > 0:
        while True:
            due = start + meter.sent / args.rate
            if due >= end:
                break
            await asyncio.sleep(max(0.0, due - time.time()))
            meter.lag_max = max(meter.lag_max, time.time() - due)
            await one()
        return

    async def worker() -> None:
        while time.time() < end:
            held = time.time()
            while window.full(meter.sent) and time.time() < end:
                await asyncio.sleep(0.001)
            window.held += time.time() - held
            await one()

    await asyncio.gather(*(worker() for _ in range(max(1, args.concurrency))))


if __name__ == "__main__":
    main()
