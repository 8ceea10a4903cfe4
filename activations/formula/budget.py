"""A CPU-time bound for the SymPy work on one formula that leaves ``sys.settrace`` alone, so
debuggers and coverage keep working while a formula is parsed."""

from __future__ import annotations

import ctypes
import sys
import threading
import time
from types import TracebackType


class Timeout(BaseException):
    """Raised in the guarded thread when its budget is spent; a BaseException so that library
    code's ``except Exception`` cannot swallow it. ``cpu``: was it the CPU budget (True) or the
    wall-clock cap on a busy machine (False)?"""

    def __init__(self, cpu: bool = True) -> None:
        super().__init__(cpu)
        self.cpu = cpu


# PyThreadState_SetAsyncExc(thread id, exception class). Never called with NULL to cancel: in
# CPython 3.11 that leaves the eval loop's breaker set, and every later bytecode takes the slow
# path (a traced thread then crawls); a scheduled exception is delivered instead (see _finish).
_raise_in = ctypes.pythonapi.PyThreadState_SetAsyncExc
_raise_in.argtypes = (ctypes.c_ulong, ctypes.py_object)
_POLL = 0.02  # seconds between two looks at the guarded thread's CPU clock


class time_budget:  # lower case: used like a function, ``with time_budget(2.0): ...``
    """Raise :class:`Timeout` in this thread once it has used ``seconds`` of CPU time (a busy
    machine does not count against it), or 3x that in wall time.

    A watchdog thread polls this thread's CPU clock and, when the budget is spent, schedules
    the exception with ``PyThreadState_SetAsyncExc``: it arrives at the next bytecode, which for
    pure-Python SymPy work is at once. On the way out the watchdog is joined (so it can fire no
    more) and a Python call made, which takes delivery of an exception still pending: none ever
    escapes into the caller's later code. Should it land inside a Python trace function (a
    debugger's), CPython drops that tracer; it is put back.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.target = threading.get_ident()
        self.done = False  # plain attributes shared with the watchdog: atomic under the GIL
        self.fired: bool | None = None  # None, or the Timeout's ``cpu``

    def __enter__(self) -> None:
        self.tracer = sys.gettrace()
        clock = time.pthread_getcpuclockid(self.target)
        self.cpu_end = time.clock_gettime(clock) + self.seconds
        self.wall_end = time.monotonic() + 3 * self.seconds
        self.watchdog = threading.Thread(
            target=self._watch, args=(clock,), name="formula-budget", daemon=True
        )
        try:
            self.watchdog.start()
        except Timeout:  # spent before the work even began (a tiny budget on a busy machine)
            self._finish()
            raise Timeout(bool(self.fired)) from None

    def _watch(self, clock: int) -> None:
        while not self.done:
            time.sleep(min(_POLL, self.seconds))
            cpu_spent = time.clock_gettime(clock) > self.cpu_end
            if not self.done and (cpu_spent or time.monotonic() > self.wall_end):
                self.fired = cpu_spent
                _raise_in(self.target, Timeout)
                return

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> bool:
        timed_out = self._finish() or isinstance(error, Timeout)
        if timed_out or self.fired is not None:
            raise Timeout(bool(self.fired)) from None
        return False

    def _finish(self) -> bool:
        """Stop the watchdog and take delivery of its exception; True if one arrived here."""
        self.done = True
        arrived = False
        while True:
            try:
                self.watchdog.join()
                _checkpoint()
                break
            except Timeout:  # delivered here, after the work: still the budget's verdict
                arrived = True
        if sys.gettrace() is not self.tracer:
            sys.settrace(self.tracer)
        return arrived


def _checkpoint() -> None:
    """A Python call: entering it checks for a pending asynchronous exception."""
