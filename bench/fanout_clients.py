"""Client role of `ws_fanout.py`: one asyncio process holding every socket.

Driven by JSON lines on stdin, answering one JSON line per command on stdout:

    {"cmd": "connect", "mode": "real"|"bare", "url": "ws://.../ws/", "users": [id, ...]}
    {"cmd": "wait", "tags": [...], "expected": N, "idle": 2.0, "timeout": 30}
    {"cmd": "stats", "tag": "...", "window": [t0, t1]}
    {"cmd": "track", "tag": "...", "path": "<file>"}   count deliveries per publisher into <file>
    {"cmd": "close"}
    {"cmd": "exit"}

Each event frame is stamped with time.time() when its socket yields it; latency is that minus the
`t` the publisher put in the payload (same machine, same clock).
"""

from __future__ import annotations

import asyncio
import json
import mmap
import os
import struct
import sys
import time
from collections import defaultdict
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "server.settings")

PUBLISHERS_MAX = 64
BATCH = 50  # sockets opened at once; tickets are issued per batch, right before use


class Tag:
    __slots__ = ("keys", "latencies", "received")

    def __init__(self) -> None:
        self.received: list[float] = []
        self.latencies: list[float] = []
        self.keys: set[tuple[int, int, int]] = set()


class Clients:
    def __init__(self) -> None:
        self.sockets: list[ClientConnection] = []
        self.socket_users: list[int] = []  # the user of each socket, same order as `sockets`
        self.readers: list[asyncio.Task[None]] = []
        self.tags: dict[str, Tag] = defaultdict(Tag)
        self.other_frames = 0
        self.closed_by_server = 0
        self.close_reasons: dict[str, int] = defaultdict(int)
        self.closing = False
        # Deliveries of the tracked tag per publisher index, shared with the publishers.
        self.tracking: str | None = None
        self.progress = [0] * PUBLISHERS_MAX
        self.view: mmap.mmap | None = None
        self.writer: asyncio.Task[None] | None = None

    async def read(self, index: int, socket: ClientConnection) -> None:
        try:
            async for text in socket:
                now = time.time()
                self.on_frame(index, json.loads(text), now)
        except ConnectionClosed:
            pass
        if not self.closing:
            self.closed_by_server += 1
            reason = f"{socket.close_code} {socket.close_reason!r} at {time.time():.3f}"
            self.close_reasons[reason] += 1

    def on_frame(self, index: int, frame: Any, now: float) -> None:
        """One frame received on socket `index` at `now` (time.time()). Subclasses (bench/chat.py)
        handle their own frames and hand the rest to this method."""
        data = frame.get("data") if frame.get("type") == "event" else None
        if not isinstance(data, dict) or "t" not in data:
            self.other_frames += 1
            return
        if data["tag"] == self.tracking:
            self.progress[data["p"]] += 1
        tag = self.tags[data["tag"]]
        tag.received.append(now)
        tag.latencies.append(now - data["t"])
        tag.keys.add((index, data["p"], data["seq"]))

    def track(self, tag: str, path: str) -> dict[str, Any]:
        """Count deliveries of `tag` per publisher into the file at `path` (for closed loops)."""
        if self.view is None:
            with open(path, "r+b") as file:
                self.view = mmap.mmap(file.fileno(), 0)
        self.tracking = tag
        self.progress = [0] * PUBLISHERS_MAX
        self.flush_progress()
        return {"tracking": tag}

    def flush_progress(self) -> None:
        if self.view is not None:
            struct.pack_into(f"{PUBLISHERS_MAX}q", self.view, 0, *self.progress)

    async def progress_writer(self) -> None:
        while True:
            await asyncio.sleep(0.05 if self.tracking is None else 0.002)
            self.flush_progress()

    async def connect(self, mode: str, url: str, users: list[int]) -> dict[str, Any]:
        began = time.monotonic()
        failed: list[str] = []
        for offset in range(0, len(users), BATCH):
            batch = users[offset : offset + BATCH]
            if mode == "real":
                tickets = await asyncio.to_thread(_tickets, batch)
                urls = [f"{url}?ticket={ticket}" for ticket in tickets]
            else:
                urls = [f"{url}?user={user}" for user in batch]
            opened = await asyncio.gather(*(_open(u) for u in urls), return_exceptions=True)
            for user, socket in zip(batch, opened, strict=True):
                if isinstance(socket, BaseException):
                    failed.append(repr(socket)[:200])
                    continue
                index = len(self.sockets)
                self.sockets.append(socket)
                self.socket_users.append(user)
                self.readers.append(asyncio.create_task(self.read(index, socket)))
        return {
            "connected": len(self.sockets),
            "failed": len(failed),
            "errors": failed[:3],
            "seconds": time.monotonic() - began,
        }

    async def wait(
        self, tags: list[str], expected: int, idle: float, timeout: float
    ) -> dict[str, Any]:
        began = time.monotonic()
        last, last_change = -1, began
        while True:
            count = sum(len(self.tags[t].received) for t in tags)
            now = time.monotonic()
            if count != last:
                last, last_change = count, now
            if count >= expected or now - last_change >= idle or now - began >= timeout:
                return {"received": count, "seconds": now - began}
            await asyncio.sleep(0.05)

    def stats(self, tag_name: str, window: list[float] | None) -> dict[str, Any]:
        tag = self.tags[tag_name]
        latencies = sorted(tag.latencies)
        n = len(latencies)

        def pct(q: float) -> float:
            return latencies[min(n - 1, int(q * n))] * 1000 if n else 0.0

        result: dict[str, Any] = {
            "received": n,
            "unique": len(tag.keys),
            "p50_ms": pct(0.50),
            "p90_ms": pct(0.90),
            "p99_ms": pct(0.99),
            "max_ms": latencies[-1] * 1000 if n else 0.0,
            "other_frames": self.other_frames,
            "first": min(tag.received) if n else None,
            "last": max(tag.received) if n else None,
        }
        if window:
            lo, hi = window
            result["in_window"] = sum(1 for r in tag.received if lo <= r < hi)
        return result

    async def close(self) -> dict[str, Any]:
        self.closing = True
        await asyncio.gather(*(s.close() for s in self.sockets), return_exceptions=True)
        await asyncio.gather(*self.readers, return_exceptions=True)
        result = {
            "closed": len(self.sockets),
            "closed_by_server": self.closed_by_server,
            "reasons": dict(self.close_reasons),
        }
        self.sockets, self.readers, self.socket_users = [], [], []
        self.closed_by_server, self.closing = 0, False
        self.close_reasons.clear()
        return result


