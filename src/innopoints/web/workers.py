"""Several worker processes behind one port, each new connection handed to the least-busy worker.

Why not uvicorn's own ``--workers``: there every worker accepts from the shared listening socket, and the
first one to wake takes every connection waiting in the queue. Browsers and API clients keep their
connections open (HTTP keep-alive), so a burst of 20 clients measured as 20/0/0 or 12/4/4 connections over
three workers: one process (one core, because of the GIL) served most of the load while the others idled.

Here the parent process owns the listening socket and does nothing but accept: each accepted connection is
passed (``SCM_RIGHTS`` over a Unix socket pair) to the worker with the fewest open connections. Workers are
ordinary ``uvicorn.Server`` instances running the app; they report their open connections in shared memory.
The parent restarts a worker that dies, stops all of them on SIGINT/SIGTERM (graceful shutdown in each),
and exits with an error when a worker cannot start (bad settings, unreachable database).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import logging
import multiprocessing
import multiprocessing.sharedctypes
import os
import selectors
import signal
import socket
import sys
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Any

import uvicorn

log = logging.getLogger("uvicorn.error")

APP = "innopoints.web.app:create_app"
STARTING, READY = 0, 1
# One row of three integers per worker in shared memory: state, open connections, connections received.
ROW = 3
STATE, OPEN, RECEIVED = 0, 1, 2
STARTUP_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 30.0
SETTLE_AFTER_REQUESTS = 50  # by then the pages' rulebooks, templates and round caches are loaded
# A page allocates tens of thousands of short-lived objects, nearly all freed by reference counting; with
# Python's default (700) the young generation was collected ~2.4 times per profile page for nothing.
YOUNG_GENERATION_THRESHOLD = 10_000


def supported() -> bool:
    """File-descriptor passing needs Unix sockets (not Windows)."""
    return hasattr(socket, "send_fds") and hasattr(socket, "AF_UNIX")


class HandoffServer(uvicorn.Server):
    """A uvicorn server without a listening socket: it serves the connections its parent passes to it."""

    def __init__(self, config: uvicorn.Config, channel: socket.socket, table: Any, index: int) -> None:
        super().__init__(config)
        self.channel = channel
        self.table = table
        self.base = index * ROW
        self.received = 0
        self.connecting = 0  # received, but the protocol is not yet attached (not in server_state yet)
        self.settled = False

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=[])  # the app's lifespan; no listener of our own
        loop = asyncio.get_running_loop()
        self.channel.setblocking(False)
        loop.add_reader(self.channel.fileno(), self._take_connections, loop)
        settle_heap()  # the modules and the app built at start-up
        self.table[self.base + STATE] = READY

    def _protocol(self) -> asyncio.Protocol:
        protocol = _reporting(self.config.http_protocol_class)(
            config=self.config, server_state=self.server_state, app_state=self.lifespan.state
        )
        protocol.on_closed = self._report  # a closed connection is counted out at once
        return protocol  # type: ignore[no-any-return]

    def _take_connections(self, loop: asyncio.AbstractEventLoop) -> None:
        while True:
            try:
                message, fds, _flags, _address = socket.recv_fds(self.channel, 16, 16)
            except (BlockingIOError, InterruptedError):
                break
            except OSError:
                message, fds = b"", []
            if not message and not fds:  # the parent is gone: finish what is running and stop
                loop.remove_reader(self.channel.fileno())
                self.should_exit = True
                break
            for fd in fds:
                connection = socket.socket(fileno=fd)
                connection.setblocking(False)
                self.received += 1
                self.connecting += 1
                task = loop.create_task(loop.connect_accepted_socket(self._protocol, connection))
                task.add_done_callback(self._connected)
        self._report()

    async def on_tick(self, counter: int) -> bool:
        self._report()
        if not self.settled and self.server_state.total_requests >= SETTLE_AFTER_REQUESTS:
            self.settled = True
            settle_heap()  # and what the first requests loaded once for all (rulebooks, caches)
        return await super().on_tick(counter)

    def _connected(self, task: asyncio.Task[Any]) -> None:
        self.connecting -= 1
        if not task.cancelled() and task.exception() is not None:  # the client left before it was served
            log.debug("connection not attached: %s", task.exception())
        self._report()

    def _report(self) -> None:
        # Open first, then received: between the two writes the supervisor over-counts, never under-counts.
        self.table[self.base + OPEN] = len(self.server_state.connections) + self.connecting
        self.table[self.base + RECEIVED] = self.received

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        with contextlib.suppress(ValueError, OSError):
            asyncio.get_running_loop().remove_reader(self.channel.fileno())
        await super().shutdown(sockets=sockets)


@functools.cache
def _reporting(protocol_class: type[asyncio.Protocol]) -> Any:
    """uvicorn's HTTP protocol class, calling ``on_closed`` once a connection is gone."""

    class Reporting(protocol_class):  # type: ignore[valid-type, misc]
        on_closed: Callable[[], None] | None = None

        def connection_lost(self, exc: Exception | None) -> None:
            super().connection_lost(exc)
            if self.on_closed is not None:
                self.on_closed()

    return Reporting


