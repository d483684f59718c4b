"""cards(): a task's card files and HTML, compared with metaflow.cards.get_cards on a real
run; ids in file names, size limits, the pre-2022 folder, and nothing written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from client_probe import client_json
from datastore_snapshot import snapshot
from mfstudio.query import api
from mfstudio.query.errors import NotFoundError
from mfstudio.query.local.backend import LocalBackend
from runs_fixture import QueryRuns

_CLIENT_CARDS = """
from metaflow.cards import get_cards
result = [
    {"type": card.type, "hash": card.hash, "id": card.id, "html": card.get()}
    for card in get_cards(TASK)
]
"""


@pytest.fixture(scope="module")
def backend(query_runs: QueryRuns) -> LocalBackend:
    return LocalBackend.open(query_runs.root)


@pytest.fixture(scope="module")
def end_task(query_runs: QueryRuns) -> str:
    (task_id,) = [
        p.name
        for p in (query_runs.metaflow_dir / query_runs.ok_run / "end").iterdir()
        if p.name.isdigit()
    ]
    return f"{query_runs.ok_run}/end/{task_id}"


def _cards_dir(metaflow_dir: Path, task: str) -> Path:
    flow, run_id, step, task_id = task.split("/")
    return (
        metaflow_dir
        / "mf.cards"
        / flow
        / "runs"
        / run_id
        / "steps"
        / step
        / "tasks"
        / task_id
        / "cards"
    )


def test_cards_equal_get_cards(query_runs: QueryRuns, backend: LocalBackend, end_task: str) -> None:
    expected = client_json(query_runs.root, f"TASK = {end_task!r}\n" + _CLIENT_CARDS)
    found = api.cards(end_task, backend=backend)
    assert len(expected) == 1 and not found.problems
    assert [
        {"type": c.type, "hash": c.hash, "id": c.id, "html": c.html} for c in found.cards
    ] == expected
    card = found.cards[0]
    assert card.type == "default" and card.html is not None and card.html.lstrip().startswith("<")
    assert card.size == len(card.html.encode())
    assert found.cost.files_read == 1 and found.cost.bytes_read >= card.size


def test_without_html_or_over_the_limit(backend: LocalBackend, end_task: str) -> None:
    listed = api.cards(end_task, include_html=False, backend=backend)
    assert [c.html for c in listed.cards] == [None] and listed.cost.bytes_read == 0
    small = api.cards(end_task, max_bytes=1000, backend=backend)
    assert small.cards[0].html is None and small.cards[0].size > 1000
    (problem,) = small.problems
    assert "above max_bytes=1,000" in problem.message and small.cost.bytes_read == 0


def test_a_task_without_cards_has_an_empty_list(
    query_runs: QueryRuns, backend: LocalBackend
) -> None:
    found = api.cards(f"{query_runs.ok_run}/start/1", backend=backend)
    assert found.cards == [] and found.problems == []


def test_unknown_task_names_the_nearest(
    query_runs: QueryRuns, backend: LocalBackend, end_task: str
) -> None:
    with pytest.raises(NotFoundError, match=r"No task .*/end/999'.*Nearest existing: .*/end/"):
        api.cards(end_task.rsplit("/", 1)[0] + "/999", backend=backend)


def test_card_ids_odd_files_and_the_legacy_folder(
    query_runs: QueryRuns, end_task: str, tmp_path: Path
) -> None:
    shutil.copytree(query_runs.metaflow_dir, tmp_path / ".metaflow")
    folder = _cards_dir(tmp_path / ".metaflow", end_task)
    (folder / "blank-summary-0123abcd.html").write_text("<p>summary</p>")
    (folder / "not-a-card-name-at-all.html").write_text("x")
    (folder / "notes.txt").write_text("ignored")
    backend = LocalBackend.open(tmp_path)
    found = api.cards(end_task, backend=backend)
    by_type = {c.type: c for c in found.cards}
    assert set(by_type) == {"default", "blank"}
    assert (by_type["blank"].id, by_type["blank"].hash, by_type["blank"].html) == (
        "summary",
        "0123abcd",
        "<p>summary</p>",
    )
    assert by_type["default"].id is None
    assert [p.message.split(" is ")[0] for p in found.problems] == [
        "card file 'not-a-card-name-at-all.html'"
    ]

    # Cards written before mid-2022 have no steps/<step> in their path; Metaflow still reads them.
    flow, run_id, _, task_id = end_task.split("/")
    legacy = (
        tmp_path / ".metaflow" / "mf.cards" / flow / "runs" / run_id / "tasks" / task_id / "cards"
    )
    legacy.parent.mkdir(parents=True)
    shutil.move(folder, legacy)
    assert {c.type for c in api.cards(end_task, backend=backend).cards} == {"default", "blank"}


def test_cards_write_nothing(query_runs: QueryRuns, backend: LocalBackend, end_task: str) -> None:
    before = snapshot(query_runs.metaflow_dir)
    api.cards(end_task, backend=backend)
    api.cards(f"{query_runs.failed_run}/start/1", backend=backend)
    assert snapshot(query_runs.metaflow_dir) == before


def test_a_resumed_task_shows_its_origins_cards(
    query_runs: QueryRuns, end_task: str, tmp_path: Path
) -> None:
    """``resume`` clones tasks without re-running them, recording origin-run-id and
    origin-task-id; like get_cards, cards() follows them. The clone is made by hand here
    (the fixture flow's only card is on ``end``, which resume always re-runs), with the
    metadata files of the real end task, values changed."""
    shutil.copytree(query_runs.metaflow_dir, tmp_path / ".metaflow")
    _, origin_run, step, origin_task = end_task.split("/")
    real_meta = tmp_path / ".metaflow" / end_task / "_meta"
    clone = tmp_path / ".metaflow" / query_runs.failed_run / step / "42"
    (clone / "_meta").mkdir(parents=True)
    (clone / "0.DONE.lock").write_text("")
    for field, value in (("origin-run-id", origin_run), ("origin-task-id", origin_task)):
        (template,) = real_meta.glob("sysmeta_origin-run-id_*.json")
        document = json.loads(template.read_text())
        document.update(field_name=field, type=field, value=value)
        (clone / "_meta" / f"sysmeta_{field}_1.json").write_text(json.dumps(document))
    found = api.cards(f"{query_runs.failed_run}/end/42", backend=LocalBackend.open(tmp_path))
    assert found.pathspec == f"{query_runs.failed_run}/end/42"
    assert [(c.pathspec, c.type) for c in found.cards] == [(end_task, "default")]
    assert found.cards[0].html is not None
