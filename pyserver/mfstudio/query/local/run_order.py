"""The order of a flow's runs, newest first, and the cursor through it: from names only.

Local run ids are the start time in microseconds, so the newest run has the largest id.
Ids made of ASCII digits without a leading zero come first, by value, largest first; any
other id comes after them, by name. Pages are cut from one listing of the flow folder without
reading anything per run: digit strings of one length compare like their values, so the
top of a page is a C-speed ``heapq.nlargest`` over strings, and the rest is only sorted
when a filtered scan needs to go deeper than one page. ``since``/``until`` narrow the
16-digit ids (microsecond timestamps) by comparing strings too; other ids carry no time
and are left for the caller to check against the run's metadata.
"""

from __future__ import annotations

import base64
import binascii
import heapq
import json
import math
import threading
import time
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from itertools import filterfalse

from ..errors import BadQueryError

__all__ = ["RunOrder", "RunOrderCache", "decode_cursor", "encode_cursor", "id_time"]

TIME_ID_DIGITS = 16  # microseconds since 1970: 2001-09-09 up to 2286-11-20
_TIME_ID_MIN = 10 ** (TIME_ID_DIGITS - 1)
_TIME_ID_MAX = 10**TIME_ID_DIGITS - 1


def _is_number(run_id: str) -> bool:
    """ASCII digits without a leading zero: such ids order by (length, string)."""
    return run_id.isdigit() and run_id[0] != "0" and run_id.isascii()


def id_time(run_id: str) -> float | None:
    """The start time encoded in a local run id, or ``None`` when the id is not one."""
    if len(run_id) == TIME_ID_DIGITS and _is_number(run_id):
        return int(run_id) / 1_000_000
    return None


class RunOrder:
    """Run ids of one flow in page order (see the module docstring)."""

    __slots__ = ("_numbers", "_others", "_sorted")

    def __init__(self, names: Iterable[str], is_run: Callable[[str], bool] = bool) -> None:
        """``names`` are the flow folder's entries; ``is_run`` tells which of the names that
        are not numbers are runs (numbers always are). Comprehensions and C-level string
        methods only (no Python call per name): this runs over every run of the flow on
        every page."""
        names = list(names)
        numbers = list(filter(str.isdigit, names))
        others = list(filterfalse(str.isdigit, names))
        if numbers and (min(numbers)[0] == "0" or not all(map(str.isascii, numbers))):
            others += [n for n in numbers if not _is_number(n)]
            numbers = [n for n in numbers if _is_number(n)]
        self._others = [n for n in others if is_run(n)]
        self._sorted = False
        self._numbers: dict[int, list[str]] = {}
        lengths = set(map(len, numbers))
        if len(lengths) == 1:
            self._numbers[lengths.pop()] = numbers
        else:
            for run_id in numbers:
                self._numbers.setdefault(len(run_id), []).append(run_id)

    def sort(self) -> None:
        """Sort every group once, for an order that serves many pages (see
        :class:`RunOrderCache`): pages then start by bisection instead of a pass over all
        runs."""
        if not self._sorted:
            for group in self._numbers.values():
                group.sort()
            self._others.sort()
            self._sorted = True

    def __len__(self) -> int:
        return len(self._others) + sum(len(group) for group in self._numbers.values())

    def after(
        self,
        cursor: str | None,
        since: float | None = None,
        until: float | None = None,
        first: int = 1,
    ) -> Iterator[str]:
        """Ids strictly after ``cursor`` (all when ``None``), in page order, leaving out
        timestamp ids outside ``[since, until]``. ``first`` is how many the caller expects
        to take: that many cost one linear pass; taking more sorts the remainder once."""
        if self._sorted:
            yield from self._after_sorted(cursor, since, until)
            return
        cursor_len = len(cursor) if cursor is not None and _is_number(cursor) else None
        for length in sorted(self._numbers, reverse=True):
            if cursor is not None and (cursor_len is None or length > cursor_len):
                continue
            group = self._numbers[length]
            if cursor is not None and length == cursor_len:
                group = [run_id for run_id in group if run_id < cursor]
            if length == TIME_ID_DIGITS and (since is not None or until is not None):
                group = _within(group, since, until)
            yield from _descending(group, first)
        others = self._others
        if cursor is not None and cursor_len is None:
            others = [run_id for run_id in others if run_id > cursor]
        yield from sorted(others)

    def _after_sorted(
        self, cursor: str | None, since: float | None, until: float | None
    ) -> Iterator[str]:
        """:meth:`after` over sorted groups: bisection, then ids one by one."""
        cursor_len = len(cursor) if cursor is not None and _is_number(cursor) else None
        for length in sorted(self._numbers, reverse=True):
            if cursor is not None and (cursor_len is None or length > cursor_len):
                continue
            group = self._numbers[length]
            lo, hi = 0, len(group)
            if cursor is not None and length == cursor_len:
                hi = bisect_left(group, cursor)
            if length == TIME_ID_DIGITS and (since is not None or until is not None):
                bounds = _time_bounds(since, until)
                if bounds is None:
                    continue
                lo = max(lo, bisect_left(group, bounds[0]))
                hi = min(hi, bisect_right(group, bounds[1]))
            for index in range(hi - 1, lo - 1, -1):
                yield group[index]
        others = self._others
        start = bisect_right(others, cursor) if cursor is not None and cursor_len is None else 0
        yield from others[start:]


