"""``mfstudio`` query commands on real runs: tables for people, ``--json`` equal to the
query function's ``to_json()``, exit codes, and clear errors on bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_harness import Outcome, run_cli, task_ids, task_of
from datastore_snapshot import snapshot
from mfstudio.query import api
from runs_fixture import QueryRuns

Capsys = pytest.CaptureFixture[str]


def _backend(runs: QueryRuns) -> api.QueryBackend:
    return api.open_backend(runs.root)


def _cli(capsys: Capsys, runs: QueryRuns, *argv: str) -> Outcome:
    return run_cli(capsys, *argv, "--root", str(runs.root))


def _assert_bad_input(result: Outcome, *phrases: str) -> None:
    """Exit 2, the message on stderr, nothing on stdout."""
    assert result.code == 2, result
    assert result.out == ""
    for phrase in phrases:
        assert phrase in result.err, result.err


# flows and runs


def test_flows(capsys: Capsys, query_runs: QueryRuns) -> None:
    table = _cli(capsys, query_runs, "flows")
    assert (table.code, table.out) == (0, "QueryFlow\n")
    as_json = _cli(capsys, query_runs, "flows", "--json").json()
    assert as_json["flows"] == ["QueryFlow"]
    assert str(query_runs.metaflow_dir) in as_json["where"]


def test_runs_table_shows_both_runs_newest_first(capsys: Capsys, query_runs: QueryRuns) -> None:
    result = _cli(capsys, query_runs, "runs", "QueryFlow")
    assert result.code == 0 and result.err == ""
    header, *rows = result.out.splitlines()
    assert header.split() == ["STATUS", "RUN", "STARTED", "DURATION", "USER", "TAGS", "PARAMETERS"]
    by_run = {r.split()[2]: r for r in rows}
    assert set(by_run) == {query_runs.ok_run, query_runs.failed_run}
    assert "✓ succeeded" in by_run[query_runs.ok_run]
    assert "nightly" in by_run[query_runs.ok_run] and "alpha=" in by_run[query_runs.ok_run]
    assert "✗ failed" in by_run[query_runs.failed_run]
    assert "broken" in by_run[query_runs.failed_run]
    assert "tester" in by_run[query_runs.ok_run]
    ids = [int(r.split()[2].split("/")[1]) for r in rows]
    assert ids == sorted(ids, reverse=True)


def test_runs_json_is_the_query_result(capsys: Capsys, query_runs: QueryRuns) -> None:
    result = _cli(capsys, query_runs, "runs", "QueryFlow", "--json", "--limit", "5")
    expected = api.list_runs("QueryFlow", limit=5, backend=_backend(query_runs)).to_json()
    assert result.code == 0
    assert result.json() == expected
    assert {"runs", "next_cursor", "scanned", "cost", "problems"} <= set(result.json())


def test_runs_filters(capsys: Capsys, query_runs: QueryRuns) -> None:
    def runs_of(*options: str) -> list[str]:
        result = _cli(capsys, query_runs, "runs", "QueryFlow", "--json", *options)
        assert result.code == 0, result
        return [r["pathspec"] for r in result.json()["runs"]]

    assert runs_of("--status", "failed") == [query_runs.failed_run]
    assert runs_of("--tag", "nightly") == [query_runs.ok_run]
    assert runs_of("--tag", "nightly", "--tag", "broken") == []
    assert set(runs_of("--since", "7d", "--user", "tester")) == {
        query_runs.ok_run,
        query_runs.failed_run,
    }
    assert runs_of("--until", "2001-01-01") == []


def test_runs_pages_with_the_printed_cursor(capsys: Capsys, query_runs: QueryRuns) -> None:
    first = _cli(capsys, query_runs, "runs", "QueryFlow", "--limit", "1")
    assert "--cursor" in first.out
    cursor = first.out.split("--cursor ")[1].split()[0]
    second = _cli(capsys, query_runs, "runs", "QueryFlow", "--limit", "1", "--cursor", cursor)
    assert second.code == 0
    first_run = first.out.splitlines()[1].split()[2]
    second_run = second.out.splitlines()[1].split()[2]
    assert {first_run, second_run} == {query_runs.ok_run, query_runs.failed_run}


def test_no_matching_runs_says_so(capsys: Capsys, query_runs: QueryRuns) -> None:
    result = _cli(capsys, query_runs, "runs", "QueryFlow", "--tag", "no-such-tag")
    assert result.code == 0
    assert result.out.startswith("No runs of QueryFlow match")


@pytest.mark.parametrize(
    ("option", "value", "phrase"),
    [
        ("--since", "yesterday", "argument --since: 'yesterday' is not a time"),
        ("--until", "2026-13-45", "argument --until: '2026-13-45' is not a time"),
        ("--status", "crashed", "argument --status: invalid choice"),
        ("--limit", "0", "limit must be a positive whole number"),
        ("--limit", "100000", "above the cap"),
    ],
)
def test_runs_bad_options(
    capsys: Capsys, query_runs: QueryRuns, option: str, value: str, phrase: str
) -> None:
    _assert_bad_input(_cli(capsys, query_runs, "runs", "QueryFlow", option, value), phrase)


def test_unknown_flow_names_the_nearest(capsys: Capsys, query_runs: QueryRuns) -> None:
    result = _cli(capsys, query_runs, "runs", "QueryFlw")
    _assert_bad_input(result, "mfstudio runs: No flow 'QueryFlw'", "Nearest existing: QueryFlow")


# summary and failures


def test_summary_table(capsys: Capsys, query_runs: QueryRuns) -> None:
    result = _cli(capsys, query_runs, "summary", query_runs.failed_run)
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].startswith(f"{query_runs.failed_run}  ✗ failed  started ")
    assert "tags broken" in lines[1] and "fail=" in lines[1]
    steps = {line.split()[0]: line for line in lines[3:]}
    assert lines[3].split() == ["STEP", "TASKS", "DURATION", "FIRST", "FAILURE"]
    assert {"start", "work"} <= set(steps)
    assert "1 failed" in steps["work"] and "5 succeeded" in steps["work"]
    assert "RuntimeError: item 4 cannot be processed" in steps["work"]


def test_summary_json_is_the_query_result(capsys: Capsys, query_runs: QueryRuns) -> None:
    result = _cli(capsys, query_runs, "summary", query_runs.ok_run, "--json")
    assert result.code == 0
    assert (
        result.json() == api.run_summary(query_runs.ok_run, backend=_backend(query_runs)).to_json()
    )


def test_unknown_run_names_the_nearest(capsys: Capsys, query_runs: QueryRuns) -> None:
    wrong = query_runs.ok_run[:-1]  # one digit short
    result = _cli(capsys, query_runs, "summary", wrong)
    _assert_bad_input(result, f"No run '{wrong}'", query_runs.ok_run)


def test_tasks_failed_first(capsys: Capsys, query_runs: QueryRuns) -> None:
    step = f"{query_runs.failed_run}/work"
    result = _cli(capsys, query_runs, "tasks", step)
    assert result.code == 0
    header, *rows, _, total = result.out.splitlines()
    assert header.split() == ["STATUS", "TASK", "ATTEMPT", "FINISHED"]
    assert rows[0].split()[:2] == ["✗", "failed"]
    assert sorted(r.split()[2] for r in rows) == sorted(
        f"{step}/{t}" for t in task_ids(query_runs.root, query_runs.failed_run, "work")
    )
    assert total == f"6 tasks of {step}."
    as_json = _cli(capsys, query_runs, "tasks", step, "--json", "--limit", "2")
    assert as_json.json() == api.tasks(step, limit=2, backend=_backend(query_runs)).to_json()
    assert as_json.json()["truncated"] is True
    assert "4 more not shown" in _cli(capsys, query_runs, "tasks", step, "--limit", "2").out


def test_failures_of_a_failed_run_exit_1(capsys: Capsys, query_runs: QueryRuns) -> None:
    result = _cli(capsys, query_runs, "failures", query_runs.failed_run, "--stderr-lines", "100")
    assert result.code == 1
    first = result.out.splitlines()[0]
    assert first.startswith(f"✗ {query_runs.failed_run}/work/")
    assert "(attempt 1)" in first and "RuntimeError: item 4 cannot be processed" in first
    assert "Traceback" in result.out and "raise RuntimeError" in result.out
    assert "stderr, last" in result.out and "work item 4 on stderr" in result.out
    assert f"1 failed task in {query_runs.failed_run}" in result.out


def test_failures_of_a_good_run_exit_0(capsys: Capsys, query_runs: QueryRuns) -> None:
    # work[2] failed once and succeeded on retry: its latest attempt is not a failure
    result = _cli(capsys, query_runs, "failures", query_runs.ok_run)
    assert result.code == 0
    assert result.out.startswith(f"No failed tasks in {query_runs.ok_run}")


def test_failures_json_is_the_query_result(capsys: Capsys, query_runs: QueryRuns) -> None:
    result = _cli(capsys, query_runs, "failures", query_runs.failed_run, "--json", "--limit", "3")
    expected = api.failures(query_runs.failed_run, limit=3, backend=_backend(query_runs))
    assert result.code == 1
    assert result.json() == expected.to_json()
    assert result.json()["failures"][0]["message"] == "item 4 cannot be processed"


def test_failures_of_a_task_pathspec_is_bad_input(capsys: Capsys, query_runs: QueryRuns) -> None:
    task = task_of(query_runs.root, query_runs.failed_run, "work")
    _assert_bad_input(_cli(capsys, query_runs, "failures", task), "is not a run pathspec")


# logs


def test_logs_prints_only_the_log_lines(capsys: Capsys, query_runs: QueryRuns) -> None:
    task = task_of(query_runs.root, query_runs.ok_run, "start")
    result = _cli(capsys, query_runs, "logs", task)
    assert (result.code, result.out, result.err) == (0, "starting with 6 items\n", "")


def test_logs_streams_and_ranges_agree_with_the_query(
    capsys: Capsys, query_runs: QueryRuns
) -> None:
    backend = _backend(query_runs)
    for task_id in task_ids(query_runs.root, query_runs.ok_run, "work"):
        task = f"{query_runs.ok_run}/work/{task_id}"
        out = _cli(capsys, query_runs, "logs", task, "--stderr", "--head", "1")
        expected = api.logs(task, "stderr", head=1, backend=backend)
        assert out.out == "".join(line.text + "\n" for line in expected.lines)
        assert out.out.endswith("on stderr\n")
        as_json = _cli(capsys, query_runs, "logs", task, "--grep", r"item \d", "--json")
        assert as_json.json() == api.logs(task, grep=r"item \d", backend=backend).to_json()


def test_logs_of_a_retried_task_say_which_attempt(capsys: Capsys, query_runs: QueryRuns) -> None:
    retried = [
        f"{query_runs.ok_run}/work/{t}"
        for t in task_ids(query_runs.root, query_runs.ok_run, "work")
        if (query_runs.metaflow_dir / query_runs.ok_run / "work" / t / "1.runtime").exists()
    ]
    assert len(retried) == 1
    latest = _cli(capsys, query_runs, "logs", retried[0], "--stderr")
    assert "showing attempt 1, the latest" in latest.err
    first = _cli(capsys, query_runs, "logs", retried[0], "--stderr", "--attempt", "0")
    assert "ValueError: transient failure on item 2" in first.out
    assert first.err == ""


@pytest.mark.parametrize(
    ("options", "phrase"),
    [
        (["--tail", "3", "--head", "3"], "not allowed with argument"),
        (["--max-bytes", "lots"], "argument --max-bytes: 'lots' is not a size"),
        (["--grep", "(unclosed"], "mfstudio logs: "),
        (["--tail", "-1"], "tail must be a positive whole number"),
    ],
)
def test_logs_bad_options(
    capsys: Capsys, query_runs: QueryRuns, options: list[str], phrase: str
) -> None:
    task = task_of(query_runs.root, query_runs.ok_run, "start")
    _assert_bad_input(_cli(capsys, query_runs, "logs", task, *options), phrase)


def test_logs_of_an_unknown_task_names_the_nearest(capsys: Capsys, query_runs: QueryRuns) -> None:
    ids = task_ids(query_runs.root, query_runs.ok_run, "work")
    wrong = f"{query_runs.ok_run}/work/{int(ids[-1]) + 1000}"
    result = _cli(capsys, query_runs, "logs", wrong)
    _assert_bad_input(result, f"No task '{wrong}'", "Nearest existing:", f"work/{ids[-1]}")


# artifacts and show


def test_artifacts_table(capsys: Capsys, query_runs: QueryRuns) -> None:
    task = task_of(query_runs.root, query_runs.ok_run, "start")
    result = _cli(capsys, query_runs, "artifacts", task)
    assert result.code == 0
    header, *rows = result.out.splitlines()
    assert header.split() == ["NAME", "TYPE", "SIZE", "TASK", "ATTEMPT", "SHA"]
    by_name = {r.split()[0]: r.split() for r in rows if r and not r[0].isdigit()}
    assert {"items", "config", "note", "blob", "frame", "matrix"} <= set(by_name)
    assert by_name["frame"][1].startswith("pandas.") and by_name["frame"][1].endswith("DataFrame")
    assert by_name["matrix"][1] == "numpy.ndarray"
    assert by_name["frame"][4] == task
    assert not any(name.startswith("_") for name in by_name)
    assert rows[-1].startswith(f"{len(by_name)} artifacts in {task} (1 task examined)")


def test_artifacts_json_is_the_query_result(capsys: Capsys, query_runs: QueryRuns) -> None:
    result = _cli(capsys, query_runs, "artifacts", query_runs.ok_run, "--json", "--private")
    expected = api.artifacts(query_runs.ok_run, include_private=True, backend=_backend(query_runs))
    assert result.code == 0
    assert result.json() == expected.to_json()


def test_artifacts_size_and_name_filters(capsys: Capsys, query_runs: QueryRuns) -> None:
    def names(*options: str) -> set[str]:
        result = _cli(capsys, query_runs, "artifacts", query_runs.ok_run, "--json", *options)
        assert result.code == 0, result
        return {a["name"] for a in result.json()["artifacts"]}

    big = names("--min-size", "100KB")
    assert "blob" in big  # 200,000 zero bytes (compressed on disk; the size is Metaflow's)
    assert all(a["size"] >= 100_000 for a in _artifact_rows(capsys, query_runs, "100KB"))
    assert names("--name", "fr*") == {"frame"}
    assert names("--type", "DataFrame") == {"frame"}
    assert "blob" not in names("--max-size", "1KB")


def _artifact_rows(capsys: Capsys, runs: QueryRuns, min_size: str) -> list[dict[str, int]]:
    result = _cli(capsys, runs, "artifacts", runs.ok_run, "--json", "--min-size", min_size)
    rows: list[dict[str, int]] = result.json()["artifacts"]
    return rows


def test_artifacts_bad_size(capsys: Capsys, query_runs: QueryRuns) -> None:
    result = _cli(capsys, query_runs, "artifacts", "QueryFlow", "--min-size", "12parsecs")
    _assert_bad_input(result, "argument --min-size: '12parsecs' is not a size", "100MB")
    result = _cli(capsys, query_runs, "artifacts", "QueryFlow", "--min-size", "2MB",
                  "--max-size", "1MB")  # fmt: skip
    _assert_bad_input(result, "min_size is larger than max_size")


def test_show_a_dataframe(capsys: Capsys, query_runs: QueryRuns) -> None:
    task = task_of(query_runs.root, query_runs.ok_run, "start")
    result = _cli(capsys, query_runs, "show", f"{task}/frame")
    assert result.code == 0
    first, second, *_ = result.out.splitlines()
    assert first.startswith(f"{task}/frame  pandas.")
    assert "dataframe" in first and "shape 50 x 2" in first
    assert second.startswith("columns: item")
    as_json = _cli(capsys, query_runs, "show", f"{task}/matrix", "--json")
    expected = api.artifact_value(task, "matrix", backend=_backend(query_runs)).to_json()
    assert as_json.json() == expected
    assert as_json.json()["shape"] == [3, 4]


def test_show_html_text_is_plain_text(capsys: Capsys, query_runs: QueryRuns) -> None:
    task = task_of(query_runs.root, query_runs.ok_run, "start")
    result = _cli(capsys, query_runs, "show", f"{task}/note")
    assert "<script>alert('x')</script>" in result.out


def test_show_bad_pathspecs(capsys: Capsys, query_runs: QueryRuns) -> None:
    task = task_of(query_runs.root, query_runs.ok_run, "start")
    _assert_bad_input(
        _cli(capsys, query_runs, "show", task), "is not an artifact pathspec", "Flow/run_id/step"
    )
    result = _cli(capsys, query_runs, "show", f"{task}/fram")
    _assert_bad_input(result, "fram", "frame")
    result = _cli(capsys, query_runs, "show", f"{task}/blob", "--max-bytes", "10")
    _assert_bad_input(result, "mfstudio show: ")


# cards


def test_cards_list_and_json(capsys: Capsys, query_runs: QueryRuns) -> None:
    task = task_of(query_runs.root, query_runs.ok_run, "end")
    result = _cli(capsys, query_runs, "cards", task)
    assert result.code == 0
    assert result.out.splitlines()[0].split() == ["TYPE", "ID", "SIZE", "HASH"]
    assert result.out.splitlines()[1].startswith("default ")
    assert "--output DIR" in result.out
    assert len(result.out) < 2000  # never the HTML itself
    as_json = _cli(capsys, query_runs, "cards", task, "--json").json()
    expected = api.cards(task, include_html=False, backend=_backend(query_runs)).to_json()
    assert as_json == expected
    assert [c["html"] for c in as_json["cards"]] == [None]


def test_cards_output_writes_html_files(
    capsys: Capsys, query_runs: QueryRuns, tmp_path: Path
) -> None:
    task = task_of(query_runs.root, query_runs.ok_run, "end")
    out_dir = tmp_path / "cards" / "new"
    result = _cli(capsys, query_runs, "cards", task, "--output", str(out_dir))
    assert result.code == 0
    paths = [Path(p) for p in result.out.splitlines()]
    assert len(paths) == 1 and paths[0].parent == out_dir and paths[0].suffix == ".html"
    expected = api.cards(task, backend=_backend(query_runs)).cards[0]
    assert paths[0].read_text(encoding="utf-8") == expected.html
    assert paths[0].name.startswith(f"{task.rsplit('/', 1)[1]}-default-")


def test_cards_of_a_task_without_cards(capsys: Capsys, query_runs: QueryRuns) -> None:
    task = task_of(query_runs.root, query_runs.ok_run, "start")
    result = _cli(capsys, query_runs, "cards", task)
    assert (result.code, result.out) == (0, f"No cards for {task}.\n")


def test_cards_never_write_into_the_datastore(capsys: Capsys, query_runs: QueryRuns) -> None:
    task = task_of(query_runs.root, query_runs.ok_run, "end")
    inside = query_runs.metaflow_dir / "exported"
    result = _cli(capsys, query_runs, "cards", task, "--output", str(inside))
    _assert_bad_input(result, "is inside the datastore", "Pick a folder outside it")
    assert not inside.exists()
    result = _cli(capsys, query_runs, "cards", task, "--output", "x", "--json")
    _assert_bad_input(result, "--output and --json do not go together")


# every command: the datastore root, and reading never writes


def _commands(runs: QueryRuns) -> list[list[str]]:
    start = task_of(runs.root, runs.ok_run, "start")
    end = task_of(runs.root, runs.ok_run, "end")
    return [
        ["flows"],
        ["runs", "QueryFlow"],
        ["summary", runs.failed_run],
        ["tasks", f"{runs.ok_run}/work"],
        ["failures", runs.failed_run],
        ["logs", start],
        ["artifacts", runs.ok_run],
        ["show", f"{start}/config"],
        ["cards", end],
    ]


def test_every_command_without_a_datastore_exits_2(
    capsys: Capsys, query_runs: QueryRuns, tmp_path: Path
) -> None:
    for argv in _commands(query_runs):
        result = run_cli(capsys, *argv, "--root", str(tmp_path))
        _assert_bad_input(
            result,
            f"mfstudio {argv[0]}: No Metaflow datastore (a .metaflow folder) in {tmp_path}",
            "--root DIR",
        )


def test_root_may_name_the_metaflow_folder_itself(capsys: Capsys, query_runs: QueryRuns) -> None:
    result = run_cli(capsys, "flows", "--root", str(query_runs.metaflow_dir))
    assert (result.code, result.out) == (0, "QueryFlow\n")


def test_root_defaults_to_the_current_folder(
    capsys: Capsys, query_runs: QueryRuns, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("METAFLOW_DATASTORE_SYSROOT_LOCAL", raising=False)
    monkeypatch.chdir(query_runs.root / ".metaflow" / "QueryFlow")  # found in a parent
    result = run_cli(capsys, "flows")
    assert (result.code, result.out) == (0, "QueryFlow\n")


def test_commands_write_nothing_into_the_datastore(
    capsys: Capsys, query_runs: QueryRuns, tmp_path: Path
) -> None:
    before = snapshot(query_runs.metaflow_dir)
    for argv in _commands(query_runs):
        for fmt in ([], ["--json"]):
            result = _cli(capsys, query_runs, *argv, *fmt)
            assert result.code in (0, 1), result
    end = task_of(query_runs.root, query_runs.ok_run, "end")
    assert _cli(capsys, query_runs, "cards", end, "--output", str(tmp_path)).code == 0
    assert snapshot(query_runs.metaflow_dir) == before
