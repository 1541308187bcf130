"""The pool of worker processes: results for every chunk, and a clean error when a worker dies."""
from __future__ import annotations

import os
import signal

import pytest

from wijknieuws.workers import WorkerLost, in_workers


def square_all(chunk):
    return [n * n for n in chunk]


def die_on_seven(chunk):
    if 7 in chunk:
        os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's out-of-memory killer would
    return chunk


def test_every_chunk_comes_back_with_its_result():
    chunks = [range(i, 100, 8) for i in range(8)]
    seen = []
    done = dict(in_workers(square_all, chunks, 2, meanwhile=lambda: seen.append("meanwhile")))
    assert seen == ["meanwhile"]
    assert {n for result in done.values() for n in result} == {n * n for n in range(100)}
    assert all(done[chunk] == [n * n for n in chunk] for chunk in chunks)


def test_a_killed_worker_stops_the_build_with_an_error_instead_of_a_hang():
    with pytest.raises(WorkerLost, match="--jobs 1"):
        list(in_workers(die_on_seven, [range(i, 40, 4) for i in range(4)], 2))
