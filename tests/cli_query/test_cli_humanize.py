"""The words people type for times and sizes, and the words tables print."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from mfstudio.humanize import (
    format_ago,
    format_duration,
    format_size,
    parse_size,
    parse_time,
)

NOW = 1_800_000_000.0


@pytest.mark.parametrize(
    ("text", "seconds_ago"),
    [
        ("90s", 90),
        ("15m", 900),
        ("24h", 86_400),
        ("7d", 604_800),
        ("2w", 1_209_600),
        ("1.5h", 5400),
        (" 3D ", 259_200),
    ],
)
def test_parse_time_relative(text: str, seconds_ago: int) -> None:
    assert parse_time(text, now=NOW) == NOW - seconds_ago


def test_parse_time_iso() -> None:
    utc = datetime(2026, 11, 26, 14, 30, tzinfo=timezone.utc).timestamp()
    assert parse_time("2026-11-26T14:30Z") == utc
    assert parse_time("2026-11-26T16:30+02:00") == utc
    assert parse_time("2026-11-26") == datetime(2026, 11, 26).timestamp()  # local midnight


@pytest.mark.parametrize("text", ["yesterday", "24", "h24", "-5m", "2026-13-01", ""])
def test_parse_time_garbage_says_what_works(text: str) -> None:
    with pytest.raises(ValueError, match="is not a time; give how long ago") as err:
        parse_time(text)
    assert "2026-11-26" in str(err.value)


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("100", 100),
        ("100B", 100),
        ("10KB", 10_000),
        ("10kb", 10_000),
        ("100MB", 100_000_000),
        ("1.5GB", 1_500_000_000),
        ("2 TB", 2 * 10**12),
        ("64KiB", 65_536),
        ("1GiB", 2**30),
    ],
)
def test_parse_size(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["12parsecs", "MB", "-1MB", "1e6", "1,000", ""])
def test_parse_size_garbage_says_what_works(text: str) -> None:
    with pytest.raises(ValueError, match=r"is not a size; .* 1 KB = 1000 bytes"):
        parse_size(text)


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0 B"),
        (999, "999 B"),
        (1000, "1.0 kB"),
        (2_100_000, "2.1 MB"),
        (340_000_000, "340 MB"),
        (999_999, "1.0 MB"),
        (1_500_000_000, "1.5 GB"),
        (None, "-"),
    ],
)
def test_format_size(size: int | None, text: str) -> None:
    assert format_size(size) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.25, "250ms"),
        (42, "42s"),
        (72, "1m 12s"),
        (3600, "1h 00m"),
        (7380, "2h 03m"),
        (93_600, "1d 2h"),
        (None, "-"),
    ],
)
def test_format_duration(seconds: float | None, text: str) -> None:
    assert format_duration(seconds) == text


@pytest.mark.parametrize(
    ("ago", "text"),
    [
        (2, "just now"),
        (42, "42s ago"),
        (180, "3 min ago"),
        (5 * 3600, "5 h ago"),
        (3 * 86_400, "3 d ago"),
    ],
)
def test_format_ago(ago: float, text: str) -> None:
    assert format_ago(NOW - ago, now=NOW) == text


def test_format_ago_old_or_future_is_a_date() -> None:
    assert format_ago(NOW - 30 * 86_400, now=NOW)[:2] == "20"
    assert format_ago(NOW + 3600, now=NOW)[:2] == "20"
