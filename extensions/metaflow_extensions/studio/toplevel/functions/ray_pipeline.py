"""Chunks of records through a pool of Ray actors, results back in input order.

Each actor has at most ``per_actor`` chunks in flight (two: while one chunk's results travel
back, the next is already running, so no actor idles between chunks) and a finished chunk
frees its actor's slot for the next one. Results are yielded in input order; a slow chunk
holds back at most ``window`` finished ones, so a JSON Lines file of any size streams in
bounded memory. After a reply that is not a full success nothing more is submitted, and
the caller raises when that chunk's turn comes: the first failing record in input order.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import Any

from .ray_actor import Reply
from .records import Chunk

__all__ = ["ordered_replies"]


def ordered_replies(
    ray: Any, actors: list[Any], chunks: Iterator[Chunk], per_actor: int = 2
) -> Iterator[tuple[Chunk, Reply]]:
    """``(chunk, reply)`` for each chunk, in input order (see the module's docstring)."""
    free: deque[int] = deque(i for _ in range(per_actor) for i in range(len(actors)))
    window = 4 * per_actor * len(actors)
    pending: dict[Any, tuple[Chunk, int]] = {}  # object ref -> (chunk, actor index)
    finished: dict[int, tuple[Chunk, Reply]] = {}
    next_out = 0
    submitting = True
    while True:
        while submitting and free and len(finished) + len(pending) < window:
            chunk = next(chunks, None)
            if chunk is None:
                submitting = False
                break
            actor = free.popleft()
            pending[actors[actor].run.remote(chunk.records)] = (chunk, actor)
        if next_out in finished:
            while next_out in finished:
                yield finished.pop(next_out)
                next_out += 1
            continue  # the window has room again
        if not pending:
            return
        done, _ = ray.wait(list(pending), num_returns=1)
        for ref in done:
            chunk, actor = pending.pop(ref)
            reply = _get(ray, ref)
            finished[chunk.number] = (chunk, reply)
            free.append(actor)
            if "results" not in reply:
                submitting = False


def _get(ray: Any, ref: Any) -> Reply:
    """The actor's reply; the actor process itself dying (killed, out of memory) becomes a
    ``died`` reply like the worker's (Ray restarts the actor for the next chunks)."""
    try:
        reply: Reply = ray.get(ref)
    except ray.exceptions.RayError as exc:
        return {"died": f"its Ray actor failed: {type(exc).__name__}: {exc}"}
    return reply
