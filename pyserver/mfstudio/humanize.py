"""Human quantities in both directions: times, durations and sizes.

Parsing serves the ``mfstudio`` options and the MCP tools (``--since 24h``, ``--min-size
100MB``), so a person and an agent type the same words; formatting serves the tables
("3 min ago", "1m 12s", "2.1 MB"). Sizes use decimal units (1 KB = 1000 bytes, as disks
and Metaflow's UI count them); the binary units KiB, MiB, GiB are accepted too.
Parse errors are :class:`ValueError` with a message that says what was given and what
would be understood.
"""

from __future__ import annotations

import math
import re
import time
from datetime import datetime

__all__ = [
    "format_ago",
    "format_duration",
    "format_size",
    "format_time",
    "parse_size",
    "parse_time",
]

_DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$", re.IGNORECASE)

_SIZE_UNITS = {
    "": 1,
    "b": 1,
    "kb": 10**3,
    "mb": 10**6,
    "gb": 10**9,
    "tb": 10**12,
    "kib": 2**10,
    "mib": 2**20,
    "gib": 2**30,
    "tib": 2**40,
}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$", re.IGNORECASE)


def parse_time(text: str, now: float | None = None) -> float:
    """Epoch seconds for "how long ago" (``90s``, ``15m``, ``24h``, ``7d``, ``2w``) or an
    ISO date or time (``2026-11-26``, ``2026-11-26T14:30``, ``...+02:00``, ``...Z``).
    An ISO time without a zone is local time, as people mean it when they type it."""
    match = _DURATION.match(text)
    if match:
        seconds = float(match.group(1)) * _DURATION_UNITS[match.group(2).lower()]
        return (time.time() if now is None else now) - seconds
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"{text!r} is not a time; give how long ago (90s, 15m, 24h, 7d, 2w) or an ISO "
            "date or time (2026-11-26, 2026-11-26T14:30, 2026-11-26T14:30Z)."
        ) from None
    return moment.timestamp()  # naive: local time


def parse_size(text: str) -> int:
    """Bytes for ``100``, ``10KB``, ``100MB``, ``1.5GB`` (decimal) or ``64KiB`` (binary)."""
    match = _SIZE.match(text)
    unit = match.group(2).lower() if match else None
    if match is None or unit not in _SIZE_UNITS:
        raise ValueError(
            f"{text!r} is not a size; give bytes or a number with a unit: 100, 10KB, 100MB, "
            "1.5GB (decimal: 1 KB = 1000 bytes) or 64KiB, 2GiB (binary)."
        )
    return int(float(match.group(1)) * _SIZE_UNITS[unit])


def format_size(size: int | None) -> str:
    """``512 B``, ``2.1 kB``, ``340 MB``, ``1.5 GB`` (decimal, three significant digits)."""
    if size is None:
        return "-"
    if size < 1000:
        return f"{size} B"
    value = float(size)
    for unit in ("kB", "MB", "GB"):
        value /= 1000
        if value < 999.5:
            return f"{value:.1f} {unit}" if value < 9.95 else f"{value:.0f} {unit}"
    return f"{value / 1000:.1f} TB"


def format_duration(seconds: float | None) -> str:
    """``850ms``, ``42s``, ``1m 12s``, ``2h 03m``, ``3d 4h``; ``-`` when unknown."""
    if seconds is None or math.isnan(seconds):
        return "-"
    if seconds < 1:
        return f"{max(seconds, 0) * 1000:.0f}ms"
    whole = round(seconds)
    if whole < 60:
        return f"{whole}s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes}m {secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h {minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}d {hours}h"


def format_time(epoch: float | None) -> str:
    """Local wall-clock time, to the minute: ``2026-11-26 14:03``."""
    if epoch is None:
        return "-"
    return datetime.fromtimestamp(epoch).strftime("%Y-%m-%d %H:%M")


def format_ago(epoch: float | None, now: float | None = None) -> str:
    """``just now``, ``42s ago``, ``3 min ago``, ``5 h ago``, ``3 d ago``; older than a week
    (or in the future: clocks disagree) as a local date and time."""
    if epoch is None:
        return "-"
    elapsed = (time.time() if now is None else now) - epoch
    if elapsed < -60 or elapsed >= 7 * 86_400:
        return format_time(epoch)
    if elapsed < 5:
        return "just now"
    if elapsed < 60:
        return f"{int(elapsed)}s ago"
    if elapsed < 3600:
        return f"{int(elapsed // 60)} min ago"
    if elapsed < 86_400:
        return f"{int(elapsed // 3600)} h ago"
    return f"{int(elapsed // 86_400)} d ago"
