"""Work spread over a pool of processes: parsing and rendering use every core.

Forked workers inherit what they need (the model, the renderer) instead of receiving it
through a pipe. concurrent.futures rather than multiprocessing.Pool: when a worker dies
(killed for lack of memory), the build stops with an error instead of waiting forever.
"""
from __future__ import annotations

import gc
from typing import Callable, Iterable, Iterator

# multiprocessing and concurrent.futures are imported where a pool is made: a rebuild after an
# edit parses and renders too little for one, and importing them costs every command 10 ms.


class WorkerLost(Exception):
    """A worker process ended before its work was done."""


def _start(initializer, initargs) -> None:
    # What the worker inherited is only read: keep the cycle collector off it (it would walk
    # hundreds of megabytes, and touch them, so that they get copied), but on for what it makes.
    gc.freeze()
    gc.enable()
    if initializer:
        initializer(*initargs)


def give_back_free_memory() -> None:
    """Returns the memory the process freed but the C library kept (the files read before
    parsing, the results unpickled since): a quarter of what a build holds after loading, 500 MB
    at 100,000 articles. Before a fork, so that the workers do not start with it either."""
    import ctypes  # here: only a build that forks needs it

    try:
        trim = ctypes.CDLL(None).malloc_trim  # glibc's; other C libraries have none
    except (OSError, AttributeError, TypeError):  # TypeError: Windows has no CDLL(None)
        return
    trim(0)


def can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def in_workers(function: Callable, chunks: Iterable, jobs: int, *, initializer=None, initargs=(),
               meanwhile: Callable[[], None] = lambda: None) -> Iterator[tuple[object, object]]:
    """(chunk, function(chunk)) for every chunk, as the workers finish them. The calling process
    runs `meanwhile` while they work."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("fork" if can_fork() else "spawn")
    give_back_free_memory()
    try:
        with ProcessPoolExecutor(jobs, mp_context=context, initializer=_start, initargs=(initializer, initargs)) as pool:
            try:
                futures = {pool.submit(function, chunk): chunk for chunk in chunks}
                meanwhile()
                for future in as_completed(futures):
                    # Let go of each result once handed over: kept to the end, the parsed
                    # articles' bytes (entrypickle.py) would double them in memory.
                    yield futures.pop(future), future.result()
            except BaseException:  # an error in one chunk: the others are not worth finishing
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    except BrokenProcessPool:
        raise WorkerLost("a worker process of the build ended unexpectedly (out of memory?); nothing was "
                         "written. Try again with fewer processes, e.g. --jobs 1") from None
