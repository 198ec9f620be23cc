"""The store's own thread: blocking store calls run one at a time, in order, for the event loop.

A lean stand-in for a one-worker ``ThreadPoolExecutor``: a call is one queue
put and one ``call_soon_threadsafe`` back, without the executor's locks,
semaphore and chained futures, which cost about 30 µs of CPU per call
(every job submission is one, for its commit).
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import Callable
from queue import SimpleQueue
from typing import Any, TypeVar

T = TypeVar("T")

_Call = tuple[asyncio.AbstractEventLoop, "asyncio.Future[Any]", Callable[..., Any], tuple[Any, ...]]


class StoreThread:
    def __init__(self, name: str = "store") -> None:
        self._name = name
        self._calls: SimpleQueue[_Call | None] = SimpleQueue()
        self._thread: threading.Thread | None = None
        self._stop: weakref.finalize | None = None
        self._closed = False

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(*args)`` on the thread; its result or exception, once it has run."""
        if self._closed:
            raise RuntimeError("cannot run a store call after the store thread was closed")
        if self._thread is None:
            self._thread = threading.Thread(
                target=_serve, args=(self._calls,), name=self._name, daemon=True
            )
            self._thread.start()
            # Like an executor's worker, the thread ends when its owner is dropped unclosed.
            self._stop = weakref.finalize(self, self._calls.put, None)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._calls.put((loop, future, fn, args))
        return await future

    def close(self) -> None:
        """Finish the calls already queued, then end the thread."""
        self._closed = True
        if self._stop is not None and self._thread is not None:
            self._stop()
            self._thread.join()


def _serve(calls: SimpleQueue[_Call | None]) -> None:
    while True:
        call = calls.get()
        if call is None:
            return
        _run(*call)
        del call  # nothing of a finished call stays alive while the thread waits


def _run(loop: asyncio.AbstractEventLoop, future: asyncio.Future[Any], fn: Callable[..., Any],
         args: tuple[Any, ...]) -> None:
    if future.cancelled():
        return  # its caller gave up before it started, as an executor would skip it
    result: Any = None
    error: BaseException | None = None
    try:
        result = fn(*args)
    except BaseException as exc:  # handed to the caller, as an executor would
        error = exc
    try:
        loop.call_soon_threadsafe(_settle, future, result, error)
    except RuntimeError:
        pass  # the loop is closed: nobody waits for this call any more


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.done():
        return
    if error is None:
        future.set_result(result)
    else:
        future.set_exception(error)
