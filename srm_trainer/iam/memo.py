"""A small thread-safe memo with a bound, for answers worth keeping between requests.

The catalogue's expansions and suggestions and the linter's findings are asked for again and
again with the same inputs (a learner typing in the sandbox), but inputs are chosen by visitors:
every memo must be bounded, so inputs written to defeat it cannot grow the process. Least
recently used entries go first; `weigh` says how much of the bound an entry takes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["Memo"]

V = TypeVar("V")


class Memo(Generic[V]):
    def __init__(self, bound: int, weigh: Callable[[V], int] = lambda _: 1) -> None:
        self.bound = bound
        self.weigh = weigh
        self.weight = 0
        self._entries: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: Hashable, value: V) -> None:
        size = self.weigh(value)
        if size > self.bound:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.weight -= self.weigh(old)
            while self._entries and self.weight + size > self.bound:
                _, dropped = self._entries.popitem(last=False)
                self.weight -= self.weigh(dropped)
            self._entries[key] = value
            self.weight += size

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.weight = 0

    def __len__(self) -> int:
        return len(self._entries)
