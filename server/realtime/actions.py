"""Client-to-server socket actions: `{"type": "<name>", ...}` frames, each handled by one function.

Apps register their actions here (`chat.send`, `chat.read`, ...); a handler parses the frame, calls
the same service the REST API calls, and returns the reply frame (or None).
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from concurrent import futures
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from channels.db import database_sync_to_async
from django.conf import settings
from django.db import connections

from server.accounts.models import User
from server.tenancy.access import Reach

P = ParamSpec("P")
T = TypeVar("T")


class ActionError(Exception):
    """Refuses one frame with an error frame; the connection stays open."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Connection:
    """What a handler knows about the socket that sent the frame."""

    user: User
    reach: Reach


# Database work of socket actions runs on a pool of threads, not on channels' default single
# thread per process (thread_sensitive=True), which queued every socket's action behind every
# other's (bench/chat.py: 30-37 messages/s). Each pool thread has its own database connection;
# channels' DatabaseSyncToAsync closes or returns it (close_old_connections) around every call.
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
DEFAULT_ACTION_THREADS = 8


def action_pool() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(
                max_workers=getattr(settings, "KONTOR_WS_ACTION_THREADS", DEFAULT_ACTION_THREADS),
                thread_name_prefix="kontor-ws-db",
            )
        return _pool


def action_pool_close() -> None:
    """Let the running actions finish, close each pool thread's database connection, and stop
    the pool (the next action starts a new one). For tests and an orderly shutdown: a thread's
    connection is otherwise closed by the call that used it, which cannot happen when the
    database was taken away meanwhile (a test database being dropped)."""
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is None:
        return
    workers = len(pool._threads)  # threads the pool started; each takes one task below
    barrier = threading.Barrier(workers) if workers else None

    def close_mine() -> None:
        connections.close_all()
        if barrier is not None:
            barrier.wait(timeout=5)

    # Bounded: a thread stuck in an action (waiting on a loop that no longer runs) must not
    # hang the caller; its connection then stays with it.
    closing = [pool.submit(close_mine) for _ in range(workers)]
    futures.wait(closing, timeout=10)
    pool.shutdown(wait=False, cancel_futures=True)


def in_db_pool(call: Callable[P, T]) -> Callable[P, Awaitable[T]]:
    """`call` (sync, touching the database) as a coroutine run on the action pool. Frames of one
    socket still run one after the other (the consumer awaits each), so a client's sends keep
    their order; only different sockets' actions run side by side."""

    async def run(*args: P.args, **kwargs: P.kwargs) -> T:
        runner = database_sync_to_async(call, thread_sensitive=False, executor=action_pool())
        return await runner(*args, **kwargs)  # type: ignore[no-any-return]

    return run


Handler = Callable[[Connection, dict[str, Any]], Awaitable[dict[str, Any] | None]]
_handlers: dict[str, Handler] = {}


def action(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        if name in _handlers:
            raise ValueError(f"Socket action {name!r} is registered twice.")
        _handlers[name] = handler
        return handler

    return register


def handler_for(name: str) -> Handler | None:
    return _handlers.get(name)


@action("ping")
async def ping(connection: Connection, frame: dict[str, Any]) -> dict[str, Any]:
    return {"type": "pong"}