def settle_heap() -> None:
    """Collect garbage once, then exempt every object alive now from later collections (``gc.freeze``).

    A worker holds a large, long-lived heap (modules, rulebooks, compiled templates, round caches). Python's
    full collections walk all of it: measured at about 180 ms each, twice per 300 profile pages, a stall for
    every request in the worker. Frozen objects are still freed by reference counting when released; only
    cyclic garbage among them would stay: at most that of the requests in progress at the second freeze, once."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, *gc.get_threshold()[1:])


def _worker_main(index: int, channel: socket.socket, table: Any, host: str, port: int) -> None:
    """Entry point of one worker process (spawned: builds its own app and database pool)."""
    config = uvicorn.Config(APP, factory=True, host=host, port=port)
    server = HandoffServer(config, channel, table, index)
    server.run()
    if not server.started:
        sys.exit(3)


@dataclass
class Worker:
    index: int
    process: BaseProcess
    channel: socket.socket
    sent: int = 0
    started_at: float = field(default_factory=time.monotonic)


class Supervisor:
    """Accepts connections and hands each to the worker with the fewest open or in-flight connections."""

    def __init__(self, host: str, port: int, count: int) -> None:
        self.host, self.port, self.count = host, port, count
        self.context = multiprocessing.get_context("spawn")
        self.table: Any = self.context.RawArray("q", count * ROW)
        self.workers: list[Worker] = []
        self.stopping = False
        self.failed = False
        self._next = 0

    # -- workers -----------------------------------------------------------------------------------
    def _spawn(self, index: int) -> Worker:
        parent_end, child_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        for column in (STATE, OPEN, RECEIVED):
            self.table[index * ROW + column] = 0
        process = self.context.Process(
            target=_worker_main,
            args=(index, child_end, self.table, self.host, self.port),
            name=f"innopoints-web-{index}",
        )
        process.start()
        child_end.close()
        return Worker(index, process, parent_end)

    def _ready(self, worker: Worker) -> bool:
        return bool(self.table[worker.index * ROW + STATE] == READY)

    def load(self, worker: Worker) -> int:
        """Open connections the worker reports, plus those sent to it that it has not picked up yet."""
        row = worker.index * ROW
        return int(self.table[row + OPEN]) + worker.sent - int(self.table[row + RECEIVED])

    def pick(self, exclude: Collection[int] = ()) -> Worker | None:
        ready = [
            w for w in self.workers if w.index not in exclude and self._ready(w) and w.process.is_alive()
        ]
        if not ready:
            return None
        start = self._next % len(ready)
        self._next += 1
        rotated = ready[start:] + ready[:start]  # ties go round the workers in turn
        return min(rotated, key=self.load)

    def _check_workers(self) -> None:
        for position, worker in enumerate(self.workers):
            if worker.process.is_alive():
                if not self._ready(worker) and time.monotonic() - worker.started_at > STARTUP_TIMEOUT_S:
                    log.error("工作进程 %s 启动超时 (worker did not start in time)", worker.process.pid)
                    self.failed = self.stopping = True
                continue
            if self.stopping:
                continue
            if not self._ready(worker):
                log.error(
                    "工作进程 %s 启动失败，退出码 %s (worker failed to start)",
                    worker.process.pid,
                    worker.process.exitcode,
                )
                self.failed = self.stopping = True
                continue
            log.warning(
                "工作进程 %s 意外退出（退出码 %s），正在重启 (worker died, restarting)",
                worker.process.pid,
                worker.process.exitcode,
            )
            worker.channel.close()
            self.workers[position] = self._spawn(worker.index)

    def _hand_off(self, connection: socket.socket) -> None:
        """Pass the connection to the least-busy worker that takes it; when none does (all stopping or dead,
        which the main loop then handles), close it."""
        with connection:
            refused: set[int] = set()
            while (worker := self.pick(exclude=refused)) is not None:
                try:
                    socket.send_fds(worker.channel, [b"c"], [connection.fileno()])
                except OSError:
                    refused.add(worker.index)
                    continue
                worker.sent += 1
                return

    # -- main loop ---------------------------------------------------------------------------------
    def _stop(self, signum: int, _frame: FrameType | None) -> None:
        self.stopping = True

    def run(self, listener: socket.socket) -> int:
        wake_read, wake_write = socket.socketpair()
        wake_read.setblocking(False)
        wake_write.setblocking(False)
        previous_fd = signal.set_wakeup_fd(wake_write.fileno())
        handlers = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        selector = selectors.DefaultSelector()
        selector.register(wake_read, selectors.EVENT_READ)
        listening = False
        try:
            self.workers = [self._spawn(i) for i in range(self.count)]
            log.info(
                "InnoPoints 已启动 %d 个工作进程，新连接分配给连接最少的进程 (least-connections hand-off), "
                "http://%s:%d",
                self.count,
                self.host,
                self.port,
            )
            while not self.stopping:
                if not listening and all(self._ready(w) for w in self.workers):  # all up: start serving
                    selector.register(listener, selectors.EVENT_READ)
                    listening = True
                for key, _ in selector.select(timeout=0.5):
                    if key.fileobj is wake_read:
                        with contextlib.suppress(BlockingIOError):
                            wake_read.recv(64)
                        continue
                    self._accept_all(listener)
                self._check_workers()
        finally:
            selector.close()
            self._stop_workers()
            signal.set_wakeup_fd(previous_fd)
            for sig, handler in handlers.items():
                signal.signal(sig, handler)
            wake_read.close()
            wake_write.close()
        return 1 if self.failed else 0

    def _accept_all(self, listener: socket.socket) -> None:
        while True:
            try:
                connection, _address = listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            self._hand_off(connection)

    def _stop_workers(self) -> None:
        for worker in self.workers:
            worker.channel.close()  # the worker sees the end of its channel and shuts down gracefully
            if worker.process.is_alive() and worker.process.pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(worker.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for worker in self.workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(5)


def serve(host: str, port: int, count: int) -> int:
    """Run ``count`` worker processes on ``host:port``; returns the exit status."""
    config = uvicorn.Config(APP, factory=True, host=host, port=port)  # logging set-up and the bound socket
    listener = config.bind_socket()
    listener.listen(config.backlog)
    listener.setblocking(False)
    with listener:
        return Supervisor(host, port, count).run(listener)
