"""Per-sender pacing: at most `SMS_SEND_RATE` sends per second from one worker process.

Carriers and Twilio limit each sender's throughput (a long code about 1 message/second, a toll-free
or short code more); sending faster only fills Twilio's queue and makes check-ins late. The limit
is per worker process: with N workers on one sender, set the rate to the sender's limit / N.
"""

from __future__ import annotations

import threading
import time


class Pacer:
    """A token bucket of one: sends are spaced at least 1/rate seconds apart (0 = no pacing)."""

    def __init__(self, rate: float, stop: threading.Event | None = None) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self._next = 0.0
        self._lock = threading.Lock()
        self._stop = stop or threading.Event()

    def __call__(self) -> float:
        """Wait for this send's turn; returns the seconds waited (a stop cuts the wait short)."""
        if not self.interval:
            return 0.0
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self.interval
        wait = start - now
        if wait > 0:
            self._stop.wait(wait)
        return wait
