"""A sliding-window rate limit per client address, kept in the worker's memory and never stored.

Per worker process: with W workers a client can get up to W times the limit through, which is enough to
stop a runaway script without a shared store.
"""

import time
from collections import deque


class RateLimit:
    def __init__(self, limit, window_s, clock=time.monotonic):
        self.limit, self.window_s, self.clock = limit, window_s, clock
        self.hits = {}  # address -> deque of monotonic times within the window

    def retry_after(self, address):
        """0 and counts the hit when `address` may go on; else the seconds until it may."""
        now = self.clock()
        hits = self.hits.setdefault(address, deque())
        while hits and hits[0] <= now - self.window_s:
            hits.popleft()
        if len(hits) >= self.limit:
            return max(1, round(hits[0] + self.window_s - now))
        hits.append(now)
        if len(self.hits) > 10_000:  # forget clients whose window has passed, so memory stays bounded
            self.hits = {a: h for a, h in self.hits.items() if h and h[-1] > now - self.window_s}
        return 0