def _tickets(users: list[int]) -> list[str]:
    from django.db import close_old_connections

    from server.accounts.models import User
    from server.accounts.services import ws_ticket_issue

    close_old_connections()
    return [ws_ticket_issue(user=User(pk=user_id)).ticket for user_id in users]


async def _open(url: str) -> ClientConnection:
    return await connect(
        url,
        compression=None,
        ping_interval=None,  # no keepalive traffic of our own in the measurements
        open_timeout=60,
        max_queue=None,
        max_size=2**20,
    )


async def main() -> None:
    await serve(Clients())


async def serve(clients: Clients) -> None:
    """Answer the commands on stdin until "exit". A command the base protocol does not know is
    passed to `clients.cmd_<name>(**arguments)` if the subclass has it (bench/chat.py)."""
    import django

    django.setup()
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    clients.writer = asyncio.create_task(clients.progress_writer())

    def answer(result: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(result) + "\n")
        sys.stdout.flush()

    answer({"ready": True})
    while line := await reader.readline():
        command = json.loads(line)
        cmd = command.pop("cmd")
        if cmd == "connect":
            answer(await clients.connect(**command))
        elif cmd == "wait":
            answer(await clients.wait(**command))
        elif cmd == "stats":
            answer(clients.stats(command["tag"], command.get("window")))
        elif cmd == "track":
            answer(clients.track(command["tag"], command["path"]))
        elif cmd == "close":
            answer(await clients.close())
        elif cmd == "exit":
            await clients.close()
            answer({"bye": True})
            return
        elif extra := getattr(clients, f"cmd_{cmd}", None):
            answer(await extra(**command))
        else:
            answer({"error": f"unknown command {cmd}"})


if __name__ == "__main__":
    asyncio.run(main())
