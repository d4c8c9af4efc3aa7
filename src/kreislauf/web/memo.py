"""An app-owned memo for expensive reads: computed once per key, served from memory.

Keys carry what the value depends on (the atlas version and the request's options), so a
new atlas gives new keys. Concurrent requests for the same key wait for the one computing it
(single flight) instead of computing it again; the memo keeps the ``size`` most recently
used values. It lives on the app (``Context.memo``), never in a module global.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

__all__ = ["Memo"]


class Memo:
    """A bounded, thread-safe, single-flight memo.

    Parameters
    ----------
    size : int
        Values kept (least recently used dropped first).
    """

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._flights: dict[Hashable, threading.Lock] = {}
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The value of ``key``, computing it with ``compute()`` the first time."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                self.hits += 1
                return self._values[key]
            flight = self._flights.setdefault(key, threading.Lock())
        with flight:  # one computation per key; the others wait for it
            with self._lock:
                if key in self._values:
                    self.hits += 1
                    return self._values[key]
            value = compute()  # an exception propagates and nothing is stored
            with self._lock:
                self.misses += 1
                self._values[key] = value
                while len(self._values) > self.size:
                    self._values.popitem(last=False)
                self._flights.pop(key, None)
            return value
