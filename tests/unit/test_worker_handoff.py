"""The supervisor's choice of worker for each new connection (no processes: fake workers, real sockets):
fewest open connections counting those handed over but not yet picked up, ties in turn, a worker that
refuses the hand-off skipped, and the connection closed when no worker takes it."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from innopoints.web import workers
from innopoints.web.workers import OPEN, READY, RECEIVED, ROW, STATE, Supervisor, Worker


@dataclass
class _Alive:
    pid: int = 0

    def is_alive(self) -> bool:
        return True


@pytest.fixture
def supervisor() -> Iterator[tuple[Supervisor, list[socket.socket]]]:
    boss = Supervisor("127.0.0.1", 0, 2)
    ends = []
    for index in range(2):
        parent_end, child_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        boss.workers.append(Worker(index, _Alive(), parent_end))  # type: ignore[arg-type]
        boss.table[index * ROW + STATE] = READY
        ends.append(child_end)
    yield boss, ends
    for worker in boss.workers:
        worker.channel.close()
    for end in ends:
        end.close()


def test_the_worker_with_fewest_connections_gets_the_next(
    supervisor: tuple[Supervisor, list[socket.socket]],
) -> None:
    boss, _ = supervisor
    boss.table[0 * ROW + OPEN] = 3
    boss.table[1 * ROW + OPEN] = 1
    assert boss.pick() is boss.workers[1]
    boss.workers[1].sent = 2  # two handed over, not yet picked up: it counts 3 as well
    assert boss.load(boss.workers[1]) == 3
    assert {boss.pick().index, boss.pick().index} == {0, 1}  # type: ignore[union-attr]  # a tie: in turn
    boss.table[1 * ROW + RECEIVED] = 2  # picked up (and reported open by the worker from then on)
    assert boss.load(boss.workers[1]) == 1


def test_a_worker_not_ready_gets_nothing(supervisor: tuple[Supervisor, list[socket.socket]]) -> None:
    boss, _ = supervisor
    boss.table[0 * ROW + STATE] = workers.STARTING
    boss.table[1 * ROW + OPEN] = 50
    assert boss.pick() is boss.workers[1]


def test_hand_off_passes_the_descriptor_and_skips_a_refusing_worker(
    supervisor: tuple[Supervisor, list[socket.socket]],
) -> None:
    boss, ends = supervisor
    boss.table[0 * ROW + OPEN] = 0
    boss.table[1 * ROW + OPEN] = 5
    ends[0].close()  # worker 0 is gone: sending to it fails
    client, server_side = socket.socketpair()
    boss._hand_off(server_side)
    assert server_side.fileno() == -1  # the supervisor's copy is closed either way
    assert boss.workers[1].sent == 1 and boss.workers[0].sent == 0
    message, fds, _flags, _address = socket.recv_fds(ends[1], 16, 4)
    assert message == b"c" and len(fds) == 1
    passed = socket.socket(fileno=fds[0])
    passed.sendall(b"ping")  # the passed descriptor is the same connection
    assert client.recv(4) == b"ping"
    passed.close()
    client.close()


def test_a_connection_no_worker_takes_is_closed(supervisor: tuple[Supervisor, list[socket.socket]]) -> None:
    boss, ends = supervisor
    for end in ends:
        end.close()
    client, server_side = socket.socketpair()
    boss._hand_off(server_side)
    assert server_side.fileno() == -1
    assert client.recv(1) == b""  # the client sees the connection closed
    client.close()
