"""A long-lived backend (language server, MCP server) keeps each flow's run order while the
flow folder is unchanged: repeat pages skip the listing of every run, give the same answers
as a fresh backend, and see a new run as soon as its folder appears."""

from __future__ import annotations

import os
import time
from pathlib import Path

from mfstudio.query import api
from runs_fixture import QueryRuns
from test_query_runs import FLOW, backend_at, clone_ids, make_clones


def _settle(flow_dir: Path) -> None:
    """Date the flow folder's last change a minute back, as for a flow not run lately."""
    past = time.time() - 60
    os.utime(flow_dir, (past, past))


def _pages(backend: api.QueryBackend, **filters: object) -> list[str]:
    seen, cursor = [], None
    while True:
        page = api.list_runs(FLOW, limit=9, cursor=cursor, backend=backend, **filters)  # type: ignore[arg-type]
        seen += [r.run_id for r in page.runs]
        cursor = page.next_cursor
        if cursor is None:
            return seen


def test_kept_order_pages_like_a_fresh_one_and_sees_new_runs(
    query_runs: QueryRuns, tmp_path: Path
) -> None:
    ids = [*clone_ids(40), "7", "manual-x"]
    root = make_clones(query_runs, tmp_path / "root", ids)
    flow_dir = root / ".metaflow" / FLOW
    _settle(flow_dir)
    live = backend_at(root)

    first = api.list_runs(FLOW, limit=5, backend=live)
    repeat = api.list_runs(FLOW, limit=5, backend=live)
    assert [r.run_id for r in repeat.runs] == [r.run_id for r in first.runs]
    # Neither the flow folder (the kept run order) nor the runs, which ended well (the
    # finished-run cache), are listed again.
    assert first.cost.dirs_listed > 0 and repeat.cost.dirs_listed == 0

    ordered = sorted(clone_ids(40), key=int, reverse=True)
    window = sorted(clone_ids(40), key=int)
    since, until = int(window[5]) / 1e6, int(window[14]) / 1e6
    for filters in ({}, {"since": since, "until": until}):
        assert _pages(live, **filters) == _pages(backend_at(root), **filters)
    assert _pages(live) == [*ordered, "7", "manual-x"]

    newest = str(int(ordered[0]) + 1)
    make_clones(query_runs, tmp_path / "extra", [newest])
    (tmp_path / "extra" / ".metaflow" / FLOW / newest).rename(flow_dir / newest)
    assert api.list_runs(FLOW, limit=1, backend=live).runs[0].run_id == newest
