"""Reading a UI API request: path segments and query parameters, validated before any read.

A route's pathspec arrives as URL path segments (``/api/run/TrainingFlow/1764``), each
percent-encoded by the page. Each segment is decoded on its own, so ``%2F`` can never add a
level, and must be a plain name: not empty, not ``.`` or ``..``, without ``/``, ``\\``, NUL
or other control characters. The query layer checks names again (``Pathspec.parse``); this
is the first wall, and it answers with the route's own words (which segment, what to send).

Parameters are strings (``Params``: name -> every value given, as ``urllib.parse.parse_qs``
returns them); each route lists the ones it takes, and anything else is refused, so a typo
(``stauts=``) is an error, not a silently unfiltered page.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from urllib.parse import parse_qs, unquote, urlsplit

from mfstudio.query.errors import BadQueryError

__all__ = [
    "MAX_PARAM_CHARS",
    "MAX_SEGMENT_CHARS",
    "Params",
    "check_params",
    "decode_segments",
    "float_param",
    "int_param",
    "many_params",
    "one_param",
    "split_target",
    "valid_name",
]

Params = Mapping[str, Sequence[str]]

MAX_SEGMENT_CHARS = 255  # a file name's limit on the file systems Metaflow writes to
MAX_PARAM_CHARS = 2000  # a compare list of 8 run pathspecs fits easily


def split_target(target: str) -> tuple[str, dict[str, list[str]]]:
    """``/api/runs?flow=F&tag=a`` -> (``/api/runs``, ``{"flow": ["F"], "tag": ["a"]}``): for
    hosts that forward a whole request target (the VS Code webview's ``path``). The path
    stays percent-encoded; :func:`decode_segments` decodes it segment by segment."""
    parts = urlsplit(target)
    return parts.path, parse_qs(parts.query, keep_blank_values=True)


def valid_name(text: str, what: str) -> str:
    """``text`` when it is a plain name, else a :class:`BadQueryError` saying why."""
    if not text:
        raise BadQueryError(f"{what} is empty; give a name (e.g. /api/run/TrainingFlow/1764).")
    if len(text) > MAX_SEGMENT_CHARS:
        raise BadQueryError(f"{what} is {len(text)} characters; names have at most 255.")
    if text in (".", ".."):
        raise BadQueryError(f"{what} is {text!r}; '.' and '..' are not names.")
    bad = next((c for c in text if c in "/\\" or ord(c) < 32 or ord(c) == 127), None)
    if bad is not None:
        raise BadQueryError(
            f"{what} is {text!r}, which contains {bad!r}; names have no '/', '\\' or control "
            "characters (encode each pathspec part as its own path segment)."
        )
    return text


def decode_segments(path: str, prefix: str) -> list[str]:
    """The segments of ``path`` after ``prefix`` (``/api/``), each percent-decoded and
    checked with :func:`valid_name`. ``path`` must still be percent-encoded."""
    rest = path[len(prefix) :]
    segments: list[str] = []
    for index, raw in enumerate(rest.split("/")):
        what = f"path segment {index + 1} of {path!r}"
        try:
            text = unquote(raw, errors="strict")
        except UnicodeDecodeError:
            raise BadQueryError(f"{what} is not UTF-8 once percent-decoded.") from None
        segments.append(valid_name(text, what))
    return segments


def check_params(params: Params, allowed: Sequence[str], route: str) -> None:
    """Refuse parameters the route does not take, naming the closest it does."""
    for name, values in params.items():
        if name not in allowed:
            close = difflib.get_close_matches(name, allowed, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            known = ", ".join(allowed) or "none"
            raise BadQueryError(
                f"{route} takes no parameter {name!r}.{hint} Its parameters: {known}."
            )
        for value in values:
            if len(value) > MAX_PARAM_CHARS:
                raise BadQueryError(
                    f"{name} is {len(value)} characters long; the limit is {MAX_PARAM_CHARS}."
                )


def many_params(params: Params, name: str) -> list[str]:
    return list(params.get(name, ()))


def one_param(params: Params, name: str) -> str | None:
    values = params.get(name, ())
    if len(values) > 1:
        raise BadQueryError(f"{name} is given {len(values)} times; give it once.")
    return values[0] if values else None


def int_param(params: Params, name: str) -> int | None:
    text = one_param(params, name)
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        raise BadQueryError(f"{name} must be a whole number, got {text!r}.") from None


def float_param(params: Params, name: str) -> float | None:
    """A number (epoch seconds for ``since``/``until``)."""
    text = one_param(params, name)
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise BadQueryError(f"{name} must be a number (epoch seconds), got {text!r}.")
    return value