def _time_bounds(since: float | None, until: float | None) -> tuple[str, str] | None:
    """The 16-digit ids of ``since`` and ``until`` (``None``: an empty range)."""
    low = _TIME_ID_MIN if since is None else max(math.ceil(since * 1_000_000), _TIME_ID_MIN)
    high = _TIME_ID_MAX if until is None else min(math.floor(until * 1_000_000), _TIME_ID_MAX)
    return (str(low), str(high)) if low <= high else None


def _within(group: list[str], since: float | None, until: float | None) -> list[str]:
    """Timestamp ids whose time lies in ``[since, until]``, compared as strings."""
    bounds = _time_bounds(since, until)
    if bounds is None:
        return []
    low_s, high_s = bounds
    return [run_id for run_id in group if low_s <= run_id <= high_s]


class RunOrderCache:
    """Run orders kept by a long-lived backend (the language server, the MCP server),
    reused while the flow folder is unchanged: a page then costs one stat of that folder
    instead of a listing of every run, so it stays flat at 50,000 runs.

    "Unchanged" is the folder's mtime. A listing made within ``SETTLE_SECONDS`` of the last
    change is not trusted (coarse-mtime filesystems could hide a run added in the same
    tick), so such an order is rebuilt next time."""

    SETTLE_SECONDS = 2.0

    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._orders: OrderedDict[str, tuple[int, RunOrder]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, mtime_ns: int | None, build: Callable[[], RunOrder]) -> RunOrder:
        """The order for ``key`` at ``mtime_ns`` (``None``: unknown, always rebuilt)."""
        if mtime_ns is not None:
            with self._lock:
                hit = self._orders.get(key)
                if hit is not None and hit[0] == mtime_ns:
                    self._orders.move_to_end(key)
                    hit[1].sort()
                    return hit[1]
        order = build()
        settled = mtime_ns is not None and time.time_ns() - mtime_ns > self.SETTLE_SECONDS * 1e9
        with self._lock:
            if settled and mtime_ns is not None:
                self._orders[key] = (mtime_ns, order)
                self._orders.move_to_end(key)
                while len(self._orders) > self._size:
                    self._orders.popitem(last=False)
            else:
                self._orders.pop(key, None)
        return order


def _descending(group: list[str], first: int) -> Iterator[str]:
    top = heapq.nlargest(first, group)
    yield from top
    if len(top) < len(group):
        yield from sorted((run_id for run_id in group if run_id < top[-1]), reverse=True)


def encode_cursor(flow: str, run_id: str) -> str:
    """An opaque cursor: the flow and the last run examined, so the next page starts after
    it even if that run has been deleted meanwhile."""
    return base64.urlsafe_b64encode(json.dumps([flow, run_id]).encode()).decode()


def decode_cursor(flow: str, cursor: str) -> str:
    """The run id inside ``cursor``; :class:`BadQueryError` when it is not one of ours or
    belongs to another flow."""
    hint = "pass back next_cursor from the previous page unchanged, or omit it"
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
    except (UnicodeError, binascii.Error, ValueError):
        raise BadQueryError(f"cursor {cursor!r} is not a list_runs cursor; {hint}.") from None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(part, str) and part for part in value)
    ):
        raise BadQueryError(f"cursor {cursor!r} is not a list_runs cursor; {hint}.")
    if value[0] != flow:
        raise BadQueryError(f"cursor {cursor!r} pages through {value[0]}, not {flow}; {hint}.")
    return str(value[1])
